/**
 * `<filter>`: a libvirt network filter (nwfilter.rng), as
 * `virNWFilterDefFormat` writes it: name, chain (default `root`) and its
 * priority, `<uuid>`, then its entries — `<rule>`s and `<filterref>`s — in
 * document order (one list of a choice of elements). A `<rule>` has one
 * protocol element (./protocols.ts); a repeated one is kept after it.
 */
import { attr, child, choice, element, list, value, type Infer } from '../xml/decl.js';
import { int, oneOf, str, uuid } from '../xml/values.js';
import { filterRef } from '../domain/devices/interface-options.js';
import { PROTOCOLS } from './protocols.js';

/** Default priority of a chain, by its prefix (libvirt writes it when the chain has one; an stp chain has none, asked of libvirt 12.9). */
export const CHAIN_PRIORITIES: Record<string, number> = { root: 0, mac: -800, vlan: -750, ipv4: -700, ipv6: -600, arp: -500, rarp: -400 };

const protocolFields = Object.fromEntries(Object.entries(PROTOCOLS).map(([k, d]) => [k, child(d)])) as { [K in keyof typeof PROTOCOLS]: ReturnType<typeof child<(typeof PROTOCOLS)[K]>> };

export const nwfilterRule = element('rule', {
  action: attr(oneOf('drop', 'accept', 'reject', 'return', 'continue'), { required: true }),
  direction: attr(oneOf('in', 'out', 'inout'), { required: true }),
  priority: attr(int({ min: -1000, max: 1000 }), { default: 500 }),
  statematch: attr(oneOf('false', '0', 'true', '1'), { doc: "'false': no connection state matching (libvirt writes only that)" }),
  ...protocolFields,
}, {
  // libvirt writes statematch='false' for '0' too, and nothing for 'true' or '1'
  check: (r: { statematch?: string }) => {
    if (r.statematch === '0') r.statematch = 'false';
    else if (r.statematch === 'true' || r.statematch === '1') delete r.statematch;
    return undefined;
  },
});
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
