/**
 * RelaxNG patterns and their derivatives (James Clark, "An algorithm for
 * RELAX NG validation"). Patterns are hash-consed (one object per distinct
 * pattern), so derivatives can be memoised on the pattern object: a document
 * of the same shape as one seen before costs a few map lookups per node.
 */
import type { CompiledGrammar, NameClassJson, NodeJson } from './compiled.js';
import { datatype, type Datatype } from './datatypes.js';

/** Memo entries per pattern for attribute values and text (bounded: values like UUIDs never repeat). */
const MEMO_LIMIT = 256;

export const enum K {
  Empty,
  NotAllowed,
  Text,
  Choice,
  Interleave,
  Group,
  OneOrMore,
  List,
  Data,
  Value,
  Attribute,
  Element,
  After,
}

/** The functions applyAfter applies to an After's continuation. */
export const enum AfterOp {
  InterleaveLeft,
  InterleaveRight,
  Group,
  After,
}

export interface NameClass {
  contains(ns: string, local: string): boolean;
  json: NameClassJson;
}

export interface Pattern {
  readonly k: K;
  readonly id: number;
  readonly nullable: boolean;
  readonly a?: Pattern;
  readonly b?: Pattern;
  /** Element / Attribute */
  readonly nc?: NameClass;
  /** Data / Value */
  readonly dt?: Datatype;
  /** Value */
  readonly value?: string;
  /** Data with except */
  readonly except?: Pattern;
  /** Element: content, built on first use */
  content?: () => Pattern;
  // memo tables
  sto?: Map<string, Pattern>;
  att?: Map<string, Pattern>;
  close?: Pattern;
  end?: Pattern;
  txt?: Map<string, Pattern>;
  /** interned compounds with this pattern as left operand */
  bin?: [Map<Pattern, Pattern>?, Map<Pattern, Pattern>?, Map<Pattern, Pattern>?, Map<Pattern, Pattern>?];
  more?: Pattern;
  /** Built from the grammar (not a derivative): its name sets below are worth keeping. */
  static?: boolean;
  /** Local names of the elements it can start with; null: any name. */
  firsts?: Set<string> | null;
  /** Local names of the attributes it can take; null: any name. */
  attrs?: Set<string> | null;
}

/**
 * Every pattern has this one shape (all fields, the memo tables too, set in
 * one order when it is made), so the derivative functions' property reads
 * see one object layout and stay fast from the first document on; objects
 * of varying literal shapes made them polymorphic, and the optimising
 * compiler threw its code away again and again while a run warmed up.
 */
class PatternNode implements Pattern {
  readonly k: K;
  readonly id: number;
  readonly nullable: boolean;
  readonly a: Pattern | undefined;
  readonly b: Pattern | undefined;
  readonly nc: NameClass | undefined;
  readonly dt: Datatype | undefined;
  readonly value: string | undefined;
  readonly except: Pattern | undefined;
  content: (() => Pattern) | undefined = undefined;
  sto: Map<string, Pattern> | undefined = undefined;
  att: Map<string, Pattern> | undefined = undefined;
  close: Pattern | undefined = undefined;
  end: Pattern | undefined = undefined;
  txt: Map<string, Pattern> | undefined = undefined;
  bin: Pattern['bin'] = undefined;
  more: Pattern | undefined = undefined;
  static: boolean | undefined;
  firsts: Set<string> | null | undefined = undefined;
  attrs: Set<string> | null | undefined = undefined;

  constructor(id: number, p: Omit<Pattern, 'id'>, isStatic: boolean) {
    this.k = p.k;
    this.id = id;
    this.nullable = p.nullable;
    this.a = p.a;
    this.b = p.b;
    this.nc = p.nc;
    this.dt = p.dt;
    this.value = p.value;
    this.except = p.except;
    this.content = p.content;
    this.static = isStatic || undefined;
  }
}

function nameClass(json: NameClassJson): NameClass {
  switch (json.k) {
    case 'name':
      return { json, contains: (ns, local) => local === json.local && ns === json.ns };
    case 'any': {
      const ex = json.except && nameClass(json.except);
      return { json, contains: (ns, local) => !ex || !ex.contains(ns, local) };
    }
    case 'ns': {
      const ex = json.except && nameClass(json.except);
      return { json, contains: (ns, local) => ns === json.ns && (!ex || !ex.contains(ns, local)) };
    }
    case 'choice': {
      const a = nameClass(json.a);
      const b = nameClass(json.b);
      return { json, contains: (ns, local) => a.contains(ns, local) || b.contains(ns, local) };
    }
  }
}

/** A pattern universe: the interned patterns of one grammar in one profile. */
export class Patterns {
  private nextId = 0;
  private interned = new Map<string, Pattern>();
  readonly empty: Pattern;
  readonly notAllowed: Pattern;
  readonly text: Pattern;
  private built: Array<Pattern | undefined>;

  constructor(
    private readonly grammar: CompiledGrammar,
    private readonly extensions: boolean,
  ) {
    this.empty = this.make({ k: K.Empty, nullable: true });
    this.notAllowed = this.make({ k: K.NotAllowed, nullable: false });
    this.text = this.make({ k: K.Text, nullable: true });
    this.built = new Array(grammar.nodes.length);
  }

  private building = 0;

  private make(p: Omit<Pattern, 'id'>): Pattern {
    return new PatternNode(this.nextId++, p, this.building > 0);
  }

  /** Names of a name class; null when it has a wildcard. */
  private static ncSet(nc: NameClass): Set<string> | null {
    const out = new Set<string>();
    const walk = (j: NameClassJson): boolean => {
      if (j.k === 'name') {
        out.add(j.local);
        return true;
      }
      if (j.k === 'choice') return walk(j.a) && walk(j.b);
      return false;
    };
    return walk(nc.json) ? out : null;
  }

  private static union(a: Set<string> | null, b: Set<string> | null): Set<string> | null {
    if (a === null || b === null) return null;
    if (!b.size) return a;
    if (!a.size) return b;
    const u = new Set(a);
    for (const x of b) u.add(x);
    return u;
  }

  private static readonly NONE: Set<string> = new Set();

  /** Element names a static pattern can start with (see startTagOpen). */
  firstNames(p: Pattern): Set<string> | null {
    return this.reachableNames(p, true);
  }

  /** Attribute names a static pattern can take (see attribute). */
  attributeNames(p: Pattern): Set<string> | null {
    return this.reachableNames(p, false);
  }

  /**
   * The names of the element leaves startTagOpen can reach (`elements`), or
   * of the attribute leaves attribute() can reach — the two walks differ only
   * in a group's second half, which an element reaches only past a nullable
   * first half. Memoised on the pattern.
   */
  private reachableNames(p: Pattern, elements: boolean): Set<string> | null {
    const known = elements ? p.firsts : p.attrs;
    if (known !== undefined) return known;
    let r: Set<string> | null;
    switch (p.k) {
      case K.Choice:
      case K.Interleave:
        r = Patterns.union(this.reachableNames(p.a!, elements), this.reachableNames(p.b!, elements));
        break;
      case K.Group:
        r =
          elements && !p.a!.nullable
            ? this.reachableNames(p.a!, elements)
            : Patterns.union(this.reachableNames(p.a!, elements), this.reachableNames(p.b!, elements));
        break;
      case K.OneOrMore:
      case K.After:
        r = this.reachableNames(p.a!, elements);
        break;
      case K.Element:
        r = elements ? Patterns.ncSet(p.nc!) : Patterns.NONE;
        break;
      case K.Attribute:
        r = elements ? Patterns.NONE : Patterns.ncSet(p.nc!);
        break;
      default:
        r = Patterns.NONE;
    }
    if (elements) p.firsts = r;
    else p.attrs = r;
    return r;
  }

  /** Interns the compound `kind` (0 choice, 1 group, 2 interleave, 3 after) of a and b. */
  private binary(kind: 0 | 1 | 2 | 3, a: Pattern, b: Pattern, mk: () => Omit<Pattern, 'id'>): Pattern {
    const maps = (a.bin ??= [undefined, undefined, undefined, undefined]);
    const m = (maps[kind] ??= new Map());
    const known = m.get(b);
    if (known) return known;
    const p = this.make(mk());
    m.set(b, p);
    return p;
  }

  private intern(key: string, mk: () => Omit<Pattern, 'id'>): Pattern {
    const known = this.interned.get(key);
    if (known) return known;
    const p = this.make(mk());
    this.interned.set(key, p);
    return p;
  }

  // ---- constructors with the algorithm's simplifications

  choice(a: Pattern, b: Pattern): Pattern {
    if (a.k === K.NotAllowed) return b;
    if (b.k === K.NotAllowed) return a;
    if (a === b) return a;
    if (b.k === K.Empty && a.nullable) return a;
    if (a.k === K.Empty && b.nullable) return b;
    // choice is commutative and associative: keep one form, skip repeats
    if (a.id > b.id) [a, b] = [b, a];
    if (b.k === K.Choice && (b.a === a || b.b === a)) return b;
    if (a.k === K.Choice && (a.a === b || a.b === b)) return a;
    const x = a;
    const y = b;
    return this.binary(0, x, y, () => ({ k: K.Choice, a: x, b: y, nullable: x.nullable || y.nullable }));
  }

  group(a: Pattern, b: Pattern): Pattern {
    if (a.k === K.NotAllowed || b.k === K.NotAllowed) return this.notAllowed;
    if (a.k === K.Empty) return b;
    if (b.k === K.Empty) return a;
    return this.binary(1, a, b, () => ({ k: K.Group, a, b, nullable: a.nullable && b.nullable }));
  }

  interleave(a: Pattern, b: Pattern): Pattern {
    if (a.k === K.NotAllowed || b.k === K.NotAllowed) return this.notAllowed;
    if (a.k === K.Empty) return b;
    if (b.k === K.Empty) return a;
    if (a.id > b.id) [a, b] = [b, a];
    const x = a;
    const y = b;
    return this.binary(2, x, y, () => ({ k: K.Interleave, a: x, b: y, nullable: x.nullable && y.nullable }));
  }

  after(a: Pattern, b: Pattern): Pattern {
    if (a.k === K.NotAllowed || b.k === K.NotAllowed) return this.notAllowed;
    return this.binary(3, a, b, () => ({ k: K.After, a, b, nullable: false }));
  }

  oneOrMore(a: Pattern): Pattern {
    if (a.k === K.NotAllowed) return this.notAllowed;
    if (a.k === K.Empty) return this.empty;
    return (a.more ??= this.make({ k: K.OneOrMore, a, nullable: a.nullable }));
  }

  // ---- the compiled grammar

  node(index: number): Pattern {
    const known = this.built[index];
    if (known) return known;
    const n = this.grammar.nodes[index];
    if (!n) throw new Error(`grammar node ${index} is undefined`);
    const p = this.build(n, index);
    this.built[index] = p;
    return p;
  }

  /** Balanced: derivatives of a long choice/group/interleave then touch log n nodes, not n. */
  private balanced(ids: number[], join: (a: Pattern, b: Pattern) => Pattern): Pattern {
    const ps = ids.map((i) => this.node(i));
    const fold = (lo: number, hi: number): Pattern => (hi - lo === 1 ? ps[lo]! : join(fold(lo, (lo + hi) >> 1), fold((lo + hi) >> 1, hi)));
    return fold(0, ps.length);
  }

  private build(n: NodeJson, index: number): Pattern {
    this.building++;
    try {
      return this.buildNode(n, index);
    } finally {
      this.building--;
    }
  }

  private buildNode(n: NodeJson, index: number): Pattern {
    switch (n[0]) {
      case 'empty':
        return this.empty;
      case 'notAllowed':
        return this.notAllowed;
      case 'text':
        return this.text;
      case 'choice':
        return this.balanced(n[1], (x, y) => this.choice(x, y));
      case 'group':
        return this.balanced(n[1], (x, y) => this.group(x, y));
      case 'interleave':
        return this.balanced(n[1], (x, y) => this.interleave(x, y));
      case 'oneOrMore':
        return this.oneOrMore(this.node(n[1]));
      case 'list': {
        const a = this.node(n[1]);
        return this.intern(`l${a.id}`, () => ({ k: K.List, a, nullable: false }));
      }
      case 'attribute': {
        const nc = nameClass(n[1]);
        const a = this.node(n[2]);
        return this.intern(`@${index}`, () => ({ k: K.Attribute, nc, a, nullable: false }));
      }
      case 'element': {
        const nc = nameClass(n[1]);
        const contentIndex = n[2];
        const p = this.make({ k: K.Element, nc, nullable: false });
        let content: Pattern | undefined;
        p.content = () => (content ??= this.node(contentIndex));
        return p;
      }
      case 'data': {
        const dt = datatype(n[1], n[2], n[3]);
        const except = n[4] !== undefined ? this.node(n[4]) : undefined;
        return this.intern(`d${index}`, () => (except ? { k: K.Data, dt, except, nullable: false } : { k: K.Data, dt, nullable: false }));
      }
      case 'value': {
        const dt = datatype(n[1], n[2]);
        return this.intern(`v${index}`, () => ({ k: K.Value, dt, value: n[3], nullable: false }));
      }
      case 'ext':
        return this.extensions ? this.node(n[2]) : this.notAllowed;
    }
  }

  // ---- derivatives

  /**
   * applyAfter with the function spelled as an operation and its operand (no
   * closure per call): the continuation of each After in `p` becomes
   * `op(continuation, q)` — or `op(q, continuation)` for INTERLEAVE_RIGHT.
   */
  applyAfter(p: Pattern, op: AfterOp, q: Pattern): Pattern {
    switch (p.k) {
      case K.After: {
        const x = p.b!;
        const y =
          op === AfterOp.InterleaveLeft ? this.interleave(x, q) : op === AfterOp.InterleaveRight ? this.interleave(q, x) : op === AfterOp.Group ? this.group(x, q) : this.after(x, q);
        return this.after(p.a!, y);
      }
      case K.Choice:
        return this.choice(this.applyAfter(p.a!, op, q), this.applyAfter(p.b!, op, q));
      default:
        return this.notAllowed;
    }
  }

  startTagOpen(p: Pattern, ns: string, local: string, key: string): Pattern {
    if (p.static) {
      const f = this.firstNames(p);
      if (f !== null && !f.has(local)) return this.notAllowed;
    }
    const memo = (p.sto ??= new Map());
    const known = memo.get(key);
    if (known) return known;
    let r: Pattern;
    switch (p.k) {
      case K.Choice:
        r = this.choice(this.startTagOpen(p.a!, ns, local, key), this.startTagOpen(p.b!, ns, local, key));
        break;
      case K.Element:
        r = p.nc!.contains(ns, local) ? this.after(p.content!(), this.empty) : this.notAllowed;
        break;
      case K.Interleave: {
        const a = p.a!;
        const b = p.b!;
        r = this.choice(
          this.applyAfter(this.startTagOpen(a, ns, local, key), AfterOp.InterleaveLeft, b),
          this.applyAfter(this.startTagOpen(b, ns, local, key), AfterOp.InterleaveRight, a),
        );
        break;
      }
      case K.OneOrMore: {
        const rest = this.choice(p, this.empty);
        r = this.applyAfter(this.startTagOpen(p.a!, ns, local, key), AfterOp.Group, rest);
        break;
      }
      case K.Group: {
        const b = p.b!;
        const x = this.applyAfter(this.startTagOpen(p.a!, ns, local, key), AfterOp.Group, b);
        r = p.a!.nullable ? this.choice(x, this.startTagOpen(b, ns, local, key)) : x;
        break;
      }
      case K.After: {
        const b = p.b!;
        r = this.applyAfter(this.startTagOpen(p.a!, ns, local, key), AfterOp.After, b);
        break;
      }
      default:
        r = this.notAllowed;
    }
    memo.set(key, r);
    return r;
  }

  /** attDeriv; `key` is `ns|local`. */
  attribute(p: Pattern, ns: string, local: string, value: string, key: string): Pattern {
    return this.attributeDeriv(p, ns, local, value, key + '\u0001' + value);
  }

  private attributeDeriv(p: Pattern, ns: string, local: string, value: string, k: string): Pattern {
    if (p.static) {
      const f = this.attributeNames(p);
      if (f !== null && !f.has(local)) return this.notAllowed;
    }
    const memo = (p.att ??= new Map());
    const known = memo.get(k);
    if (known) return known;
    let r: Pattern;
    switch (p.k) {
      case K.After:
        r = this.after(this.attributeDeriv(p.a!, ns, local, value, k), p.b!);
        break;
      case K.Choice:
        r = this.choice(this.attributeDeriv(p.a!, ns, local, value, k), this.attributeDeriv(p.b!, ns, local, value, k));
        break;
      case K.Group:
        r = this.choice(
          this.group(this.attributeDeriv(p.a!, ns, local, value, k), p.b!),
          this.group(p.a!, this.attributeDeriv(p.b!, ns, local, value, k)),
        );
        break;
      case K.Interleave:
        r = this.choice(
          this.interleave(this.attributeDeriv(p.a!, ns, local, value, k), p.b!),
          this.interleave(p.a!, this.attributeDeriv(p.b!, ns, local, value, k)),
        );
        break;
      case K.OneOrMore:
        r = this.group(this.attributeDeriv(p.a!, ns, local, value, k), this.choice(p, this.empty));
        break;
      case K.Attribute:
        r = p.nc!.contains(ns, local) && this.valueMatch(p.a!, value) ? this.empty : this.notAllowed;
        break;
      default:
        r = this.notAllowed;
    }
    if (memo.size < MEMO_LIMIT) memo.set(k, r);
    return r;
  }

  valueMatch(p: Pattern, s: string): boolean {
    return (p.nullable && isWhitespace(s)) || this.textDeriv(p, s).nullable;
  }

  /** startTagCloseDeriv; with `relaxed`, attributes still expected count as given (error recovery). */
  startTagClose(p: Pattern, relaxed = false): Pattern {
    if (!relaxed && p.close) return p.close;
    let r: Pattern;
    switch (p.k) {
      case K.After:
        r = this.after(this.startTagClose(p.a!, relaxed), p.b!);
        break;
      case K.Choice:
        r = this.choice(this.startTagClose(p.a!, relaxed), this.startTagClose(p.b!, relaxed));
        break;
      case K.Group:
        r = this.group(this.startTagClose(p.a!, relaxed), this.startTagClose(p.b!, relaxed));
        break;
      case K.Interleave:
        r = this.interleave(this.startTagClose(p.a!, relaxed), this.startTagClose(p.b!, relaxed));
        break;
      case K.OneOrMore:
        r = this.oneOrMore(this.startTagClose(p.a!, relaxed));
        break;
      case K.Attribute:
        r = relaxed ? this.empty : this.notAllowed;
        break;
      default:
        r = p;
    }
    if (!relaxed) p.close = r;
    return r;
  }

  textDeriv(p: Pattern, s: string): Pattern {
    const memo = s.length <= 256 ? (p.txt ??= new Map()) : undefined;
    const known = memo?.get(s);
    if (known) return known;
    let r: Pattern;
    switch (p.k) {
      case K.Choice:
        r = this.choice(this.textDeriv(p.a!, s), this.textDeriv(p.b!, s));
        break;
      case K.Interleave:
        r = this.choice(this.interleave(this.textDeriv(p.a!, s), p.b!), this.interleave(p.a!, this.textDeriv(p.b!, s)));
        break;
      case K.Group: {
        const x = this.group(this.textDeriv(p.a!, s), p.b!);
        r = p.a!.nullable ? this.choice(x, this.textDeriv(p.b!, s)) : x;
        break;
      }
      case K.After:
        r = this.after(this.textDeriv(p.a!, s), p.b!);
        break;
      case K.OneOrMore:
        r = this.group(this.textDeriv(p.a!, s), this.choice(p, this.empty));
        break;
      case K.Text:
        r = p;
        break;
      case K.Value:
        r = p.dt!.equal(p.value!, s) ? this.empty : this.notAllowed;
        break;
      case K.Data:
        r = p.dt!.allows(s) && !(p.except && this.textDeriv(p.except, s).nullable) ? this.empty : this.notAllowed;
        break;
      case K.List: {
        let q = p.a!;
        for (const w of s.split(/[\t\n\r ]+/)) if (w !== '') q = this.textDeriv(q, w);
        r = q.nullable ? this.empty : this.notAllowed;
        break;
      }
      default:
        r = this.notAllowed;
    }
    if (memo && memo.size < MEMO_LIMIT) memo.set(s, r);
    return r;
  }

  endTag(p: Pattern): Pattern {
    if (p.end) return p.end;
    let r: Pattern;
    switch (p.k) {
      case K.Choice:
        r = this.choice(this.endTag(p.a!), this.endTag(p.b!));
        break;
      case K.After:
        r = p.a!.nullable ? p.b! : this.notAllowed;
        break;
      default:
        r = this.notAllowed;
    }
    p.end = r;
    return r;
  }

  /** The continuation after an element, whatever its content was (error recovery). */
  endTagRelaxed(p: Pattern): Pattern {
    switch (p.k) {
      case K.Choice:
        return this.choice(this.endTagRelaxed(p.a!), this.endTagRelaxed(p.b!));
      case K.After:
        return p.b!;
      default:
        return this.notAllowed;
    }
  }
}

export function isWhitespace(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}
