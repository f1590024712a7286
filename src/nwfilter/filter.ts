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
import { int, oneOf, pattern, str, uuid } from '../xml/values.js';
import { filterRef } from '../domain/devices/interface-options.js';
import { NEGATION_COPIES, PROTOCOLS, protocolAttributes, type NwfilterProtocol, type NwfilterProtocolDef } from './protocols.js';

/** Default priority of a chain, by its prefix (libvirt writes it when the chain has one; an stp chain has none, asked of libvirt 12.9). */
export const CHAIN_PRIORITIES: Record<string, number> = { root: 0, mac: -800, vlan: -750, ipv4: -700, ipv6: -600, arp: -500, rarp: -400 };
/** The prefixes of a chain's name other than 'root'. */
const CHAIN_PREFIXES = ['mac', 'vlan', 'stp', 'arp', 'rarp', 'ipv4', 'ipv6'];

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
  let first: NwfilterProtocol | undefined;
  let count = 0;
  for (let i = 0; i < PROTOCOL_NAMES.length; i++) {
    if (rule[PROTOCOL_NAMES[i]!] === undefined) continue;
    first ??= PROTOCOL_NAMES[i]!;
    count++;
  }
  if (first === undefined) return undefined;
  if (count > 1) {
    const present = PROTOCOL_NAMES.filter((p) => rule[p] !== undefined);
    // the first in document order (of the rule's element, read just now)
    const el = originOf(rule)?.el;
    const name = el?.children.find((c): c is XmlElement => c.type === 'element' && present.includes(c.name as NwfilterProtocol))?.name;
    if (name !== undefined) first = name as NwfilterProtocol;
    for (const p of present) if (p !== first) delete rule[p];
  }
  const items = rule[first]!;
  const attrs = protocolAttributes(first);
  const only = items.length === 1 ? (items[0] as Record<string, unknown>) : undefined;
  // one element, not negated: libvirt reads and writes it as it is
  if (only !== undefined && only.match !== false) return portCheck(first, (a) => only[a] as string | undefined);
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
  const failure = portCheck(first, (a) => value.get(a));
  if (failure) return failure;
  const has = (g: Record<string, unknown>) => Object.keys(g).some((k) => k !== 'match' && k !== EXTRA);
  const groups = [plain, neg].filter(has);
  // kept content of a group libvirt does not write goes with the element written
  for (const g of [plain, neg]) {
    if (has(g) || g[EXTRA] === undefined) continue;
    const host = groups[0] ?? (groups[0] = {});
    const into = ((host[EXTRA] as Extra | undefined) ?? (host[EXTRA] = {})) as Extra;
    const ex = g[EXTRA] as Extra;
    if (ex.attrs) (into.attrs ??= []).push(...ex.attrs);
    if (ex.nodes) (into.nodes ??= []).push(...ex.nodes);
  }
  rule[first] = (groups.length ? groups : [{}]) as NwfilterProtocolDef[];
  return undefined;
}

const PORTS = ['srcportstart', 'srcportend', 'dstportstart', 'dstportend'];
const PORT_PROTOCOLS = ['tcp', 'udp', 'sctp', '6', '17', '33', '132'];

/** libvirt's check of an IP or IPv6 rule read (virNWFilterRuleValidate): ports need tcp, udp, dccp or sctp. */
function portCheck(p: NwfilterProtocol, get: (attribute: string) => string | undefined): CheckFailure | undefined {
  if (p !== 'ip' && p !== 'ipv6') return undefined;
  if (!PORTS.some((a) => get(a) !== undefined)) return undefined;
  const proto = get('protocol');
  if (proto !== undefined && PORT_PROTOCOLS.includes(proto)) return undefined;
  return { code: 'invalid-value', message: `${p === 'ip' ? 'IP' : 'IPv6'} rule with port specification requires protocol specification with protocol to be either one of tcp(6), udp(17), dccp(33), or sctp(132)` };
}

export const nwfilterRule = element(
  'rule',
  {
    action: attr(oneOf('drop', 'accept', 'reject', 'return', 'continue'), { required: true }),
    direction: attr(oneOf('in', 'out', 'inout'), { required: true }),
    priority: attr(int(), { default: 500, doc: 'from -1000 to 1000 (libvirt reads another number as the default, 500)' }),
    statematch: attr(str, { doc: "'false' (or '0'): no connection state matching; libvirt reads any other word as the default and writes only 'false'" }),
    ...protocolFields,
  },
  {
    check: (r: ProtocolDefs & { statematch?: string; priority: number }) => {
      // libvirt writes statematch='false' for '0' too, and nothing for another word
      if (r.statematch === '0' || r.statematch === 'false') r.statematch = 'false';
      else delete r.statematch;
      if (r.priority < -1000 || r.priority > 1000) r.priority = 500;
      return fixupRule(r);
    },
  },
);
export type NwfilterRuleDef = Infer<typeof nwfilterRule>;

const PARAM_NAME = /^[a-zA-Z0-9_]+$/;
const PARAM_VALUE = /^[a-zA-Z0-9_.:]+$/;

/** `<parameter name value/>`: libvirt reads past one without a valid name and value (virNWFilterParseParamAttributes). */
export const nwfilterParameter = element('parameter', {
  name: attr(pattern('filterParamName', PARAM_NAME), { required: true, missing: 'ignore-element', readIf: (a) => PARAM_NAME.test(a('name') ?? '') && PARAM_VALUE.test(a('value') ?? '') }),
  value: attr(pattern('filterParamValue', PARAM_VALUE), { required: true, missing: 'ignore-element', readIf: (a) => PARAM_NAME.test(a('name') ?? '') && PARAM_VALUE.test(a('value') ?? '') }),
});

/** `<filterref>` in a filter or a binding: libvirt refuses one without `filter` (a domain interface's is read past). */
export const nwfilterRef = element(
  'filterref',
  { filter: attr(str, { required: true, doc: 'the name of the filter included' }), parameters: list(nwfilterParameter) },
  { beforeFormat: filterRef.beforeFormat! },
);

/** A filter's entry: a rule, or a reference to another filter. */
export const nwfilterEntry = choice('entry', { rule: nwfilterRule, filterref: nwfilterRef }, (v: object) => ('action' in v || 'direction' in v ? 'rule' : 'filterref'));

export const nwfilterDef = element('filter', {
  name: attr(str, { required: true }),
  chain: attr(str, { default: 'root', doc: 'root, or a protocol prefix (mac, vlan, stp, arp, rarp, ipv4, ipv6) with an optional suffix' }),
  priority: attr(int(), { doc: "the chain's priority, from -1000 to 1000 (default by the chain's prefix)" }),
  uuid: value('uuid', uuid),
  entries: list(nwfilterEntry),
}, {
  // libvirt's chain names (virNWFilterIsValidChainName, virNWFilterDefParseXML), and the priority of a chain whose prefix has one
  check: (f: { chain: string; priority?: number }): CheckFailure | undefined => {
    if (f.chain.length > 12) return { code: 'invalid-value', message: 'Name of chain is longer than 12 characters', attribute: 'chain' };
    if (!/^[a-zA-Z0-9_.:-]*$/.test(f.chain)) return { code: 'invalid-value', message: 'Chain name contains invalid characters', attribute: 'chain' };
    if (f.chain !== 'root' && !CHAIN_PREFIXES.some((p) => f.chain.startsWith(p))) {
      return { code: 'invalid-value', message: `Invalid chain name '${f.chain}'. Please use a chain name called 'root' or any of the following prefixes: ${CHAIN_PREFIXES.join(', ')}`, attribute: 'chain' };
    }
    if (f.priority !== undefined && (f.priority < -1000 || f.priority > 1000)) return { code: 'invalid-value', message: `Priority '${f.priority}' is outside valid range of [-1000,1000]`, attribute: 'priority' };
    if (f.priority === undefined) {
      const prefix = Object.keys(CHAIN_PRIORITIES).find((k) => f.chain.startsWith(k));
      const p = prefix === undefined ? undefined : CHAIN_PRIORITIES[prefix];
      if (p !== undefined && p !== 0) f.priority = p;
    }
    return undefined;
  },
});
export type NwfilterDef = Infer<typeof nwfilterDef>;
