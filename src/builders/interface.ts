/**
 * `<interface>` builders: a guest NIC on a libvirt network, on a host
 * bridge, on macvtap (`direct`), or an SR-IOV VF given to the guest
 * (`hostdev`, with virtxml's `group='auto'`).
 *
 * ```ts
 * iface.network('default');                                  // virtio NIC on the 'default' network
 * iface.bridge('br0', { mac: '52:54:00:12:34:56' });
 * iface.hostdev('0000:03:10.2', { driver: { name: 'vfio', group: 'auto' } });
 * ```
 */
import type { HostdevInterface, InterfaceDef, NetworkInterface } from '../domain/devices/interface.js';
import { netInterface } from '../domain/devices/interface.js';
import { INVALID, mac as macType } from '../xml/values.js';
import { builtDevice, type BuiltDevice } from './built.js';
import { bool, builderError, nonEmpty, show } from './errors.js';
import { hostdevDriver, type HostdevDriverOptions } from './hostdev.js';
import { deviceInfo, type DeviceInfoOptions } from './info.js';
import { parsePciAddress, type PciAddressInput } from './pci-address.js';

export interface InterfaceOptions extends DeviceInfoOptions {
  /** Guest MAC address (unicast). Default: libvirt generates one (52:54:00:…). */
  mac?: string;
  /** NIC model. Default `virtio` (not for hostdev interfaces, which are the VF itself). */
  model?: string;
  /** VLAN tag(s): one id, or several for a trunk. */
  vlan?: number | number[];
  /** MTU of the host side. */
  mtu?: number;
}

type BridgeInterface = Extract<InterfaceDef, { type: 'bridge' }>;
type DirectInterface = Extract<InterfaceDef, { type: 'direct' }>;

const MODEL = /^[a-zA-Z0-9_-]+$/;

/** A MAC address in libvirt's form, or a typed error (multicast addresses refused as libvirt does). */
export function checkMac(v: unknown, path = '/interface/mac/@address'): string {
  const m = typeof v === 'string' ? macType.parse(v) : INVALID;
  if (m === INVALID) throw builderError('invalid-value', `invalid MAC address ${show(v)}: expected six hex bytes like 52:54:00:12:34:56`, path);
  if (parseInt(m.slice(0, 2), 16) & 1) throw builderError('invalid-value', `expected unicast mac address, found multicast '${m}'`, path);
  return m;
}

function link(options: InterfaceOptions, withModel: boolean) {
  const out: Partial<NetworkInterface> = {};
  if (options.mac !== undefined) out.mac = { address: checkMac(options.mac) };
  if (options.vlan !== undefined) {
    const ids = Array.isArray(options.vlan) ? options.vlan : [options.vlan];
    if (ids.length === 0) throw builderError('missing-element', 'vlan needs at least one tag id', '/interface/vlan');
    const tags = ids.map((id, i) => {
      if (!Number.isInteger(id) || id < 0 || id > 4095) throw builderError('invalid-value', `vlan tag must be 0-4095, got ${show(id)}`, `/interface/vlan/tag[${i + 1}]/@id`);
      return { id };
    });
    out.vlan = { ...(tags.length > 1 ? { trunk: true } : {}), tags };
  }
  if (withModel) {
    const model = options.model ?? 'virtio';
    if (typeof model !== 'string' || !MODEL.test(model)) throw builderError('invalid-value', `NIC model must be a model name like virtio or e1000e, got ${show(model)}`, '/interface/model/@type');
    out.model = { type: model };
  } else if (options.model !== undefined) {
    throw builderError('unsupported', 'a hostdev interface is the host device itself: it has no model', '/interface/model/@type');
  }
  if (options.mtu !== undefined) {
    if (!Number.isInteger(options.mtu) || options.mtu < 68 || options.mtu > 65535) throw builderError('invalid-value', `MTU must be 68-65535, got ${show(options.mtu)}`, '/interface/mtu/@size');
    out.mtu = { size: options.mtu };
  }
  return { ...out, ...deviceInfo(options, '/interface') };
}

/** A NIC on a libvirt virtual network: `<interface type='network'>`. */
function network(name: string, options: InterfaceOptions & { portgroup?: string } = {}): BuiltDevice<NetworkInterface, 'interface'> {
  const source: NetworkInterface['source'] = { network: nonEmpty(name, 'network name', '/interface/source/@network') };
  if (options.portgroup !== undefined) source.portgroup = nonEmpty(options.portgroup, 'portgroup', '/interface/source/@portgroup');
  const def = { type: 'network', ...link(options, true), source } as NetworkInterface;
  return builtDevice(def, 'interface', netInterface);
}

/** A NIC on a host bridge (tap device): `<interface type='bridge'>`. */
function bridge(name: string, options: InterfaceOptions = {}): BuiltDevice<BridgeInterface, 'interface'> {
  const def = { type: 'bridge', ...link(options, true), source: { bridge: nonEmpty(name, 'bridge name', '/interface/source/@bridge') } } as BridgeInterface;
  return builtDevice(def, 'interface', netInterface);
}

/** A macvtap NIC on a host network device: `<interface type='direct'>`, mode `bridge` unless said otherwise (guests on the same device reach each other). */
function direct(dev: string, options: InterfaceOptions & { mode?: 'vepa' | 'bridge' | 'private' | 'passthrough' } = {}): BuiltDevice<DirectInterface, 'interface'> {
  const mode = options.mode ?? 'bridge';
  if (!['vepa', 'bridge', 'private', 'passthrough'].includes(mode)) throw builderError('invalid-value', `macvtap mode must be vepa, bridge, private or passthrough, got ${show(mode)}`, '/interface/source/@mode');
  const def = { type: 'direct', ...link(options, true), source: { dev: nonEmpty(dev, 'host device', '/interface/source/@dev'), mode } } as DirectInterface;
  return builtDevice(def, 'interface', netInterface);
}

/** An SR-IOV VF (or other PCI NIC) given to the guest: `<interface type='hostdev'>`. */
function hostdev(
  address: PciAddressInput,
  options: Omit<InterfaceOptions, 'model'> & { managed?: boolean; driver?: HostdevDriverOptions; model?: never } = {},
): BuiltDevice<HostdevInterface, 'interface'> {
  const managed = bool(options.managed, 'managed', '/interface/@managed') ?? true;
  const def = {
    type: 'hostdev',
    managed,
    ...link(options, false),
    source: { address: { type: 'pci', ...parsePciAddress(address, '/interface/source/address') } },
  } as HostdevInterface;
  const driver = hostdevDriver(options.driver, managed, '/interface/driver');
  if (driver) def.driver = driver;
  return builtDevice(def, 'interface', netInterface);
}

/** Builders of `<interface>` devices. */
export const iface = { network, bridge, direct, hostdev };
