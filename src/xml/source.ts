/**
 * Maps offsets in a source text to line and column, lazily: the table of line
 * starts is built the first time a place is asked for, so parsing valid input
 * pays nothing for it.
 */
import type { XmlElement } from './tree.js';

export interface Place {
  line: number;
  column: number;
}

export class XmlSource {
  readonly text: string;
  readonly file: string | undefined;
  private lineStarts: number[] | undefined;
  private attributeOffsets: WeakMap<XmlElement, Map<string, number>> | undefined;

  constructor(text: string, file?: string) {
    this.text = text;
    this.file = file;
  }

  /** Line and column (1-based, UTF-16 units) of an offset. */
  placeOf(offset: number): Place {
    if (offset < 0) return { line: 0, column: 0 };
    const starts = (this.lineStarts ??= computeLineStarts(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  }

  /** Place of an element's `<`. */
  elementPlace(el: XmlElement): Place {
    return this.placeOf(el.start);
  }

  /**
   * Place of the attribute `name` in the element's start tag, found by
   * re-scanning the tag in the source (the reader does not store per-attribute
   * positions). Falls back to the element's place.
   */
  attributePlace(el: XmlElement, name: string): Place {
    // a tag with many attributes is scanned once, not once per attribute asked about
    let offsets: Map<string, number> | undefined;
    if (el.attributes.length > 8) {
      offsets = (this.attributeOffsets ??= new WeakMap()).get(el);
      if (!offsets) this.attributeOffsets.set(el, (offsets = attributeOffsets(this.text, el.start)));
    }
    const off = offsets ? (offsets.get(name) ?? -1) : findAttributeOffset(this.text, el.start, name);
    return this.placeOf(off < 0 ? el.start : off);
  }
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) starts.push(i + 1);
  }
  return starts;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Offset of attribute `name` inside the start tag that begins at `tagStart`. */
export function findAttributeOffset(text: string, tagStart: number, name: string): number {
  return scanAttributes(text, tagStart, name, undefined);
}

/** The offset of every attribute in the start tag that begins at `tagStart`. */
function attributeOffsets(text: string, tagStart: number): Map<string, number> {
  const out = new Map<string, number>();
  scanAttributes(text, tagStart, undefined, out);
  return out;
}

function scanAttributes(text: string, tagStart: number, name: string | undefined, all: Map<string, number> | undefined): number {
  if (tagStart < 0 || text.charCodeAt(tagStart) !== 0x3c) return -1;
  let i = tagStart + 1;
  const n = text.length;
  // skip element name
  while (i < n && !isSpace(text.charCodeAt(i)) && text[i] !== '>' && text[i] !== '/') i++;
  for (;;) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n || text[i] === '>' || text[i] === '/') return -1;
    const nameStart = i;
    while (i < n && text[i] !== '=' && !isSpace(text.charCodeAt(i)) && text[i] !== '>') i++;
    const attrName = text.slice(nameStart, i);
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (text[i] !== '=') return -1;
    i++;
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    const q = text[i];
    if (q !== '"' && q !== "'") return -1;
    const close = text.indexOf(q, i + 1);
    if (close < 0) return -1;
    if (attrName === name) return nameStart;
    if (all && !all.has(attrName)) all.set(attrName, nameStart);
    i = close + 1;
  }
}
