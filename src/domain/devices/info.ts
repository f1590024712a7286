/**
 * Device info shared by all devices (libvirt's `virDomainDeviceInfo`):
 * boot order, alias, ROM, ACPI index and the guest address, in libvirt's
 * order: boot, alias, rom, acpi, address.
 */
import { cpuset } from '../cpuset.js';
import { checkPciAddress, pciAddressFields } from '../../common/basictypes.js';
import { attr, child, element, tag, union, type Infer } from '../../xml/decl.js';
import { literal, onOff, pattern, str, uint, yesNo } from '../../xml/values.js';

export const deviceBoot = element('boot', {
  order: attr(uint(), { required: true }),
  loadparm: attr(pattern('loadparm', /^[a-zA-Z0-9.\s]{1,8}$/)),
});

export const deviceAlias = element('alias', {
  name: attr(str, { required: true }),
});

export const deviceRom = element('rom', {
  enabled: attr(yesNo),
  bar: attr(onOff),
  file: attr(str),
});

export const deviceAcpi = element('acpi', {
  index: attr(uint()),
  nodeset: attr(cpuset, { doc: 'NUMA nodes of the device (ACPI generic initiator)' }),
});

const zpci = element('zpci', {
  uid: attr(uint({ base0: true, max: 0xffff, hexWidth: 4 })),
  fid: attr(uint({ base0: true, hexWidth: 8 })),
});

const dec = () => attr(uint());

/** Guest address (`<address type=…>` of a device), a union on `type`. */
export const deviceAddress = union(
  'address',
  'type',
  {
    pci: element('address', { type: tag(literal('pci')), ...pciAddressFields, zpci: child(zpci) }, { check: checkPciAddress }),
    drive: element('address', { type: tag(literal('drive')), controller: dec(), bus: dec(), target: dec(), unit: dec() }),
    'virtio-serial': element('address', { type: tag(literal('virtio-serial')), controller: dec(), bus: dec(), port: dec() }),
    ccid: element('address', { type: tag(literal('ccid')), controller: dec(), slot: dec() }),
    usb: element('address', { type: tag(literal('usb')), bus: dec(), port: attr(pattern('usbPort', /^(0x)?[0-9a-fA-F]{1,3}(\.(0x)?[0-9a-fA-F]{1,3}){0,4}$/)) }),
    // reg is an unsigned long long in libvirt (virXMLPropULongLong base 16: 'ccA' is 0xcca; written 0x%08llx); read up to 2^53-1 here
    'spapr-vio': element('address', {
      type: tag(literal('spapr-vio')),
      reg: attr(uint({ base16: true, hexWidth: 8, max: Number.MAX_SAFE_INTEGER })),
    }),
    ccw: element('address', {
      type: tag(literal('ccw')),
      cssid: attr(uint({ base0: true, max: 0xfe, hexWidth: 1 })),
      ssid: attr(uint({ base0: true, max: 3, hexWidth: 1 })),
      devno: attr(uint({ base0: true, max: 0xffff, hexWidth: 4 })),
    }),
    isa: element('address', { type: tag(literal('isa')), iobase: attr(uint({ base0: true, hexWidth: 1 })), irq: attr(uint({ base0: true, hexWidth: 1 })) }),
    'virtio-mmio': element('address', { type: tag(literal('virtio-mmio')) }),
    // base is read in hex, with or without 0x (libvirt 12.9 reads base='e' as 0xe)
    dimm: element('address', { type: tag(literal('dimm')), slot: dec(), base: attr(uint({ base16: true, max: Number.MAX_SAFE_INTEGER, hexWidth: 1 })) }),
    unassigned: element('address', { type: tag(literal('unassigned')) }),
  },
  { unknownMessage: "unknown address type '%s'" },
);
export type DeviceAddress = Infer<typeof deviceAddress>;

/** The device-info fields, to spread at the end of a device's declaration. */
export const deviceInfoFields = {
  boot: child(deviceBoot),
  alias: child(deviceAlias),
  rom: child(deviceRom),
  acpi: child(deviceAcpi),
  address: child(deviceAddress),
} as const;

/**
 * The device info fields, read only when `readIf` holds of the device's
 * attributes (libvirt skips virDomainDeviceInfoParseXML for a
 * `<memballoon model='none'>`); unread ones are kept and written back.
 */
export function deviceInfoFieldsReadIf(readIf: (attribute: (name: string) => string | undefined) => boolean) {
  return {
    boot: { ...deviceInfoFields.boot, readIf },
    alias: { ...deviceInfoFields.alias, readIf },
    rom: { ...deviceInfoFields.rom, readIf },
    acpi: { ...deviceInfoFields.acpi, readIf },
    address: { ...deviceInfoFields.address, readIf },
  } as const;
}
