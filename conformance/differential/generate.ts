/**
 * Document generator for the differential test against libvirt itself: walks
 * a compiled RelaxNG grammar (src/validate/rng/compiled.ts) and emits
 * documents. Choices are taken least-used first (so every branch — every
 * element, attribute and enum value — is reached over a run), optional parts
 * are taken more often while still unseen, values are sampled from each
 * datatype (patterns through a small XSD-regex sampler, checked against the
 * validator's own datatype). Deterministic for a seed.
 *
 * Documents are small on purpose: one focus (a device, or a top-level part of
 * the domain) inside a minimal domain, so that one refused detail does not
 * hide everything else the document exercises.
 */
import type { CompiledGrammar, NameClassJson, NodeJson } from '../../src/validate/rng/compiled.js';
import { datatype, XSD_LIBRARY } from '../../src/validate/rng/datatypes.js';

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Gen {
  attrs: Array<[string, string]>;
  kids: Array<GenEl | string>;
}
interface GenEl {
  name: string;
  attrs: Array<[string, string]>;
  kids: Array<GenEl | string>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;');

export function serialize(el: GenEl): string {
  let s = '<' + el.name;
  for (const [n, v] of el.attrs) s += ` ${n}='${esc(v)}'`;
  if (!el.kids.length) return s + '/>';
  s += '>';
  for (const k of el.kids) s += typeof k === 'string' ? esc(k) : serialize(k);
  return s + '</' + el.name + '>';
}

// ---------------------------------------------------------------- regex sampler (XSD subset)

type Rx =
  | { k: 'seq'; items: Array<{ atom: Rx; min: number; max: number }> }
  | { k: 'alt'; alts: Rx[] }
  | { k: 'set'; chars: string; neg: boolean }
  | { k: 'lit'; c: string };

const DIGITS = '0123456789';
const WORD = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_';
const PRINTABLE = WORD + '-.:/ ';

function parseRx(src: string): Rx {
  let i = 0;
  const escapeSet = (c: string): string => {
    switch (c) {
      case 'd':
        return DIGITS;
      case 'w':
        return WORD;
      case 's':
        return ' ';
      case 'i':
        return 'abcxyzABC_';
      case 'c':
        return 'abcxyz019_-.';
      case 'n':
        return '\n';
      case 't':
        return '\t';
      default:
        return c;
    }
  };
  const alt = (): Rx => {
    const alts: Rx[] = [seq()];
    while (src[i] === '|') {
      i++;
      alts.push(seq());
    }
    return alts.length === 1 ? alts[0]! : { k: 'alt', alts };
  };
  const seq = (): Rx => {
    const items: Array<{ atom: Rx; min: number; max: number }> = [];
    while (i < src.length && src[i] !== '|' && src[i] !== ')') {
      const atom = one();
      let min = 1;
      let max = 1;
      const q = src[i];
      if (q === '*') (min = 0, (max = 3), i++);
      else if (q === '+') (min = 1, (max = 3), i++);
      else if (q === '?') (min = 0, (max = 1), i++);
      else if (q === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i))!;
        min = Number(m[1]);
        max = m[2] ? (m[3] ? Number(m[3]) : min + 3) : min;
        i += m[0].length;
      }
      items.push({ atom, min, max });
    }
    return { k: 'seq', items };
  };
  const one = (): Rx => {
    const c = src[i++]!;
    if (c === '(') {
      if (src.startsWith('?:', i)) i += 2;
      const r = alt();
      i++; // ')'
      return r;
    }
    if (c === '[') {
      let neg = false;
      if (src[i] === '^') (neg = true, i++);
      let chars = '';
      let first = true;
      while (i < src.length && (src[i] !== ']' || first)) {
        first = false;
        let ch = src[i++]!;
        if (ch === '\\') {
          chars += escapeSet(src[i++]!);
          continue;
        }
        if (src[i] === '-' && src[i + 1] !== ']' && src[i + 1] !== undefined) {
          let to = src[i + 1]!;
          i += 2;
          if (to === '\\') to = src[i++]!;
          for (let x = ch.charCodeAt(0); x <= to.charCodeAt(0) && x < ch.charCodeAt(0) + 200; x++) chars += String.fromCharCode(x);
          continue;
        }
        chars += ch;
        ch = '';
      }
      i++; // ']'
      return { k: 'set', chars, neg };
    }
    if (c === '\\') {
      const e = src[i++]!;
      const set = escapeSet(e);
      return set.length === 1 ? { k: 'lit', c: set } : { k: 'set', chars: set, neg: false };
    }
    if (c === '.') return { k: 'set', chars: PRINTABLE.trim(), neg: false };
    return { k: 'lit', c };
  };
  return alt();
}

function sampleRx(r: Rx, rnd: () => number): string {
  switch (r.k) {
    case 'lit':
      return r.c;
    case 'set': {
      const pool = r.neg ? [...PRINTABLE].filter((c) => !r.chars.includes(c)).join('') : r.chars;
      return pool[Math.floor(rnd() * pool.length)] ?? 'a';
    }
    case 'alt':
      return sampleRx(r.alts[Math.floor(rnd() * r.alts.length)]!, rnd);
    case 'seq': {
      let s = '';
      for (const it of r.items) {
        const n = it.min + Math.floor(rnd() * (Math.min(it.max, it.min + 3) - it.min + 1));
        for (let j = 0; j < n; j++) s += sampleRx(it.atom, rnd);
      }
      return s;
    }
  }
}

const rxCache = new Map<string, Rx>();

const INT_CANDIDATES = ['0', '1', '2', '3', '4', '8', '16', '64', '255', '1024', '4096', '65535', '1048576'];
const STRING_CANDIDATES = ['vx1', 'abc', 'a-b', 'x_1', '/tmp/vx', 'vx.img', '1', 'on', 'yes'];

/** A value of a datatype (libvirt's patterns included), or undefined when none could be made. */
export function sampleData(lib: string, type: string, facets: Array<[string, string]>, rnd: () => number): string | undefined {
  const dt = datatype(lib, type, facets);
  const tries: string[] = [];
  const pat = facets.find(([n]) => n === 'pattern');
  if (pat) {
    let r = rxCache.get(pat[1]);
    if (!r) rxCache.set(pat[1], (r = parseRx(pat[1])));
    for (let k = 0; k < 6; k++) tries.push(sampleRx(r, rnd));
  }
  if (lib === XSD_LIBRARY && /int|long|short|byte|Integer/i.test(type)) {
    for (const [n, v] of facets) if (n === 'minInclusive' || n === 'maxInclusive') tries.push(v);
    const c = INT_CANDIDATES.slice();
    for (let k = 0; k < 3; k++) tries.push(c[Math.floor(rnd() * c.length)]!);
    tries.push(...c);
  } else if (type === 'double' || type === 'float' || type === 'decimal') tries.push('1.5', '2', '0');
  else if (type === 'anyURI') tries.push('http://example.org/vx');
  else if (type === 'dateTime') tries.push('2026-01-02T03:04:05');
  else if (type === 'boolean') tries.push('true', 'false');
  else {
    tries.push(STRING_CANDIDATES[Math.floor(rnd() * STRING_CANDIDATES.length)]!);
    tries.push(...STRING_CANDIDATES);
  }
  for (const t of tries) if (dt.allows(t)) return t;
  return undefined;
}

// ---------------------------------------------------------------- the walker

export interface Coverage {
  /** Node indices of element, attribute and value nodes reached. */
  reached: Set<number>;
}

export interface GenerateOptions {
  seed: number;
  /** Probability of taking an optional part already taken before (unseen ones: `pNew`). */
  pOpt?: number;
  pNew?: number;
  maxDepth?: number;
}

export class GrammarWalker {
  private readonly nodes: Array<NodeJson | null>;
  private readonly possible: boolean[];
  /** Times each (choice, branch) was taken. */
  private readonly used = new Map<number, number[]>();
  private readonly seen = new Set<number>();
  rnd: () => number;
  pOpt: number;
  pNew: number;
  maxDepth: number;
  /** Element/attribute/value nodes emitted in the current document. */
  touched = new Set<number>();

  constructor(readonly grammar: CompiledGrammar, options: GenerateOptions) {
    this.nodes = grammar.nodes;
    this.rnd = prng(options.seed);
    this.pOpt = options.pOpt ?? 0.15;
    this.pNew = options.pNew ?? 0.5;
    this.maxDepth = options.maxDepth ?? 14;
    this.possible = this.computePossible();
  }

  /** Which nodes can match anything at all (notAllowed and extension nodes cannot). */
  private computePossible(): boolean[] {
    const n = this.nodes.length;
    const poss = new Array<boolean>(n).fill(true);
    let changed = true;
    while (changed) {
      changed = false;
      for (let i = 0; i < n; i++) {
        const x = this.nodes[i];
        if (!x || !poss[i]) continue;
        let p = true;
        switch (x[0]) {
          case 'notAllowed':
          case 'ext':
            p = false;
            break;
          case 'choice':
            p = x[1].some((j) => poss[j]);
            break;
          case 'group':
          case 'interleave':
            p = x[1].every((j) => poss[j]);
            break;
          case 'oneOrMore':
          case 'list':
            p = poss[x[1]]!;
            break;
          case 'attribute':
            p = poss[x[2]]!;
            break;
        }
        if (!p) {
          poss[i] = false;
          changed = true;
        }
      }
    }
    return poss;
  }

  private isEmpty(i: number): boolean {
    return this.nodes[i]?.[0] === 'empty';
  }

  /** Whether an element/attribute/value node under `i` (not through elements) is still unseen. */
  private unseenBelow(i: number, budget = 40): boolean {
    const x = this.nodes[i];
    if (!x || budget <= 0) return false;
    switch (x[0]) {
      case 'element':
      case 'attribute':
      case 'value':
        return !this.seen.has(i);
      case 'choice':
      case 'group':
      case 'interleave':
        return x[1].some((j) => this.unseenBelow(j, budget - 1));
      case 'oneOrMore':
      case 'list':
        return this.unseenBelow(x[1], budget - 1);
      default:
        return false;
    }
  }

  private pickBranch(i: number, branches: number[], depth: number): number | undefined {
    const live = branches.filter((b) => this.possible[b]);
    if (!live.length) return undefined;
    const empty = live.find((b) => this.isEmpty(b));
    if (empty !== undefined && live.length === 2) {
      const other = live.find((b) => b !== empty)!;
      if (depth > this.maxDepth) return empty;
      const p = this.unseenBelow(other) ? this.pNew : this.pOpt;
      return this.rnd() < p ? other : empty;
    }
    if (depth > this.maxDepth && empty !== undefined) return empty;
    let counts = this.used.get(i);
    if (!counts) this.used.set(i, (counts = new Array(branches.length).fill(0)));
    let best = Infinity;
    let pick: number[] = [];
    for (let k = 0; k < branches.length; k++) {
      if (!this.possible[branches[k]!]) continue;
      const c = counts[k]!;
      if (c < best) (best = c, (pick = [k]));
      else if (c === best) pick.push(k);
    }
    const k = pick[Math.floor(this.rnd() * pick.length)]!;
    counts[k]!++;
    return branches[k];
  }

  private name(nc: NameClassJson): string | undefined {
    if (nc.k === 'name') return nc.ns && nc.ns !== 'http://libvirt.org/schemas/domain/common' && !nc.local.includes(':') ? undefined : nc.local;
    if (nc.k === 'choice') return this.name(this.rnd() < 0.5 ? nc.a : nc.b) ?? this.name(nc.a) ?? this.name(nc.b);
    return undefined;
  }

  /** Generates the content of pattern `i` into `out`; false when it cannot. */
  private gen(i: number, out: Gen, depth: number): boolean {
    const x = this.nodes[i];
    if (!x || !this.possible[i]) return false;
    switch (x[0]) {
      case 'empty':
        return true;
      case 'notAllowed':
      case 'ext':
        return false;
      case 'text':
        out.kids.push('vx');
        return true;
      case 'choice': {
        const b = this.pickBranch(i, x[1], depth);
        return b !== undefined && this.gen(b, out, depth);
      }
      case 'group':
      case 'interleave':
        for (const j of x[1]) if (!this.gen(j, out, depth)) return false;
        return true;
      case 'oneOrMore': {
        const n = depth < this.maxDepth && this.rnd() < 0.2 ? 2 : 1;
        for (let k = 0; k < n; k++) if (!this.gen(x[1], out, depth)) return false;
        return true;
      }
      case 'list': {
        const sub: Gen = { attrs: [], kids: [] };
        if (!this.gen(x[1], sub, depth)) return false;
        out.kids.push(sub.kids.filter((k) => typeof k === 'string').join(' '));
        return true;
      }
      case 'data': {
        const v = sampleData(x[1], x[2], x[3], this.rnd);
        if (v === undefined) return false;
        out.kids.push(v);
        return true;
      }
      case 'value':
        this.mark(i);
        out.kids.push(x[3]);
        return true;
      case 'attribute': {
        const name = this.name(x[1]);
        if (name === undefined || name.startsWith('xmlns')) return false;
        const sub: Gen = { attrs: [], kids: [] };
        if (!this.gen(x[2], sub, depth)) return false;
        this.mark(i);
        out.attrs.push([name, sub.kids.filter((k) => typeof k === 'string').join('')]);
        return true;
      }
      case 'element': {
        let name = this.name(x[1]);
        if (name === undefined) {
          // any element (metadata, foreign content): one of our own
          out.kids.push({ name: 'vx:data', attrs: [['xmlns:vx', 'urn:virtxml:test'], ['n', '1']], kids: [] });
          return true;
        }
        const sub: Gen = { attrs: [], kids: [] };
        if (!this.gen(x[2], sub, depth + 1)) return false;
        this.mark(i);
        // text next to elements: keep the text (libvirt's mixed content is rare; elements win)
        const hasEl = sub.kids.some((k) => typeof k !== 'string');
        const kids = hasEl ? sub.kids.filter((k) => typeof k !== 'string') : sub.kids.length ? [sub.kids.join('')] : [];
        if (name.includes(':')) name = name.slice(name.indexOf(':') + 1);
        out.kids.push({ name, attrs: dedupe(sub.attrs), kids });
        return true;
      }
    }
  }

  private mark(i: number): void {
    this.touched.add(i);
    this.seen.add(i);
  }

  /** One element from entry node `entry` (an element pattern or a define holding one), or undefined. */
  element(entry: number): GenEl | undefined {
    for (let attempt = 0; attempt < 5; attempt++) {
      const out: Gen = { attrs: [], kids: [] };
      this.touched = new Set();
      if (this.gen(entry, out, 0)) {
        const el = out.kids.find((k): k is GenEl => typeof k !== 'string');
        if (el) return el;
      }
    }
    return undefined;
  }

  /** Counts of the grammar's element, attribute and value nodes, and how many a set reaches. */
  static census(g: CompiledGrammar, reached: Set<number>): Record<'elements' | 'attributes' | 'values', { total: number; reached: number }> {
    const r = { elements: { total: 0, reached: 0 }, attributes: { total: 0, reached: 0 }, values: { total: 0, reached: 0 } };
    g.nodes.forEach((x, i) => {
      if (!x) return;
      const k = x[0] === 'element' ? 'elements' : x[0] === 'attribute' ? 'attributes' : x[0] === 'value' ? 'values' : undefined;
      if (!k) return;
      r[k].total++;
      if (reached.has(i)) r[k].reached++;
    });
    return r;
  }
}

function dedupe(attrs: Array<[string, string]>): Array<[string, string]> {
  const seen = new Set<string>();
  return attrs.filter(([n]) => (seen.has(n) ? false : (seen.add(n), true)));
}

// ---------------------------------------------------------------- documents

export interface GeneratedDoc {
  name: string;
  xml: string;
  /** Grammar nodes the document exercises. */
  touched: number[];
}

const SKELETON_HEAD = "<domain type='qemu'><name>vx</name><memory unit='KiB'>1048576</memory><os><type arch='x86_64' machine='pc'>hvm</type></os>";

/** Documents from a domain grammar: devices in a minimal domain, and whole domains with few optional parts. */
export function generateDomainDocs(g: CompiledGrammar, count: number, seed: number): GeneratedDoc[] {
  const w = new GrammarWalker(g, { seed, pOpt: 0.2, pNew: 0.6 });
  const devices = Object.entries(g.entries).filter(([k]) => k !== 'domain');
  const docs: GeneratedDoc[] = [];
  for (let n = 0; n < count; n++) {
    if (n % 4 === 3) {
      // a whole domain: top-level optional parts taken sparingly
      w.pOpt = 0.08;
      w.pNew = 0.35;
      const el = w.element(g.entries.domain!);
      w.pOpt = 0.2;
      w.pNew = 0.6;
      if (el) docs.push({ name: `dom-${n}`, xml: serialize(el) + '\n', touched: [...w.touched] });
      continue;
    }
    const [kind, entry] = devices[n % devices.length]!;
    const el = w.element(entry);
    if (!el) continue;
    const touched = [...w.touched];
    docs.push({ name: `dev-${kind}-${n}`, xml: SKELETON_HEAD + '<devices>' + serialize(el) + '</devices></domain>\n', touched });
  }
  return docs;
}

/**
 * The element patterns directly under the domain's root (through choices,
 * groups and interleaves, not through other elements), by element name:
 * the top-level parts a document can focus on.
 */
export function domainParts(g: CompiledGrammar): Array<[string, number]> {
  const nodes = g.nodes;
  const root = (i: number, guard = new Set<number>()): number | undefined => {
    const x = nodes[i];
    if (!x || guard.has(i)) return undefined;
    guard.add(i);
    if (x[0] === 'element') return i;
    if (x[0] === 'choice' || x[0] === 'group' || x[0] === 'interleave') for (const j of x[1]) {
      const r = root(j, guard);
      if (r !== undefined) return r;
    }
    return undefined;
  };
  const top = root(g.entries.domain!);
  const parts: Array<[string, number]> = [];
  const seen = new Set<number>();
  const walk = (i: number) => {
    const x = nodes[i];
    if (!x || seen.has(i)) return;
    seen.add(i);
    switch (x[0]) {
      case 'element':
        if (x[1].k === 'name') parts.push([x[1].local, i]);
        return;
      case 'choice':
      case 'group':
      case 'interleave':
        for (const j of x[1]) walk(j);
        return;
      case 'oneOrMore':
        walk(x[1]);
        return;
      default:
    }
  };
  const t = top !== undefined ? nodes[top] : undefined;
  if (t && t[0] === 'element') walk(t[2]);
  return parts;
}

/** The parts of the skeleton domain a focus replaces, and the ones never generated (devices have their own documents). */
const SKELETON_PARTS: Record<string, string> = {
  name: '<name>vx</name>',
  memory: "<memory unit='KiB'>1048576</memory>",
  os: "<os><type arch='x86_64' machine='pc'>hvm</type></os>",
};

/**
 * Documents that each focus on one top-level part of the domain (`<cpu>`,
 * `<features>`, `<cputune>`, `<numatune>`, `<os>`, …) inside the minimal
 * domain: a whole generated domain is rarely accepted, so its parts would
 * seldom be judged otherwise. Parts taken in turn, least-used branches first.
 */
export function generateDomainPartDocs(g: CompiledGrammar, count: number, seed: number): GeneratedDoc[] {
  const w = new GrammarWalker(g, { seed, pOpt: 0.25, pNew: 0.7 });
  const parts = domainParts(g).filter(([name]) => name !== 'devices' && name !== 'name');
  const docs: GeneratedDoc[] = [];
  if (!parts.length) return docs;
  for (let n = 0; n < count; n++) {
    const [name, entry] = parts[n % parts.length]!;
    const el = w.element(entry);
    if (!el) continue;
    const kept = Object.entries(SKELETON_PARTS).filter(([k]) => k !== name).map(([, v]) => v);
    docs.push({ name: `part-${name}-${n}`, xml: "<domain type='qemu'>" + kept.join('') + serialize(el) + '</domain>\n', touched: [...w.touched] });
  }
  return docs;
}

/** Documents from a network grammar. */
export function generateNetworkDocs(g: CompiledGrammar, count: number, seed: number): GeneratedDoc[] {
  const w = new GrammarWalker(g, { seed, pOpt: 0.2, pNew: 0.5 });
  const docs: GeneratedDoc[] = [];
  for (let n = 0; n < count; n++) {
    const el = w.element(g.entries.network!);
    if (el) docs.push({ name: `net-${n}`, xml: serialize(el) + '\n', touched: [...w.touched] });
  }
  return docs;
}
