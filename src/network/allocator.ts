/**
 * The network allocator: libvirt's `networkAllocatePort` / `networkNotifyPort`
 * / `networkReleasePort` decisions (libvirt-semantics.md §2), without a
 * daemon. It turns an `<interface type='network'>` into its `<actual>`
 * connection, keeps the connection counts of networks and pool entries, and
 * carries the network's PCI `<driver>` — including virtxml's `groupMgmt` —
 * into the actual hostdev.
 *
 * Pure: no I/O. Pools built from a `<pf dev>` need the PF's virtual
 * functions, which a {@link NetworkHost} provides (sysfs or in memory).
 */
import { pciAddressName, parsePciAddressName, type HostdevDriver, type PciAddressNumbers } from '../common/basictypes.js';
import type { Bandwidth, PortOptions, VirtualPort, Vlan } from '../common/networkcommon.js';
import type { InterfaceActual, NetworkInterface } from '../domain/devices/interface.js';
import { VirtXmlError } from '../xml/errors.js';
import type { NetworkDef } from './network.js';
import type { NetworkForwardMode } from './forward.js';
import type { NetworkPortGroup } from './portgroup.js';
import { ConnectionPool } from './pool.js';
import { completeVirtualPort, mergeVirtualPorts } from './virtualport.js';

/** A virtual function of an SR-IOV physical function, as the host reports it. */
export interface VirtualFunction {
  /** PCI address `DDDD:BB:SS.F`. */
  address: string;
  /** Network device name, when the VF is bound to a net driver. */
  netdev?: string;
}

/** What the allocator needs from the host: the VFs of a PF (`/sys/class/net/PF/device/virtfn*`). */
export interface NetworkHost {
  virtualFunctions(pfDev: string): VirtualFunction[];
}

export interface NetworkAllocatorOptions {
  host?: NetworkHost;
  /** UUID source for port ids and generated virtualport ids (default: crypto.randomUUID). */
  newUuid?: () => string;
}

/** The domain an interface belongs to (a `DomainDef` will do). */
export interface DomainRef {
  name: string;
  uuid?: string;
}

type PoolEntry = { kind: 'pci'; address: Required<PciAddressNumbers>; name: string } | { kind: 'netdev'; dev: string };

interface NetworkState {
  def: NetworkDef;
  active: boolean;
  connections: number;
  pool: PoolEntry[] | undefined;
  counts: ConnectionPool | undefined;
  index: Map<string, number>;
}

interface PortRecord {
  network: string;
  domain: string;
  entry: number | undefined;
}

const MACVTAP_MODES: ReadonlySet<string> = new Set(['bridge', 'private', 'vepa', 'passthrough']);

function defaultUuid(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  const h = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16));
  h[12] = '4';
  h[16] = ((parseInt(h[16]!, 16) & 3) | 8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** How a forward mode connects guests. */
type Plug = 'network' | 'bridge' | 'direct' | 'hostdev';

function plugOf(def: NetworkDef): Plug {
  const mode: NetworkForwardMode | undefined = def.forward?.mode;
  if (mode === undefined || mode === 'nat' || mode === 'route' || mode === 'open') return 'network';
  if (mode === 'hostdev') return 'hostdev';
  if (mode === 'bridge' && def.bridge?.name) return 'bridge';
  return 'direct';
}

const PLUG_DEVICE: Record<Plug, string> = {
  network: 'IP forwarding',
  bridge: 'a bridge device',
  direct: 'a macvtap device',
  hostdev: 'an SR-IOV Virtual Function via PCI passthrough',
};

const PLUG_VIRTUALPORTS: Record<Plug, ReadonlySet<string>> = {
  network: new Set(),
  bridge: new Set(['openvswitch']),
  direct: new Set(['802.1Qbg', '802.1Qbh']),
  hostdev: new Set(['802.1Qbg', '802.1Qbh']),
};

export class NetworkAllocator {
  private readonly networks = new Map<string, NetworkState>();
  private readonly ports = new Map<string, PortRecord>();
  private readonly host: NetworkHost | undefined;
  private readonly newUuid: () => string;

  constructor(options: NetworkAllocatorOptions = {}) {
    this.host = options.host;
    this.newUuid = options.newUuid ?? defaultUuid;
  }

  /** Registers a network (active unless said otherwise). Its pool is built when first needed. */
  addNetwork(def: NetworkDef, options: { active?: boolean } = {}): void {
    if (this.networks.has(def.name)) {
      throw new VirtXmlError('duplicate', `network '${def.name}' is already defined`);
    }
    this.networks.set(def.name, {
      def,
      active: options.active ?? true,
      connections: 0,
      pool: undefined,
      counts: undefined,
      index: new Map(),
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
    if (def.forward && pool && st.counts) {
      const counts = st.counts;
      const fwd = { ...def.forward };
      if (pool[0]?.kind === 'pci') {
        fwd.addresses = pool.map((e) => ({ type: 'pci' as const, ...(e as Extract<PoolEntry, { kind: 'pci' }>).address }));
      } else {
        fwd.interfaces = pool.map((e, i) => ({ dev: (e as Extract<PoolEntry, { kind: 'netdev' }>).dev, connections: counts.count(i) }));
      }
      def.forward = fwd;
    }
    return def;
  }

  /** Connections of each pool entry, by PCI name or netdev. */
  poolUsage(networkName: string): Array<{ device: string; connections: number }> {
    const st = this.state(networkName);
    const pool = this.poolOf(st, false) ?? [];
    return pool.map((e, i) => ({ device: e.kind === 'pci' ? e.name : e.dev, connections: st.counts!.count(i) }));
  }

  /**
   * Connects `iface` (an `<interface type='network'>` of `domain`) to its
   * network: picks a device when the mode needs one, sets `iface.actual`
   * and `iface.source.portid`, and counts the connection. Nothing changes
   * when it fails.
   */
  allocate(domain: DomainRef, iface: NetworkInterface): InterfaceActual {
    if ((iface as { type: string }).type !== 'network') {
      throw new VirtXmlError('unsupported', `Expected an interface of type 'network' not '${(iface as { type: string }).type}'`);
    }
    const st = this.state(iface.source.network);
    const net = st.def;
    if (!st.active) throw new VirtXmlError('network-inactive', `network '${net.name}' is not active`);

    // §2.3 merges
    const pg = portGroupFor(net, iface.source.portgroup);
    const bandwidth: Bandwidth | undefined = iface.bandwidth ?? pg?.bandwidth;
    const vlan: Vlan | undefined = hasTags(iface.vlan) ? iface.vlan : hasTags(pg?.vlan) ? pg!.vlan : hasTags(net.vlan) ? net.vlan : undefined;
    const trust = iface.trustGuestRxFilters ?? pg?.trustGuestRxFilters ?? net.trustGuestRxFilters;
    const isolated = iface.port?.isolated ?? net.port?.isolated;
    let virtualport = mergeVirtualPorts(iface.virtualport, net.virtualport, pg?.virtualport);

    const plug = plugOf(net);
    if (virtualport?.type !== undefined && !PLUG_VIRTUALPORTS[plug].has(virtualport.type)) {
      throw new VirtXmlError(
        'unsupported',
        `<virtualport type='${virtualport.type}'> not supported for network '${net.name}' which uses ${PLUG_DEVICE[plug]}`,
      );
    }

    let entry: number | undefined;
    let actual: InterfaceActual;
    switch (plug) {
      case 'network':
      case 'bridge': {
        if (!net.bridge?.name) throw new VirtXmlError('unsupported', `network '${net.name}' has no bridge name defined`);
        const source: { bridge: string; macTableManager?: 'kernel' | 'libvirt' } = { bridge: net.bridge.name };
        if (net.bridge.macTableManager) source.macTableManager = net.bridge.macTableManager;
        actual = plug === 'network' ? { type: 'network', source } : { type: 'bridge', source };
        break;
      }
      case 'direct': {
        const pool = this.poolOf(st, true);
        if (!pool || pool.length === 0) {
          throw new VirtXmlError('unsupported', `network '${net.name}' uses a direct mode, but has no forward dev and no interface pool`);
        }
        const mode = net.forward!.mode as 'bridge' | 'private' | 'vepa' | 'passthrough';
        const exclusive = mode === 'passthrough' || (mode === 'private' && virtualport?.type === '802.1Qbh');
        entry = exclusive ? st.counts!.firstFree() : st.counts!.leastUsed();
        if (entry === undefined) throw exhausted(net.name);
        actual = { type: 'direct', source: { dev: (pool[entry] as Extract<PoolEntry, { kind: 'netdev' }>).dev, mode } };
        break;
      }
      case 'hostdev': {
        const pool = this.poolOf(st, true);
        if (!pool || pool.length === 0) {
          throw new VirtXmlError('unsupported', `network '${net.name}' uses a hostdev mode, but has no forward dev and no interface pool`);
        }
        entry = st.counts!.firstFree();
        if (entry === undefined) throw exhausted(net.name);
        const e = pool[entry] as Extract<PoolEntry, { kind: 'pci' }>;
        const hostdev: Extract<InterfaceActual, { type: 'hostdev' }> = {
          type: 'hostdev',
          managed: net.forward?.managed === true,
          source: { address: { type: 'pci', ...e.address } },
        };
        const driver = copyDriver(net.forward?.driver);
        if (driver) hostdev.driver = driver;
        actual = hostdev;
        break;
      }
    }

    if (virtualport) virtualport = completeVirtualPort(virtualport, this.newUuid);
    if (vlan) actual.vlan = structuredCloneSafe(vlan);
    if (virtualport && actual.type !== 'network') actual.virtualport = virtualport;
    if (bandwidth) actual.bandwidth = structuredCloneSafe(bandwidth);
    if (isolated !== undefined) actual.port = { isolated } satisfies PortOptions;
    if (trust !== undefined) actual.trustGuestRxFilters = trust;

    // commit: nothing above changed any state
    const portid = this.newUuid();
    st.connections++;
    if (entry !== undefined) st.counts!.increment(entry);
    this.ports.set(portid, { network: net.name, domain: domain.name, entry });
    iface.actual = actual;
    iface.source = { ...iface.source, portid };
    return actual;
  }

  /**
   * Re-creates the port of an interface that already has an `<actual>`
   * (daemon restart, §2.6): the device must be in the pool and, for
   * exclusive modes, free.
   */
  notify(domain: DomainRef, iface: NetworkInterface): void {
    const portid = iface.source.portid;
    if (portid && this.ports.has(portid)) return;
    const st = this.state(iface.source.network);
    const net = st.def;
    const actual = iface.actual;
    if (!actual) throw new VirtXmlError('unsupported', `interface on network '${net.name}' has no <actual> connection to reclaim`);
    let entry: number | undefined;
    if (actual.type === 'hostdev') {
      const a = actual.source.address;
      if (a?.type !== 'pci') throw new VirtXmlError('unsupported', `network '${net.name}' port has no PCI address`);
      const name = pciAddressName(a);
      this.poolOf(st, true);
      entry = st.index.get(name);
      if (entry === undefined) {
        throw new VirtXmlError('network-release', `network '${net.name}' doesn't have PCI device ${name} in use by network port`);
      }
      if (st.counts!.count(entry) > 0) {
        throw new VirtXmlError(
          'network-exhausted',
          `network '${net.name}' claims the PCI device at domain=${a.domain ?? 0} bus=${a.bus ?? 0} slot=${a.slot ?? 0} function=${a.function ?? 0} is already in use by a different network port`,
        );
      }
    } else if (actual.type === 'direct') {
      const dev = actual.source.dev;
      this.poolOf(st, true);
      entry = st.index.get(dev);
      if (entry === undefined) {
        throw new VirtXmlError('network-release', `network '${net.name}' doesn't have dev='${dev}' in use by network port '${portid ?? ''}'`);
      }
      const mode = net.forward?.mode;
      const exclusive = mode === 'passthrough' || (mode === 'private' && actual.virtualport?.type === '802.1Qbh');
      if (exclusive && st.counts!.count(entry) > 0) {
        throw new VirtXmlError('network-exhausted', `network '${net.name}' claims dev='${dev}' is already in use by a different port`);
      }
    } else if (!net.bridge?.name) {
      throw new VirtXmlError('unsupported', `network '${net.name}' has no bridge name defined`);
    }
    const id = portid ?? this.newUuid();
    st.connections++;
    if (entry !== undefined) st.counts!.increment(entry);
    this.ports.set(id, { network: net.name, domain: domain.name, entry });
    if (!portid) iface.source = { ...iface.source, portid: id };
  }

  /**
   * Gives the interface's connection back (§2.7): counters go down and the
   * pool entry is free again. An interface without a port id was never
   * allocated: nothing to do.
   */
  release(domain: DomainRef, iface: NetworkInterface): void {
    const portid = iface.source.portid;
    if (!portid) return;
    const port = this.ports.get(portid);
    if (!port) return;
    const st = this.state(port.network);
    const net = st.def;
    const actual = iface.actual;
    if (actual?.type === 'hostdev' || actual?.type === 'direct') {
      const pool = this.poolOf(st, false);
      if (!pool || pool.length === 0) {
        throw new VirtXmlError(
          'network-release',
          `network '${net.name}' uses a ${actual.type === 'hostdev' ? 'hostdev' : 'direct'} mode, but has no forward dev and no interface pool`,
        );
      }
      const key = actual.type === 'hostdev' && actual.source.address?.type === 'pci' ? pciAddressName(actual.source.address) : actual.type === 'direct' ? actual.source.dev : '';
      const entry = st.index.get(key);
      if (entry === undefined || entry !== port.entry) {
        throw new VirtXmlError(
          'network-release',
          actual.type === 'hostdev'
            ? `network '${net.name}' doesn't have PCI device ${key} in use by domain`
            : `network '${net.name}' doesn't have dev='${key}' in use by domain`,
        );
      }
    }
    if (port.entry !== undefined) st.counts!.decrement(port.entry);
    st.connections--;
    this.ports.delete(portid);
    void domain;
  }

  private state(name: string): NetworkState {
    const st = this.networks.get(name);
    if (!st) throw new VirtXmlError('network-unknown', `Network not found: no network with matching name '${name}'`);
    return st;
  }

  /** The device pool (§2.4 "Pool construction"), built on first use; `required` reports PF errors. */
  private poolOf(st: NetworkState, required: boolean): PoolEntry[] | undefined {
    if (st.pool) return st.pool;
    const fwd = st.def.forward;
    if (!fwd) return undefined;
    let pool: PoolEntry[] = [];
    if (fwd.interfaces?.length) pool = fwd.interfaces.map((i) => ({ kind: 'netdev', dev: i.dev }));
    else if (fwd.addresses?.length) {
      pool = fwd.addresses.map((a) => {
        const address = { domain: a.domain ?? 0, bus: a.bus ?? 0, slot: a.slot ?? 0, function: a.function ?? 0 };
        return { kind: 'pci', address, name: pciAddressName(address) };
      });
    } else if (fwd.pf) {
      if (!this.host) {
        if (!required) return undefined;
        throw new VirtXmlError('unsupported', `Could not get Virtual functions on PF ${fwd.pf.dev}: no host to read them from`);
      }
      let vfs: VirtualFunction[];
      try {
        vfs = this.host.virtualFunctions(fwd.pf.dev);
      } catch (e) {
        throw new VirtXmlError('unsupported', `Could not get Virtual functions on PF ${fwd.pf.dev}: ${e instanceof Error ? e.message : e}`);
      }
      if (fwd.mode === 'hostdev') {
        pool = vfs.flatMap((vf): PoolEntry[] => {
          const address = parsePciAddressName(vf.address);
          return address ? [{ kind: 'pci', address, name: pciAddressName(address) }] : [];
        });
      } else {
        pool = vfs.flatMap((vf): PoolEntry[] => (vf.netdev ? [{ kind: 'netdev', dev: vf.netdev }] : []));
      }
      if (pool.length === 0) throw new VirtXmlError('unsupported', `No usable Vf's present on SRIOV PF ${fwd.pf.dev}`);
    } else {
      return undefined;
    }
    st.pool = pool;
    st.counts = new ConnectionPool(pool.length);
    pool.forEach((e, i) => st.index.set(e.kind === 'pci' ? e.name : e.dev, i));
    // a live network read back from XML may carry connection counts
    fwd.interfaces?.forEach((i, n) => {
      for (let k = 0; k < (i.connections ?? 0); k++) st.counts!.increment(n);
    });
    return pool;
  }
}

function exhausted(name: string): VirtXmlError {
  return new VirtXmlError('network-exhausted', `network '${name}' requires exclusive access to interfaces, but none are available`);
}

function hasTags(v: Vlan | undefined): v is Vlan {
  return (v?.tags?.length ?? 0) > 0;
}

/** §2.3: portgroup by name; none named ⇒ the default portgroup; an unknown name ⇒ none, no error. */
function portGroupFor(net: NetworkDef, name: string | undefined): NetworkPortGroup | undefined {
  const groups = net.portgroups ?? [];
  return name !== undefined ? groups.find((g) => g.name === name) : groups.find((g) => g.default);
}

/** The network's PCI driver as the actual hostdev gets it: name, model and groupMgmt. */
function copyDriver(d: HostdevDriver | undefined): HostdevDriver | undefined {
  if (!d) return undefined;
  const out: HostdevDriver = {};
  if (d.name !== undefined) out.name = d.name;
  if (d.model !== undefined) out.model = d.model;
  if (d.groupMgmt !== undefined) out.groupMgmt = d.groupMgmt;
  return d.name || d.model || d.groupMgmt ? out : undefined;
}

function structuredCloneSafe<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
