/**
 * The semantic layer's reporter: turns a problem found on a def object into
 * a Diagnostic with a place. Parsed defs (`keepOrigins: true`) carry their
 * element through `originOf`, which gives line, column and element path;
 * defs built in code have no origin, so their diagnostics get line 0,
 * column 0 and the path the rule walked (`/domain/devices/hostdev[2]`).
 */
import { originOf } from '../../xml/codec.js';
import { getAttribute, type XmlElement } from '../../xml/tree.js';
import type { DomainCapabilitiesDef } from '../../domaincaps/domaincaps.js';
import type { Diagnostic, DiagnosticSource, Severity } from '../types.js';

export type SemanticProfile = 'libvirt' | 'virtxml';

/** Domain types the QEMU driver runs (its validation rules apply to them). */
export const QEMU_TYPES: ReadonlySet<string | undefined> = new Set(['qemu', 'kvm']);

export interface SemanticOptions {
  profile: SemanticProfile;
  /** File name, carried into each diagnostic. */
  file?: string;
  /** The host's `<domainCapabilities>`: a domain is also checked against what its hypervisor can do. */
  domainCapabilities?: DomainCapabilitiesDef;
}

export interface ReportOptions {
  /** The attribute at fault (the path then ends in `/@name` when the attribute is in the source). */
  attribute?: string;
  severity?: Severity;
  source?: DiagnosticSource;
}

/** A def object with the path the walker reached it by (used when it has no origin). */
export interface Located<T = unknown> {
  obj: T;
  path: string;
}

export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  constructor(readonly options: SemanticOptions) {}

  get profile(): SemanticProfile {
    return this.options.profile;
  }

  /** Reports a problem at `at` (a def object), falling back to `path` when it has no origin. */
  report(at: object | undefined, path: string, code: string, message: string, opts: ReportOptions = {}): void {
    const o = at ? originOf(at) : undefined;
    if (!o) {
      this.push(0, 0, opts.attribute !== undefined ? `${path}/@${opts.attribute}` : path, code, message, opts);
      return;
    }
    const hasAttr = opts.attribute !== undefined && getAttribute(o.el, opts.attribute) !== undefined;
    const place = hasAttr ? o.source.attributePlace(o.el, opts.attribute!) : o.source.elementPlace(o.el);
    this.push(place.line, place.column, hasAttr ? `${o.path}/@${opts.attribute}` : o.path, code, message, opts);
  }

  /**
   * Reports a problem at the child element `name` of `parent` (for value
   * fields such as `<name>` or `<on_poweroff>`, which have no def object of
   * their own). `path` is the child's path for defs without an origin.
   */
  reportChild(parent: object | undefined, name: string, path: string, code: string, message: string, opts: ReportOptions = {}): void {
    const o = parent ? originOf(parent) : undefined;
    const el = o?.el.children.find((c): c is XmlElement => c.type === 'element' && c.name === name);
    if (!o || !el) {
      this.report(undefined, path, code, message, opts);
      return;
    }
    const place = o.source.elementPlace(el);
    this.push(place.line, place.column, `${o.path}/${name}`, code, message, opts);
  }

  private push(line: number, column: number, path: string, code: string, message: string, opts: ReportOptions): void {
    const d: Diagnostic = { severity: opts.severity ?? 'error', code, message, line, column, path, source: opts.source ?? 'libvirt' };
    if (this.options.file !== undefined) d.file = this.options.file;
    this.diagnostics.push(d);
  }

  /** The same, for a located object. */
  at(l: Located<object | undefined>, code: string, message: string, opts: ReportOptions = {}): void {
    this.report(l.obj, l.path, code, message, opts);
  }
}

/** `parent/name`, with `[i+1]` when the list holds more than one (XPath-like, as the codec writes paths). */
export function itemPath(parent: string, name: string, list: readonly unknown[], i: number): string {
  return `${parent}/${name}${list.length > 1 ? `[${i + 1}]` : ''}`;
}

/** A child object located under its parent (its origin wins when it has one). */
export function childOf<T>(parent: Located<unknown>, name: string, obj: T): Located<T> {
  return { obj, path: `${parent.path}/${name}` };
}

/** Attributes the parser did not know and kept (`$extra.attrs`). */
export function extraAttribute(obj: unknown, name: string): string | undefined {
  const attrs = field(field(obj, '$extra'), 'attrs');
  if (!Array.isArray(attrs)) return undefined;
  for (const a of attrs) {
    const value = field(a, 'value');
    if (field(a, 'name') === name && typeof value === 'string') return value;
  }
  return undefined;
}

/** Whether the parser kept an unknown child element `name` (`$extra.nodes`): content no declaration gives yet. */
export function hasExtraElement(obj: unknown, name: string): boolean {
  const nodes = field(field(obj, '$extra'), 'nodes');
  if (!Array.isArray(nodes)) return false;
  return nodes.some((n) => {
    const node = field(n, 'node');
    return field(node, 'type') === 'element' && field(node, 'name') === name;
  });
}

/** A property of an object, for kept content whose shape no declaration gives. */
function field(v: unknown, key: string): unknown {
  return v !== null && typeof v === 'object' && Object.hasOwn(v, key) ? Reflect.get(v, key) : undefined;
}
