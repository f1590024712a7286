/**
 * SR-IOV structure over any `PciHost` (pure reads): each physical function
 * with its capability (`sriov_totalvfs`/`sriov_numvfs`) and its enabled
 * virtual functions (`virtfnN`), each with its IOMMU group, driver and
 * whether it is free for the host or detached to a stub.
 */
import { driverKind, type DriverKind } from './groups.js';
import type { PciHost } from './host.js';

export interface SriovVf {
  address: string;
  /** N of the PF's `virtfnN` link. */
  index: number;
  vendor: number;
  device: number;
  iommuGroup: number | undefined;
  driver: string | undefined;
  kind: DriverKind;
  netdevs: string[];
  /** 'detached': on vfio-pci, a VFIO variant, pci-stub or pciback; 'free': on a host driver or none. */
  state: 'free' | 'detached';
}

export interface SriovPf {
  address: string;
  vendor: number;
  device: number;
  iommuGroup: number | undefined;
  driver: string | undefined;
  netdevs: string[];
  /** `sriov_totalvfs`, undefined when the host cannot tell. */
  totalVfs: number | undefined;
  /** `sriov_numvfs` (or the number of `virtfnN` links when the host cannot tell). */
  numVfs: number;
  vfs: SriovVf[];
}

const DETACHED: ReadonlySet<DriverKind> = new Set<DriverKind>(['vfio', 'stub', 'xen']);

/** Every SR-IOV PF of the host (a device with an SR-IOV capability or with VFs), by address. */
export function listSriov(host: PciHost): SriovPf[] {
  const out: SriovPf[] = [];
  for (const address of host.listDevices()) {
    const cap = host.sriov?.(address);
    const vfAddresses = host.virtualFunctions(address);
    if (!cap && vfAddresses.length === 0) continue;
    const info = host.info(address);
    out.push({
      address,
      vendor: info.vendor,
      device: info.device,
      iommuGroup: host.iommuGroup(address),
      driver: host.driver(address),
      netdevs: host.netdevs(address),
      totalVfs: cap?.totalVfs,
      numVfs: cap?.numVfs ?? vfAddresses.length,
      vfs: vfAddresses.map((vf, index) => {
        const i = host.info(vf);
        const kind = driverKind(host, vf);
        return {
          address: vf,
          index,
          vendor: i.vendor,
          device: i.device,
          iommuGroup: host.iommuGroup(vf),
          driver: host.driver(vf),
          kind,
          netdevs: host.netdevs(vf),
          state: DETACHED.has(kind) ? 'detached' : 'free',
        };
      }),
    });
  }
  return out;
}
