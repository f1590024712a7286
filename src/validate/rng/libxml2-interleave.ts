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

/**
 * One replay per grammar: its memos (first elements, consuming patterns,
 * top interleaves) depend on the grammar only, so every document validated
 * against it shares them (per document they were most of the `rng` cost).
 */
const replays = new WeakMap<CompiledGrammar, Replay>();

class Replay {
  /** Element patterns reachable from a pattern without entering an element. */
  private readonly firstElements = new Map<number, number[]>();
  /** Whether a pattern can match an element or text (attribute-only patterns cannot). */
  private readonly consumes = new Map<number, boolean>();
  private readonly tops = new Map<number, number>();

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

  private readonly byName = new Map<number, Map<string, number[]>>();

  /** The element patterns of `elementsOf(id)` that match an element named `ns`/`local` (memoised by name). */
  elementsNamed(id: number, ns: string, local: string): number[] {
    let names = this.byName.get(id);
    if (!names) this.byName.set(id, (names = new Map()));
    const key = ns + '}' + local;
    let out = names.get(key);
    if (!out) {
      out = this.elementsOf(id).filter((e) => {
        const n = this.node(e);
        return n[0] === 'element' && ncMatches(n[1], ns, local);
      });
      names.set(key, out);
    }
    return out;
  }

  matches(elementId: number, el: XmlElement): boolean {
    const n = this.node(elementId);
    return n[0] === 'element' && ncMatches(n[1], el.ns ?? '', localOf(el));
  }
}

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
    const names = this.R.elementsOf(id);
    let cur = this.s.skip(head);
    let before = NONE;
    while (cur !== NONE) {
      const n = this.s.nodes[cur]!;
      if (n.type !== 'element' || !names.some((e) => this.R.matches(e, n))) break;
      before = cur;
      cur = this.s.skip(this.s.next[cur]!);
    }
    return { rest: cur, before };
  }

  interleave(id: number, head: number): Outcome {
    const s = this.s;
    const node = this.R.g.nodes[id];
    const groups = node?.[0] === 'interleave' ? node[1] : [];
    const names = groups.map((g) => this.R.elementsOf(g));
    const list = new Array<number>(groups.length).fill(NONE);
    const lasts = new Array<number>(groups.length).fill(NONE);
    let cur = s.skip(head);
    const start = cur;
    let lastchg = NONE;
    let before = NONE;
    while (cur !== NONE) {
      const n = s.nodes[cur]!;
      const i = n.type === 'element' ? names.findIndex((list) => list.some((e) => this.R.matches(e, n))) : -1;
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

/**
 * The first place where libxml2's interleave walk refuses a document that
 * is valid RelaxNG, or undefined. `start` is the grammar entry of `root`.
 */
export function libxml2InterleaveRefusal(g: CompiledGrammar, start: number, root: XmlElement): Libxml2Refusal | undefined {
  let R = replays.get(g);
  if (!R) replays.set(g, (R = new Replay(g)));
  const visit = (f: PathRef, defs: number[]): Libxml2Refusal | undefined => {
    const el = f.el;
    const contents = defs.flatMap((d) => {
      const n = g.nodes[d];
      return n?.[0] === 'element' ? [n[2]] : [];
    });
    const kids = el.children.filter((c): c is XmlElement => c.type === 'element');
    if (kids.length > 1 && el.children.every((c) => c.type !== 'text' || /^[ \t\r\n]*$/.test(c.text))) {
      let first: Libxml2Refusal | undefined;
      let accepted = false;
      for (const content of contents) {
        const top = R.topInterleave(content);
        if (top === NONE) {
          accepted = true;
          break;
        }
        const s = new Siblings(el.children);
        const out = new Interleaves(R, s).interleave(top, 0);
        if (!out.refusal) {
          accepted = true;
          break;
        }
        const extra = s.nodes[out.refusal.extra];
        const after = s.nodes[out.refusal.after];
        if (extra?.type === 'element') first ??= { extra, after: after?.type === 'element' ? after : undefined, parent: f };
      }
      if (!accepted && first) return first;
    }
    for (const kid of kids) {
      const candidates: number[] = [];
      const ns = kid.ns ?? '';
      const local = localOf(kid);
      for (const content of contents) for (const e of R.elementsNamed(content, ns, local)) if (!candidates.includes(e)) candidates.push(e);
      if (!candidates.length) continue;
      const r = visit({ el: kid, parent: f }, candidates);
      if (r) return r;
    }
    return undefined;
  };
  const roots = R.elementsOf(start).filter((e) => R.matches(e, root));
  return roots.length ? visit({ el: root, parent: undefined }, roots) : undefined;
}
