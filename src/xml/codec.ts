/**
 * The interpreter that turns declarations into a parser and a formatter.
 * Both walk the same declaration, so they cannot drift apart.
 */
import { elementPath, type PathRef } from './path.js';
import {
  compile,
  discriminatorXml,
  EXTRA,
  LATEST_LIBVIRT,
  resolveDecl,
  xmlNameOf,
  type Compiled,
  type Decl,
  type ElementDecl,
  type Extra,
  type Field,
  type FormatContext,
  type UnionDecl,
} from './decl.js';
import { VirtXmlError, type VirtXmlErrorCode } from './errors.js';
import { readXml, type ReadOptions, type XmlDocument } from './reader.js';
import type { XmlSource } from './source.js';
import { getAttribute, type XmlElement, type XmlNode } from './tree.js';
import { INVALID, str, type ValueType } from './values.js';
import { attribute, escapeLibvirt, indentOf, writeElement, writeNode } from './writer.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** Where each parsed def object came from, for diagnostics after parsing. */
interface Origin {
  el: XmlElement;
  path: PathRef;
  source: XmlSource;
}

/**
 * Origins of defs parsed with `keepOrigins` (diagnostics after parsing). A
 * WeakMap entry per element costs about as much as the rest of the mapping,
 * so by default origins live only in the parse's own lists, for the
 * parse-time checks, and are dropped with them.
 */
const kept = new WeakMap<object, Origin>();
/** Parses in progress (a check hook may call originOf on descendants). */
const activeParses: ParseState[] = [];

/**
 * The origin of `def` in a parse in progress. Objects are listed in the
 * order their elements start, so a check looking at its own element or a
 * descendant finds it within the subtree just read (searching from the end).
 */
function activeOrigin(st: ParseState, def: object): Origin | undefined {
  const i = st.objs.lastIndexOf(def);
  return i < 0 ? undefined : { el: st.els[i]!, path: refOf(st, i), source: st.source };
}

/** The element (and its path) a parsed def object was read from, if known. */
export function originOf(def: object): { el: XmlElement; path: string; source: XmlSource } | undefined {
  let o: Origin | undefined;
  for (let i = activeParses.length - 1; i >= 0 && !o; i--) o = activeOrigin(activeParses[i]!, def);
  o ??= kept.get(def);
  return o && { el: o.el, path: elementPath(o.path), source: o.source };
}

interface ParseState {
  source: XmlSource;
  /**
   * Every def object read so far, in element start order, its element and
   * the index of its parent's entry (-1: the root). Paths are made from these
   * only when asked for (an object per element that lives as long as the
   * parse was a measurable share of the GC's work on large documents).
   */
  objs: object[];
  els: XmlElement[];
  parents: number[];
  base: string;
  /** Told of each name or value the declarations do not know (kept in the def): validation reports them. */
  onUnknown: ((e: VirtXmlError) => void) | undefined;
}

/** The path of entry `i`. */
function refOf(st: ParseState, i: number): PathRef {
  const p = st.parents[i]!;
  return p < 0 ? { parent: undefined, el: st.els[i]!, base: st.base } : { parent: refOf(st, p), el: st.els[i]! };
}

/** The path of `el`: entry `at`'s element, or a child element of it (a value element has no entry of its own). */
function refAt(st: ParseState, el: XmlElement, at: number): PathRef {
  const ref = refOf(st, at);
  return st.els[at] === el ? ref : { parent: ref, el };
}

function error(
  st: ParseState,
  code: VirtXmlErrorCode,
  message: string,
  el: XmlElement,
  at: number,
  attributeName?: string,
): VirtXmlError {
  const path = elementPath(refAt(st, el, at));
  const place = attributeName !== undefined ? st.source.attributePlace(el, attributeName) : st.source.elementPlace(el);
  return new VirtXmlError(code, message, {
    line: place.line,
    column: place.column,
    path: attributeName !== undefined ? `${path}/@${attributeName}` : path,
  });
}

function readValue<T>(
  st: ParseState,
  type: ValueType<T>,
  raw: string,
  el: XmlElement,
  at: number,
  attrName: string | undefined,
): T {
  const v = type.parse(raw);
  if (type.known !== undefined && v !== INVALID && st.onUnknown !== undefined && !type.known(v)) {
    // a word a newer libvirt may know: kept; libvirt's own parser (this release's) refuses it
    const what = attrName !== undefined ? `attribute '${attrName}' in element '${el.name}'` : `element '${el.name}'`;
    st.onUnknown(error(st, 'invalid-value', `Invalid value for ${what}: '${raw}'.`, el, at, attrName));
  }
  if (v === INVALID) {
    const what = attrName !== undefined ? `attribute '${attrName}' in element '${el.name}'` : `element '${el.name}'`;
    throw error(
      st,
      'invalid-value',
      `Invalid value for ${what}: '${raw}'.${type.expected ? ' ' + type.expected : ''}`,
      el,
      at,
      attrName,
    );
  }
  return v;
}

function resolveCase(st: ParseState, decl: UnionDecl, el: XmlElement, at: number): ElementDecl {
  const xml = discriminatorXml(decl);
  const v = getAttribute(el, xml);
  if (v === undefined) {
    if (decl.defaultCase) return decl.cases[decl.defaultCase]!;
    throw error(st, 'missing-attribute', `Missing required attribute '${xml}' in element '${el.name}'`, el, at);
  }
  const c = Object.hasOwn(decl.cases, v) ? decl.cases[v] : undefined;
  if (!c) {
    // a case a newer libvirt may have: read with the fields all cases share, the rest kept
    if (st.onUnknown !== undefined) {
      const msg = decl.unknownMessage ? decl.unknownMessage.replace('%s', v) : `unknown ${el.name} ${xml} '${v}'`;
      st.onUnknown(error(st, 'unknown-variant', msg, el, at, xml));
    }
    return unknownCaseOf(decl);
  }
  return c;
}

/** Keeps an unknown node, anchored after the known field read last (and its item count, for lists). */
function keep(extra: Extra | undefined, node: XmlNode, after: string | undefined, index: number | undefined): Extra {
  const entry: { after?: string; index?: number; node: XmlNode } = { node };
  if (after !== undefined) entry.after = after;
  if (index !== undefined) entry.index = index;
  ((extra ??= {}).nodes ??= []).push(entry);
  return extra;
}

/**
 * A value or flag element with content its declaration does not know
 * (`<name zz='1'>vm</name>`, `<readonly><x/></readonly>`): the element is
 * kept whole as an extra node anchored at its own field with index 0 (an
 * index a non-list field never has otherwise); the formatter writes it with
 * the field's current value.
 */
function keepOwn(extra: Extra | undefined, key: string, node: XmlElement): Extra {
  ((extra ??= {}).nodes ??= []).push({ after: key, index: 0, node });
  return extra;
}

/**
 * A name's entry in a declaration's table: a scan of the names for small
 * declarations (comparing strings is cheaper than hashing the fresh name
 * strings the reader makes), the map otherwise.
 */
function findHit<H>(names: string[], hits: H[], map: Map<string, H>, name: string): H | undefined {
  if (names.length > 8) return map.get(name);
  for (let i = 0; i < names.length; i++) if (names[i] === name) return hits[i];
  return undefined;
}

/** Whether declarations may be compiled into generated code (off: the same work by plain loops). */
let codegen = true;

/**
 * Turns code generation for declarations on or off, for hosts whose
 * Content-Security-Policy forbids `new Function` (where it is detected and
 * off anyway) and for tests of the plain paths. Takes effect for
 * declarations not used yet.
 */
export function useCodegen(on: boolean): void {
  codegen = on;
}

type Builder = (obj: Obj, vals: unknown[], extra: Extra | undefined) => void;

/**
 * The function that moves a declaration's values into the def, in
 * declaration order. Compiled (as ajv compiles schemas) into one named store
 * per field, so each store site sees only the shapes of one declaration's
 * defs; a generic keyed store shared by all declarations was the parser's
 * hottest line. Where code cannot be generated (a Content-Security-Policy
 * without 'unsafe-eval'), a loop does the same. Kept in the compiled tables.
 */
function builderOf(c: Compiled): Builder {
  if (c.build) return c.build;
  const keys = c.keys;
  let b: Builder;
  try {
    if (!codegen) throw new Error('code generation off');
    let body = 'let x;\n';
    for (let i = 0; i < keys.length; i++) body += `if ((x = v[${i}]) !== undefined) o[${JSON.stringify(keys[i])}] = x;\n`;
    body += `if (e !== undefined) o[${JSON.stringify(EXTRA)}] = e;`;
    b = new Function('o', 'v', 'e', body) as Builder;
  } catch {
    b = (obj, vals, extra) => {
      for (let i = 0; i < keys.length; i++) if (vals[i] !== undefined) obj[keys[i]!] = vals[i];
      if (extra) obj[EXTRA] = extra;
    };
  }
  return (c.build = b);
}

/** What readElement returns for an element libvirt reads as absent (see ElementDecl.emptyText). */
const ABSENT: Obj = Object.freeze({});
/** What readElement returns for an element libvirt's parser reads past (see AttrField.missing): kept as unknown content. */
const IGNORED: Obj = Object.freeze({});

function readElement(st: ParseState, decl: Decl, el: XmlElement, parent: number): Obj {
  const obj: Obj = {};
  const at = st.objs.length;
  st.objs.push(obj);
  st.els.push(el);
  st.parents.push(parent);
  const r = resolveDecl(decl);
  const d = r.kind === 'union' ? resolveCase(st, r, el, at) : r;
  const c = compile(d);
  // values by field position; the def gets them in declaration order at the end, so
  // every def of a declaration has its keys in one order (fewer shapes, faster stores)
  const vals: unknown[] = new Array(c.size);
  let extra: Extra | undefined;

  const attrs = el.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    const hit = findHit(c.attrNames, c.attrHits, c.attrs, a.name);
    if (hit && (hit[1].readIf === undefined || hit[1].readIf((n) => getAttribute(el, n)))) vals[hit[2]] = readValue(st, hit[1].type, a.value, el, at, a.name);
    else ((extra ??= {}).attrs ??= []).push({ name: a.name, value: a.value });
  }

  let lastKey: string | undefined;
  let lastIndex: number | undefined;
  let text: string | undefined;

  const kids = el.children;
  for (let n = 0; n < kids.length; n++) {
    const node = kids[n]!;
    if (node.type === 'text') {
      if (c.text) {
        text = (text ?? '') + node.text;
        lastKey = c.text[0];
        lastIndex = undefined;
      } else if (!/^[ \t\r\n]*$/.test(node.text)) {
        // stray text between elements: its surrounding whitespace is indentation, rewritten on output
        const t = node.text.trim();
        extra = keep(extra, t === node.text || node.cdata ? node : { type: 'text', text: t }, lastKey, lastIndex);
      }
      continue;
    }
    if (node.type !== 'element') {
      extra = keep(extra, node, lastKey, lastIndex);
      continue;
    }
    const hit = findHit(c.childNames, c.childHits, c.children, node.name);
    if (!hit || (hit[1].readIf !== undefined && !hit[1].readIf((name) => getAttribute(el, name)))) {
      extra = keep(extra, node, lastKey, lastIndex);
      continue;
    }
    const [key, f, pos] = hit;
    if (f.kind === 'list') {
      const item = readElement(st, f.decl, node, at);
      if (item === IGNORED) {
        extra = keep(extra, node, lastKey, lastIndex);
        continue;
      }
      lastKey = key;
      if (item === ABSENT) continue;
      const arr = (vals[pos] ??= []) as Obj[];
      arr.push(item);
      lastIndex = arr.length;
      continue;
    }
    if (vals[pos] !== undefined) {
      // a second occurrence of a single child: kept, not lost (validation reports it), and
      // anchored right after the first, so that the first stays first when written in libvirt's order
      ((extra ??= {}).nodes ??= []).push({ after: key, node });
      continue;
    }
    switch (f.kind) {
      case 'child': {
        const v = readElement(st, f.decl, node, at);
        if (v === IGNORED) {
          extra = keep(extra, node, lastKey, lastIndex);
          continue;
        }
        if (v !== ABSENT) vals[pos] = v;
        break;
      }
      case 'value': {
        let t = '';
        let other = node.attributes.length > 0;
        for (const k of node.children) {
          if (k.type === 'text') t += k.text;
          else other = true;
        }
        // an empty value element (`<uuid></uuid>`) is absent to libvirt's XPath string reads
        if (t === '' && !other && !f.required && f.empty !== 'kept') break;
        vals[pos] = readValue(st, f.type, t, node, at, undefined);
        if (other) extra = keepOwn(extra, key, node);
        break;
      }
      case 'flag':
        vals[pos] = true;
        if (node.attributes.length || node.children.length) extra = keepOwn(extra, key, node);
        break;
      case 'raw':
        vals[pos] = node;
        break;
    }
    lastKey = key;
    lastIndex = undefined;
  }

  if (c.text && ((text !== undefined && text !== '') || d.emptyText === 'kept')) vals[c.textPos] = readValue(st, c.text[1].type, text ?? '', el, at, undefined);
  // required text empty: the element is absent to libvirt (its XPath string reads give NULL), unless it is the root
  if (c.text !== undefined && c.text[1].required && vals[c.textPos] === undefined && parent >= 0 && d.emptyText !== 'refused') return ABSENT;

  for (const [, f, pos] of c.defaults) if (vals[pos] === undefined) vals[pos] = f.default;
  for (const [pos, fill] of c.fills) if (vals[pos] === undefined) vals[pos] = fill();
  for (const [key, f, pos] of c.required) {
    if (vals[pos] !== undefined) continue;
    const xml = xmlNameOf(key, f);
    if (f.missing === 'ignore-element' && parent >= 0) return IGNORED;
    if (f.kind === 'attr') {
      throw error(st, 'missing-attribute', `Missing required attribute '${xml}' in element '${el.name}'`, el, at);
    }
    if (f.kind === 'text') throw error(st, 'missing-element', `Missing text content in element '${el.name}'`, el, at);
    throw error(st, 'missing-element', `Missing <${xml}> element in <${el.name}>`, el, at);
  }
  (c.build ?? builderOf(c))(obj, vals, extra);
  if (d.check) {
    const failure = d.check(obj);
    if (failure?.unread && parent >= 0) return IGNORED;
    if (failure) {
      if (failure.place) throw new VirtXmlError(failure.code, failure.message, failure.place);
      const i = failure.at ? st.objs.lastIndexOf(failure.at) : -1;
      throw i >= 0
        ? error(st, failure.code, failure.message, st.els[i]!, i, failure.attribute)
        : error(st, failure.code, failure.message, el, at, failure.attribute);
    }
  }
  return obj;
}

export interface ParseWithOptions {
  /** Path prefix of the root element (for snippets inside a larger document). */
  basePath?: string;
  /** Remember where every def object came from, for `originOf` after parsing (costs about as much as the parse). */
  keepOrigins?: boolean;
  /**
   * Told of each value the declarations do not know (an enum's word, a
   * union's case), with libvirt's message and its place. Parsing keeps such
   * values (forward compatible); validation reports them through this.
   */
  onUnknown?: (e: VirtXmlError) => void;
  /** The document the root came from: its comments and PIs around the root are kept in the def's `$extra`. */
  document?: { prolog?: XmlNode[]; epilogue?: XmlNode[] };
}

/** Reads an element into a def, following its declaration. */
export function parseWith<T>(decl: Decl, root: XmlElement, source: XmlSource, options: ParseWithOptions = {}): T {
  const st: ParseState = { source, objs: [], els: [], parents: [], base: options.basePath ?? '', onUnknown: options.onUnknown };
  activeParses.push(st);
  try {
    const value = readElement(st, decl, root, -1) as T;
    const doc = options.document;
    if (doc && (doc.prolog || doc.epilogue)) {
      const extra: Extra = ((value as Obj)[EXTRA] ??= {});
      if (doc.prolog) extra.prolog = doc.prolog;
      if (doc.epilogue) extra.epilogue = doc.epilogue;
    }
    if (options.keepOrigins) {
      // parents come before their children: one pass makes every path, sharing prefixes
      const refs: PathRef[] = [];
      for (let i = 0; i < st.objs.length; i++) {
        const p = st.parents[i]!;
        refs.push(p < 0 ? { parent: undefined, el: st.els[i]!, base: st.base } : { parent: refs[p]!, el: st.els[i]! });
        kept.set(st.objs[i]!, { el: st.els[i]!, path: refs[i]!, source });
      }
    }
    return value;
  } finally {
    activeParses.pop();
  }
}

// ---------------------------------------------------------------- format

const DEFAULT_CTX: FormatContext = { status: false, inactive: false, stripExtensions: false, libvirt: LATEST_LIBVIRT };

export function formatContext(partial: Partial<FormatContext> = {}): FormatContext {
  const ctx = { ...DEFAULT_CTX, ...partial };
  if (ctx.libvirt === undefined) ctx.libvirt = LATEST_LIBVIRT;
  return ctx;
}

function active(f: Field, ctx: FormatContext, obj: Obj): boolean {
  if (f.extension !== undefined && ctx.stripExtensions) return false;
  return f.when ? f.when(ctx, obj) : true;
}

function formatError(decl: Decl, key: string, message: string): VirtXmlError {
  return new VirtXmlError('invalid-value', `cannot format <${decl.name}> field '${key}': ${message}`);
}

function writeValue<T>(decl: Decl, key: string, type: ValueType<T>, v: T): string {
  if (!type.is(v)) throw formatError(decl, key, `${JSON.stringify(v)} is not a valid ${type.name}`);
  return type.format(v);
}

type HeadWriter = (vals: unknown[], obj: Obj, ctx: FormatContext) => string;

/**
 * The writer of a declaration's known attributes, in declaration order.
 * Compiled into straight-line code with each field's value type bound to its
 * own call sites (so that `is`/`format` calls can be inlined); a loop where
 * code cannot be generated.
 */
function headWriterOf(d: ElementDecl, c: Compiled): HeadWriter {
  if (c.head) return c.head;
  const fields = c.attrList.map(([, f]) => f);
  const keys = c.attrList.map(([k]) => k);
  const names = c.attrList.map(([k, f]) => f.xml ?? k);
  const bad = (j: number, v: unknown) => formatError(d, keys[j]!, `${JSON.stringify(v)} is not a valid ${fields[j]!.type.name}`);
  let w: HeadWriter;
  try {
    if (!codegen) throw new Error('code generation off');
    const params: string[] = [];
    const args: unknown[] = [];
    let body = 'let h = "", v, s;\n';
    for (let j = 0; j < fields.length; j++) {
      const f = fields[j]!;
      params.push(`T${j}`, `F${j}`);
      args.push(f.type, f);
      let cond = `(v = vals[${c.attrPos[j]}]) !== undefined`;
      if (f.extension !== undefined) cond += ' && !ctx.stripExtensions';
      if (f.when) cond += ` && F${j}.when(ctx, obj)`;
      if (f.omit) cond += ` && !F${j}.omit(v, obj)`;
      body +=
        `if (${cond}) {\n` +
        `  if (!T${j}.is(v)) throw bad(${j}, v);\n` +
        `  s = T${j}.format(v);\n` +
        `  h += ${JSON.stringify(' ' + names[j] + "='")} + (ESC.test(s) ? escape(s) : s) + "'";\n` +
        `}\n`;
    }
    body += 'return h;';
    const make = new Function(...params, 'bad', 'ESC', 'escape', `return function head(vals, obj, ctx) {\n${body}\n};`);
    w = make(...args, bad, ESCAPE_TEST, escapeLibvirt) as HeadWriter;
  } catch {
    w = (vals, obj, ctx) => {
      let h = '';
      for (let j = 0; j < fields.length; j++) {
        const v = vals[c.attrPos[j]!];
        const f = fields[j]!;
        if (v === undefined || !active(f, ctx, obj) || (f.omit && f.omit(v, obj))) continue;
        h += attribute(names[j]!, writeValue(d, keys[j]!, f.type, v));
      }
      return h;
    };
  }
  return (c.head = w);
}

/** The characters libvirt escapes (writer.ts's escapeLibvirt), tested before calling it. */
const ESCAPE_TEST = /[<>&'"\x00-\x08\x0b\x0c\x0e-\x1f]/;

/** The element declaration a def object is written with: the declaration, or its union's case by tag. */
export function declarationOf(decl: Decl, obj: Obj): ElementDecl | undefined {
  const d = resolveDecl(decl);
  if (d.kind === 'element') return d;
  const tag = obj[d.discriminator] ?? d.defaultCase;
  if (typeof tag !== 'string') return undefined;
  return Object.hasOwn(d.cases, tag) ? d.cases[tag] : unknownCaseOf(d);
}

const UNKNOWN_CASE = '__unknownCase';

/**
 * The declaration a union's element is read and written with when its
 * discriminator names no known case (`<iommu model='amd'>` before virtxml
 * knew it): the discriminator as any string, and the fields every case
 * shares (the same field in each: a device's `<address>`, `<alias>`, …);
 * everything else is kept as unknown content and written back in place.
 * Made once per union, kept on it.
 */
export function unknownCaseOf(decl: UnionDecl): ElementDecl {
  const known = (decl as { [UNKNOWN_CASE]?: ElementDecl })[UNKNOWN_CASE];
  if (known) return known;
  const cases = Object.values(decl.cases);
  const first = cases[0]!;
  const fields: Record<string, Field> = {};
  for (const [k, f] of Object.entries(first.fields)) {
    if (k === decl.discriminator) {
      const tagXml = f.kind === 'attr' ? (f.xml ?? k) : k;
      fields[k] = { kind: 'attr', xml: tagXml, type: str, required: true };
    } else if (cases.every((c) => c.fields[k] === f)) fields[k] = f;
  }
  const d: ElementDecl = { kind: 'element', name: first.name, fields, doc: `${decl.name} of a kind the declarations do not know` };
  if (cases.every((c) => c.selfClose === false)) d.selfClose = false;
  Object.defineProperty(decl, UNKNOWN_CASE, { value: d, enumerable: false });
  return d;
}

function caseOf(decl: Decl, obj: Obj): ElementDecl {
  const c = declarationOf(decl, obj);
  if (!c) {
    const d = resolveDecl(decl) as UnionDecl;
    throw formatError(d, d.discriminator, `unknown case ${JSON.stringify(obj[d.discriminator] ?? d.defaultCase)}`);
  }
  return c;
}

/**
 * Kept nodes by anchor: `after` field key, and for lists the number of
 * items read before them. Built once per element so writing stays linear.
 */
class ExtraIndex {
  /** Nodes after a single field (index undefined), by key ('' = before all). */
  private readonly plain = new Map<string, XmlNode[]>();
  /** Nodes after a list item, by key then 1-based item index. */
  private readonly items = new Map<string, Map<number, XmlNode[]>>();
  constructor(extra: Extra) {
    for (const e of extra.nodes ?? []) {
      const k = e.after ?? '';
      if (e.index === undefined) push(this.plain, k, e.node);
      else {
        let m = this.items.get(k);
        if (!m) this.items.set(k, (m = new Map()));
        push(m, e.index, e.node);
      }
    }
  }
  /** Nodes after a non-list field (or before all, key ''). */
  after(key: string, level: number): string {
    return writeAll(this.plain.get(key), level);
  }
  /** Nodes after the `index`-th item of a list (1-based). */
  afterItem(key: string, index: number, level: number): string {
    return writeAll(this.items.get(key)?.get(index), level);
  }
  /** Nodes anchored past the list's current end (items removed since parsing), so nothing is dropped. */
  afterList(key: string, length: number, level: number): string {
    let s = writeAll(this.plain.get(key), level);
    for (const [i, nodes] of this.items.get(key) ?? []) if (i > length) s += writeAll(nodes, level);
    return s;
  }
  has(key: string): boolean {
    return this.items.has(key);
  }
  /** The kept element of a value or flag field itself (see keepOwn). */
  own(key: string): XmlElement | undefined {
    const n = this.items.get(key)?.get(0)?.[0];
    return n && n.type === 'element' ? n : undefined;
  }
  /** Whether any node is kept (text elements then write their content inline). */
  get empty(): boolean {
    return this.plain.size === 0;
  }
  /** Nodes after a field, unwritten (for inline content). */
  nodesAfter(key: string): XmlNode[] {
    return this.plain.get(key) ?? [];
  }
}

/** A kept value/flag element written with the field's current text (texts replaced by `text`, or none for a flag). */
function ownElement(node: XmlElement, text: string | undefined, level: number): string {
  const children: XmlNode[] = [];
  let placed = text === undefined;
  for (const k of node.children) {
    if (k.type !== 'text') children.push(k);
    else if (!placed) {
      children.push({ type: 'text', text: text! });
      placed = true;
    }
  }
  if (!placed && text !== '') children.push({ type: 'text', text: text! });
  return writeElement({ ...node, children }, level);
}

function push<K>(m: Map<K, XmlNode[]>, k: K, node: XmlNode): void {
  const a = m.get(k);
  if (a) a.push(node);
  else m.set(k, [node]);
}

function writeAll(nodes: XmlNode[] | undefined, level: number): string {
  let s = '';
  if (nodes) for (const n of nodes) s += writeNode(n, level);
  return s;
}

/**
 * Writes a def as one element at `level` (no leading indent, no trailing
 * newline); returns '' when the element would be empty and `omitEmpty`.
 */
export function formatElement(decl: Decl, obj: Obj, ctx: FormatContext, level: number, omitEmpty = false): string {
  if (obj === null || typeof obj !== 'object') throw formatError(decl, '', `expected an object, got ${JSON.stringify(obj)}`);
  const d = caseOf(decl, obj);
  const given = obj;
  if (d.beforeFormat) obj = d.beforeFormat(obj, ctx);
  const c = compile(d);
  // the def's values by field position: one pass over the keys it has (a for-in load is
  // served by the enum cache) instead of a lookup per declared field, most of them absent
  const vals: unknown[] = new Array(c.size);
  let extra: Extra | undefined;
  for (const k in obj) {
    const i = c.keyIndex.get(k);
    if (i !== undefined) vals[i] = obj[k];
    else if (k === EXTRA) extra = obj[k] as Extra;
  }
  if (extra !== undefined && (extra.prolog !== undefined || extra.epilogue !== undefined)) {
    // a document's comments and PIs around its root: written before and after the element
    const { prolog, epilogue, ...rest } = extra;
    const el = formatElement(decl, { ...given, [EXTRA]: rest }, ctx, level, omitEmpty);
    return writeAll(prolog, level) + el + (epilogue?.length ? '\n' + writeAll(epilogue, level).slice(0, -1) : '');
  }

  let head = '<' + d.name + (c.head ?? headWriterOf(d, c))(vals, obj, ctx);
  const attrList = c.attrList;
  if (extra?.attrs) for (const a of extra.attrs) head += attribute(a.name, a.value);

  const extras = extra?.nodes?.length ? new ExtraIndex(extra) : undefined;
  if (c.text) {
    const [key, f] = c.text;
    const v = vals[c.textPos];
    if (v !== undefined) {
      const t = writeValue(d, key, f.type, v);
      if (!extras || extras.empty) return head + '>' + escapeLibvirt(t) + '</' + d.name + '>';
      // text next to kept nodes: written inline, in the order read, so the text is unchanged
      const attributes = [];
      for (let j = 0; j < attrList.length; j++) {
        const av = vals[c.attrPos[j]!];
        const [k, af] = attrList[j]!;
        if (av === undefined || !active(af, ctx, obj) || (af.omit && af.omit(av, obj))) continue;
        attributes.push({ name: af.xml ?? k, value: writeValue(d, k, af.type, av) });
      }
      if (extra?.attrs) attributes.push(...extra.attrs);
      const children: XmlNode[] = [...extras.nodesAfter(''), { type: 'text', text: t }, ...extras.nodesAfter(key)];
      return writeElement({ type: 'element', name: d.name, attributes, children, start: -1 }, level);
    }
  }

  const inner = level + 1;
  const ind = indentOf(inner);
  let body = extras ? extras.after('', inner) : '';
  const childList = c.childList;
  for (let j = 0; j < childList.length; j++) {
    const v = vals[c.childPos[j]!];
    if (v === undefined && !extras) continue;
    const [key, f] = childList[j]!;
    if (v !== undefined && active(f, ctx, obj)) {
      switch (f.kind) {
        case 'child': {
          const s = formatElement(f.decl, v as Obj, ctx, inner, f.omitEmpty);
          if (s) body += ind + s + '\n';
          break;
        }
        case 'list': {
          if (!Array.isArray(v)) throw formatError(d, key, 'expected an array');
          const anchored = extras?.has(key);
          // a long list's items are flattened as they are appended: the string of each is then
          // one block, not a tree of pieces that survives (and is copied by the GC) until the end
          const flatten = v.length > 64;
          for (let i = 0; i < v.length; i++) {
            const item = formatElement(f.decl, v[i], ctx, inner);
            if (flatten) item.charCodeAt(0);
            body += ind + item + '\n';
            if (anchored) body += extras!.afterItem(key, i + 1, inner);
          }
          break;
        }
        case 'value': {
          const own = extras?.own(key);
          const t = writeValue(d, key, f.type, v);
          body += ind + (own ? ownElement(own, t, inner) : '<' + f.xml + '>' + escapeLibvirt(t) + '</' + f.xml + '>') + '\n';
          break;
        }
        case 'flag': {
          const own = extras?.own(key);
          if (v) body += ind + (own ? ownElement(own, undefined, inner) : '<' + f.xml + '/>') + '\n';
          break;
        }
        case 'raw':
          body += ind + writeElement(v as XmlElement, inner, f.quote) + '\n';
          break;
      }
    }
    if (extras) body += f.kind === 'list' ? extras.afterList(key, Array.isArray(v) ? v.length : 0, inner) : extras.after(key, inner);
  }
  if (body === '') {
    if (omitEmpty && head === '<' + d.name) return '';
    const sc = d.selfClose;
    return sc === false || (typeof sc === 'function' && !sc(ctx)) ? head + '>\n' + indentOf(level) + '</' + d.name + '>' : head + '/>';
  }
  return head + '>\n' + body + indentOf(level) + '</' + d.name + '>';
}

/**
 * The one `xml-root` error: the document's root element is not one the caller
 * reads. `expected` names what would have been read (`<domain>`, or a list).
 */
export function rootError(doc: XmlDocument, expected: string): VirtXmlError {
  const p = doc.source.elementPlace(doc.root);
  return new VirtXmlError('xml-root', `unexpected root element <${doc.root.name}>: expected ${expected}`, { ...p, path: '/' + doc.root.name });
}

/**
 * Reads a document whose root must be the element `decl` declares, and
 * parses it with `decl`: an `xml-root` error (with its place) for another root.
 */
export function parseDocument<T>(decl: ElementDecl, xml: string, options: ReadOptions & { keepOrigins?: boolean; strict?: boolean } = {}): T {
  const doc = readXml(xml, options);
  if (doc.root.name !== decl.name) throw rootError(doc, `<${decl.name}>`);
  return parseWith<T>(decl, doc.root, doc.source, { keepOrigins: options.keepOrigins ?? false, document: doc, ...strictness(options.strict) });
}

const THROW = (e: VirtXmlError): never => {
  throw e;
};

/** Parse options for `strict`: the first word or case the declarations do not know is thrown (libvirt's parser refuses it). */
export function strictness(strict: boolean | undefined): { onUnknown?: (e: VirtXmlError) => void } {
  return strict ? { onUnknown: THROW } : {};
}
