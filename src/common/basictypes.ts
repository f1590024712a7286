/**
 * Declarations shared by the domain, network and network-port models
 * (libvirt's basictypes.rng): PCI addresses and the PCI hostdev `<driver>`.
 */
import { attr, child, element, type CheckFailure, type Infer } from '../xml/decl.js';
import { oneOf, onOff, pattern, str, uint, yesNo } from '../xml/values.js';

/** A PCI address's four numbers, read as libvirt reads them (strtoul base 0) and written in hex. */
export const pciAddressFields = {
  domain: attr(uint({ base0: true, hexWidth: 4 }), { doc: 'PCI domain (any 32-bit value), written 0x%04x' }),
  bus: attr(uint({ base0: true, hexWidth: 2 }), { doc: 'PCI bus (<= 0xFF), written 0x%02x' }),
  slot: attr(uint({ base0: true, hexWidth: 2 }), { doc: 'PCI slot (<= 0x1F), written 0x%02x' }),
  function: attr(uint({ base0: true, hexWidth: 1 }), { doc: 'PCI function (<= 7), written 0x%d' }),
  multifunction: attr(onOff, { doc: 'multi-function device (guest addresses)' }),
} as const;

/** A host PCI address: the one address type of the package (`0000:03:10.0` is `{ domain: 0, bus: 3, slot: 0x10, function: 0 }`). */
export interface PciAddress {
  domain: number;
  bus: number;
  slot: number;
  function: number;
}

/** A PCI address as XML has it: each number may be left out (libvirt reads a missing one as 0). */
export type PciAddressNumbers = Partial<PciAddress>;

/**
 * libvirt's `virPCIDeviceAddressIsValid` with `report`, applied when an
 * address is not empty: `virPCIDeviceAddressIsEmpty` is domain, bus and slot
 * all zero (the function is not looked at: libvirt 12.9 accepts
 * `<address type='pci' function='0x5'/>` as "not specified"). Messages are libvirt's.
 */
export function checkPciAddress(a: PciAddressNumbers): CheckFailure | undefined {
  const domain = a.domain ?? 0;
  const bus = a.bus ?? 0;
  const slot = a.slot ?? 0;
  const fn = a.function ?? 0;
  if (domain === 0 && bus === 0 && slot === 0) return undefined; // empty: "not specified"
  if (bus > 0xff) return { code: 'invalid-address', message: `Invalid PCI address bus='0x${bus.toString(16)}', must be <= 0xFF`, attribute: 'bus' };
  if (slot > 0x1f) return { code: 'invalid-address', message: `Invalid PCI address slot='0x${slot.toString(16)}', must be <= 0x1F`, attribute: 'slot' };
  if (fn > 7) return { code: 'invalid-address', message: `Invalid PCI address function=0x${fn.toString(16)}, must be <= 7`, attribute: 'function' };
  return undefined;
}

/** `<address domain bus slot function/>` without `type` (hostdev `<source>`, network port `<plug>`). */
export const pciSourceAddress = element(
  'address',
  {
    domain: pciAddressFields.domain,
    bus: pciAddressFields.bus,
    slot: pciAddressFields.slot,
    function: pciAddressFields.function,
  },
  { doc: 'Host PCI address of a device', check: checkPciAddress },
);
export type PciSourceAddress = Infer<typeof pciSourceAddress>;

/** `<address>` of a `<parentaddr>`: a PCI address with every pciaddress attribute (basictypes.rng). */
export const pciParentAddress = element(
  'address',
  { ...pciAddressFields },
  { doc: 'PCI address of the SCSI host adapter', check: checkPciAddress },
);

/** `<parentaddr unique_id>`: a scsi_host adapter named by its parent PCI device (storage_adapter_conf.c). */
export const adapterParentAddr = element(
  'parentaddr',
  {
    unique_id: attr(uint(), { doc: 'unique_id of the scsi_host under that PCI device' }),
    address: child(pciParentAddress, { required: true }),
  },
  { doc: 'Parent PCI device of a scsi_host adapter' },
);

/**
 * `<adapter>` (basictypes.rng's sourceinfoadapter): a SCSI host adapter,
 * scsi_host by name or parent address, or fc_host by WWNs. Attribute order is
 * `virStorageAdapterFormat`'s. A domain hostdev's libvirt parser reads only
 * `name`; the rest is kept and written back (lossless).
 */
export const sourceInfoAdapter = element(
  'adapter',
  {
    type: attr(oneOf('scsi_host', 'fc_host')),
    name: attr(str),
    parent: attr(str),
    parent_wwnn: attr(str, { doc: 'WWNN of the parent fc_host (wwn)' }),
    parent_wwpn: attr(str, { doc: 'WWPN of the parent fc_host (wwn)' }),
    parent_fabric_wwn: attr(str, { doc: 'fabric WWN of the parent fc_host (wwn)' }),
    managed: attr(yesNo),
    wwnn: attr(str),
    wwpn: attr(str),
    parentaddr: child(adapterParentAddr),
  },
  { doc: 'SCSI host adapter' },
);
export type SourceInfoAdapter = Infer<typeof sourceInfoAdapter>;

/** libvirt's hostdev backend names (`virDeviceHostdevPCIDriverName` without its `default`). */
export const hostdevDriverName = oneOf('kvm', 'vfio', 'xen');

/**
 * virtxml's extension: IOMMU group management of a PCI hostdev (the 2013
 * seed's `group='auto'`). Absent means `default`: no group management.
 */
export type GroupMgmt = 'default' | 'auto';
export const groupMgmtType = oneOf('auto');

/** `<driver name model group/>` of PCI hostdevs, hostdev interfaces and hostdev networks. */
export const hostdevDriver = element(
  'driver',
  {
    name: attr(hostdevDriverName, { doc: 'Backend: vfio (VFIO), kvm (legacy, disabled since libvirt 5.7) or xen' }),
    model: attr(pattern('genericName', /^[a-zA-Z0-9_+-]+$/), { doc: 'Explicit stub/variant driver, e.g. vfio-pci-igb (libvirt 10.0+)' }),
    iommufd: attr(yesNo, { doc: 'VFIO through IOMMUFD instead of a VFIO group container (libvirt 12.x)' }),
    groupMgmt: attr(groupMgmtType, {
      xml: 'group',
      extension: 'virtxml',
      doc: "virtxml extension: 'auto' detaches/re-attaches the device's whole IOMMU group (groupMgmt)",
    }),
  },
  { doc: 'PCI device assignment backend' },
);
export type HostdevDriver = Infer<typeof hostdevDriver>;

/** A PCI address's name, `DDDD:BB:SS.F` (as sysfs and `lspci -D` print it): the one formatter of the package. */
export function pciAddressName(a: PciAddressNumbers): string {
  const h = (n: number | undefined, w: number) => (n ?? 0).toString(16).padStart(w, '0');
  return `${h(a.domain, 4)}:${h(a.bus, 2)}:${h(a.slot, 2)}.${(a.function ?? 0).toString(16)}`;
}

/**
 * Parses a PCI address name — `DDDD:BB:SS.F` (4 to 8 domain digits) or
 * `BB:SS.F` (domain 0), exactly as sysfs and `lspci` print them — into a
 * `PciAddress`; undefined when malformed (the builders' `parsePciAddress`
 * uses it and turns undefined into an error that says which part is wrong).
 */
export function parsePciAddressName(name: string): PciAddress | undefined {
  const m = /^(?:([0-9a-fA-F]{4,8}):)?([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])$/.exec(name);
  if (!m) return undefined;
  const slot = parseInt(m[3]!, 16);
  if (slot > 0x1f) return undefined;
  return { domain: m[1] ? parseInt(m[1], 16) : 0, bus: parseInt(m[2]!, 16), slot, function: parseInt(m[4]!, 10) };
}
