/**
 * A host PCI device as the hostdev manager sees it (libvirt's `virPCIDevice`):
 * its address and name, how it is to be detached (stub driver, managed) and
 * the bookkeeping libvirt keeps about it (usedBy, original-state flags).
 */
import { pciAddressName, type PciAddress, type PciAddressNumbers } from '../common/basictypes.js';

export type { PciAddress };

/** libvirt's `virPCIStubDriver`: the kind of stub a device is detached to. */
export type PciStubDriverType = 'vfio' | 'xen';

/** Who holds an active device: libvirt's `usedBy` (driver name, domain name). */
export interface PciUsedBy {
  driver: string;
  domain: string;
}

export interface PciDeviceInit {
  address: PciAddressNumbers;
  managed?: boolean;
  stubDriverType?: PciStubDriverType;
  /** Explicit stub driver name (`<driver model>`); default from the type. */
  stubDriverName?: string;
  attachGroup?: boolean;
}

export class PciDevice {
  readonly address: PciAddress;
  /** `DDDD:BB:SS.F`. */
  readonly name: string;
  managed: boolean;
  stubDriverType: PciStubDriverType;
  /** The driver the device is bound to when detached (`vfio-pci`, a variant, or `pciback`). */
  stubDriver: string;
  /** virtxml's seed extension: detach/re-attach the device's whole IOMMU group. */
  attachGroup: boolean;
  usedBy: PciUsedBy | undefined;
  /** Original-state flags (persisted as `<origstates>`): set when libvirt unbound the device. */
  unbindFromStub = false;
  removeSlot = false;
  reprobe = false;
  /**
   * The driver the device was bound to before the manager detached it
   * (virtxml's addition, so a device goes back to its original driver):
   * a name, `null` when it was unbound, `undefined` when unknown (then the
   * kernel chooses, by `drivers_probe`, as libvirt does).
   */
  origDriver: string | null | undefined = undefined;

  constructor(init: PciDeviceInit) {
    const a = init.address;
    this.address = { domain: a.domain ?? 0, bus: a.bus ?? 0, slot: a.slot ?? 0, function: a.function ?? 0 };
    this.name = pciAddressName(this.address);
    this.managed = init.managed ?? false;
    this.stubDriverType = init.stubDriverType ?? 'vfio';
    this.stubDriver = init.stubDriverName ?? defaultStubDriver(this.stubDriverType);
    this.attachGroup = init.attachGroup ?? false;
  }

  /** A copy with the same settings and bookkeeping (libvirt's `virPCIDeviceCopy`). */
  copy(): PciDevice {
    const d = new PciDevice({
      address: this.address,
      managed: this.managed,
      stubDriverType: this.stubDriverType,
      stubDriverName: this.stubDriver,
      attachGroup: this.attachGroup,
    });
    d.usedBy = this.usedBy ? { ...this.usedBy } : undefined;
    d.unbindFromStub = this.unbindFromStub;
    d.removeSlot = this.removeSlot;
    d.reprobe = this.reprobe;
    d.origDriver = this.origDriver;
    return d;
  }
}

export function defaultStubDriver(type: PciStubDriverType): string {
  return type === 'vfio' ? 'vfio-pci' : 'pciback';
}
