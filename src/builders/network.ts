/**
 * `<network>` builders: NAT, isolated and bridged networks, and hostdev
 * pools of SR-IOV VFs (from a PF, or from a list of PCI addresses) with
 * `<driver name='vfio' group='auto'/>`.
 *
 * ```ts
 * network.nat({ name: 'lab', ip: '192.168.100.1/24' });          // DHCP .2 – .254
 * network.bridge({ name: 'host-bridge', bridge: 'br0' });
 * network.hostdevPool({ name: 'sriov', pf: 'enp3s0f0', driver: { name: 'vfio', group: 'auto' } });
 * ```
 */
import { pciAddressName } from '../common/basictypes.js';
import type { NetworkForward } from '../network/forward.js';
import { formatNetworkXml, parseNetworkXml } from '../network/index.js';
import { networkDef, type NetworkDef } from '../network/network.js';
import type { NetworkIp } from '../network/ip.js';
import { VirtXmlError } from '../xml/errors.js';
import { attachMethods, type Built } from './built.js';
import { checkName, checkUuid } from './domain.js';
import { bool, builderError, isIpv4, nonEmpty, show } from './errors.js';
import { hostdevDriver, type HostdevDriverOptions } from './hostdev.js';
import { parsePciAddress, type PciAddressInput } from './pci-address.js';

/** A built network: a `NetworkDef` with `toXml()` and `validate()`. */
export type BuiltNetwork = Built<NetworkDef>;

/** What every network builder takes. */
export interface NetworkCommon {
  name: string;
  uuid?: string;
  title?: string;
}

export interface L3NetworkOptions extends NetworkCommon {
  /** Bridge device libvirt creates (default: libvirt picks virbrN). */
  bridge?: string;
  /** Address of the bridge with its prefix: `'192.168.100.1/24'`. */
  ip: string;
  /** DHCP range: `true` (default) hands out every address after the bridge's, `false` none. */
  dhcp?: boolean | { start: string; end: string };
  /** DNS domain of the guests. */
  domain?: string;
}


function ipv4ToInt(s: string): number {
  return s.split('.').reduce((n, b) => n * 256 + parseInt(b, 10), 0);
}
function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** Reads `a.b.c.d/prefix` (IPv4; prefix 8–30). */
export function parseCidr(v: unknown, path = '/network/ip'): { address: string; prefix: number; network: number; broadcast: number } {
  const m = typeof v === 'string' ? /^([0-9.]+)\/(\d{1,2})$/.exec(v) : null;
  if (!m || !isIpv4(m[1]!)) throw builderError('invalid-value', `network ip must be an IPv4 address with a prefix, like '192.168.100.1/24', got ${show(v)}`, path);
  const prefix = parseInt(m[2]!, 10);
  if (prefix < 8 || prefix > 30) throw builderError('invalid-value', `network prefix must be 8-30, got /${prefix}`, `${path}/@prefix`);
  const addr = ipv4ToInt(m[1]!);
  const size = 2 ** (32 - prefix);
  const network = Math.floor(addr / size) * size;
  const broadcast = network + size - 1;
  if (addr === network || addr === broadcast) {
    throw builderError('invalid-value', `${m[1]} is the ${addr === network ? 'network' : 'broadcast'} address of /${prefix}: give the bridge a host address`, `${path}/@address`);
  }
  return { address: m[1]!, prefix, network, broadcast };
}

function common(o: NetworkCommon): NetworkDef {
  if (typeof o !== 'object' || o === null) throw builderError('invalid-value', 'a network builder needs an options object', '/network');
  const def: NetworkDef = { name: checkName(o.name, 'network name', '/network/name') };
  if (o.uuid !== undefined) def.uuid = checkUuid(o.uuid, '/network/uuid');
  if (o.title !== undefined) def.title = nonEmpty(o.title, 'title', '/network/title');
  return def;
}

const BRIDGE = /^[a-zA-Z0-9_.:-]{1,15}$/;
function bridgeName(v: unknown, path: string): string {
  if (typeof v !== 'string' || !BRIDGE.test(v)) throw builderError('invalid-value', `bridge must be a network device name (1-15 characters), got ${show(v)}`, path);
  return v;
}

function l3(o: L3NetworkOptions, forward: NetworkForward | undefined): BuiltNetwork {
  const def = common(o);
  if (forward) def.forward = forward;
  if (o.bridge !== undefined) def.bridge = { name: bridgeName(o.bridge, '/network/bridge/@name') };
  if (o.domain !== undefined) {
    if (typeof o.domain !== 'string' || !/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(o.domain)) throw builderError('invalid-value', `DNS domain must be a domain name, got ${show(o.domain)}`, '/network/domain/@name');
    def.domain = { name: o.domain };
  }
  const c = parseCidr(o.ip);
  const ip: NetworkIp = { family: 'ipv4', address: c.address, prefix: c.prefix };
  const dhcp = o.dhcp ?? true;
  if (dhcp === true) {
    const start = ipv4ToInt(c.address) + 1;
    if (start < c.broadcast) ip.dhcp = { ranges: [{ start: intToIpv4(start), end: intToIpv4(c.broadcast - 1) }] };
  } else if (dhcp !== false) {
    for (const k of ['start', 'end'] as const) {
      const a = dhcp[k];
      if (typeof a !== 'string' || !isIpv4(a) || ipv4ToInt(a) <= c.network || ipv4ToInt(a) >= c.broadcast) {
        throw builderError('invalid-value', `DHCP range ${k} ${show(a)} is not a host address of ${intToIpv4(c.network)}/${c.prefix}`, `/network/ip/dhcp/range/@${k}`);
      }
    }
    if (ipv4ToInt(dhcp.start) > ipv4ToInt(dhcp.end)) throw builderError('invalid-value', `DHCP range start ${dhcp.start} is after its end ${dhcp.end}`, '/network/ip/dhcp/range');
    ip.dhcp = { ranges: [{ start: dhcp.start, end: dhcp.end }] };
  }
  def.ips = [ip];
  return finish(def);
}

/** Runs libvirt's parse-time rules on the XML the def writes, then attaches the methods. */
function finish(def: NetworkDef): BuiltNetwork {
  try {
    parseNetworkXml(formatNetworkXml(def));
  } catch (e) {
    if (e instanceof VirtXmlError) throw e;
    throw builderError('internal', `the built network could not be read back: ${String(e)}`, '/network');
  }
  return attachMethods(def, networkDef, 'network', (d, o) => formatNetworkXml(d, o));
}

/** A NAT network (libvirt's `default` is one): guests reach out through the host's routes. */
function nat(options: L3NetworkOptions): BuiltNetwork {
  return l3(options, { mode: 'nat' });
}

/** An isolated network: guests reach each other and the host, nothing else. */
function isolated(options: L3NetworkOptions): BuiltNetwork {
  return l3(options, undefined);
}

/** A network on an existing host bridge (libvirt only connects guests to it). */
function bridge(options: NetworkCommon & { bridge: string }): BuiltNetwork {
  const def = common(options);
  def.forward = { mode: 'bridge' };
  def.bridge = { name: bridgeName(options.bridge, '/network/bridge/@name') };
  return finish(def);
}

export interface HostdevPoolOptions extends NetworkCommon {
  /** The SR-IOV physical function whose VFs form the pool (expanded when the network starts). */
  pf?: string;
  /** Or the pool's PCI devices (VFs) themselves. */
  addresses?: PciAddressInput[];
  /** libvirt detaches each VF from its host driver (default true). */
  managed?: boolean;
  /** `{ name: 'vfio', group: 'auto' }`: VFIO, with the IOMMU group managed as one (virtxml's extension). */
  driver?: HostdevDriverOptions;
}

/** A `<forward mode='hostdev'>` pool: each guest interface on it gets a VF of its own. */
function hostdevPool(options: HostdevPoolOptions): BuiltNetwork {
  const def = common(options);
  const hasPf = options.pf !== undefined;
  const hasAddrs = options.addresses !== undefined;
  if (hasPf === hasAddrs) throw builderError('missing-element', 'a hostdev pool needs exactly one of pf (a PF device name) or addresses (its VFs)', '/network/forward');
  const managed = bool(options.managed, 'managed', '/network/forward/@managed') ?? true;
  const forward: NetworkForward = { mode: 'hostdev', managed };
  const driver = hostdevDriver(options.driver, managed, '/network/forward/driver');
  if (driver) forward.driver = driver;
  if (hasPf) forward.pf = { dev: nonEmpty(options.pf, 'pf', '/network/forward/pf/@dev') };
  else {
    if (!Array.isArray(options.addresses) || options.addresses.length === 0) throw builderError('missing-element', 'addresses must list at least one PCI address', '/network/forward/address');
    const seen = new Set<string>();
    forward.addresses = options.addresses.map((a, i) => {
      const path = `/network/forward/address[${i + 1}]`;
      const p = parsePciAddress(a, path);
      const key = pciAddressName(p);
      if (seen.has(key)) throw builderError('duplicate', `PCI device ${show(a)} can only be listed once in network ${def.name}`, path);
      seen.add(key);
      return { type: 'pci' as const, ...p };
    });
  }
  def.forward = forward;
  return finish(def);
}

/** Builders of `<network>` definitions. */
export const network = { nat, isolated, bridge, hostdevPool };
