/**
 * The checks libvirt makes before it changes anything (§3.3 step 1, §3.6,
 * §4.4), plus the refusal to take IOMMU groups that hold chipset devices.
 */
import { parsePciAddressName, pciAddressName } from '../common/basictypes.js';
import type { PciDevice } from '../pci/device.js';
import { criticalDevices } from '../pci/groups.js';
import type { PciHost } from '../pci/host.js';
import { HostdevError, inUseError } from './errors.js';
import { sameUsedBy, type HostdevLists } from './lists.js';
import type { HostView } from './view.js';

/** `DDDD:BB:SS.F` of a node-device address; the device must exist. */
export function nodeDeviceName(host: PciHost, address: string): string {
  const a = parsePciAddressName(address);
  if (!a) throw new HostdevError('no-device', `invalid PCI address '${address}'`);
  const name = pciAddressName(a);
  if (!host.exists(name)) throw new HostdevError('no-device', `Device ${name} not found: could not access /sys/bus/pci/devices/${name}/config`, { device: name });
  return name;
}

export function checkEndpoint(host: PciHost, name: string): void {
  if (host.info(name).headerType !== 'endpoint') {
    throw new HostdevError('not-endpoint', 'Non-endpoint PCI devices cannot be assigned to guests', { device: name });
  }
}

export function checkResettable(host: PciHost, name: string): void {
  if (host.info(name).headerType !== 'endpoint') {
    throw new HostdevError('not-endpoint', `Invalid attempt to reset PCI device ${name}. Only PCI endpoint devices can be reset`, { device: name });
  }
}

/** The device must not be active at all (even for the same driver and domain). */
export function checkNotActive(lists: HostdevLists, name: string): void {
  const a = lists.active.get(name);
  if (a) throw inUseError(name, a.usedBy);
}

/**
 * VFIO (and group-managed) devices: every member of the IOMMU group on the
 * active list must belong to the same driver and domain; the error names
 * the member.
 */
export function checkGroupMates(view: HostView, lists: HostdevLists, dev: PciDevice, driver: string, domain: string): void {
  for (const m of view.group(dev.name).members) {
    const a = lists.active.get(m);
    if (a && !sameUsedBy(a.usedBy, driver, domain)) throw inUseError(m, a.usedBy);
  }
}

/** group='auto' never takes a group holding a host bridge, ISA bridge or SMBus controller unless forced. */
export function checkCriticalGroup(host: PciHost, group: number, dev: PciDevice, force: boolean): void {
  if (force) return;
  const critical = criticalDevices(host, group);
  if (!critical.length) return;
  throw new HostdevError(
    'critical-group',
    `Refusing to detach IOMMU group ${group} of PCI device ${dev.name} (group='auto'): ${critical.map((c) => c.reason).join('; ')}`,
    { device: dev.name, remedy: { option: 'force', action: 'detach it anyway' } },
  );
}

/** The first active member of a group, if any. */
export function activeMember(lists: HostdevLists, members: readonly string[]): PciDevice | undefined {
  for (const m of members) {
    const a = lists.active.get(m);
    if (a) return a;
  }
  return undefined;
}
