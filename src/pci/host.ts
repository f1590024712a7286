/**
 * `PciHost`: everything libvirt reads and writes in sysfs for PCI device
 * assignment (libvirt-semantics.md §4), as one interface with two
 * implementations: `SysfsHost` over a real `/sys` (src/pci/sysfs.ts, Node
 * only) and `MemoryPciHost` (src/pci/memory-host.ts), which behaves as the
 * kernel does on those writes (what libvirt's virpcimock models, §6.3).
 *
 * Addresses are PCI names `DDDD:BB:SS.F`. Methods are synchronous: sysfs
 * files are tiny and the manager applies its steps one at a time.
 * Reads of a device that does not exist throw `PciHostError` with code
 * 'no-device'; failed writes throw `PciHostError` with code 'write-failed'.
 */

/** PCI header type from config space (libvirt only assigns endpoints). */
export type PciHeaderType = 'endpoint' | 'bridge' | 'cardbus';

export interface PciDeviceInfo {
  /** `DDDD:BB:SS.F`. */
  address: string;
  vendor: number;
  device: number;
  /** 24-bit class code, e.g. 0x020000 (Ethernet), 0x060400 (PCI bridge). */
  class: number;
  headerType: PciHeaderType;
}

/** SR-IOV capability of a physical function (`sriov_totalvfs`, `sriov_numvfs`). */
export interface PciSriovInfo {
  /** VFs the device can have (`sriov_totalvfs`). */
  totalVfs: number;
  /** VFs enabled now (`sriov_numvfs`; the `virtfnN` links). */
  numVfs: number;
}

/** `outside-root`: a path of `SysfsHost` resolves (through symlinks) outside the root it was given. */
export type PciHostErrorCode = 'no-device' | 'no-driver' | 'write-failed' | 'read-failed' | 'outside-root';

export class PciHostError extends Error {
  override readonly name = 'PciHostError';
  constructor(
    readonly code: PciHostErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface PciHost {
  // ---------------------------------------------------------------- reads
  /** Addresses of every PCI device, sorted. */
  listDevices(): string[];
  /** Whether `devices/NAME/config` exists. */
  exists(address: string): boolean;
  /**
   * Vendor, device and class as the kernel reports them (its `vendor`,
   * `device`, `class` files, which libvirt reads: an SR-IOV VF's config
   * space reads 0xffff there) and the header type from config space.
   */
  info(address: string): PciDeviceInfo;
  /** Name of the bound driver (`devices/NAME/driver` link), undefined when unbound. */
  driver(address: string): string | undefined;
  /** Current `driver_override`, undefined when empty. */
  driverOverride(address: string): string | undefined;
  /** Whether `devices/NAME/vfio-dev/` exists (bound to a VFIO variant driver, kernel ≥ 6.1). */
  hasVfioDev(address: string): boolean;
  /** Whether a driver is loaded (`drivers/NAME` exists). */
  driverLoaded(name: string): boolean;
  /** IOMMU group number (basename of `devices/NAME/iommu_group`), undefined without an IOMMU. */
  iommuGroup(address: string): number | undefined;
  /** Members of an IOMMU group (`/sys/kernel/iommu_groups/N/devices`), sorted. */
  iommuGroupMembers(group: number): string[];
  /** Every IOMMU group number, sorted. */
  iommuGroups(): number[];
  /** PF of an SR-IOV VF (`physfn` link), undefined for others. */
  physicalFunction(address: string): string | undefined;
  /** VFs of an SR-IOV PF (`virtfnN` links, by N). */
  virtualFunctions(address: string): string[];
  /**
   * SR-IOV capability of a PF (`sriov_totalvfs`/`sriov_numvfs`), undefined
   * for a device without one (VFs, ordinary devices). Optional: a host that
   * cannot tell leaves it out (callers then count `virtualFunctions`).
   */
  sriov?(address: string): PciSriovInfo | undefined;
  /** Network interface names of a device (`devices/NAME/net/*`). */
  netdevs(address: string): string[];
  /** PCI address of a network interface (`/sys/class/net/IF/device`), undefined if not PCI. */
  netdevAddress(ifname: string): string | undefined;
  /** Whether `/dev/vfio/N` exists for the group (the group's devices are bound to VFIO). */
  vfioGroupNode(group: number): boolean;

  // ---------------------------------------------------------------- writes
  /** Writes `driver_override` (undefined writes "\n", which clears it). */
  setDriverOverride(address: string, driver: string | undefined): void;
  /** Writes NAME to `devices/NAME/driver/unbind` (error if unbound). */
  unbind(address: string): void;
  /** Writes NAME to `drivers/DRIVER/bind`. */
  bind(address: string, driver: string): void;
  /** Writes NAME to `drivers_probe` (the kernel binds per override or ID match). */
  probe(address: string): void;
  /** Resets the device (`devices/NAME/reset`). */
  reset(address: string): void;
}
