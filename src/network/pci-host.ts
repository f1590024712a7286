/**
 * What the allocator reads from the host: the virtual functions of an SR-IOV
 * physical function, named by its netdev (`<pf dev='eth2'/>`), as libvirt's
 * `virNetDevGetVirtualFunctions` reads `/sys/class/net/PF/device/virtfn*`.
 *
 * {@link pciNetworkHost} answers it from any `PciHost` (src/pci/host.ts):
 * `SysfsHost` over a real or fake sysfs root, or `MemoryPciHost` from a
 * JSON topology in tests.
 */
import type { PciHost } from '../pci/host.js';

/** A virtual function of an SR-IOV physical function, as the host reports it. */
export interface VirtualFunction {
  /** PCI address `DDDD:BB:SS.F`. */
  address: string;
  /** Network device name, when the VF is bound to a net driver. */
  netdev?: string;
}

/** The VFs of a PF netdev, in `virtfnN` order; throws when the PF cannot be read. */
export interface NetworkHost {
  virtualFunctions(pfDev: string): VirtualFunction[];
}

/**
 * A {@link NetworkHost} over a PCI host: PF netdev → PF address
 * (`/sys/class/net/PF/device`) → `virtfn*` → each VF's netdev (the first, as
 * libvirt takes it). Like libvirt, which looks for `…/device/virtfn0`,
 * `virtfn1`, … and stops at the first missing link, a netdev that does not
 * exist, is not a PCI device or is not an SR-IOV PF has no VFs: the pool
 * then reports `No usable Vf's present on SRIOV PF X`. Read errors throw.
 */
export function pciNetworkHost(host: Pick<PciHost, 'netdevAddress' | 'virtualFunctions' | 'netdevs'>): NetworkHost {
  return {
    virtualFunctions(pfDev) {
      const pf = host.netdevAddress(pfDev);
      if (pf === undefined) return [];
      return host.virtualFunctions(pf).map((address) => {
        const netdev = host.netdevs(address)[0];
        return netdev === undefined ? { address } : { address, netdev };
      });
    },
  };
}
