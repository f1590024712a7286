/**
 * Hostdev defs → PCI device objects (libvirt's `qemuGetPciHostDeviceList` /
 * `virHostdevGetPCIHostDeviceList`, libvirt-semantics.md §3.1), with the
 * seed's `attachGroup` set exactly when the hostdev's `groupMgmt` is `auto`.
 */
import { pciAddressName } from '../common/basictypes.js';
import type { HostdevDef } from '../domain/devices/hostdev.js';
import { VirtXmlError } from '../xml/errors.js';
import { PciDevice, type PciStubDriverType } from '../pci/device.js';

export interface BuildPciDeviceListOptions {
  /**
   * Backend for a hostdev without `<driver name>`: the QEMU driver resolves
   * it to `vfio` when the host supports VFIO (§3.2). Set to `undefined` to
   * require an explicit backend.
   */
  defaultBackend?: 'vfio' | 'xen' | undefined;
  /**
   * Whether the device exists on the host. Devices that vanished are
   * skipped silently, as libvirt does (a hot-removed device must not make
   * re-attach fail). Default: every device exists.
   */
  exists?: (name: string) => boolean;
}

function stubTypeOf(name: string | undefined, options: BuildPciDeviceListOptions): PciStubDriverType {
  const backend = name ?? ('defaultBackend' in options ? options.defaultBackend : 'vfio');
  if (backend === 'vfio' || backend === 'xen') return backend;
  throw new VirtXmlError('unsupported', `pci backend driver type '${backend ?? 'default'}' is not supported`);
}

/** Builds the PCI device list of a domain's hostdevs; non-PCI hostdevs are skipped. */
export function buildPciDeviceList(hostdevs: readonly HostdevDef[], options: BuildPciDeviceListOptions = {}): PciDevice[] {
  const out: PciDevice[] = [];
  const seen = new Set<string>();
  for (const h of hostdevs) {
    if (h.mode !== 'subsystem' || h.type !== 'pci') continue;
    const address = h.source.address;
    const name = pciAddressName(address);
    if (options.exists && !options.exists(name)) continue;
    if (seen.has(name)) throw new VirtXmlError('duplicate', `Device ${name} is already in use`);
    seen.add(name);
    const driver = h.driver;
    out.push(
      new PciDevice({
        address,
        managed: h.managed,
        stubDriverType: stubTypeOf(driver?.name, options),
        ...(driver?.model !== undefined ? { stubDriverName: driver.model } : {}),
        attachGroup: driver?.groupMgmt === 'auto',
      }),
    );
  }
  return out;
}
