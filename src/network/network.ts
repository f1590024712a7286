/**
 * `<network>`: the whole libvirt 10.7 network definition. Child order is
 * libvirt's output order (`virNetworkDefFormatBuf`).
 */
import { bandwidth, ipRoute, portOptions, virtualPort, vlan } from '../common/networkcommon.js';
import { attr, child, element, list, raw, value, type InferFields } from '../xml/decl.js';
import { str, uuid, yesNo } from '../xml/values.js';
import { networkBridge, networkMac, networkMtu } from './bridge.js';
import { DNSMASQ_NAMESPACE, dnsmasqOptions } from './dnsmasq.js';
import { networkDns, networkDomain } from './dns.js';
import { networkForward, type NetworkForwardMode } from './forward.js';
import { networkIp } from './ip.js';
import { networkPortGroup } from './portgroup.js';
import { checkNetwork } from './rules.js';
import { liveConnections } from './values.js';

const notEmpty = (key: 'title' | 'description') => (_ctx: unknown, n: Record<string, unknown>) => n[key] !== '';

const networkFields = {
  connections: liveConnections('Live XML: number of guest interfaces connected'),
  ipv6: attr(yesNo, { omit: (v: boolean) => !v, doc: 'Guest-to-guest IPv6 without a gateway address (written only when yes)' }),
  trustGuestRxFilters: attr(yesNo),
  name: value('name', str, { required: true }),
  uuid: value('uuid', uuid),
  title: value('title', str, { when: notEmpty('title') }),
  description: value('description', str, { when: notEmpty('description') }),
  metadata: raw('metadata', { quote: '"' }),
  forward: child(networkForward),
  bridge: child(networkBridge, { omitEmpty: true }),
  mtu: child(networkMtu, { omitEmpty: true }),
  mac: child(networkMac),
  domain: child(networkDomain),
  dns: child(networkDns, { omitEmpty: true }),
  vlan: child(vlan),
  bandwidth: child(bandwidth, { omitEmpty: true }),
  port: child(portOptions, { omitEmpty: true }),
  ips: list(networkIp),
  routes: list(ipRoute),
  virtualport: child(virtualPort),
  portgroups: list(networkPortGroup),
  dnsmasqOptions: child(dnsmasqOptions, { omitEmpty: true }),
} as const;
export type NetworkDef = InferFields<typeof networkFields>;

export const networkDef = element('network', networkFields, {
  doc: 'libvirt virtual network',
  check: (n: NetworkDef) => checkNetwork(n),
  beforeFormat: (n: NetworkDef) => networkToWrite(n),
});

/** Modes in which the network has an IP of its own on the bridge (no forward = isolated). */
export const L3_MODES: ReadonlySet<string | undefined> = new Set([undefined, 'nat', 'route', 'open']);

/**
 * libvirt always writes `<bridge>` with `stp` and `delay` (default on, 0)
 * for isolated/nat/route/open networks and never stp/delay otherwise; the
 * `xmlns:dnsmasq` declaration is written exactly when there are options.
 */
function networkToWrite(n: NetworkDef): NetworkDef {
  const out = { ...n };
  if (L3_MODES.has(n.forward?.mode)) {
    out.bridge = { ...n.bridge, stp: n.bridge?.stp ?? true, delay: n.bridge?.delay ?? 0 };
  } else if (n.bridge) {
    const { stp: _stp, delay: _delay, ...rest } = n.bridge;
    out.bridge = rest;
  }
  const o = n.dnsmasqOptions;
  const wantNs = o !== undefined && (o.options?.length || o.$extra !== undefined);
  const attrs = n.$extra?.attrs ?? [];
  const hasNs = attrs.some((a) => a.name === 'xmlns:dnsmasq');
  if (wantNs && !hasNs) out.$extra = { ...n.$extra, attrs: [...attrs, { name: 'xmlns:dnsmasq', value: DNSMASQ_NAMESPACE }] };
  if (!wantNs && hasNs) out.$extra = { ...n.$extra, attrs: attrs.filter((a) => a.name !== 'xmlns:dnsmasq') };
  return out;
}
