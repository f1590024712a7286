/**
 * IOMMU-group analysis over any `PciHost` (pure reads): the groups and their
 * members, whether VFIO may open a group (libvirt-semantics.md §3.4), and the
 * members the host cannot give away (chipset devices).
 */
import type { PciHeaderType, PciHost } from './host.js';
import { VFIO_PCI, formatPciClass } from './topology.js';

/**
 * What a device's driver is to the hostdev logic (libvirt's stub
 * classification, §4.1, plus the seed's "already detached" drivers):
 * 'vfio' vfio-pci or a VFIO variant (has `vfio-dev/`); 'xen' pciback;
 * 'stub' pci-stub; 'bridge-port' pcieport; 'none' unbound; 'host' anything else.
 */
export type DriverKind = 'vfio' | 'xen' | 'stub' | 'bridge-port' | 'none' | 'host';

/** Classifies a driver name (undefined: unbound); `vfioDev`: the device has `vfio-dev/`. */
export function classifyDriver(driver: string | undefined, vfioDev: boolean): DriverKind {
  if (driver === undefined) return 'none';
  if (driver === VFIO_PCI) return 'vfio';
  if (driver === 'pciback') return 'xen';
  if (driver === 'pci-stub') return 'stub';
  if (driver === 'pcieport') return 'bridge-port';
  return vfioDev ? 'vfio' : 'host';
}

export function driverKind(host: PciHost, address: string): DriverKind {
  const driver = host.driver(address);
  return classifyDriver(driver, driver !== undefined && host.hasVfioDev(address));
}

/** Driver kinds that leave a group viable for VFIO: the kernel's DMA-ownership rule (§3.4). */
export const VFIO_VIABLE_KINDS: ReadonlySet<DriverKind> = new Set<DriverKind>(['vfio', 'stub', 'bridge-port', 'none']);

export interface IommuGroupMember {
  address: string;
  vendor: number;
  device: number;
  class: number;
  headerType: PciHeaderType;
  driver: string | undefined;
  kind: DriverKind;
}

export interface IommuGroupInfo {
  group: number;
  members: IommuGroupMember[];
}

export function groupMember(host: PciHost, address: string): IommuGroupMember {
  const { vendor, device, class: cls, headerType } = host.info(address);
  return { address, vendor, device, class: cls, headerType, driver: host.driver(address), kind: driverKind(host, address) };
}

/** Every IOMMU group with its members, by group number. */
export function listIommuGroups(host: PciHost): IommuGroupInfo[] {
  return host.iommuGroups().map((group) => ({ group, members: host.iommuGroupMembers(group).map((a) => groupMember(host, a)) }));
}

export interface GroupViability {
  viable: boolean;
  /** One line per member that keeps the group from being opened. */
  reasons: string[];
}

/**
 * Whether VFIO can open the group: every member bound to vfio-pci or a VFIO
 * variant, pci-stub, pcieport, or to no driver.
 */
export function groupViability(host: PciHost, group: number): GroupViability {
  const members = host.iommuGroupMembers(group);
  if (members.length === 0) return { viable: false, reasons: [`IOMMU group ${group} has no devices`] };
  const reasons: string[] = [];
  for (const address of members) {
    const kind = driverKind(host, address);
    if (VFIO_VIABLE_KINDS.has(kind)) continue;
    const what = kind === 'xen' ? 'the Xen stub' : 'host driver';
    reasons.push(`${address} is bound to ${what} ${host.driver(address)}`);
  }
  return { viable: reasons.length === 0, reasons };
}

export interface CriticalDevice {
  address: string;
  class: number;
  reason: string;
}

const CRITICAL_CLASSES: ReadonlyArray<[number, string]> = [
  [0x0600, 'a host bridge'],
  [0x0601, 'an ISA bridge'],
  [0x0c05, 'an SMBus controller'],
];

/** What makes a class part of the host's chipset ("an ISA bridge (class 0x060100)"), undefined for others. */
export function criticalClassReason(cls: number): string | undefined {
  const name = CRITICAL_CLASSES.find(([sub]) => sub === cls >> 8)?.[1];
  return name && `${name} (class ${formatPciClass(cls)})`;
}

/** Members the host cannot give to a guest (host bridge, ISA bridge, SMBus); the manager refuses their groups unless forced. */
export function criticalDevices(host: PciHost, group: number): CriticalDevice[] {
  const out: CriticalDevice[] = [];
  for (const address of host.iommuGroupMembers(group)) {
    const cls = host.info(address).class;
    const reason = criticalClassReason(cls);
    if (reason) out.push({ address, class: cls, reason: `${address} is ${reason}: the host needs it` });
  }
  return out;
}
