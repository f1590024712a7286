/**
 * libxml2's way with nested interleaves, which the RelaxNG spec (and the
 * derivative validator of ./validator.ts) does not share. libvirt validates
 * with libxml2 (`virt-xml-validate`, `virsh define --validate`), so the `rng`
 * verdict must be libxml2's.
 *
 * What libxml2 does (relaxng.c, xmlRelaxNGValidateInterleave): it sorts the
 * children of an interleave into one chain per branch by element name,
 * re-linking the siblings' `next` pointers, and validates each branch on its
 * chain. When a branch is itself an interleave, that inner validation ends by
 * rebuilding the `next` pointers of its range of siblings from their `prev`
 * pointers, i.e. in document order. A branch validated later whose chain runs
 * through that range now walks into elements of other branches, and libxml2
 * refuses the document: "Extra element uuid in interleave" for
 * `<name/><memory/><uuid/><vcpu/>` against libvirt 10.7's schema, where
 * `<name>`/`<uuid>` and `<memory>`/`<vcpu>` are two nested interleaves.
 *
 * This module replays that: the same chains, the same re-linking and the same
 * rebuilding, over the compiled grammar. It only speaks when the derivative
 * validator found nothing: then the document is valid RelaxNG, and what is
 * left to decide is whether libxml2's walk refuses it.
 */
import type { PathRef } from '../../xml/path.js';
import type { XmlElement, XmlNode } from '../../xml/tree.js';
import type { CompiledGrammar, NameClassJson } from './compiled.js';

export interface Libxml2Refusal {
  /** The element libxml2 finds in a chain it does not belong to. */
  extra: XmlElement;
  /** The element whose chain led there (the one `extra` comes after). */
  after: XmlElement | undefined;
  /** Where the element whose children are refused is. */
  parent: PathRef;
}

const NONE = -1;

function ncMatches(nc: NameClassJson, ns: string, local: string): boolean {
  switch (nc.k) {
    case 'name':
      return nc.local === local && nc.ns === ns;
    case 'any':
      return !nc.except || !ncMatches(nc.except, ns, local);
    case 'ns':
      return nc.ns === ns && (!nc.except || !ncMatches(nc.except, ns, local));
    case 'choice':
      return ncMatches(nc.a, ns, local) || ncMatches(nc.b, ns, local);
  }
}

const localOf = (el: XmlElement) => el.name.slice(el.name.indexOf(':') + 1);
/** An element's name as the memo tables key it. */
const keyOf = (el: XmlElement) => (el.ns ?? '') + '|' + localOf(el);

/**
 * What the replay asks of the grammar, answered once per node table (every
 * answer depends on the grammar only, not on the document): kept across
 * documents, so a run over many files walks each pattern once.
 */
class Replay {
  /** Element patterns reachable from a pattern without entering an element. */
  private readonly firstElements = new Map<number, number[]>();
  /** Whether a pattern can match an element or text (attribute-only patterns cannot). */
  private readonly consumes = new Map<number, boolean>();
  private readonly tops = new Map<number, number>();
  /** Per pattern, per element name: the element patterns of elementsOf(pattern) that match it. */
  private readonly matching = new Map<number, Map<string, number[]>>();
  /** Per interleave, per element name: the branch whose elements match it (-1: none). */
  private readonly branches = new Map<number, Map<string, number>>();
  private readonly refusing = new Map<number, boolean>();

  constructor(readonly g: CompiledGrammar) {}

  private node(id: number) {
    return this.g.nodes[id]!;
  }

  elementsOf(id: number): number[] {
    let out = this.firstElements.get(id);
    if (out) return out;
    out = [];
    this.firstElements.set(id, out);
    const seen = new Set<number>();
    const walk = (i: number): void => {
      if (seen.has(i)) return;
      seen.add(i);
      const n = this.node(i);
      switch (n[0]) {
        case 'choice':
        case 'group':
        case 'interleave':
          for (const k of n[1]) walk(k);
          break;
        case 'oneOrMore':
          walk(n[1]);
          break;
        case 'ext':
          walk(n[2]);
          break;
        case 'element':
          out!.push(i);
          break;
        default:
      }
    };
    walk(id);
    return out;
  }

  private canConsume(id: number): boolean {
    const known = this.consumes.get(id);
    if (known !== undefined) return known;
    this.consumes.set(id, false);
    const n = this.node(id);
    let r: boolean;
    switch (n[0]) {
      case 'choice':
      case 'group':
      case 'interleave':
        r = n[1].some((k) => this.canConsume(k));
        break;
      case 'oneOrMore':
        r = this.canConsume(n[1]);
        break;
      case 'ext':
        r = this.canConsume(n[2]);
        break;
      case 'element':
      case 'text':
      case 'data':
      case 'value':
      case 'list':
        r = true;
        break;
      default:
        r = false;
    }
    this.consumes.set(id, r);
    return r;
  }

  /**
   * The interleave a pattern's element content starts with, through the
   * wrappers libxml2 passes straight through (a group whose other members
   * are attributes, an optional); NONE when there is none.
   */
  topInterleave(id: number): number {
    const known = this.tops.get(id);
    if (known !== undefined) return known;
    this.tops.set(id, NONE);
    const n = this.node(id);
    let r = NONE;
    if (n[0] === 'interleave') {
      // a <mixed> (text beside one pattern) is validated without chains
      if (!n[1].some((k) => this.node(k)[0] === 'text')) r = id;
    } else if (n[0] === 'group') {
      const members = n[1].filter((k) => this.canConsume(k));
      if (members.length === 1) r = this.topInterleave(members[0]!);
    } else if (n[0] === 'choice' && n[1].length === 2) {
      const [a = NONE, b = NONE] = n[1];
      if (this.node(b)[0] === 'empty') r = this.topInterleave(a);
      else if (this.node(a)[0] === 'empty') r = this.topInterleave(b);
    }
    this.tops.set(id, r);
    return r;
  }

  matches(elementId: number, el: XmlElement): boolean {
    const n = this.node(elementId);
    return n[0] === 'element' && ncMatches(n[1], el.ns ?? '', localOf(el));
  }

  /** The element patterns of elementsOf(id) that match `el`, in that order. */
  matchingElements(id: number, el: XmlElement): number[] {
    let byName = this.matching.get(id);
    if (!byName) this.matching.set(id, (byName = new Map()));
    const key = keyOf(el);
    let out = byName.get(key);
    if (!out) byName.set(key, (out = this.elementsOf(id).filter((e) => this.matches(e, el))));
    return out;
  }

  /**
   * Whether libxml2's walk can refuse children against the content `id`:
   * only when its interleave has a branch that is an interleave itself (whose
   * validation re-links the siblings other branches' chains run through). A
   * content without an interleave, or with one whose branches are flat, is
   * walked chain by chain, each chain holding only elements its branch
   * matches: never refused.
   */
  canRefuse(id: number): boolean {
    let known = this.refusing.get(id);
    if (known === undefined) {
      const top = this.topInterleave(id);
      const node = top === NONE ? undefined : this.node(top);
      known = node?.[0] === 'interleave' && node[1].some((g) => this.topInterleave(g) !== NONE);
      this.refusing.set(id, known);
    }
    return known;
  }

  /** The first branch of the interleave `id` one of whose elements matches `el`; -1 when none does. */
  branchOf(id: number, el: XmlElement): number {
    let byName = this.branches.get(id);
    if (!byName) this.branches.set(id, (byName = new Map()));
    const key = keyOf(el);
    let out = byName.get(key);
    if (out === undefined) {
      const node = this.node(id);
      const groups = node[0] === 'interleave' ? node[1] : [];
      byName.set(key, (out = groups.findIndex((g) => this.matchingElements(g, el).length > 0)));
    }
    return out;
  }
}

/** One replay per node table (the releases and kinds share one), kept while the table lives. */
const replays = new WeakMap<CompiledGrammar['nodes'], Replay>();

/** One element's children as libxml2's sibling list: mutable `next`, fixed `prev`. */
class Siblings {
  readonly next: Int32Array;
  constructor(readonly nodes: XmlNode[]) {
    this.next = new Int32Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) this.next[i] = i + 1 < nodes.length ? i + 1 : NONE;
  }

  /** xmlRelaxNGSkipIgnored: comments, PIs and blank text. */
  skip(i: number): number {
    while (i !== NONE) {
      const n = this.nodes[i]!;
      if (n.type === 'comment' || n.type === 'pi' || (n.type === 'text' && /^[ \t\r\n]*$/.test(n.text))) i = this.next[i]!;
      else break;
    }
    return i;
  }
}

interface Outcome {
  /** The first node of the sequence left after the pattern. */
  rest: number;
  /** The element before `rest` in the walk. */
  before: number;
  refusal?: { extra: number; after: number };
}

class Interleaves {
  constructor(
    private readonly R: Replay,
    private readonly s: Siblings,
  ) {}

  /** Validates a pattern on the chain from `head`, libxml2's way, as far as chains go. */
  rule(id: number, head: number): Outcome {
    const inner = this.R.topInterleave(id);
    if (inner !== NONE) return this.interleave(inner, head);
    // a pattern without an interleave: it consumes the elements it can match
    let cur = this.s.skip(head);
    let before = NONE;
    while (cur !== NONE) {
      const n = this.s.nodes[cur]!;
      if (n.type !== 'element' || this.R.matchingElements(id, n).length === 0) break;
      before = cur;
      cur = this.s.skip(this.s.next[cur]!);
    }
    return { rest: cur, before };
  }

  interleave(id: number, head: number): Outcome {
    const s = this.s;
    const node = this.R.g.nodes[id];
    const groups = node?.[0] === 'interleave' ? node[1] : [];
    const list = new Array<number>(groups.length).fill(NONE);
    const lasts = new Array<number>(groups.length).fill(NONE);
    let cur = s.skip(head);
    const start = cur;
    let lastchg = NONE;
    let before = NONE;
    while (cur !== NONE) {
      const n = s.nodes[cur]!;
      const i = n.type === 'element' ? this.R.branchOf(id, n) : -1;
      if (i < 0) break;
      if (lasts[i] !== NONE) {
        s.next[lasts[i]!] = cur;
        lasts[i] = cur;
      } else {
        list[i] = cur;
        lasts[i] = cur;
      }
      lastchg = s.next[cur] !== NONE ? s.next[cur]! : cur;
      before = cur;
      cur = s.skip(s.next[cur]!);
    }
    const lastelem = cur;
    let refusal: Outcome['refusal'];
    for (let i = 0; i < groups.length && !refusal; i++) {
      let last = NONE;
      if (lasts[i] !== NONE) {
        last = s.next[lasts[i]!]!;
        s.next[lasts[i]!] = NONE;
      }
      const r = this.rule(groups[i]!, list[i]!);
      if (r.refusal) refusal = r.refusal;
      else if (r.rest !== NONE) refusal = { extra: r.rest, after: r.before };
      if (!refusal && lasts[i] !== NONE) s.next[lasts[i]!] = last;
    }
    // "builds the next links chain from the prev one"
    for (let c = lastchg; c !== NONE; c--) {
      if (c === start || c === 0) break;
      s.next[c - 1] = c;
    }
    return refusal ? { rest: lastelem, before, refusal } : { rest: lastelem, before };
  }
}

/** What the walk knows of an element matched by a set of element patterns (one per distinct set). */
interface Place {
  /** The content patterns of those elements. */
  contents: number[];
  /** `contents` as a memo key. */
  key: string;
  /** Whether libxml2 can refuse some order of children here: no content accepts every order. */
  ordered: boolean;
  /** Per child name: the element patterns of `contents` that match it (shared arrays: a child's own Place is found by identity). */
  kids: Map<string, number[]>;
}

/** Verdicts kept per node table: past this many, new sequences are replayed without being remembered. */
const ORDER_MEMO_LIMIT = 50_000;

/** Per node table: the Places by pattern set, and each child sequence's verdict. */
interface Memo {
  places: Map<number[], Place>;
  /** content key + child names → the refused child and its predecessor (indexes in the children), or null. */
  orders: Map<string, readonly [number, number] | null>;
}
const memos = new WeakMap<CompiledGrammar['nodes'], Memo>();

const isBlank = (s: string) => /^[ \t\r\n]*$/.test(s);

/**
 * The first place where libxml2's interleave walk refuses a document that
 * is valid RelaxNG, or undefined. `start` is the grammar entry of `root`.
 *
 * The verdict on an element's children depends on the patterns it matched
 * and on the sequence of its children's names only (blank text, comments and
 * PIs in between are skipped alike), so it is replayed once per distinct
 * sequence and remembered with the grammar: documents of one shape cost a
 * string and a map lookup per element.
 */
export function libxml2InterleaveRefusal(g: CompiledGrammar, start: number, root: XmlElement): Libxml2Refusal | undefined {
  let R = replays.get(g.nodes);
  if (!R) replays.set(g.nodes, (R = new Replay(g)));
  let M = memos.get(g.nodes);
  if (!M) memos.set(g.nodes, (M = { places: new Map(), orders: new Map() }));
  const replay = R;
  const memo = M;
  const placeOf = (defs: number[]): Place => {
    let p = memo.places.get(defs);
    if (!p) {
      const contents = defs.flatMap((d) => {
        const n = g.nodes[d];
        return n?.[0] === 'element' ? [n[2]] : [];
      });
      const ordered = contents.length > 0 && contents.every((c) => replay.canRefuse(c));
      memo.places.set(defs, (p = { contents, key: contents.join(','), ordered, kids: new Map() }));
    }
    return p;
  };
  /** The element patterns a child of `place` can be (every content's, each once). */
  const candidatesOf = (place: Place, kid: XmlElement): number[] => {
    const k = keyOf(kid);
    let out = place.kids.get(k);
    if (!out) {
      if (place.contents.length === 1) out = replay.matchingElements(place.contents[0]!, kid);
      else {
        out = [];
        for (const content of place.contents) for (const e of replay.matchingElements(content, kid)) if (!out.includes(e)) out.push(e);
      }
      place.kids.set(k, out);
    }
    return out;
  };
  /** The children's verdict, replayed (libxml2's walk over each content in turn until one accepts). */
  const replayOrder = (place: Place, children: XmlNode[]): readonly [number, number] | null => {
    let first: readonly [number, number] | null = null;
    for (const content of place.contents) {
      const top = replay.topInterleave(content);
      if (top === NONE) return null;
      const s = new Siblings(children);
      const out = new Interleaves(replay, s).interleave(top, 0);
      if (!out.refusal) return null;
      if (children[out.refusal.extra]?.type === 'element') first ??= [out.refusal.extra, out.refusal.after];
    }
    return first;
  };
  const visit = (f: PathRef, defs: number[]): Libxml2Refusal | undefined => {
    const el = f.el;
    const children = el.children;
    const place = placeOf(defs);
    let kids = 0;
    let blank = true;
    let seq = place.key;
    if (place.ordered) {
      for (const c of children) {
        if (c.type === 'element') {
          kids++;
          seq += '\u0000' + keyOf(c);
        } else if (c.type === 'text' && !isBlank(c.text)) {
          blank = false;
          break;
        } else seq += '\u0000';
      }
    } else kids = children.length;
    if (place.ordered && kids > 1 && blank) {
      let verdict = memo.orders.get(seq);
      if (verdict === undefined) {
        verdict = replayOrder(place, children);
        if (memo.orders.size < ORDER_MEMO_LIMIT) memo.orders.set(seq, verdict);
      }
      if (verdict) {
        const extra = children[verdict[0]];
        const after = children[verdict[1]];
        if (extra?.type === 'element') return { extra, after: after?.type === 'element' ? after : undefined, parent: f };
      }
    }
    if (kids === 0) return undefined;
    for (const kid of children) {
      if (kid.type !== 'element') continue;
      const candidates = candidatesOf(place, kid);
      if (!candidates.length) continue;
      const r = visit({ el: kid, parent: f }, candidates);
      if (r) return r;
    }
    return undefined;
  };
  const roots = replay.matchingElements(start, root);
  return roots.length ? visit({ el: root, parent: undefined }, roots) : undefined;
}
