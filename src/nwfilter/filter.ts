/**
 * `<filter>`: a libvirt network filter (nwfilter.rng), as
 * `virNWFilterDefFormat` writes it: name, chain (default `root`) and its
 * priority, `<uuid>`, then its entries — `<rule>`s and `<filterref>`s — in
 * document order (one list of a choice of elements). A `<rule>` has a
 * protocol element (./protocols.ts), written as libvirt reads and writes it
 * (see fixupRule).
 */
import { attr, choice, element, EXTRA, list, value, type CheckFailure, type Extra, type Infer, type ListField } from '../xml/decl.js';
import { originOf } from '../xml/codec.js';
import type { XmlElement } from '../xml/tree.js';
import { int, oneOf, str, uuid } from '../xml/values.js';
import { filterRef } from '../domain/devices/interface-options.js';
import { NEGATION_COPIES, PROTOCOLS, protocolAttributes, type NwfilterProtocol, type NwfilterProtocolDef } from './protocols.js';

/** Default priority of a chain, by its prefix (libvirt writes it when the chain has one; an stp chain has none, asked of libvirt 12.9). */
export const CHAIN_PRIORITIES: Record<string, number> = { root: 0, mac: -800, vlan: -750, ipv4: -700, ipv6: -600, arp: -500, rarp: -400 };

type ProtocolDefs = { [K in NwfilterProtocol]?: NwfilterProtocolDef[] };
const protocolFields = Object.fromEntries(Object.entries(PROTOCOLS).map(([k, d]) => [k, list(d)])) as { [K in NwfilterProtocol]: ListField<(typeof PROTOCOLS)[K]> };
const PROTOCOL_NAMES = Object.keys(PROTOCOLS) as NwfilterProtocol[];

/**
 * A rule as libvirt reads it (virNWFilterRuleParse, virNWFilterRuleDefFixup):
 * the first protocol element in document order decides the protocol; every
 * element of that name is read into one set of attributes (a later value
 * replaces an earlier one), each negated as its element's `match` says; other
 * protocol elements are ignored. Some attributes then take another's negation
 * (NEGATION_COPIES). libvirt writes the attributes in its order, those not
 * negated in one element and the negated ones in a second with `match='no'`
 * (an element without attributes when there are none): the def holds exactly
 * those elements.
 */
function fixupRule(rule: ProtocolDefs): CheckFailure | undefined {
  const present = PROTOCOL_NAMES.filter((p) => rule[p] !== undefined);
  if (present.length === 0) return undefined;
  let first = present[0]!;
  if (present.length > 1) {
    // the first in document order (of the rule's element, read just now)
    const el = originOf(rule)?.el;
    const name = el?.children.find((c): c is XmlElement => c.type === 'element' && present.includes(c.name as NwfilterProtocol))?.name;
    if (name !== undefined) first = name as NwfilterProtocol;
    for (const p of present) if (p !== first) delete rule[p];
  }
  const items = rule[first]!;
  const attrs = protocolAttributes(first);
  const value = new Map<string, string>();
  const negated = new Map<string, boolean>();
  for (const item of items) {
    const r = item as Record<string, unknown>;
    for (const a of attrs) {
      const v = r[a];
      if (typeof v !== 'string') continue;
      value.set(a, v);
      negated.set(a, item.match === false);
    }
  }
  for (const [target, source] of NEGATION_COPIES[first]) if (value.has(target)) negated.set(target, negated.get(source) ?? false);
  const plain: Record<string, unknown> = {};
  const neg: Record<string, unknown> = { match: false };
  for (const a of attrs) if (value.has(a)) (negated.get(a) ? neg : plain)[a] = value.get(a);
  // what libvirt does not read (unknown attributes and content, attributes it ignores) stays with its element's group
  for (const item of items) {
    const r = item as Record<string, unknown>;
    const to = item.match === false ? neg : plain;
    for (const [k, v] of Object.entries(r)) if (k !== 'match' && k !== EXTRA && !attrs.includes(k)) to[k] = v;
    const ex = r[EXTRA] as Extra | undefined;
    if (ex) {
      const into = ((to[EXTRA] as Extra | undefined) ?? (to[EXTRA] = {})) as Extra;
      if (ex.attrs) for (const x of ex.attrs) if (!(into.attrs ??= []).some((y) => y.name === x.name)) into.attrs.push(x);
      if (ex.nodes) (into.nodes ??= []).push(...ex.nodes);
    }
  }
  const has = (g: Record<string, unknown>) => Object.keys(g).some((k) => k !== 'match');
  const groups = [plain, neg].filter(has);
  rule[first] = (groups.length ? groups : [{}]) as NwfilterProtocolDef[];
  return undefined;
}

export const nwfilterRule = element(
  'rule',
  {
    action: attr(oneOf('drop', 'accept', 'reject', 'return', 'continue'), { required: true }),
    direction: attr(oneOf('in', 'out', 'inout'), { required: true }),
    priority: attr(int({ min: -1000, max: 1000 }), { default: 500 }),
    statematch: attr(oneOf('false', '0', 'true', '1'), { doc: "'false': no connection state matching (libvirt writes only that)" }),
    ...protocolFields,
  },
  {
    check: (r: ProtocolDefs & { statematch?: string }) => {
      // libvirt writes statematch='false' for '0' too, and nothing for 'true' or '1'
      if (r.statematch === '0') r.statematch = 'false';
      else if (r.statematch === 'true' || r.statematch === '1') delete r.statematch;
      return fixupRule(r);
    },
  },
);
export type NwfilterRuleDef = Infer<typeof nwfilterRule>;

/** A filter's entry: a rule, or a reference to another filter. */
export const nwfilterEntry = choice('entry', { rule: nwfilterRule, filterref: filterRef }, (v: object) => ('action' in v || 'direction' in v ? 'rule' : 'filterref'));

export const nwfilterDef = element('filter', {
  name: attr(str, { required: true }),
  chain: attr(str, { default: 'root', doc: 'root, or a protocol prefix (mac, vlan, stp, arp, rarp, ipv4, ipv6) with an optional suffix' }),
  priority: attr(int({ min: -1000, max: 1000 }), { doc: "the chain's priority (default by the chain's prefix)" }),
  uuid: value('uuid', uuid),
  entries: list(nwfilterEntry),
}, {
  // libvirt fills in the priority of a chain whose prefix has one
  check: (f: { chain: string; priority?: number }) => {
    if (f.priority === undefined) {
      const prefix = f.chain.split('-')[0]!;
      const p = CHAIN_PRIORITIES[prefix];
      if (p !== undefined && p !== 0) f.priority = p;
    }
    return undefined;
  },
});
export type NwfilterDef = Infer<typeof nwfilterDef>;
