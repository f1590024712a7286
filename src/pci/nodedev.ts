/**
 * The PCI host as libvirt's node-device API shows it, both ways:
 *
 * - `pciTopologyFromNodeDevices`: the PCI `<device>` documents of a host (as
 *   `virsh nodedev-dumpxml` prints them: address, class, IDs, bound driver,
 *   `<iommuGroup>` with its members, `phys_function` / `virt_functions`, the
 *   bridge capability) become a `PciTopology`, so a `MemoryPciHost` built
 *   from it lists IOMMU groups, judges VFIO viability and plans a
 *   group='auto' detach for a host virtxml reaches only through libvirt
 *   (remote, no sysfs). `net` devices whose parent is a PCI device give its
 *   interface names.
 * - `nodeDevicesFromPciHost`: any `PciHost` (sysfs or in memory) as PCI
 *   `<device>` documents that libvirt's nodedev.rng accepts.
 *
 * What node-device XML does not say is inferred, and documented here: a
 * driver is a VFIO one when it is vfio-pci or named like the kernel's VFIO
 * variant drivers (`*_vfio_pci`, `*-vfio-pci`); a driver claims by ID the
 * vendor:device pairs of the devices bound to it; vfio-pci is taken as
 * loadable (libvirt loads it before a detach). No `driver_override` is
 * visible through libvirt.
 */
import { pciAddressName } from '../common/basictypes.js';
import type { NodeDeviceDef } from '../nodedev/device.js';
import type { NodedevPciAddress, NodedevPciCap, PciSubCap } from '../nodedev/pci.js';
import type { PciHost } from './host.js';
import { PciTopologyError, VFIO_PCI, comparePciNames, validatePciTopology, type PciTopology, type PciTopologyDevice } from './topology.js';

/** Whether a driver name is vfio-pci or a VFIO variant driver (mlx5_vfio_pci, hisi_acc_vfio_pci, …). */
export function isVfioDriverName(name: string): boolean {
  return name === VFIO_PCI || /[_-]vfio[_-]pci$/.test(name);
}

const nameOf = (a: NodedevPciAddress) => pciAddressName(a);
const pciCapOf = (d: NodeDeviceDef): NodedevPciCap | undefined => d.capabilities?.find((c): c is NodedevPciCap => c.type === 'pci');
const subCap = <T extends PciSubCap['type']>(c: NodedevPciCap, type: T) => c.capabilities?.find((s): s is Extract<PciSubCap, { type: T }> => s.type === type);

/** The libvirt node-device name of a PCI address: `pci_0000_02_00_0`. */
export function nodeDeviceName(address: string): string {
  return 'pci_' + address.replace(/[:.]/g, '_');
}

/**
 * A `PciTopology` from node-device documents (any kinds; the PCI ones make
 * devices, `net` ones name their parent's interfaces). Throws
 * `PciTopologyError` listing every problem: a PCI address given twice, an
 * IOMMU group whose listed members disagree with the members' own documents
 * or lack one, a PF/VF link that the other side does not confirm.
 */
export interface NodeDevicesOptions {
  /**
   * The documents are part of a host only: an IOMMU group member or a PF
   * without a document of its own becomes a placeholder device (IDs 0xffff,
   * class 0xffffff, bound to the driver `(unknown)`), which makes its group
   * not viable (an unknown driver may hold DMA) and is detached with the
   * group by a group='auto' plan. Default: such a gap is an error.
   */
  partial?: boolean;
}

/** The driver name of a placeholder device (a member known only from another device's `<iommuGroup>`). */
export const UNKNOWN_DRIVER = '(unknown)';

export function pciTopologyFromNodeDevices(defs: readonly NodeDeviceDef[], options: NodeDevicesOptions = {}): PciTopology {
  const problems: string[] = [];
  const devices = new Map<string, PciTopologyDevice>();
  const groupLists = new Map<number, { from: string; members: string[] }>();
  const vfLists = new Map<string, string[]>();
  const byName = new Map<string, string>();
  for (const def of defs) {
    const cap = pciCapOf(def);
    if (!cap) continue;
    if (cap.domain > 0xffff || cap.bus > 0xff || cap.slot > 0x1f || cap.function > 7) {
      problems.push(`${def.name}: not a PCI address: domain ${cap.domain}, bus ${cap.bus}, slot ${cap.slot}, function ${cap.function}`);
      continue;
    }
    const address = pciAddressName(cap);
    if (devices.has(address)) {
      problems.push(`${def.name}: PCI device ${address} described twice`);
      continue;
    }
    byName.set(def.name, address);
    // libvirt writes the bridge capabilities from the config-space header type
    const headerType = subCap(cap, 'pci-bridge') ? 'bridge' : subCap(cap, 'cardbus-bridge') ? 'cardbus' : 'endpoint';
    const dev: PciTopologyDevice = { address, vendor: cap.vendor.id, device: cap.product.id, class: cap.class ?? 0, headerType };
    const driver = def.driver?.name;
    if (driver !== undefined) {
      dev.driver = driver;
      if (isVfioDriverName(driver)) dev.vfioDev = true;
    }
    if (cap.iommuGroup) {
      dev.iommuGroup = cap.iommuGroup.number;
      const members = (cap.iommuGroup.addresses ?? []).map(nameOf).sort(comparePciNames);
      const known = groupLists.get(cap.iommuGroup.number);
      if (!known) groupLists.set(cap.iommuGroup.number, { from: address, members });
      else if (known.members.join() !== members.join())
        problems.push(`IOMMU group ${cap.iommuGroup.number}: ${address} lists members ${members.join(' ')}, ${known.from} lists ${known.members.join(' ')}`);
    }
    const pf = subCap(cap, 'phys_function')?.address;
    if (pf) dev.physfn = nameOf(pf);
    const vfs = subCap(cap, 'virt_functions')?.addresses;
    if (vfs?.length) vfLists.set(address, vfs.map(nameOf));
    devices.set(address, dev);
  }
  // interfaces: net devices whose parent is a PCI device
  for (const def of defs) {
    const net = def.capabilities?.find((c) => c.type === 'net');
    const parent = def.parent?.name !== undefined ? byName.get(def.parent.name) : undefined;
    if (net?.type !== 'net' || parent === undefined) continue;
    const dev = devices.get(parent)!;
    (dev.netdevs ??= []).push(net.interface);
  }
  const placeholder = (address: string, group: number | undefined) => {
    const dev: PciTopologyDevice = { address, vendor: 0xffff, device: 0xffff, class: 0xffffff, headerType: 'endpoint', driver: UNKNOWN_DRIVER };
    if (group !== undefined) dev.iommuGroup = group;
    devices.set(address, dev);
  };
  if (options.partial) {
    for (const [group, { members }] of groupLists) for (const m of members) if (!devices.has(m)) placeholder(m, group);
    for (const dev of [...devices.values()]) if (dev.physfn !== undefined && !devices.has(dev.physfn)) placeholder(dev.physfn, undefined);
  }
  for (const [group, { members }] of groupLists) {
    for (const m of members) {
      const dev = devices.get(m);
      if (!dev) problems.push(`IOMMU group ${group}: member ${m} has no node-device document (its driver decides the group's viability)`);
      else if (dev.iommuGroup !== group) problems.push(`IOMMU group ${group}: member ${m} says it is in group ${dev.iommuGroup ?? '(none)'}`);
    }
  }
  for (const [address, dev] of devices) {
    const g = dev.iommuGroup !== undefined ? groupLists.get(dev.iommuGroup) : undefined;
    if (g && !g.members.includes(address)) problems.push(`IOMMU group ${dev.iommuGroup}: ${address} is not among the members its group lists`);
  }
  for (const [pf, vfs] of vfLists) {
    for (const vf of vfs) {
      const dev = devices.get(vf);
      if (dev && dev.physfn !== pf) problems.push(`${pf} lists VF ${vf}, whose phys_function is ${dev.physfn ?? '(none)'}`);
    }
  }
  for (const [address, dev] of devices) {
    if (dev.physfn === undefined || !devices.has(dev.physfn)) continue;
    const listed = vfLists.get(dev.physfn);
    if (listed && !listed.includes(address)) problems.push(`${address}: its PF ${dev.physfn} does not list it among its virt_functions`);
  }
  if (problems.length) throw new PciTopologyError(problems);

  // drivers: every one seen (claiming the IDs of its devices), and vfio-pci
  const drivers = new Map<string, Array<[number, number]>>([[VFIO_PCI, []]]);
  for (const dev of devices.values()) {
    if (dev.driver === undefined) continue;
    const ids = drivers.get(dev.driver) ?? [];
    if (!isVfioDriverName(dev.driver) && !ids.some(([v, p]) => v === dev.vendor && p === dev.device)) ids.push([dev.vendor, dev.device]);
    drivers.set(dev.driver, ids);
  }
  return validatePciTopology({
    drivers: [...drivers].map(([name, ids]) => (ids.length ? { name, ids } : { name })),
    devices: [...devices.values()].sort((a, b) => comparePciNames(a.address, b.address)),
  });
}

const addr = (name: string): NodedevPciAddress => {
  const [d, b, sf] = name.split(':') as [string, string, string];
  const [s, f] = sf.split('.') as [string, string];
  return { domain: parseInt(d, 16), bus: parseInt(b, 16), slot: parseInt(s, 16), function: parseInt(f, 16) };
};

/**
 * The PCI devices of a host as node-device documents (one per device, in
 * address order), with what a `PciHost` knows: address, class, IDs, bound
 * driver, bridge capability, PF/VF links and IOMMU group with its members.
 * Product and vendor names, NUMA node, PCIe links and the parent device are
 * not known to a `PciHost` and are left out (nodedev.rng allows that).
 */
export function nodeDevicesFromPciHost(host: PciHost): NodeDeviceDef[] {
  const pci = host.listDevices().map((address) => {
    const info = host.info(address);
    const a = addr(address);
    const caps: PciSubCap[] = [];
    const pf = host.physicalFunction(address);
    if (pf !== undefined) caps.push({ type: 'phys_function', address: addr(pf) });
    const vfs = host.virtualFunctions(address);
    if (vfs.length) caps.push({ type: 'virt_functions', addresses: vfs.map(addr) });
    if (info.headerType === 'bridge') caps.push({ type: 'pci-bridge' });
    if (info.headerType === 'cardbus') caps.push({ type: 'cardbus-bridge' });
    const group = host.iommuGroup(address);
    const cap: NodedevPciCap = {
      type: 'pci',
      class: info.class,
      domain: a.domain,
      bus: a.bus,
      slot: a.slot,
      function: a.function,
      product: { id: info.device },
      vendor: { id: info.vendor },
      ...(caps.length ? { capabilities: caps } : {}),
      ...(group !== undefined ? { iommuGroup: { number: group, addresses: host.iommuGroupMembers(group).map(addr) } } : {}),
    };
    const driver = host.driver(address);
    const def: NodeDeviceDef = { name: nodeDeviceName(address), ...(driver !== undefined ? { driver: { name: driver } } : {}), capabilities: [cap] };
    return def;
  });
  // each interface the kernel shows for a PCI device is a net device whose parent it is (libvirt
  // names it net_IFNAME_MAC; the MAC is not part of a PciHost, so net_IFNAME)
  const net: NodeDeviceDef[] = host.listDevices().flatMap((address) =>
    host.netdevs(address).map((ifname): NodeDeviceDef => ({ name: `net_${ifname}`, parent: { name: nodeDeviceName(address) }, capabilities: [{ type: 'net', interface: ifname }] })),
  );
  return [...pci, ...net];
}
