/**
 * The host as a plan sees it: real reads, overlaid with the bindings the
 * plan's earlier steps will have made. Every real read of a binding is kept
 * as the plan's basis, so `apply` can refuse a plan the host moved away from.
 */
import { classifyDriver, type DriverKind } from '../pci/groups.js';
import type { PciHost } from '../pci/host.js';
import { driverKindOf, readState } from './binding.js';
import type { DeviceState } from './types.js';

interface Overlay {
  driver: string | undefined;
  override: string | undefined;
  vfio: boolean;
}

export class HostView {
  private readonly overlay = new Map<string, Overlay>();
  private readonly groups = new Map<string, { group: number | undefined; members: string[] }>();
  /** Bindings read from the host, by device. */
  readonly basis: Record<string, DeviceState> = {};

  constructor(readonly host: PciHost) {}

  /** The device's binding before the plan (read once, then remembered). */
  original(address: string): DeviceState {
    return (this.basis[address] ??= readState(this.host, address));
  }

  driver(address: string): string | undefined {
    const o = this.overlay.get(address);
    return o ? o.driver : (this.original(address).driver ?? undefined);
  }

  override(address: string): string | undefined {
    const o = this.overlay.get(address);
    return o ? o.override : (this.original(address).override ?? undefined);
  }

  kind(address: string): DriverKind {
    const o = this.overlay.get(address);
    if (o) return classifyDriver(o.driver, o.vfio);
    const driver = this.driver(address);
    return driverKindOf(this.host, address, driver);
  }

  /** Records the binding a step leaves; `vfio`: the driver is a VFIO one. */
  set(address: string, driver: string | undefined, override: string | undefined, vfio: boolean): void {
    this.original(address);
    this.overlay.set(address, { driver, override, vfio });
  }

  /** The device's IOMMU group and its members (just the device without a group). */
  group(address: string): { group: number | undefined; members: string[] } {
    let g = this.groups.get(address);
    if (!g) {
      const group = this.host.iommuGroup(address);
      g = { group, members: group === undefined ? [address] : this.host.iommuGroupMembers(group) };
      for (const m of g.members) this.groups.set(m, g);
      this.groups.set(address, g);
    }
    return g;
  }
}
