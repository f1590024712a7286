/**
 * The positioned XML tree produced by the reader. It is deliberately small:
 * element names are kept as written (`qemu:commandline`), attributes keep
 * their document order, and each element remembers the offset of its `<` so
 * that line, column and attribute places can be computed when they are needed
 * (see {@link XmlSource}), at no cost on the success path.
 */

export interface XmlAttribute {
  name: string;
  value: string;
}

export interface XmlElement {
  type: 'element';
  /** Qualified name as written, e.g. `domain` or `qemu:commandline`. */
  name: string;
  /** Namespace URI, when the element is in one (prefixed or default namespace). */
  ns?: string;
  attributes: XmlAttribute[];
  children: XmlNode[];
  /** UTF-16 offset of the element's `<` in the source; -1 when built in code. */
  start: number;
}

export interface XmlText {
  type: 'text';
  text: string;
  /** True when the text came from a CDATA section. */
  cdata?: boolean;
}

export interface XmlComment {
  type: 'comment';
  text: string;
}

export interface XmlProcessingInstruction {
  type: 'pi';
  target: string;
  body: string;
}

export type XmlNode = XmlElement | XmlText | XmlComment | XmlProcessingInstruction;

/** Builds an element in code (no source position). */
export function xmlElement(
  name: string,
  attributes: Record<string, string> = {},
  children: XmlNode[] = [],
): XmlElement {
  return {
    type: 'element',
    name,
    attributes: Object.entries(attributes).map(([n, value]) => ({ name: n, value })),
    children,
    start: -1,
  };
}

export function getAttribute(el: XmlElement, name: string): string | undefined {
  for (const a of el.attributes) if (a.name === name) return a.value;
  return undefined;
}

export function childElements(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) if (c.type === 'element') out.push(c);
  return out;
}

/** Concatenated text content of an element (not of its descendants). */
export function ownText(el: XmlElement): string {
  let s = '';
  for (const c of el.children) if (c.type === 'text') s += c.text;
  return s;
}

/** Deep copy of a node (trees are plain data; this keeps defs independent). */
export function cloneNode<T extends XmlNode>(node: T): T {
  if (node.type !== 'element') return { ...node };
  const el = node as XmlElement;
  const copy: XmlElement = {
    type: 'element',
    name: el.name,
    attributes: el.attributes.map((a) => ({ ...a })),
    children: el.children.map(cloneNode),
    start: el.start,
  };
  if (el.ns !== undefined) copy.ns = el.ns;
  return copy as T;
}
