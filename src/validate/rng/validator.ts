/**
 * Validates a positioned XML tree against a compiled RelaxNG grammar and says
 * where it fails: the unknown element, the attribute with the bad value, the
 * element that lacks a required attribute or child — not the enclosing
 * `<devices>` (which is where xmllint points for anything inside an
 * interleave). After a failure it recovers (skips the bad node, or assumes the
 * missing one) so one pass reports every independent problem.
 */
import type { XmlElement } from '../../xml/tree.js';
import type { XmlSource } from '../../xml/source.js';
import { elementPath, type PathRef } from '../../xml/path.js';
import type { CompiledGrammar } from './compiled.js';
import { libxml2InterleaveRefusal } from './libxml2-interleave.js';
import { K, Patterns, isWhitespace, type NameClass, type Pattern } from './patterns.js';

export type RngCode =
  | 'rng-unknown-element'
  | 'rng-unknown-attribute'
  | 'rng-invalid-value'
  | 'rng-missing-attribute'
  | 'rng-missing-element'
  | 'rng-unexpected-text'
  | 'rng-root'
  | 'rng-libxml2-order';

export interface RngProblem {
  code: RngCode;
  message: string;
  line: number;
  column: number;
  path: string;
  /**
   * The name refused, in the coverage report's keys (`parent>element`,
   * `parent>element@attribute`, with `=value` for a refused value): the
   * caller looks up which libvirt release introduced it.
   */
  key?: string;
}

export interface RngOptions {
  /** Accept virtxml's extensions (the `virtxml` profile). */
  extensions: boolean;
  /** Stop after this many problems. */
  max: number;
}

const universes = new WeakMap<CompiledGrammar, { on?: Patterns; off?: Patterns }>();

function universe(g: CompiledGrammar, extensions: boolean): Patterns {
  let u = universes.get(g);
  if (!u) universes.set(g, (u = {}));
  return extensions ? (u.on ??= new Patterns(g, true)) : (u.off ??= new Patterns(g, false));
}

/** Where the walk is: an element and its ancestors (a path reference, text made on demand). */
type Frame = PathRef & { names?: Set<string> };

const LIST_LIMIT = 12;

const localName = (qname: string): string => qname.slice(qname.indexOf(':') + 1);
/** Error-path re-checks per document (see Walk.element). */
const MAX_RETRIES = 32;

function ncNames(nc: NameClass, out: Set<string>): void {
  const j = nc.json;
  const walk = (x: typeof j): void => {
    if (x.k === 'name') out.add(x.local);
    else if (x.k === 'choice') {
      walk(x.a);
      walk(x.b);
    } else out.add(x.k === 'any' ? '*' : '*');
  };
  walk(j);
}

/** The names of an element's attributes, as a set built once per element (not a scan per question). */
function attributeNames(f: Frame): Set<string> {
  return (f.names ??= new Set(f.el.attributes.map((a) => a.name)));
}

function quoteList(names: Iterable<string>, open: string, close: string): string {
  const list = [...names].sort();
  const shown = list.slice(0, LIST_LIMIT).map((n) => (n === '*' ? 'any element' : `${open}${n}${close}`));
  if (list.length > LIST_LIMIT) shown.push(`… (${list.length - LIST_LIMIT} more)`);
  return shown.join(', ');
}

class Walk {
  readonly problems: RngProblem[] = [];
  private readonly scopes: Array<Map<string, string>> = [];
  private retrying = false;
  private retries = 0;

  constructor(
    private readonly P: Patterns,
    private readonly source: XmlSource,
    private readonly max: number,
  ) {}

  full(): boolean {
    return this.problems.length >= this.max;
  }

  private path(f: Frame, attribute?: string): string {
    return elementPath(f) + (attribute !== undefined ? `/@${attribute}` : '');
  }

  private report(code: RngCode, message: string, f: Frame, attribute?: string, key?: string): void {
    if (this.full()) return;
    const place = attribute !== undefined ? this.source.attributePlace(f.el, attribute) : this.source.elementPlace(f.el);
    const problem: RngProblem = { code, message, line: place.line, column: place.column, path: this.path(f, attribute) };
    if (key !== undefined) problem.key = key;
    this.problems.push(problem);
  }

  private lookup(prefix: string): string | undefined {
    if (prefix === 'xml') return 'http://www.w3.org/XML/1998/namespace';
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const v = this.scopes[i]!.get(prefix);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** Validates `el` where the pattern `p` is expected; returns the pattern after it. */
  element(p: Pattern, el: XmlElement, parent: Frame | undefined): Pattern {
    const P = this.P;
    const f: Frame = { el, parent };
    let declared: Map<string, string> | undefined;
    for (const a of el.attributes) {
      if (a.name === 'xmlns' || a.name.startsWith('xmlns:')) (declared ??= new Map()).set(a.name === 'xmlns' ? '' : a.name.slice(6), a.value);
    }
    if (declared) this.scopes.push(declared);
    try {
      const colon = el.name.indexOf(':');
      const local = colon < 0 ? el.name : el.name.slice(colon + 1);
      const ns = el.ns ?? '';
      const key = ns + '|' + local;
      let q = P.startTagOpen(p, ns, local, key);
      if (q.k === K.NotAllowed) {
        const expected = this.expectedElements(p);
        const where = parent ? ` in <${parent.el.name}>` : '';
        const message = parent
          ? `element <${el.name}> is not allowed here${where}` + (expected.size ? `; expected ${quoteList(expected, '<', '>')}` : '; no more elements are allowed here')
          : `root element <${el.name}> is not the one this schema describes` + (expected.size ? ` (expected ${quoteList(expected, '<', '>')})` : '');
        this.report(parent ? 'rng-unknown-element' : 'rng-root', message, f, undefined, `${parent ? localName(parent.el.name) : ''}>${local}`);
        return p;
      }
      let attributeErrors = 0;
      for (const a of el.attributes) {
        const name = a.name;
        if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
        const c = name.indexOf(':');
        let ans = '';
        let alocal = name;
        if (c >= 0) {
          ans = this.lookup(name.slice(0, c)) ?? '';
          alocal = name.slice(c + 1);
        }
        const next = P.attribute(q, ans, alocal, a.value, ans + '|' + alocal);
        if (next.k === K.NotAllowed) {
          attributeErrors++;
          // past the diagnostic cap, nothing more is described (describing costs a scan of the pattern)
          if (!this.full()) this.attributeProblem(q, f, name, ans, alocal, a.value);
          continue;
        }
        q = next;
      }
      let closed = P.startTagClose(q);
      if (closed.k === K.NotAllowed) {
        if (!attributeErrors) this.missingAttributes(q, f);
        closed = P.startTagClose(q, true);
        if (closed.k === K.NotAllowed) return P.endTagRelaxed(q);
      }
      const before = this.problems.length;
      let content = this.children(closed, f);
      if (!attributeErrors && this.problems.length > before && !this.retrying && this.retries < MAX_RETRIES) {
        // Content no branch allows may be allowed by a branch the start tag
        // ruled out for lack of an attribute (a <disk> without type='block'
        // is a file disk, whose <source> has no dev): when assuming the
        // attribute makes the whole content valid, the attribute is missing.
        const relaxed = P.startTagClose(q, true);
        if (relaxed !== closed) {
          this.retries++;
          this.retrying = true;
          const saved = this.problems.splice(before);
          let again: Pattern;
          try {
            again = this.children(relaxed, f);
          } finally {
            this.retrying = false;
          }
          if (this.problems.length === before && P.endTag(again).k !== K.NotAllowed) {
            this.missingAttributes(q, f, true);
            content = again;
          } else {
            this.problems.splice(before, this.problems.length - before, ...saved);
          }
        }
      }
      const end = P.endTag(content);
      if (end.k !== K.NotAllowed) return end;
      if (this.problems.length === before) this.incomplete(content, f);
      return P.endTagRelaxed(content);
    } finally {
      if (declared) this.scopes.pop();
    }
  }

  private children(p: Pattern, f: Frame): Pattern {
    const P = this.P;
    // the data model of RELAX NG: comments and PIs are not there, adjacent text is one node
    const items: Array<XmlElement | string> = [];
    let sawText = false;
    for (const c of f.el.children) {
      if (c.type === 'element') {
        items.push(c);
        sawText = false;
      } else if (c.type === 'text') {
        if (sawText) items[items.length - 1] += c.text;
        else items.push(c.text);
        sawText = true;
      }
    }
    if (items.length === 0) items.push('');
    if (items.length === 1 && typeof items[0] === 'string') {
      const s = items[0];
      const q = P.textDeriv(p, s);
      const r = isWhitespace(s) ? P.choice(p, q) : q;
      if (r.k === K.NotAllowed) {
        this.textProblem(p, f, s);
        return p;
      }
      return r;
    }
    for (const item of items) {
      if (this.full()) return p;
      if (typeof item === 'string') {
        if (isWhitespace(item)) continue;
        const q = P.textDeriv(p, item);
        if (q.k === K.NotAllowed) {
          this.textProblem(p, f, item);
          continue;
        }
        p = q;
      } else {
        p = this.element(p, item, f);
      }
    }
    return p;
  }

  // ---- messages

  /**
   * The element leaves `p` can start with (its current first set), or the
   * attribute leaves it still allows — the walks of startTagOpen and
   * attribute(), collecting instead of deriving.
   */
  private leaves(p: Pattern, elements: boolean, out = new Set<Pattern>(), seen = new Set<Pattern>()): Set<Pattern> {
    if (seen.has(p)) return out;
    seen.add(p);
    switch (p.k) {
      case K.Choice:
      case K.Interleave:
        this.leaves(p.a!, elements, out, seen);
        this.leaves(p.b!, elements, out, seen);
        break;
      case K.Group:
        this.leaves(p.a!, elements, out, seen);
        if (!elements || p.a!.nullable) this.leaves(p.b!, elements, out, seen);
        break;
      case K.OneOrMore:
      case K.After:
        this.leaves(p.a!, elements, out, seen);
        break;
      case K.Element:
      case K.Attribute:
        if ((p.k === K.Element) === elements) out.add(p);
        break;
      default:
    }
    return out;
  }

  /** Names of the elements `p` can start with. */
  private expectedElements(p: Pattern): Set<string> {
    const out = new Set<string>();
    for (const e of this.leaves(p, true)) ncNames(e.nc!, out);
    return out;
  }

  /** Attribute patterns still allowed in `p`, by local name. */
  private attributesOf(p: Pattern): Map<string, Pattern[]> {
    const out = new Map<string, Pattern[]>();
    for (const a of this.leaves(p, false)) {
      const names = new Set<string>();
      ncNames(a.nc!, names);
      for (const n of names) {
        const list = out.get(n) ?? [];
        list.push(a);
        out.set(n, list);
      }
    }
    return out;
  }

  /** Attributes every remaining alternative of `p` still requires. */
  private requiredAttributes(p: Pattern, memo = new Map<Pattern, Set<string> | null>()): Set<string> | null {
    // null: "any set" (a notAllowed branch constrains nothing)
    const known = memo.get(p);
    if (known !== undefined) return known;
    memo.set(p, new Set());
    let r: Set<string> | null;
    switch (p.k) {
      case K.NotAllowed:
        r = null;
        break;
      case K.Group:
      case K.Interleave: {
        const a = this.requiredAttributes(p.a!, memo);
        const b = this.requiredAttributes(p.b!, memo);
        r = a === null || b === null ? null : new Set([...a, ...b]);
        break;
      }
      case K.Choice: {
        const a = this.requiredAttributes(p.a!, memo);
        const b = this.requiredAttributes(p.b!, memo);
        r = a === null ? b : b === null ? a : new Set([...a].filter((x) => b.has(x)));
        break;
      }
      case K.OneOrMore:
      case K.After:
        r = this.requiredAttributes(p.a!, memo);
        break;
      case K.Attribute: {
        const names = new Set<string>();
        ncNames(p.nc!, names);
        r = names;
        break;
      }
      default:
        r = new Set();
    }
    memo.set(p, r);
    return r;
  }

  /** What a value pattern accepts, for messages. */
  private valueWants(p: Pattern, values: Set<string>, kinds: Set<string>, seen = new Set<Pattern>()): void {
    if (seen.has(p)) return;
    seen.add(p);
    switch (p.k) {
      case K.Choice:
      case K.Group:
      case K.Interleave:
        this.valueWants(p.a!, values, kinds, seen);
        this.valueWants(p.b!, values, kinds, seen);
        break;
      case K.OneOrMore:
      case K.After:
      case K.List:
        this.valueWants(p.a!, values, kinds, seen);
        break;
      case K.Value:
        values.add(p.value!);
        break;
      case K.Data:
        kinds.add(p.dt!.describe);
        break;
      case K.Text:
        kinds.add('text');
        break;
      default:
    }
  }

  private wants(patterns: Pattern[]): string {
    const values = new Set<string>();
    const kinds = new Set<string>();
    for (const p of patterns) this.valueWants(p, values, kinds);
    const parts: string[] = [];
    if (values.size) parts.push((values.size > 1 ? 'one of ' : '') + quoteList(values, "'", "'"));
    for (const k of kinds) parts.push(k);
    return parts.join(', or ');
  }

  private attributeProblem(q: Pattern, f: Frame, name: string, ns: string, local: string, value: string): void {
    const all = this.attributesOf(q);
    const candidates = (all.get(local) ?? []).filter((a) => a.nc!.contains(ns, local));
    const key = `${f.parent ? localName(f.parent.el.name) : ''}>${localName(f.el.name)}@${local}`;
    if (candidates.length) {
      const want = this.wants(candidates.map((a) => a.a!));
      this.report('rng-invalid-value', `invalid value '${value}' for attribute '${name}' of <${f.el.name}>` + (want ? `: expected ${want}` : ''), f, name, `${key}=${value}`);
    } else {
      const present = attributeNames(f);
      const allowed = [...all.keys()].filter((n) => !present.has(n));
      this.report(
        'rng-unknown-attribute',
        `attribute '${name}' is not allowed on <${f.el.name}>` + (allowed.length ? ` here (allowed: ${quoteList(allowed, "'", "'")})` : ''),
        f,
        name,
        key,
      );
    }
  }

  private missingAttributes(q: Pattern, f: Frame, forContent = false): void {
    if (forContent) {
      const all = this.attributesOf(q);
      const present = attributeNames(f);
      const absent = [...all.keys()].filter((n) => !present.has(n));
      this.report('rng-missing-attribute', `<${f.el.name}> lacks an attribute its content needs` + (absent.length ? ` (one of ${quoteList(absent, "'", "'")})` : ''), f);
      return;
    }
    const req = this.requiredAttributes(q);
    if (req && req.size) {
      const list = [...req];
      this.report('rng-missing-attribute', `<${f.el.name}> lacks the required attribute${list.length > 1 ? 's' : ''} ${quoteList(list, "'", "'")}`, f);
    } else {
      const all = this.attributesOf(q);
      this.report('rng-missing-attribute', `<${f.el.name}> lacks a required attribute` + (all.size ? ` (one of ${quoteList(all.keys(), "'", "'")})` : ''), f);
    }
  }

  private textProblem(p: Pattern, f: Frame, s: string): void {
    const shown = s.length > 40 ? s.slice(0, 40) + '…' : s;
    const want = this.wants([p]);
    if (!want || (isWhitespace(s) && s !== '')) {
      this.report('rng-unexpected-text', `text '${shown.trim()}' is not allowed in <${f.el.name}>`, f);
    } else if (s === '' || isWhitespace(s)) {
      this.report('rng-invalid-value', `<${f.el.name}> is empty: expected ${want}`, f);
    } else {
      const key = `${f.parent ? localName(f.parent.el.name) : ''}>${localName(f.el.name)}=${s.trim()}`;
      this.report('rng-invalid-value', `invalid value '${shown}' for <${f.el.name}>: expected ${want}`, f, undefined, key);
    }
  }

  private incomplete(content: Pattern, f: Frame): void {
    const expected = this.expectedElements(content);
    // only the content part of each After matters
    const inner = (p: Pattern, out: Pattern[]): void => {
      if (p.k === K.Choice) {
        inner(p.a!, out);
        inner(p.b!, out);
      } else if (p.k === K.After) out.push(p.a!);
    };
    const parts: Pattern[] = [];
    inner(content, parts);
    const what = expected.size ? quoteList(expected, '<', '>') : this.wants(parts) || 'more content';
    this.report('rng-missing-element', `<${f.el.name}> is incomplete: expected ${what}`, f);
  }
}

/** Validates the tree under `root` against `entry` of `grammar`. */
export function validateRng(
  root: XmlElement,
  source: XmlSource,
  grammar: CompiledGrammar,
  entry: string,
  options: RngOptions,
): RngProblem[] {
  const start = grammar.entries[entry];
  if (start === undefined) throw new Error(`grammar has no entry ${entry}`);
  const P = universe(grammar, options.extensions);
  const walk = new Walk(P, source, options.max);
  walk.element(P.node(start), root, undefined);
  if (walk.problems.length === 0) {
    // valid RelaxNG: is it valid for libxml2, libvirt's validator, too?
    const r = libxml2InterleaveRefusal(grammar, start, root);
    if (r) {
      const at = source.elementPlace(r.extra);
      const extra = r.extra.name;
      walk.problems.push({
        code: 'rng-libxml2-order',
        message:
          `libvirt's validator (libxml2) refuses this order of elements: <${extra}>` +
          (r.after ? ` after <${r.after.name}>` : '') +
          ` in <${r.parent.el.name}> ("Extra element ${localName(extra)} in interleave"). The schema allows any order here, but libxml2's` +
          ` interleave does not accept this one; move <${extra}> before ${r.after ? `<${r.after.name}>` : 'its predecessor'}`,
        line: at.line,
        column: at.column,
        path: elementPath({ el: r.extra, parent: r.parent }),
      });
    }
  }
  return walk.problems;
}
