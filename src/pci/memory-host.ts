/**
 * `MemoryPciHost`: a `PciHost` in memory that answers writes as the kernel
 * does (what libvirt's virpcimock models, libvirt-semantics.md §6.3):
 *
 * - `bind` fails if the device is bound, or if the driver does not match it:
 *   with a `driver_override` only the named driver matches, without one only
 *   a driver claiming its vendor:device (vfio-pci claims nothing by ID);
 * - `unbind` fails if the device is not bound;
 * - `probe` binds an unbound device to its override driver (if loaded), else
 *   to the first driver claiming its IDs, else leaves it unbound; a bound
 *   device is left alone;
 * - `driver_override` writes are stored; undefined, "" or "\n" clear it;
 * - `/dev/vfio/N` exists while a member of group N is bound to vfio-pci or a
 *   VFIO variant driver (those devices also have `vfio-dev/`);
 * - network interfaces show while a device is bound to a host driver;
 * - `reset` succeeds for endpoints.
 *
 * Every write is logged (`writes()`); `injectFault` makes chosen writes throw
 * without changing anything.
 */
import { PciHostError, type PciDeviceInfo, type PciHost, type PciSriovInfo } from './host.js';
import { classifyDriver } from './groups.js';
import {
  VFIO_PCI,
  canonicalPciName,
  comparePciNames,
  formatPciId,
  headerTypeOfClass,
  validatePciTopology,
  type PciTopology,
  type PciTopologyDevice,
} from './topology.js';

export type PciWriteOp = 'setDriverOverride' | 'unbind' | 'bind' | 'probe' | 'reset';

export interface PciHostWrite {
  op: PciWriteOp;
  address: string;
  /** The driver written (bind, setDriverOverride; absent when clearing the override). */
  value?: string;
  /** Set when the write threw (an injected fault or a kernel refusal). */
  failed?: true;
}

/** Decides whether a write fails; `index` = number of writes before this one. */
export type PciFaultPredicate = (op: PciWriteOp, address: string, index: number) => boolean;

interface DeviceState {
  info: PciDeviceInfo;
  driver: string | undefined;
  override: string | undefined;
  group: number | undefined;
  physfn: string | undefined;
  sriovTotalVfs: number | undefined;
  netdevs: string[];
}

interface DriverState {
  ids: Array<[number, number]>;
  vfioVariant: boolean;
}

export class MemoryPciHost implements PciHost {
  readonly #devices = new Map<string, DeviceState>();
  readonly #drivers = new Map<string, DriverState>();
  readonly #log: PciHostWrite[] = [];
  #fault: PciFaultPredicate | undefined;

  /** Builds the host from a topology; throws `PciTopologyError` when it is invalid. */
  constructor(topology: PciTopology) {
    validatePciTopology(topology);
    for (const d of topology.drivers) {
      this.#drivers.set(d.name, { ids: (d.ids ?? []).map(([v, p]) => [v, p]), vfioVariant: d.vfioVariant ?? false });
    }
    for (const d of topology.devices) {
      if (d.vfioDev && d.driver !== undefined) this.#drivers.get(d.driver)!.vfioVariant ||= d.driver !== VFIO_PCI;
      this.#devices.set(d.address, {
        info: { address: d.address, vendor: d.vendor, device: d.device, class: d.class, headerType: d.headerType ?? headerTypeOfClass(d.class) },
        driver: d.driver,
        override: d.driverOverride,
        group: d.iommuGroup,
        physfn: d.physfn,
        sriovTotalVfs: d.sriovTotalVfs,
        netdevs: [...(d.netdevs ?? [])],
      });
    }
  }

  // ---------------------------------------------------------------- reads

  #get(address: string): DeviceState {
    const key = canonicalPciName(address);
    const dev = key !== undefined ? this.#devices.get(key) : undefined;
    if (!dev) throw new PciHostError('no-device', `Device ${address} not found: no such PCI device`);
    return dev;
  }

  #isVfioDriver(driver: string | undefined): boolean {
    return driver !== undefined && (driver === VFIO_PCI || (this.#drivers.get(driver)?.vfioVariant ?? false));
  }

  #sorted(filter: (d: DeviceState) => boolean): string[] {
    return [...this.#devices.values()].filter(filter).map((d) => d.info.address).sort(comparePciNames);
  }

  listDevices(): string[] {
    return this.#sorted(() => true);
  }

  exists(address: string): boolean {
    const key = canonicalPciName(address);
    return key !== undefined && this.#devices.has(key);
  }

  info(address: string): PciDeviceInfo {
    return { ...this.#get(address).info };
  }

  driver(address: string): string | undefined {
    return this.#get(address).driver;
  }

  driverOverride(address: string): string | undefined {
    return this.#get(address).override;
  }

  hasVfioDev(address: string): boolean {
    return this.#isVfioDriver(this.#get(address).driver);
  }

  driverLoaded(name: string): boolean {
    return this.#drivers.has(name);
  }

  iommuGroup(address: string): number | undefined {
    return this.#get(address).group;
  }

  iommuGroupMembers(group: number): string[] {
    return this.#sorted((d) => d.group === group);
  }

  iommuGroups(): number[] {
    const groups = new Set<number>();
    for (const d of this.#devices.values()) if (d.group !== undefined) groups.add(d.group);
    return [...groups].sort((a, b) => a - b);
  }

  physicalFunction(address: string): string | undefined {
    return this.#get(address).physfn;
  }

  virtualFunctions(address: string): string[] {
    const pf = this.#get(address).info.address;
    return this.#sorted((d) => d.physfn === pf);
  }

  /** A PF: `sriovTotalVfs` from the topology (or, when it has VFs but no such field, their number). */
  sriov(address: string): PciSriovInfo | undefined {
    const d = this.#get(address);
    const numVfs = this.virtualFunctions(address).length;
    if (d.sriovTotalVfs === undefined && numVfs === 0) return undefined;
    return { totalVfs: d.sriovTotalVfs ?? numVfs, numVfs };
  }

  #netdevsShown(d: DeviceState): boolean {
    return classifyDriver(d.driver, this.#isVfioDriver(d.driver)) === 'host';
  }

  netdevs(address: string): string[] {
    const d = this.#get(address);
    return this.#netdevsShown(d) ? [...d.netdevs] : [];
  }

  netdevAddress(ifname: string): string | undefined {
    for (const d of this.#devices.values()) if (d.netdevs.includes(ifname) && this.#netdevsShown(d)) return d.info.address;
    return undefined;
  }

  vfioGroupNode(group: number): boolean {
    for (const d of this.#devices.values()) if (d.group === group && this.#isVfioDriver(d.driver)) return true;
    return false;
  }

  // ---------------------------------------------------------------- writes

  #write(op: PciWriteOp, address: string, value: string | undefined, apply: (dev: DeviceState) => void): void {
    const entry: PciHostWrite = { op, address, ...(value !== undefined ? { value } : {}) };
    const index = this.#log.length;
    this.#log.push(entry);
    try {
      if (this.#fault?.(op, address, index)) throw new PciHostError('write-failed', `${op} ${address}: injected fault at write #${index}`);
      apply(this.#get(address));
    } catch (e) {
      entry.failed = true;
      throw e;
    }
  }

  #refuse(op: PciWriteOp, dev: DeviceState, why: string): never {
    throw new PciHostError('write-failed', `${op} ${dev.info.address}: ${why}`);
  }

  /** Whether `driver` would take the device (the kernel's pci_match_device). */
  #matches(dev: DeviceState, driver: string): boolean {
    if (dev.override !== undefined) return dev.override === driver;
    const ids = this.#drivers.get(driver)?.ids ?? [];
    return ids.some(([v, p]) => v === dev.info.vendor && p === dev.info.device);
  }

  setDriverOverride(address: string, driver: string | undefined): void {
    this.#write('setDriverOverride', address, driver, (dev) => {
      const value = (driver ?? '').replace(/\n$/, '');
      dev.override = value === '' ? undefined : value;
    });
  }

  unbind(address: string): void {
    this.#write('unbind', address, undefined, (dev) => {
      if (dev.driver === undefined) this.#refuse('unbind', dev, 'not bound to a driver');
      dev.driver = undefined;
    });
  }

  bind(address: string, driver: string): void {
    this.#write('bind', address, driver, (dev) => {
      if (!this.#drivers.has(driver)) throw new PciHostError('no-driver', `bind ${dev.info.address}: driver ${driver} is not loaded`);
      if (dev.driver !== undefined) this.#refuse('bind', dev, `already bound to ${dev.driver}`);
      if (!this.#matches(dev, driver)) {
        const why = dev.override !== undefined ? `driver_override is ${dev.override}` : `${driver} does not claim ${formatPciId(dev.info.vendor, dev.info.device)}`;
        this.#refuse('bind', dev, `${driver} does not match the device (${why})`);
      }
      dev.driver = driver;
    });
  }

  probe(address: string): void {
    this.#write('probe', address, undefined, (dev) => {
      if (dev.driver !== undefined) return;
      for (const name of this.#drivers.keys()) {
        if (this.#matches(dev, name)) {
          dev.driver = name;
          return;
        }
      }
    });
  }

  reset(address: string): void {
    this.#write('reset', address, undefined, (dev) => {
      if (dev.info.headerType !== 'endpoint') this.#refuse('reset', dev, `a ${dev.info.headerType} cannot be reset`);
    });
  }

  // ---------------------------------------------------------------- test and dry-run helpers

  /** Every write so far, in order, including those that failed (a copy). */
  writes(): ReadonlyArray<Readonly<PciHostWrite>> {
    return this.#log.map((w) => ({ ...w }));
  }

  /** Makes the writes the predicate picks throw `PciHostError('write-failed')` without changing state; undefined removes it. */
  injectFault(predicate: PciFaultPredicate | undefined): void {
    this.#fault = predicate;
  }

  /** The current state as a topology (`new MemoryPciHost(snapshot)` continues from here). */
  snapshot(): PciTopology {
    const drivers = [...this.#drivers].map(([name, d]) => ({
      name,
      ...(d.ids.length ? { ids: d.ids.map(([v, p]): [number, number] => [v, p]) } : {}),
      ...(d.vfioVariant ? { vfioVariant: true } : {}),
    }));
    const devices = this.listDevices().map((address): PciTopologyDevice => {
      const d = this.#devices.get(address)!;
      const { vendor, device, class: cls, headerType } = d.info;
      return {
        address,
        vendor,
        device,
        class: cls,
        headerType,
        ...(d.driver !== undefined ? { driver: d.driver } : {}),
        ...(d.override !== undefined ? { driverOverride: d.override } : {}),
        ...(d.group !== undefined ? { iommuGroup: d.group } : {}),
        ...(d.physfn !== undefined ? { physfn: d.physfn } : {}),
        ...(d.sriovTotalVfs !== undefined ? { sriovTotalVfs: d.sriovTotalVfs } : {}),
        ...(d.netdevs.length ? { netdevs: [...d.netdevs] } : {}),
        ...(this.#isVfioDriver(d.driver) ? { vfioDev: true } : {}),
      };
    });
    return { drivers, devices };
  }
}
