/**
 * `<forward>`: how the network reaches the outside (nat, route, open,
 * bridge, the macvtap modes private/vepa/passthrough, and hostdev), with its
 * device pool (`<interface>` netdevs or `<address type='pci'>` VFs, or a
 * `<pf>` expanded at start), the PCI `<driver>` and NAT ranges.
 *
 * Read: `<forward dev='X'>` becomes the first `<interface>` of the pool
 * (libvirt stores it once). Written: `dev` is derived from the pool.
 */
import { checkPciAddress, hostdevDriver, pciAddressFields, pciAddressName } from '../common/basictypes.js';
import { ipv4Address } from '../common/networkcommon.js';
import { attr, child, element, list, type CheckFailure, type FormatContext, type Infer, type InferFields } from '../xml/decl.js';
import { oneOf, onOff, str, uint, yesNo, type UnknownWord, type ValueType } from '../xml/values.js';
import { failAt, repeatedChild } from './problems.js';
import { liveConnections, yesLenient } from './values.js';

export const forwardModes = ['nat', 'route', 'open', 'bridge', 'passthrough', 'private', 'vepa', 'hostdev'] as const;
export type NetworkForwardMode = (typeof forwardModes)[number];

const CONNECTIONS_DOC = 'Live XML: number of guest interfaces using this device';

/** `<interface dev='eth0' [connections='N']/>`: a netdev of the pool. */
export const networkForwardInterface = element(
  'interface',
  {
    dev: attr(str, { required: true, doc: 'Host network device name' }),
    connections: liveConnections(CONNECTIONS_DOC),
  },
  { doc: 'Network device of the forward pool' },
);
export type NetworkForwardInterface = Infer<typeof networkForwardInterface>;

/** `<address type='pci' domain bus slot function/>`: a PCI device (SR-IOV VF) of a hostdev pool. */
const forwardAddressFields = {
  type: attr(oneOf('pci'), { doc: "Always 'pci' (required when read; written even when absent in a def built in code)" }),
  domain: pciAddressFields.domain,
  bus: pciAddressFields.bus,
  slot: pciAddressFields.slot,
  function: pciAddressFields.function,
  multifunction: attr(onOff, { when: () => false, doc: 'Read only: libvirt reads it and never writes it back' }),
  connections: attr(uint(), { when: () => false, doc: 'Read only: libvirt never writes a use count for PCI pool entries' }),
} as const;
export type NetworkForwardAddress = InferFields<typeof forwardAddressFields>;

export const networkForwardAddress = element('address', forwardAddressFields, {
  doc: 'PCI device of the forward pool',
  check: checkPciAddress,
  // libvirt writes the type and all four numbers, zero when unset
  beforeFormat: (a: NetworkForwardAddress) => ({
    ...a,
    type: 'pci',
    domain: a.domain ?? 0,
    bus: a.bus ?? 0,
    slot: a.slot ?? 0,
    function: a.function ?? 0,
  }),
});

/** `<pf dev='eth2'/>`: SR-IOV physical function whose VFs form the pool when the network starts. */
export const networkForwardPf = element('pf', { dev: attr(str, { required: true }) }, { doc: 'SR-IOV physical function' });
export type NetworkForwardPf = Infer<typeof networkForwardPf>;

const range = <T>(name: string, type: ValueType<T>) =>
  element(name, { start: attr(type, { required: true }), end: attr(type, { required: true }) });

/** `<nat [ipv6='yes']>` with an IPv4 `<address start end/>` range and a `<port start end/>` range. */
export const networkForwardNat = element(
  'nat',
  {
    ipv6: attr(yesNo, { doc: 'NAT for IPv6 traffic too' }),
    address: child(range('address', ipv4Address)),
    port: child(range('port', uint({ max: 65535 }))),
  },
  { doc: 'NAT address and port ranges' },
);
export type NetworkForwardNat = Infer<typeof networkForwardNat>;

/** Whether the pool is written: always, except in inactive XML of a `<pf>` network (the pool is derived from the PF). */
const poolShown = (ctx: FormatContext, f: { pf?: unknown }) => !f.pf || !ctx.inactive;

const forwardFields = {
  dev: attr(str, { doc: 'Read: becomes the first <interface> of the pool. Written: the first pool netdev when there is no <pf>' }),
  // explicit type argument: with a `default`, attr() widens the inferred type to string
  mode: attr<NetworkForwardMode | UnknownWord>(oneOf(...forwardModes), { default: 'nat', doc: 'Absent: nat' }),
  managed: attr(yesLenient, {
    omit: (_v: boolean, f: { mode?: string }) => f.mode !== 'hostdev',
    doc: "hostdev mode: detach the devices from their host driver (written as yes/no in hostdev mode only; read: only 'yes', any case, is true)",
  }),
  driver: child(hostdevDriver, { omitEmpty: true }),
  nat: child(networkForwardNat, { omitEmpty: true, when: (_ctx: FormatContext, f: { mode?: string }) => f.mode === 'nat' }),
  pf: child(networkForwardPf),
  interfaces: list(networkForwardInterface, { when: poolShown }),
  addresses: list(networkForwardAddress, { when: poolShown }),
} as const;
export type NetworkForward = InferFields<typeof forwardFields>;

export const networkForward = element('forward', forwardFields, { doc: 'Forwarding mode and device pool', beforeFormat: forwardToWrite });

function forwardToWrite(f: NetworkForward): NetworkForward {
  const out = { ...f };
  // a def built in code may name its single device with `dev` only
  if (f.dev !== undefined && !f.interfaces?.length) out.interfaces = [{ dev: f.dev }];
  const first = out.interfaces?.[0];
  if (!f.pf && first) out.dev = first.dev;
  else delete out.dev;
  if (f.mode === 'hostdev') out.managed = f.managed ?? false;
  return out;
}

/**
 * libvirt's parse-time rules for `<forward>` (`virNetworkForwardDefParseXML`);
 * normalises `dev` into the pool. Throws a placed VirtXmlError.
 */
export function checkForward(f: NetworkForward, network: string): CheckFailure | undefined {
  const nat = f.nat;
  if (nat) {
    const second = repeatedChild(f, 'nat');
    if (second) return second.at('unsupported', `Only one <nat> element is allowed in <forward> of network ${network}`);
    if (f.mode !== 'nat') {
      return failAt(nat, 'unsupported', `The <nat> element can only be used when <forward> 'mode' is 'nat' in network ${network}`);
    }
    if (nat.port && nat.port.end < nat.port.start) {
      return failAt(nat.port, 'invalid-value', `Missing or invalid 'end' attribute in <port> in <nat> in <forward> in network ${network}`, 'end');
    }
  }
  const ifs = f.interfaces ?? [];
  const addrs = f.addresses ?? [];
  if (f.dev !== undefined && (addrs.length > 0 || f.pf)) {
    return failAt(f, 'unsupported', "the <forward> 'dev' attribute cannot be used when <address> or <pf> sub-elements are present", 'dev');
  }
  if (ifs.length > 0 || f.dev !== undefined) {
    // libvirt ignores <address> entries next to a netdev pool: dropped as libvirt drops them.
    // A <pf> is kept: live XML of a PF network lists the PF and its netdevs.
    delete f.addresses;
    if (f.dev !== undefined) {
      const first = ifs[0];
      if (first && first.dev !== f.dev) {
        return failAt(first, 'invalid-value', `<forward dev='${f.dev}'> must match first <interface dev='${first.dev}'/> in network ${network}`, 'dev');
      }
      if (!first) f.interfaces = [{ dev: f.dev }];
      delete f.dev;
    }
    const seen = new Set<string>();
    for (const i of f.interfaces ?? []) {
      if (seen.has(i.dev)) return failAt(i, 'duplicate', `interface '${i.dev}' can only be listed once in network ${network}`, 'dev');
      seen.add(i.dev);
    }
  } else if (addrs.length > 0) {
    const seen = new Set<string>();
    for (const a of addrs) {
      if (a.type === undefined) return failAt(a, 'missing-attribute', `missing address type in network ${network}`);
      const name = pciAddressName(a);
      if (seen.has(name)) return failAt(a, 'duplicate', `PCI device '${name}' can only be listed once in network ${network}`);
      seen.add(name);
    }
  } else if (f.pf) {
    const second = repeatedChild(f, 'pf');
    if (second) return second.at('unsupported', `Only one <pf> element is allowed in <forward> of network ${network}`);
  }
  return undefined;
}
