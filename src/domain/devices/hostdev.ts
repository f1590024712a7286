/**
 * `<hostdev>`: every variant of libvirt's host device assignment, a union on
 * `type` (subsystem pci/usb/scsi/scsi_host/mdev; capabilities
 * storage/misc/net). Attribute order on the element is libvirt's: mode, type,
 * managed (always written for subsystem hostdevs), then the variant's own.
 */
import { hostdevDriver, pciSourceAddress, sourceInfoAdapter } from '../../common/basictypes.js';
import { attr, child, element, flag, list, tag, union, value, type Infer } from '../../xml/decl.js';
import { literal, oneOf, onOff, pattern, str, uint, uuid, yesNo } from '../../xml/values.js';
import { deviceInfoFields } from './info.js';
import { interfaceIp, interfaceRoute } from './ipinfo.js';
import { diskAuth, initiator } from './storage-common.js';

const subsystem = attr(literal('subsystem'), { default: 'subsystem' as const });
const capabilities = tag(literal('capabilities'));
/** `managed` of subsystem hostdevs: absent reads as no, always written. */
const managed = attr(yesNo, { default: false, doc: 'libvirt detaches the device from its host driver and re-attaches it' });
const startupPolicy = attr(oneOf('mandatory', 'requisite', 'optional'));
const display = attr(onOff, { doc: 'use the device as a display (vfio)' });
const ramfb = attr(onOff, { doc: 'ramfb boot display for the device' });

/** The tail every hostdev shares: readonly, shareable, then device info. */
const hostdevTail = {
  readonly: flag('readonly'),
  shareable: flag('shareable'),
  ...deviceInfoFields,
} as const;

/** Status XML: what libvirt did to the device when detaching it. */
export const origStates = element('origstates', {
  unbind: flag('unbind', { doc: 'was bound to a host driver and unbound (unbind_from_stub)' }),
  removeslot: flag('removeslot'),
  reprobe: flag('reprobe'),
});

export const teaming = element('teaming', {
  type: attr(oneOf('persistent', 'transient'), { required: true, missing: 'ignore-element' }),
  persistent: attr(str),
});

// ---------------------------------------------------------------- subsystem pci

export const pciHostdevSource = element('source', {
  startupPolicy,
  writeFiltering: attr(yesNo),
  // libvirt 12.9 accepts a <source> without <address> and writes the zero address
  address: child(pciSourceAddress, { required: true, fill: () => ({ domain: 0, bus: 0, slot: 0, function: 0 }) }),
  origstates: child(origStates, { when: (ctx) => ctx.status, doc: 'status XML only' }),
});

export const pciHostdev = element(
  'hostdev',
  {
    mode: subsystem,
    type: tag(literal('pci')),
    managed,
    display,
    ramfb,
    driver: child(hostdevDriver, { omitEmpty: true }),
    source: child(pciHostdevSource, { required: true }),
    teaming: child(teaming),
    ...hostdevTail,
  },
  { doc: 'A host PCI device given to the guest' },
);
export type PciHostdev = Infer<typeof pciHostdev>;

// ---------------------------------------------------------------- subsystem usb

/** USB vendor/product ids: read base 0, written `0x%04x` as libvirt does. */
const usbId = uint({ base0: true, max: 0xffff, hexWidth: 4 });
export const usbVendor = element('vendor', { id: attr(usbId, { required: true }) });
export const usbProduct = element('product', { id: attr(usbId, { required: true }) });
const usbAddr = uint({ base0: true });

export const usbHostdevSource = element('source', {
  startupPolicy,
  guestReset: attr(oneOf('off', 'uninitialized', 'on')),
  vendor: child(usbVendor),
  product: child(usbProduct),
  address: child(element('address', { bus: attr(usbAddr), device: attr(usbAddr), port: attr(pattern('usbPort', /^((0x)?[0-9a-fA-F]{1,3}\.){0,3}(0x)?[0-9a-fA-F]{1,3}$/), { doc: 'host USB port path, e.g. 1.2' }) })),
});

export const usbHostdev = element('hostdev', {
  mode: subsystem,
  type: tag(literal('usb')),
  managed,
  source: child(usbHostdevSource, { required: true }),
  ...hostdevTail,
});

// ---------------------------------------------------------------- subsystem scsi

export const scsiHostdevSource = element('source', {
  protocol: attr(oneOf('adapter', 'iscsi'), { omit: (v: string) => v === 'adapter' }),
  name: attr(str),
  adapter: child(sourceInfoAdapter),
  address: child(element('address', { bus: attr(uint()), target: attr(uint()), unit: attr(uint({ max: Number.MAX_SAFE_INTEGER })) })),
  hosts: list(element('host', { name: attr(str, { required: true }), port: attr(uint({ max: 65535 })) })),
  auth: child(diskAuth),
  initiator: child(initiator),
});

export const scsiHostdev = element('hostdev', {
  mode: subsystem,
  type: tag(literal('scsi')),
  managed,
  sgio: attr(oneOf('filtered', 'unfiltered')),
  rawio: attr(yesNo),
  source: child(scsiHostdevSource, { required: true }),
  ...hostdevTail,
});

// ---------------------------------------------------------------- subsystem scsi_host (vhost-scsi)

export const scsiHostHostdev = element('hostdev', {
  mode: subsystem,
  type: tag(literal('scsi_host')),
  managed,
  model: attr(oneOf('virtio', 'virtio-transitional', 'virtio-non-transitional')),
  source: child(
    element('source', {
      protocol: attr(literal('vhost'), { required: true }),
      wwpn: attr(pattern('wwpn', /^naa\.[0-9a-fA-F]{16}$/), { required: true }),
    }),
    { required: true },
  ),
  ...hostdevTail,
});

// ---------------------------------------------------------------- subsystem mdev

export const mdevHostdev = element('hostdev', {
  mode: subsystem,
  type: tag(literal('mdev')),
  managed,
  model: attr(oneOf('vfio-pci', 'vfio-ccw', 'vfio-ap'), { required: true }),
  display,
  ramfb,
  source: child(element('source', { address: child(element('address', { uuid: attr(uuid, { required: true }) }), { required: true }) }), {
    required: true,
  }),
  ...hostdevTail,
});

// ---------------------------------------------------------------- capabilities

const absPath = pattern('absFilePath', /^(\/|[a-zA-Z]:\\).+$/);

export const storageHostdev = element('hostdev', {
  mode: capabilities,
  type: tag(literal('storage')),
  source: child(element('source', { block: value('block', absPath, { required: true }) }), { required: true }),
  ...hostdevTail,
});

export const miscHostdev = element('hostdev', {
  mode: capabilities,
  type: tag(literal('misc')),
  source: child(element('source', { char: value('char', absPath, { required: true }) }), { required: true }),
  ...hostdevTail,
});

export const netHostdev = element('hostdev', {
  mode: capabilities,
  type: tag(literal('net')),
  source: child(element('source', { interface: value('interface', str, { required: true }) }), { required: true }),
  ips: list(interfaceIp),
  routes: list(interfaceRoute),
  ...hostdevTail,
});

// ---------------------------------------------------------------- the union

export const hostdev = union(
  'hostdev',
  'type',
  {
    pci: pciHostdev,
    usb: usbHostdev,
    scsi: scsiHostdev,
    scsi_host: scsiHostHostdev,
    mdev: mdevHostdev,
    storage: storageHostdev,
    misc: miscHostdev,
    net: netHostdev,
  },
  { doc: 'A host device assigned to the guest', unknownMessage: "unknown host device type '%s'" },
);
export type HostdevDef = Infer<typeof hostdev>;
