/**
 * `<disk>`: a union on the storage `type` (file, block, dir, network, volume,
 * nvme, vhostuser, vhostvdpa), so `disk.source` narrows with `disk.type`
 * (and a network source further with `source.protocol`). Order is libvirt's
 * virDomainDiskDefFormat: attributes type, device, model, rawio, sgio,
 * snapshot; children driver, auth, source, backingStore, backenddomain,
 * geometry, blockio, mirror, target, iotune, throttlefilters, readonly,
 * shareable, transient, serial, wwn, vendor, product, encryption, boot,
 * alias, acpi, address, privateData.
 */
import { attr, child, element, flag, list, union, value, type CheckFailure, type Infer } from '../../xml/decl.js';
import { oneOf, onOff, pattern, str, uint, yesNo } from '../../xml/values.js';
import { diskDriver } from './disk-driver.js';
import { diskIotune } from './disk-iotune.js';
import { diskPrivateDataField } from './disk-private.js';
import { deviceInfoFields } from './info.js';
import { diskAuth, encryption } from './storage-common.js';
import { backingChainField, mirror, storageCases } from './storage-source.js';

/** `<target dev bus tray removable rotation_rate/>`; `tray='closed'` is the default and not written. */
export const diskTarget = element('target', {
  dev: attr(str, { required: true, doc: 'Device name in the guest: hda, sdb, vdc, …' }),
  bus: attr(oneOf('ide', 'fdc', 'scsi', 'virtio', 'xen', 'usb', 'uml', 'sata', 'sd', 'nvme')),
  tray: attr(oneOf('open', 'closed'), { omit: (v: string) => v === 'closed' }),
  removable: attr(onOff),
  rotation_rate: attr(uint()),
  dpofua: attr(onOff, { doc: 'SCSI: advertise DPO/FUA support' }),
});

/** `<geometry cyls heads secs trans/>`; `trans='default'` is not written. */
export const diskGeometry = element('geometry', {
  cyls: attr(uint(), { required: true }),
  heads: attr(uint(), { required: true }),
  secs: attr(uint(), { required: true }),
  trans: attr(oneOf('default', 'none', 'auto', 'lba'), { omit: (v: string) => v === 'default' }),
});

export const diskBlockIo = element('blockio', {
  logical_block_size: attr(uint()),
  physical_block_size: attr(uint()),
  discard_granularity: attr(uint()),
});

/** `<throttlefilters>` (libvirt 11.0+, not in the 10.7 schema): throttle groups the disk belongs to. */
export const throttleFilters = element('throttlefilters', {
  throttlefilters: list(element('throttlefilter', { group: attr(str, { required: true }) })),
});

/** `<transient shareBacking/>`: changes are discarded when the guest stops. */
export const diskTransient = element('transient', {
  shareBacking: attr(yesNo, { omit: (v: boolean) => !v }),
});

const printable = (n: number) => pattern(`printable{0,${n}}`, new RegExp(`^[\\x20-\\x7e]{0,${n}}$`));

const diskHead = {
  device: attr(oneOf('floppy', 'disk', 'cdrom', 'lun'), { default: 'disk' as 'floppy' | 'disk' | 'cdrom' | 'lun', doc: 'How the guest sees it' }),
  model: attr(oneOf('virtio', 'virtio-transitional', 'virtio-non-transitional', 'usb-storage', 'usb-bot')),
  rawio: attr(yesNo, { doc: 'lun: allow raw SCSI commands' }),
  sgio: attr(oneOf('filtered', 'unfiltered'), { doc: 'lun: SG_IO filtering' }),
  snapshot: attr(oneOf('no', 'internal', 'external', 'manual'), {
    // libvirt leaves out snapshot='no' of read-only disks (it is implied)
    omit: (v: string, d: { readonly?: boolean }) => v === 'no' && d.readonly === true,
  }),
  driver: child(diskDriver, { omitEmpty: true }),
  auth: child(diskAuth, { doc: 'Credentials given outside <source> (kept there)' }),
} as const;

const diskTail = {
  ...backingChainField,
  backenddomain: child(element('backenddomain', { name: attr(str, { required: true, missing: 'ignore-element' }) })),
  geometry: child(diskGeometry),
  blockio: child(diskBlockIo, { omitEmpty: true }),
  mirror: child(mirror, { when: (ctx) => !ctx.inactive, doc: 'Block job in progress (live XML)' }),
  target: child(diskTarget, { required: true }),
  iotune: child(diskIotune, { omitEmpty: true }),
  throttlefilters: child(throttleFilters, { omitEmpty: true }),
  readonly: flag('readonly'),
  shareable: flag('shareable'),
  transient: child(diskTransient),
  serial: value('serial', str),
  wwn: value('wwn', pattern('wwn', /^(0x)?[0-9a-fA-F]{16}$/)),
  vendor: value('vendor', printable(8)),
  product: value('product', printable(16)),
  encryption: child(encryption, { doc: 'Encryption given outside <source> (kept there)' }),
  ...deviceInfoFields,
  ...diskPrivateDataField,
} as const;

/**
 * libvirt's LUN rule (virDomainDiskDefValidate): a `device='lun'` disk is a
 * block device, a pool volume or an iSCSI LUN.
 */
function checkLun(d: { type: string; device: string; source?: { protocol?: string }; target?: { dev: string } }): CheckFailure | undefined {
  if (d.device !== 'lun') return undefined;
  if (d.type === 'block' || d.type === 'volume' || (d.type === 'network' && d.source?.protocol === 'iscsi')) return undefined;
  return { code: 'invalid-value', message: `disk '${d.target?.dev ?? ''}' improperly configured for a device='lun'`, attribute: 'device' };
}

export const disk = union('disk', 'type', storageCases('disk', diskHead, diskTail, true, checkLun), {
  defaultCase: 'file',
  doc: 'A guest disk, cdrom, floppy or SCSI LUN',
  unknownMessage: "unknown disk type '%s'",
});
export type DiskDef = Infer<typeof disk>;
