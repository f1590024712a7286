/**
 * The manager's bookkeeping: libvirt's active and inactive PCI device lists
 * (`virPCIDeviceList`) and, for virtxml's `group='auto'`, one record per
 * group-managed IOMMU group.
 */
import type { PciDevice, PciUsedBy } from '../pci/device.js';

/** libvirt's `virPCIDeviceList`: devices by name, in insertion order. */
export class PciDeviceList implements Iterable<PciDevice> {
  private readonly byName = new Map<string, PciDevice>();

  get count(): number {
    return this.byName.size;
  }
  has(name: string): boolean {
    return this.byName.has(name);
  }
  get(name: string): PciDevice | undefined {
    return this.byName.get(name);
  }
  /** Adds a device; the list must not hold one with the same address. */
  add(dev: PciDevice): void {
    if (this.byName.has(dev.name)) throw new Error(`Device ${dev.name} is already in use`);
    this.byName.set(dev.name, dev);
  }
  /** Removes and returns a device (libvirt's `virPCIDeviceListSteal`). */
  steal(name: string): PciDevice | undefined {
    const d = this.byName.get(name);
    this.byName.delete(name);
    return d;
  }
  names(): string[] {
    return [...this.byName.keys()];
  }
  [Symbol.iterator](): Iterator<PciDevice> {
    return this.byName.values();
  }
  /** A deep copy (devices are copied too). */
  clone(): PciDeviceList {
    const l = new PciDeviceList();
    for (const d of this.byName.values()) l.add(d.copy());
    return l;
  }
}

/** What the manager changed on a member it detached for group management. */
export interface GroupDetached {
  /**
   * Driver before detaching; `null` when it was unbound; `undefined` when
   * unknown (a member found on vfio-pci with driver_override=vfio-pci by
   * `updateActive` after a restart without the state file, for a group-auto
   * device only): given back by `drivers_probe`, the kernel's choice.
   */
  driver: string | null | undefined;
  /** `driver_override` before detaching. */
  override: string | undefined;
}

/**
 * A group-managed IOMMU group (seed §1.4): members detached by group
 * management (with their original driver), and managed devices whose
 * return to the host waits until no member of the group is active.
 */
export interface GroupRecord {
  group: number;
  detached: Map<string, GroupDetached>;
  held: Set<string>;
}

export function cloneGroup(g: GroupRecord): GroupRecord {
  return { group: g.group, detached: new Map([...g.detached].map(([k, v]) => [k, { ...v }])), held: new Set(g.held) };
}

/** Everything the manager keeps: the two lists and the group records. */
export class HostdevLists {
  constructor(
    readonly active = new PciDeviceList(),
    readonly inactive = new PciDeviceList(),
    readonly groups = new Map<number, GroupRecord>(),
  ) {}

  clone(): HostdevLists {
    return new HostdevLists(
      this.active.clone(),
      this.inactive.clone(),
      new Map([...this.groups].map(([k, g]) => [k, cloneGroup(g)])),
    );
  }
}

export function sameUsedBy(u: PciUsedBy | undefined, driver: string, domain: string): boolean {
  return u !== undefined && u.driver === driver && u.domain === domain;
}
