/**
 * Element declarations: the one description of an XML element from which the
 * parser, the formatter, the TypeScript type, the JSON Schema and the docs all
 * follow. Field order in a declaration is libvirt's canonical order (for
 * attributes and for child elements separately).
 *
 * ```ts
 * const driver = element('driver', {
 *   name: attr(oneOf('kvm', 'vfio', 'xen')),
 *   model: attr(str),
 *   groupMgmt: attr(oneOf('auto'), { xml: 'group', extension: 'virtxml' }),
 * });
 * type Driver = Infer<typeof driver>;
 * ```
 */
import type { SourcePlace } from './errors.js';
import type { XmlElement, XmlNode } from './tree.js';
import type { ValueType } from './values.js';

/** Flags that change what the formatter writes. */
export interface FormatContext {
  /** Status XML: include `<actual>`, `<origstates>` and other private state. */
  status: boolean;
  /** Inactive (config) XML, as `virsh dumpxml --inactive` prints it. */
  inactive: boolean;
  /** Leave out virtxml's own extensions (e.g. `group='auto'`), for upstream libvirt. */
  stripExtensions: boolean;
  /**
   * The libvirt release whose formatter's bytes to match (`'12.9'`, `'10.7'`):
   * where libvirt changed how it writes something, the older form is kept for
   * the older releases. Default: the newest release virtxml models.
   */
  libvirt: string;
}

/** The newest libvirt release whose formatter virtxml matches (the default of `FormatContext.libvirt`). */
export const LATEST_LIBVIRT = '12.9';

/** Whether release `v` ('10.7', '12.9.0') is `since` or later. */
export function libvirtAtLeast(v: string, since: string): boolean {
  const a = v.split('.').map(Number);
  const b = since.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDef = any;

interface FieldCommon {
  /** One line of documentation for the reference docs. */
  doc?: string;
  /** Name of the extension this field belongs to (not in upstream libvirt). */
  extension?: string;
  /** Whether the field is written in this context (default: always). */
  when?: (ctx: FormatContext, parent: AnyDef) => boolean;
  /**
   * What libvirt's parser does when this required field is missing: refuse
   * the document (default), or `'ignore-element'`: read past the element
   * holding it as if that were not there (`<log/>` without `file`, `<link/>`
   * without `state`, `<initiator>` without `<iqn>`: asked of libvirt 12.9).
   * virtxml then keeps that element as content it does not model (lossless,
   * written back), not an error.
   */
  missing?: 'ignore-element';
  /**
   * libvirt reads this attribute or child only when this holds of the
   * element's attributes (`<vcpu placement='auto'>` ignores `cpuset`,
   * `<memballoon model='none'>` its address, whatever they say); otherwise it
   * is kept, unread, as content virtxml does not model (written back).
   */
  readIf?: (attribute: (name: string) => string | undefined) => boolean;
}

export interface AttrField<T = unknown, R extends boolean = boolean> extends FieldCommon {
  kind: 'attr';
  /** XML attribute name; the field key when absent. */
  xml?: string;
  type: ValueType<T>;
  required: R;
  /** Filled in when the attribute is absent. */
  default?: T;
  /** Do not write this value (e.g. libvirt writes `managed` only when true). */
  omit?: (value: T, parent: AnyDef) => boolean;
}

export interface TextField<T = unknown, R extends boolean = boolean> extends FieldCommon {
  kind: 'text';
  type: ValueType<T>;
  required: R;
}

export interface ValueField<T = unknown, R extends boolean = boolean> extends FieldCommon {
  kind: 'value';
  xml: string;
  type: ValueType<T>;
  required: R;
  /**
   * An empty element (`<uuid></uuid>`) is absent to libvirt's XPath string
   * reads (it fills in a default); `'kept'` where libvirt gives the empty
   * element a meaning of its own (`<genid/>`: generate one). Required fields
   * keep it, for validation to report.
   */
  empty?: 'absent' | 'kept';
}

export interface FlagField extends FieldCommon {
  kind: 'flag';
  xml: string;
  required: false;
}

export interface RawField extends FieldCommon {
  kind: 'raw';
  xml: string;
  required: false;
  /** Quote character for attributes inside (libxml2 dumps foreign content with `"`). */
  quote: "'" | '"';
}

export interface ChildField<D extends Decl = Decl, R extends boolean = boolean> extends FieldCommon {
  kind: 'child';
  decl: D;
  required: R;
  /** Leave the element out when it would be written empty (`<driver/>`). */
  omitEmpty?: boolean;
  /**
   * What libvirt fills in when this required element is absent (a hostdev's
   * PCI `<source>` without `<address>` is the zero address): read as this,
   * and written as libvirt writes it.
   */
  fill?: () => object;
}

export interface ListField<D extends Decl = Decl> extends FieldCommon {
  kind: 'list';
  decl: D;
  required: false;
}

export type Field = AttrField<AnyDef> | TextField<AnyDef> | ValueField<AnyDef> | FlagField | RawField | ChildField | ListField;
export type Fields = Record<string, Field>;

export interface ElementDecl<F extends Fields = Fields> {
  kind: 'element';
  name: string;
  fields: F;
  doc?: string;
  /**
   * Run after reading: libvirt's parse-time rules. May normalise the value in
   * place the way libvirt's parser does (e.g. `<forward dev>` becoming the
   * first pool entry); returns a failure to reject the element.
   */
  check?: (value: AnyDef) => CheckFailure | undefined;
  /**
   * Run before writing: returns the value to write (a shallow copy with
   * derived fields filled in, e.g. `<forward dev>` from the pool). Must not
   * change its argument.
   */
  beforeFormat?: (value: AnyDef, ctx: FormatContext) => AnyDef;
  /**
   * Whether libvirt's formatter self-closes the element when it is empty
   * (default true). Some elements it writes with an end tag even when empty
   * (`<devices>` + `</devices>`, `<redirdev …>` + `</redirdev>`): libvirt's
   * formatters decide per element, between its self-closing helper
   * (`virXMLFormatElement`) and an unconditional open/close pair. A function
   * when libvirt changed its mind between releases.
   */
  selfClose?: boolean | ((ctx: FormatContext) => boolean);
  /**
   * An element whose required text is empty (`<currentMemory unit='KiB'/>`,
   * `<uuid></uuid>`): libvirt reads text through XPath string functions that
   * give NULL for an empty string, so such an element counts as absent (and
   * libvirt fills in its default, or refuses a required one). `'refused'`
   * where libvirt refuses it instead (it found the node first: `<vcpu/>`),
   * `'kept'` where the empty text is a value (a smartcard `<certificate>`).
   */
  emptyText?: 'absent' | 'refused' | 'kept';
}

export interface CheckFailure {
  code: 'invalid-value' | 'invalid-address' | 'unsupported' | 'missing-element' | 'missing-attribute' | 'duplicate';
  message: string;
  /** Attribute the failure is about, for a precise place. */
  attribute?: string;
  /** A def object read from a descendant element, when the failure is about it (its place is used). */
  at?: object;
  /** An exact place (for content no def object stands for, such as a repeated child kept as unknown content). */
  place?: SourcePlace;
  /**
   * Not an error: libvirt accepts the element, but virtxml cannot hold it
   * exactly (a 64-bit size beyond 2^53): it is kept unread, as content
   * virtxml does not model, and written back as it came.
   */
  unread?: boolean;
}

export interface UnionDecl<C extends Record<string, ElementDecl> = Record<string, ElementDecl>> {
  kind: 'union';
  name: string;
  /** Key (and, through its field, the XML attribute) that selects the case. */
  discriminator: string;
  cases: C;
  /** Case used when the attribute is absent. */
  defaultCase?: keyof C & string;
  doc?: string;
  /** libvirt's message for an unknown value, `%s` replaced by the value. */
  unknownMessage?: string;
}

/**
 * A declaration referenced before it is defined (recursive elements such as
 * a disk's `<backingStore>`). The TS type of a recursive element cannot be
 * inferred; give it an explicit interface: `lazy<BackingStore>(() => backingStore)`.
 */
export interface LazyDecl<T = unknown> {
  kind: 'lazy';
  name: string;
  get: () => ElementDecl | UnionDecl;
  /** Phantom: the value type, for `Infer`. */
  readonly __type?: T;
}

export type Decl = ElementDecl | UnionDecl | LazyDecl;

/** A recursive reference: `child(lazy<Store>('backingStore', () => backingStore))`. */
export function lazy<T>(name: string, get: () => ElementDecl | UnionDecl): LazyDecl<T> {
  return { kind: 'lazy', name, get };
}

/** Resolves a lazy declaration. */
export function resolveDecl(d: Decl): ElementDecl | UnionDecl {
  return d.kind === 'lazy' ? d.get() : d;
}

// ---------------------------------------------------------------- builders

type Opts<T> = Omit<Partial<AttrField<T>>, 'kind' | 'type' | 'required'> & { required?: boolean };
type ChildOpts = FieldCommon & { required?: boolean; omitEmpty?: boolean; fill?: () => object };
type ValueOpts = FieldCommon & { required?: boolean; empty?: 'absent' | 'kept' };

/** An attribute. Required when `required: true`; always present after reading when it has a `default`. */
export function attr<T>(type: ValueType<T>, options: Opts<T> & { required: true }): AttrField<T, true>;
export function attr<T>(type: ValueType<T>, options: Opts<T> & { default: NoInfer<T> }): AttrField<T, true>;
export function attr<T>(type: ValueType<T>, options?: Opts<T>): AttrField<T, false>;
export function attr<T>(type: ValueType<T>, options?: Opts<T>): AttrField<T, boolean> {
  return { kind: 'attr', type, ...options, required: Boolean(options?.required) };
}

/** The discriminating attribute of a union case, fixed to `value`. */
export function tag<const V extends string>(type: ValueType<V>, options: Omit<Opts<V>, 'required'> = {}): AttrField<V, true> {
  return { kind: 'attr', type, ...options, required: true };
}

/** The element's own text content. */
export function text<T>(type: ValueType<T>, options: ValueOpts & { required: true }): TextField<T, true>;
export function text<T>(type: ValueType<T>, options?: ValueOpts): TextField<T, false>;
export function text<T>(type: ValueType<T>, options?: ValueOpts): TextField<T, boolean> {
  return { kind: 'text', type, ...options, required: Boolean(options?.required) };
}

/** A child element holding only text, mapped to a plain value: `<name>vm1</name>`. */
export function value<T>(xml: string, type: ValueType<T>, options: ValueOpts & { required: true }): ValueField<T, true>;
export function value<T>(xml: string, type: ValueType<T>, options?: ValueOpts): ValueField<T, false>;
export function value<T>(xml: string, type: ValueType<T>, options?: ValueOpts): ValueField<T, boolean> {
  return { kind: 'value', xml, type, ...options, required: Boolean(options?.required) };
}

/** An empty child element whose presence is a boolean: `<readonly/>`. */
export function flag(xml: string, options: FieldCommon = {}): FlagField {
  return { kind: 'flag', xml, ...options, required: false };
}

/** A child element kept as an XML tree, exactly (e.g. `<metadata>`). */
export function raw(xml: string, options: FieldCommon & { quote?: "'" | '"' } = {}): RawField {
  return { kind: 'raw', xml, quote: "'", ...options, required: false };
}

/** A single child element described by its own declaration. */
export function child<D extends Decl>(decl: D, options: ChildOpts & { required: true }): ChildField<D, true>;
export function child<D extends Decl>(decl: D, options?: ChildOpts): ChildField<D, false>;
export function child<D extends Decl>(decl: D, options?: ChildOpts): ChildField<D, boolean> {
  return { kind: 'child', decl, ...options, required: Boolean(options?.required) };
}

/** A repeated child element, read into an array (absent when there is none). */
export function list<D extends Decl>(decl: D, options: FieldCommon = {}): ListField<D> {
  return { kind: 'list', decl, ...options, required: false };
}

export function element<const F extends Fields>(
  name: string,
  fields: F,
  options: Pick<ElementDecl, 'doc' | 'check' | 'beforeFormat' | 'selfClose' | 'emptyText'> = {},
): ElementDecl<F> {
  return { kind: 'element', name, fields, ...options };
}

export function union<const C extends Record<string, ElementDecl>>(
  name: string,
  discriminator: string,
  cases: C,
  options: { defaultCase?: keyof C & string; doc?: string; unknownMessage?: string } = {},
): UnionDecl<C> {
  for (const [k, c] of Object.entries(cases)) {
    const f = c.fields[discriminator];
    if (!f || f.kind !== 'attr') throw new Error(`union ${name}: case ${k} lacks discriminator ${discriminator}`);
  }
  return { kind: 'union', name, discriminator, cases, ...options };
}

// ---------------------------------------------------------------- lossless storage

/** Content the declarations do not know, kept with its place and written back. */
export interface Extra {
  /** Unknown attributes, in document order. */
  attrs?: Array<{ name: string; value: string }>;
  /**
   * Unknown child nodes (elements, text, comments). `after` is the key of
   * the known field they followed in the document (absent: before all),
   * `index` the number of that field's items read so far (lists). Index 0
   * on a value or flag field is that field's own element, kept whole because
   * it has attributes or children its declaration does not know
   * (`<name zz='1'>vm</name>`); it is written with the field's value.
   */
  nodes?: Array<{ after?: string; index?: number; node: XmlNode }>;
  /** A document's root only: comments and processing instructions before the root element (a licence header). */
  prolog?: XmlNode[];
  /** A document's root only: comments and processing instructions after the root element. */
  epilogue?: XmlNode[];
}

export const EXTRA = '$extra';

// ---------------------------------------------------------------- type inference

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type FieldValue<F> =
  F extends AttrField<infer T, boolean>
    ? T
    : F extends TextField<infer T, boolean>
      ? T
      : F extends ValueField<infer T, boolean>
        ? T
        : F extends FlagField
          ? boolean
          : F extends RawField
            ? XmlElement
            : F extends ChildField<infer D, boolean>
              ? Infer<D>
              : F extends ListField<infer D>
                ? Infer<D>[]
                : never;

type RequiredKeys<F extends Fields> = { [K in keyof F]: F[K]['required'] extends true ? K : never }[keyof F];
type OptionalKeys<F extends Fields> = Exclude<keyof F, RequiredKeys<F>>;

export type InferFields<F extends Fields> = Simplify<
  { -readonly [K in RequiredKeys<F>]: FieldValue<F[K]> } & { -readonly [K in OptionalKeys<F>]?: FieldValue<F[K]> } & {
    $extra?: Extra;
  }
>;

/** The TypeScript type of the value a declaration reads and writes. */
export type Infer<D> =
  D extends ElementDecl<infer F>
    ? InferFields<F>
    : D extends UnionDecl<infer C>
      ? { [K in keyof C]: Infer<C[K]> }[keyof C]
      : D extends LazyDecl<infer T>
        ? T
        : never;

// ---------------------------------------------------------------- compiled lookup tables

export interface Compiled {
  /** By XML name: field key, field, position. */
  attrs: Map<string, [string, AttrField<AnyDef>, number]>;
  children: Map<string, [string, ChildField | ListField | ValueField<AnyDef> | FlagField | RawField, number]>;
  text: [string, TextField<AnyDef>] | undefined;
  attrList: Array<[string, AttrField<AnyDef>]>;
  childList: Array<[string, ChildField | ListField | ValueField<AnyDef> | FlagField | RawField]>;
  defaults: Array<[string, AttrField<AnyDef>, number]>;
  /** Required children libvirt fills in when absent: position, maker. */
  fills: Array<[number, () => object]>;
  required: Array<[string, Field, number]>;
  /** Field keys by position. */
  keys: string[];
  /** The entries of `attrs` / `children` as arrays (XML names, and the entries at the same index), for small declarations. */
  attrNames: string[];
  attrHits: Array<[string, AttrField<AnyDef>, number]>;
  childNames: string[];
  childHits: Array<[string, ChildField | ListField | ValueField<AnyDef> | FlagField | RawField, number]>;
  /** The parser's compiled builder for this declaration (see codec.ts), once made. */
  build: ((obj: AnyDef, vals: unknown[], extra: Extra | undefined) => void) | undefined;
  /** The formatter's compiled writer of the start tag's known attributes (see codec.ts), once made. */
  head: ((vals: unknown[], obj: AnyDef, ctx: FormatContext) => string) | undefined;
  /** Field key → position in the declaration (the formatter gathers a def's values by it). */
  keyIndex: Map<string, number>;
  /** Number of fields. */
  size: number;
  /** Position of each `attrList` / `childList` entry, and of the text field (-1: none). */
  attrPos: number[];
  childPos: number[];
  textPos: number;
}

/** The lookup tables, kept on the declaration itself (a WeakMap lookup per element was measurable). */
const COMPILED = '__compiled';

export function xmlNameOf(key: string, f: Field): string {
  switch (f.kind) {
    case 'attr':
      return f.xml ?? key;
    case 'child':
    case 'list':
      return f.decl.name;
    case 'text':
      return '#text';
    default:
      return f.xml;
  }
}

const DISCRIMINATOR = '__discriminatorXml';

/** The XML attribute name of a union's discriminator (kept on the declaration). */
export function discriminatorXml(decl: UnionDecl): string {
  let x = (decl as { [DISCRIMINATOR]?: string })[DISCRIMINATOR];
  if (x !== undefined) return x;
  const anyCase = Object.values(decl.cases)[0]!;
  x = xmlNameOf(decl.discriminator, anyCase.fields[decl.discriminator]!);
  Object.defineProperty(decl, DISCRIMINATOR, { value: x, enumerable: false });
  return x;
}

export function compile(decl: ElementDecl): Compiled {
  let c = (decl as { [COMPILED]?: Compiled })[COMPILED];
  if (c) return c;
  c = {
    attrs: new Map(),
    children: new Map(),
    text: undefined,
    attrList: [],
    childList: [],
    defaults: [],
    fills: [],
    required: [],
    keyIndex: new Map(),
    keys: [],
    attrNames: [],
    attrHits: [],
    childNames: [],
    childHits: [],
    build: undefined,
    head: undefined,
    size: 0,
    attrPos: [],
    childPos: [],
    textPos: -1,
  };
  for (const [key, f] of Object.entries(decl.fields)) {
    const pos = c.size++;
    c.keyIndex.set(key, pos);
    c.keys.push(key);
    if (f.kind === 'attr') {
      c.attrs.set(xmlNameOf(key, f), [key, f, pos]);
      c.attrList.push([key, f]);
      c.attrPos.push(pos);
      if (f.default !== undefined) c.defaults.push([key, f, pos]);
      else if (f.required) c.required.push([key, f, pos]);
    } else if (f.kind === 'text') {
      c.text = [key, f];
      c.textPos = pos;
      if (f.required) c.required.push([key, f, pos]);
    } else {
      const name = xmlNameOf(key, f);
      if (c.children.has(name)) throw new Error(`declaration ${decl.name}: two fields for <${name}>`);
      c.children.set(name, [key, f, pos]);
      c.childList.push([key, f]);
      c.childPos.push(pos);
      if (f.kind === 'child' && f.fill) c.fills.push([pos, f.fill]);
      else if (f.required) c.required.push([key, f, pos]);
    }
  }
  for (const [n, h] of c.attrs) (c.attrNames.push(n), c.attrHits.push(h));
  for (const [n, h] of c.children) (c.childNames.push(n), c.childHits.push(h));
  Object.defineProperty(decl, COMPILED, { value: c, enumerable: false });
  return c;
}
