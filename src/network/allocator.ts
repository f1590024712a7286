/**
 * The network allocator: libvirt's network port decisions
 * (libvirt-semantics.md §2) without a daemon.
 *
 * - `createPort` is `networkPortCreateXML`: a port without a plug is
 *   allocated (`networkAllocatePort`: §2.3 merges, the device choice of
 *   each forward mode §2.4, QoS floor), a port with a plug is reclaimed
 *   (`networkNotifyPort`, §2.6);
 * - `releasePort` is `networkPortDelete` / `networkReleasePort` (§2.7);
 * - `allocatePort` / `notifyPort` are the two cases of `createPort`;
 * - `allocate` / `notify` / `release` are the domain side
 *   (`virDomainNetAllocateActualDevice` & co): an `<interface
 *   type='network'>` becomes a port request, the port becomes its
 *   `<actual>` (./port-actual.ts).
 *
 * The network's PCI `<driver>` — including virtxml's `groupMgmt` — goes
 * into the port's plug and from there into the actual hostdev.
 *
 * Pure: no I/O. Pools built from a `<pf dev>` need the PF's virtual
 * functions, which a {@link NetworkHost} provides (`pciNetworkHost` over a
 * sysfs or in-memory PCI host). Every operation is O(log pool size).
 */
import { pciAddressName, type HostdevDriver } from '../common/basictypes.js';
import type { Vlan } from '../common/networkcommon.js';
import type { InterfaceActual, NetworkInterface } from '../domain/devices/interface.js';
import { VirtXmlError } from '../xml/errors.js';
import { createInterfacePool, poolKey, type InterfacePool, type PoolEntry } from './interface-pool.js';
import { networkForward } from './forward.js';
import type { NetworkDef } from './network.js';
import type { NetworkHost } from './pci-host.js';
import type { NetworkPortDef } from './port.js';
import { actualToPort, copyDef, interfaceToPort, portToActual, type DomainRef, type PortIds } from './port-actual.js';
import type { NetworkPortGroup } from './portgroup.js';
import { NetworkQos } from './qos.js';
import { completeVirtualPort, mergeVirtualPorts } from './virtualport.js';

export type { DomainRef } from './port-actual.js';
export type { NetworkHost, VirtualFunction } from './pci-host.js';

/** Network hook events (libvirt runs `/etc/libvirt/hooks/network`); a throwing port-created hook fails the allocation. */
export type NetworkHook = (event: 'port-created' | 'port-deleted', network: NetworkDef, port: NetworkPortDef) => void;

export interface NetworkAllocatorOptions {
  host?: NetworkHost;
  /** UUID source for port ids and generated virtualport ids (default: crypto.randomUUID). */
  newUuid?: () => string;
  /** MAC source for interfaces that have none (default: random 52:54:00:xx:xx:xx, libvirt's QEMU prefix). */
  newMac?: () => string;
  hook?: NetworkHook;
}

export interface CreatePortOptions {
  /** `VIR_NETWORK_PORT_CREATE_RECLAIM`: the port already has a plug (after a restart); re-validate and count it. */
  reclaim?: boolean;
}

interface PortRecord {
  def: NetworkPortDef;
  entry: number | undefined;
}

interface NetworkState {
  def: NetworkDef;
  active: boolean;
  connections: number;
  pool: InterfacePool | undefined;
  ports: Map<string, PortRecord>;
  qos: NetworkQos;
}

/** What an allocation or reclaim decided, before anything is counted. */
interface Plan {
  port: NetworkPortDef;
  entry: number | undefined;
  /** The port needs a QoS class (allocation with a floor). */
  qosClass: boolean;
}

type Plug = NonNullable<NetworkPortDef['plug']>['type'];

function randomUuid(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  const h = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16));
  h[12] = '4';
  h[16] = ((parseInt(h[16]!, 16) & 3) | 8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

function randomMac(): string {
  const b = () => Math.floor(Math.random() * 256).toString(16).padStart(2, '0');
  return `52:54:00:${b()}:${b()}:${b()}`;
}

/** The plug a network gives its ports (§2.4 table). */
function plugOf(def: NetworkDef): Plug {
  const mode = def.forward?.mode;
  if (mode === undefined || mode === 'nat' || mode === 'route' || mode === 'open') return 'network';
  if (mode === 'hostdev') return 'hostdev-pci';
  if (mode === 'bridge' && def.bridge?.name) return 'bridge';
  return 'direct';
}

const PLUG_DEVICE: Record<Plug, string> = {
  network: 'IP forwarding',
  bridge: 'a bridge device',
  direct: 'a macvtap device',
  'hostdev-pci': 'an SR-IOV Virtual Function via PCI passthrough',
};

const PLUG_VIRTUALPORTS: Record<Plug, ReadonlySet<string>> = {
  network: new Set(),
  bridge: new Set(['openvswitch']),
  direct: new Set(['802.1Qbg', '802.1Qbh']),
  'hostdev-pci': new Set(['802.1Qbg', '802.1Qbh']),
};

const hasTags = (v: Vlan | undefined): v is Vlan => (v?.tags?.length ?? 0) > 0;

/** §2.3: portgroup by name; none named ⇒ the default portgroup; an unknown name ⇒ none, no error. */
function portGroupFor(net: NetworkDef, name: string | undefined): NetworkPortGroup | undefined {
  const groups = net.portgroups ?? [];
  return name !== undefined ? groups.find((g) => g.name === name) : groups.find((g) => g.default);
}

/** Exclusive macvtap use: passthrough, or private with an 802.1Qbh profile. */
function exclusiveDirect(net: NetworkDef, port: NetworkPortDef): boolean {
  const mode = net.forward?.mode;
  return mode === 'passthrough' || (mode === 'private' && port.virtualport?.type === '802.1Qbh');
}

const internal = (message: string) => new VirtXmlError('internal', message);
const exhausted = (name: string) =>
  new VirtXmlError('network-exhausted', `network '${name}' requires exclusive access to interfaces, but none are available`);

export class NetworkAllocator {
  private readonly networks = new Map<string, NetworkState>();
  private readonly host: NetworkHost | undefined;
  private readonly newUuid: () => string;
  private readonly newMac: () => string;
  private readonly hook: NetworkHook | undefined;
  /** Owner uuids made up for domains that have none, so each domain keeps one. */
  private readonly ownerUuids = new Map<string, string>();

  constructor(options: NetworkAllocatorOptions = {}) {
    this.host = options.host;
    this.newUuid = options.newUuid ?? randomUuid;
    this.newMac = options.newMac ?? randomMac;
    this.hook = options.hook;
  }

  // ---------------------------------------------------------------- networks

  /** Registers a network (active unless said otherwise). Its pool is built when first needed. */
  addNetwork(def: NetworkDef, options: { active?: boolean } = {}): void {
    if (this.networks.has(def.name)) throw new VirtXmlError('duplicate', `network '${def.name}' is already defined`);
    this.networks.set(def.name, {
      def,
      active: options.active ?? true,
      connections: 0,
      pool: undefined,
      ports: new Map(),
      qos: new NetworkQos(),
    });
  }

  /** Starts or stops a network (allocation needs an active network). */
  setActive(name: string, active: boolean): void {
    this.state(name).active = active;
  }

  /** Removes a network that no port uses. */
  removeNetwork(name: string): void {
    const st = this.state(name);
    if (st.connections > 0) throw new VirtXmlError('unsupported', `network '${name}' still has ${st.connections} connections`);
    this.networks.delete(name);
  }

  /** Number of guest interfaces connected to a network (`<network connections='N'>`). */
  connections(networkName: string): number {
    return this.state(networkName).connections;
  }

  /**
   * The network as live XML shows it: `connections` on the network and on
   * each netdev pool entry, and the pool expanded from the `<pf>`.
   */
  liveNetwork(networkName: string): NetworkDef {
    const st = this.state(networkName);
    const def: NetworkDef = { ...st.def, connections: st.connections };
    const pool = this.poolOf(st, false);
    if (def.forward && pool) {
      const fwd = { ...def.forward };
      const { entries, counts } = pool;
      if (entries[0]?.kind === 'pci') {
        fwd.addresses = entries.map((e) => ({ type: 'pci' as const, ...(e as Extract<PoolEntry, { kind: 'pci' }>).address }));
      } else {
        fwd.interfaces = entries.map((e, i) => ({ dev: (e as Extract<PoolEntry, { kind: 'netdev' }>).dev, connections: counts.count(i) }));
      }
      def.forward = fwd;
    }
    return def;
  }

  /** Connections of each pool entry, by PCI name or netdev. */
  poolUsage(networkName: string): Array<{ device: string; connections: number }> {
    const st = this.state(networkName);
    const pool = this.poolOf(st, false);
    return pool ? pool.entries.map((e, i) => ({ device: poolKey(e), connections: pool.counts.count(i) })) : [];
  }

  /** The ports of a network (copies), in creation order. */
  ports(networkName: string): NetworkPortDef[] {
    return [...this.state(networkName).ports.values()].map((r) => copyDef(r.def));
  }

  /** A port of a network by uuid (a copy), or undefined. */
  port(networkName: string, uuid: string): NetworkPortDef | undefined {
    const r = this.state(networkName).ports.get(uuid);
    return r && copyDef(r.def);
  }

  // ---------------------------------------------------------------- ports

  /**
   * `networkPortCreateXML`: a port without a plug is allocated, one with a
   * plug is reclaimed (`reclaim: true` required, as libvirt requires the
   * flag). Returns the registered port (a copy). Nothing changes when it fails.
   */
  createPort(networkName: string, port: NetworkPortDef, options: CreatePortOptions = {}): NetworkPortDef {
    const st = this.state(networkName);
    if (!port.plug && options.reclaim) throw new VirtXmlError('invalid-value', 'Port reclaim requested but plug type is none');
    if (port.plug && !options.reclaim) throw new VirtXmlError('invalid-value', 'Port reclaim not requested but plug type is not none');
    if (st.ports.has(port.uuid)) throw new VirtXmlError('duplicate', `Network port with UUID ${port.uuid} already exists`);
    if (!st.active) throw new VirtXmlError('network-inactive', `network '${st.def.name}' is not active`);
    const plan = port.plug ? this.planReclaim(st, port) : this.planAllocation(st, port);
    this.commit(st, plan);
    return copyDef(plan.port);
  }

  /** `networkAllocatePort` for an interface of `domain`: the merged, plugged port, registered. `iface` is not changed. */
  allocatePort(domain: DomainRef, iface: NetworkInterface): NetworkPortDef {
    return this.createPort(iface.source.network, interfaceToPort(domain, iface, this.portIds(domain)));
  }

  /** `networkNotifyPort`: registers a plugged port again (after a restart), checking its device against the pool. */
  notifyPort(networkName: string, port: NetworkPortDef): NetworkPortDef {
    return this.createPort(networkName, port, { reclaim: true });
  }

  /** `networkPortDelete`: releases a port (§2.7): counters go down, the pool entry and QoS class are free again. */
  releasePort(networkName: string, uuid: string): void {
    const st = this.state(networkName);
    const rec = st.ports.get(uuid);
    if (!rec) throw new VirtXmlError('network-release', `Network port not found: no network port with matching uuid '${uuid}'`);
    const net = st.def;
    const plug = rec.def.plug!;
    let entry: number | undefined;
    if (plug.type === 'direct' || plug.type === 'hostdev-pci') {
      const pool = this.poolOf(st, false);
      const mode = plug.type === 'direct' ? 'direct' : 'hostdev';
      if (!pool?.entries.length) throw internal(`network '${net.name}' uses a ${mode} mode, but has no forward dev and no interface pool`);
      const key = plug.type === 'direct' ? plug.dev! : pciAddressName(plug.address!);
      entry = pool.index.get(key);
      if (entry === undefined) {
        throw new VirtXmlError(
          'network-release',
          plug.type === 'direct' ? `network '${net.name}' doesn't have dev='${key}' in use by domain` : `network '${net.name}' doesn't have PCI device ${key} in use by domain`,
        );
      }
    } else {
      st.qos.unplug(rec.def.bandwidth?.classID, rec.def.bandwidth);
    }
    if (entry !== undefined) st.pool!.counts.decrement(entry);
    st.connections--;
    st.ports.delete(uuid);
    try {
      this.hook?.('port-deleted', net, copyDef(rec.def));
    } catch {
      // libvirt ignores a failing port-deleted hook
    }
  }

  // ---------------------------------------------------------------- domain side

  /**
   * Connects `iface` (an `<interface type='network'>` of `domain`) to its
   * network: allocates a port, sets `iface.actual` from it and
   * `iface.source.portid` to its uuid (and `iface.mac` when the interface
   * had none). Nothing changes when it fails.
   */
  allocate(domain: DomainRef, iface: NetworkInterface): InterfaceActual {
    const port = this.allocatePort(domain, iface);
    const actual = portToActual(port);
    iface.actual = actual;
    iface.source = { ...iface.source, portid: port.uuid };
    if (!iface.mac) iface.mac = { address: port.mac.address };
    return actual;
  }

  /**
   * Re-creates the port of an interface that already has an `<actual>`
   * (daemon restart, §2.6). A port id the network already knows: nothing
   * to do. The device must be in the pool and, for exclusive modes, free.
   */
  notify(domain: DomainRef, iface: NetworkInterface): void {
    const st = this.state(iface.source.network);
    const portid = iface.source.portid;
    if (portid && st.ports.has(portid)) return;
    const port = this.notifyPort(st.def.name, actualToPort(domain, iface, this.portIds(domain)));
    if (!portid) iface.source = { ...iface.source, portid: port.uuid };
  }

  /**
   * Gives the interface's connection back (§2.7). An interface without a
   * port id, or whose port the network does not know, was never allocated
   * here: nothing to do (libvirt's callers ignore that failure too).
   */
  release(_domain: DomainRef, iface: NetworkInterface): void {
    const portid = iface.source.portid;
    const st = this.networks.get(iface.source.network);
    if (!portid || !st?.ports.has(portid)) return;
    this.releasePort(st.def.name, portid);
  }

  // ---------------------------------------------------------------- internals

  private state(name: string): NetworkState {
    const st = this.networks.get(name);
    if (!st) throw new VirtXmlError('network-unknown', `Network not found: no network with matching name '${name}'`);
    return st;
  }

  private portIds(domain: DomainRef): PortIds {
    let owner = domain.uuid ?? this.ownerUuids.get(domain.name);
    if (!owner) this.ownerUuids.set(domain.name, (owner = this.newUuid()));
    return { uuid: this.newUuid(), ownerUuid: owner, mac: this.newMac() };
  }

  /** The device pool, built on first use; `required` reports PF errors instead of answering undefined. */
  private poolOf(st: NetworkState, required: boolean): InterfacePool | undefined {
    if (st.pool) return st.pool;
    try {
      st.pool = createInterfacePool(st.def.forward, this.host);
    } catch (e) {
      if (required) throw e;
    }
    return st.pool;
  }

  /** The pool of a hostdev/macvtap network, of the kind the mode needs (libvirt's networkValidate message otherwise). */
  private typedPool(st: NetworkState, kind: PoolEntry['kind']): InterfacePool | undefined {
    const pool = this.poolOf(st, true);
    const other = pool?.entries[0]?.kind !== kind ? pool?.entries[0] : pool?.mixed;
    if (other) {
      const net = st.def;
      throw new VirtXmlError(
        'unsupported',
        other.kind === 'netdev'
          ? `hostdev network '${net.name}' lists '${other.dev}' in the device pool, but hostdev networks require all devices to be listed by PCI address, not network device name`
          : `network '${net.name}' has forward mode '${net.forward?.mode}'  but lists a device by PCI address in the device pool. This is only supported for networks with forward mode 'hostdev'`,
      );
    }
    return pool;
  }

  /** `networkAllocatePort` up to (not including) counting: §2.3 merges, §2.4 choice, sanity checks. */
  private planAllocation(st: NetworkState, request: NetworkPortDef): Plan {
    const net = st.def;
    const port = copyDef(request);
    delete port.bandwidth?.classID; // given by the network
    const pg = portGroupFor(net, port.group);
    if (!port.bandwidth && pg?.bandwidth) port.bandwidth = copyDef(pg.bandwidth);
    if (!hasTags(port.vlan)) {
      const vlan = hasTags(pg?.vlan) ? pg!.vlan : hasTags(net.vlan) ? net.vlan : undefined;
      if (vlan) port.vlan = copyDef(vlan);
    }
    if (port.rxfilters?.trustGuest === undefined) {
      const trust = pg?.trustGuestRxFilters ?? net.trustGuestRxFilters;
      if (trust !== undefined) port.rxfilters = { trustGuest: trust };
    }
    if (port.port?.isolated === undefined && net.port?.isolated !== undefined) port.port = { isolated: net.port.isolated };
    const merged = mergeVirtualPorts(port.virtualport, net.virtualport, pg?.virtualport);
    if (merged) port.virtualport = merged;

    const kind = plugOf(net);
    const vp = port.virtualport;
    const vpAllowed = () => {
      if (vp && !PLUG_VIRTUALPORTS[kind].has(vp.type ?? '')) {
        throw new VirtXmlError('unsupported', `<virtualport type='${vp.type ?? 'none'}'> not supported for network '${net.name}' which uses ${PLUG_DEVICE[kind]}`);
      }
    };
    let entry: number | undefined;
    let qosClass = false;
    switch (kind) {
      case 'network':
      case 'bridge': {
        if (!net.bridge?.name) throw new VirtXmlError('unsupported', `network '${net.name}' has no bridge name defined`);
        const plug: Extract<NetworkPortDef['plug'], { type: 'network' | 'bridge' }> = { type: kind, bridge: net.bridge.name };
        if (net.bridge.macTableManager) plug.macTableManager = net.bridge.macTableManager;
        port.plug = plug;
        vpAllowed();
        qosClass = st.qos.check(net, port.mac.address, port.bandwidth);
        break;
      }
      case 'hostdev-pci': {
        const pool = this.typedPool(st, 'pci');
        entry = pool?.counts.firstFree();
        if (entry === undefined) throw exhausted(net.name);
        const e = pool!.entries[entry] as Extract<PoolEntry, { kind: 'pci' }>;
        port.plug = { type: 'hostdev-pci', managed: net.forward?.managed === true, address: { ...e.address } };
        const d = net.forward?.driver;
        if (d && carriesDriver(d)) port.plug.driver = copyDef(d);
        vpAllowed();
        break;
      }
      case 'direct': {
        const mode = net.forward!.mode as 'bridge' | 'private' | 'vepa' | 'passthrough';
        vpAllowed();
        if (!net.forward?.interfaces?.length && !net.forward?.pf && !net.forward?.addresses?.length) {
          throw internal(`network '${net.name}' uses a direct mode, but has no forward dev and no interface pool`);
        }
        const pool = this.typedPool(st, 'netdev')!;
        entry = exclusiveDirect(net, port) ? pool.counts.firstFree() : pool.counts.leastUsed();
        if (entry === undefined) throw exhausted(net.name);
        port.plug = { type: 'direct', dev: (pool.entries[entry] as Extract<PoolEntry, { kind: 'netdev' }>).dev, mode };
        break;
      }
    }

    if (port.virtualport) port.virtualport = completeVirtualPort(port.virtualport, this.newUuid);
    const plug = port.plug!;
    if (hasTags(port.vlan)) {
      const ok =
        plug.type === 'hostdev-pci' ||
        (plug.type === 'direct' && plug.mode === 'passthrough') ||
        (plug.type === 'bridge' && port.virtualport?.type === 'openvswitch');
      if (!ok) {
        throw new VirtXmlError(
          'unsupported',
          `an interface connecting to network '${net.name}' is requesting a vlan tag, but that is not supported for this type of network`,
        );
      }
    }
    if (port.bandwidth && plug.type === 'hostdev-pci') throw new VirtXmlError('unsupported', 'bandwidth settings are not supported for hostdev interfaces');
    return { port, entry, qosClass };
  }

  /** `networkNotifyPort`: the plugged port's device must be in the pool (and free in exclusive modes). */
  private planReclaim(st: NetworkState, request: NetworkPortDef): Plan {
    const net = st.def;
    const port = copyDef(request);
    const plug = port.plug!;
    let entry: number | undefined;
    switch (plug.type) {
      case 'network':
      case 'bridge':
        if (!net.bridge?.name) throw internal('Unexpectedly got a network port without a network bridge');
        break;
      case 'direct': {
        const pool = this.poolOf(st, true);
        entry = pool?.index.get(plug.dev!);
        if (entry === undefined || pool!.entries[entry]!.kind !== 'netdev') {
          throw new VirtXmlError('network-release', `network '${net.name}' doesn't have dev='${plug.dev}' in use by network port '${port.uuid}'`);
        }
        if (pool!.counts.count(entry) > 0 && exclusiveDirect(net, port)) {
          throw new VirtXmlError('network-exhausted', `network '${net.name}' claims dev='${plug.dev}' is already in use by a different port`);
        }
        break;
      }
      case 'hostdev-pci': {
        const a = plug.address!;
        const name = pciAddressName(a);
        const pool = this.poolOf(st, true);
        entry = pool?.index.get(name);
        if (entry === undefined || pool!.entries[entry]!.kind !== 'pci') {
          throw new VirtXmlError('network-release', `network '${net.name}' doesn't have PCI device ${name} in use by network port`);
        }
        if (pool!.counts.count(entry) > 0 && net.forward?.mode === 'hostdev') {
          throw new VirtXmlError(
            'network-exhausted',
            `network '${net.name}' claims the PCI device at domain=${a.domain ?? 0} bus=${a.bus ?? 0} slot=${a.slot ?? 0} function=${a.function ?? 0} is already in use by a different network port`,
          );
        }
        break;
      }
    }
    return { port, entry, qosClass: false };
  }

  /** Counts the port in (network, pool entry, QoS) and runs the port-created hook; undoes it all if the hook throws. */
  private commit(st: NetworkState, plan: Plan): void {
    const { port, entry } = plan;
    const band = port.bandwidth;
    if (plan.qosClass) port.bandwidth = { ...band, classID: st.qos.take(band) };
    else if (band?.classID) st.qos.reclaim(band.classID, band);
    st.connections++;
    if (entry !== undefined) st.pool!.counts.increment(entry);
    try {
      this.hook?.('port-created', st.def, copyDef(port));
    } catch (e) {
      st.connections--;
      if (entry !== undefined) st.pool!.counts.decrement(entry);
      st.qos.unplug(port.bandwidth?.classID, port.bandwidth);
      throw e;
    }
    st.ports.set(port.uuid, { def: port, entry });
  }
}

/**
 * The attributes the forward `<driver>` declares (name, model, virtxml's
 * group='auto', …), read off its declaration: a network driver with any of
 * them set goes to the port's plug, so an attribute added to the declaration
 * is carried without an edit here.
 */
const DRIVER_ATTRIBUTES: ReadonlySet<string> = new Set(
  Object.entries(networkForward.fields.driver.decl.fields).flatMap(([k, f]) => (f.kind === 'attr' ? [k] : [])),
);

/** Whether a network's `<driver>` sets any declared attribute. */
function carriesDriver(d: HostdevDriver): boolean {
  return Object.entries(d).some(([k, v]) => v !== undefined && DRIVER_ATTRIBUTES.has(k));
}
