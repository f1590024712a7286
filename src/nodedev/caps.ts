/**
 * The non-PCI capabilities of a node device (nodedev.rng `capsystem` …
 * `capapmatrix`), each in libvirt's output order (`virNodeDeviceDefFormat`).
 */
import { attr, child, element, list, tag, text, union, value } from '../xml/decl.js';
import { literal, mac, oneOf, pattern, str, uint, uuid } from '../xml/values.js';
import { idName, mdevTypesCap } from './pci.js';

const hex = (w: number) => uint({ base0: true, hexWidth: w });
const wwn = pattern('wwn', /^(0x)?[0-9a-fA-F]{16}$/);
const path = pattern('path', /^\/[a-zA-Z0-9_+\-/%]+$/);

export const systemCap = element('capability', {
  type: tag(literal('system')),
  product: value('product', str),
  hardware: child(
    element('hardware', {
      vendor: value('vendor', str),
      version: value('version', str),
      serial: value('serial', str),
      uuid: value('uuid', uuid, { required: true }),
    }),
    { required: true },
  ),
  firmware: child(
    element('firmware', {
      vendor: value('vendor', str),
      version: value('version', str),
      releaseDate: value('release_date', str),
    }),
    { required: true },
  ),
});

export const usbDeviceCap = element('capability', {
  type: tag(literal('usb_device')),
  bus: value('bus', uint(), { required: true }),
  device: value('device', uint(), { required: true }),
  port: value('port', uint(), { doc: 'USB port number (libvirt >= 11.x)' }),
  product: child(idName('product'), { required: true }),
  vendor: child(idName('vendor'), { required: true }),
});

export const usbInterfaceCap = element('capability', {
  type: tag(literal('usb')),
  number: value('number', uint(), { required: true }),
  class: value('class', uint(), { required: true }),
  subclass: value('subclass', uint(), { required: true }),
  protocol: value('protocol', uint(), { required: true }),
  description: value('description', str),
});

const netSubCap = union('capability', 'type', {
  '80203': element('capability', { type: tag(literal('80203')) }),
  '80211': element('capability', { type: tag(literal('80211')) }),
});

export const netCap = element('capability', {
  type: tag(literal('net')),
  interface: value('interface', str, { required: true }),
  address: value('address', mac),
  link: child(
    element('link', {
      speed: attr(uint()),
      state: attr(oneOf('unknown', 'notpresent', 'down', 'lowerlayerdown', 'testing', 'dormant', 'up')),
    }),
  ),
  features: list(element('feature', { name: attr(pattern('netfeaturename', /^[a-zA-Z\-_]+$/), { required: true }) })),
  capabilities: list(netSubCap),
});

export const scsiGenericCap = element('capability', { type: tag(literal('scsi_generic')), char: value('char', str, { required: true }) });

const scsiHostSubCap = union('capability', 'type', {
  fc_host: element('capability', {
    type: tag(literal('fc_host')),
    wwnn: value('wwnn', wwn, { required: true }),
    wwpn: value('wwpn', wwn, { required: true }),
    fabricWwn: value('fabric_wwn', wwn),
  }),
  vport_ops: element('capability', {
    type: tag(literal('vport_ops')),
    maxVports: value('max_vports', uint(), { required: true }),
    vports: value('vports', uint(), { required: true }),
  }),
});

export const scsiHostCap = element('capability', {
  type: tag(literal('scsi_host')),
  host: value('host', uint(), { required: true }),
  uniqueId: value('unique_id', uint()),
  capabilities: list(scsiHostSubCap),
});

export const scsiTargetCap = element('capability', {
  type: tag(literal('scsi_target')),
  target: value('target', str, { required: true }),
  remotePort: child(
    element('capability', {
      type: tag(literal('fc_remote_port')),
      rport: value('rport', str, { required: true }),
      wwpn: value('wwpn', wwn, { required: true }),
    }),
  ),
});

export const scsiCap = element('capability', {
  type: tag(literal('scsi')),
  host: value('host', uint(), { required: true }),
  bus: value('bus', uint(), { required: true }),
  target: value('target', uint(), { required: true }),
  lun: value('lun', uint(), { required: true }),
  scsiType: value('type', str),
});

const storageSubCap = union('capability', 'type', {
  removable: element('capability', {
    type: tag(literal('removable')),
    mediaAvailable: value('media_available', oneOf('1', '0'), { required: true }),
    mediaSize: value('media_size', uint({ max: Number.MAX_SAFE_INTEGER }), { required: true }),
    mediaLabel: value('media_label', str),
    logicalBlockSize: value('logical_block_size', uint({ max: Number.MAX_SAFE_INTEGER })),
    numBlocks: value('num_blocks', uint({ max: Number.MAX_SAFE_INTEGER })),
  }),
  hotpluggable: element('capability', { type: tag(literal('hotpluggable')) }),
});

export const storageCap = element('capability', {
  type: tag(literal('storage')),
  block: value('block', path, { required: true }),
  bus: value('bus', str),
  driveType: value('drive_type', str),
  model: value('model', str),
  vendor: value('vendor', str),
  serial: value('serial', str),
  size: value('size', uint({ max: Number.MAX_SAFE_INTEGER })),
  logicalBlockSize: value('logical_block_size', uint({ max: Number.MAX_SAFE_INTEGER })),
  numBlocks: value('num_blocks', uint({ max: Number.MAX_SAFE_INTEGER })),
  capabilities: list(storageSubCap),
});

export const drmCap = element('capability', { type: tag(literal('drm')), drmType: value('type', oneOf('primary', 'control', 'render'), { required: true }) });

export const mdevCap = element(
  'capability',
  {
    type: tag(literal('mdev')),
    mdevType: child(element('type', { id: attr(str, { required: true }) }), { required: true }),
    uuid: value('uuid', uuid),
    parentAddr: value('parent_addr', str),
    iommuGroup: child(element('iommuGroup', { number: attr(uint(), { required: true }) })),
    attrs: list(element('attr', { name: attr(str, { required: true }), value: attr(str, { required: true }) })),
  },
  {
    // libvirt writes the IOMMU group of a mediated device always (0 until it is known)
    beforeFormat: (c: { iommuGroup?: unknown }) => (c.iommuGroup ? c : { ...c, iommuGroup: { number: 0 } }),
  },
);

const ccwAddressFields = {
  cssid: value('cssid', uint({ base0: true, hexWidth: 1, max: 0xfe }), { required: true }),
  ssid: value('ssid', uint({ base0: true, hexWidth: 1, max: 3 }), { required: true }),
  devno: value('devno', uint({ base0: true, hexWidth: 4, max: 0xffff }), { required: true }),
} as const;

export const ccwCap = element('capability', {
  type: tag(literal('ccw')),
  state: value('state', oneOf('online', 'offline')),
  ...ccwAddressFields,
  groupMember: child(element('capability', { type: tag(literal('ccwgroup_member')), groupDevice: value('group_device', str, { required: true }) })),
});

const qethTypes = ['qeth_generic', 'qeth_layer2', 'qeth_layer3'] as const;

/** A CCW group device (s390 qeth network card), libvirt >= 11. */
export const ccwGroupCap = element('capability', {
  type: tag(literal('ccwgroup')),
  state: value('state', oneOf('online', 'offline')),
  ...ccwAddressFields,
  members: child(element('members', { devices: list(element('ccw_device', { ref: attr(str, { required: true }), name: text(str) })) })),
  groupType: child(
    element('capability', {
      type: attr(oneOf(...qethTypes), { required: true }),
      cardType: value('card_type', str),
      chpid: value('chpid', str),
    }),
  ),
});

export const cssCap = element('capability', {
  type: tag(literal('css')),
  ...ccwAddressFields,
  channelDevAddr: child(element('channel_dev_addr', ccwAddressFields)),
  mdevTypes: child(mdevTypesCap),
});

export const vdpaCap = element('capability', { type: tag(literal('vdpa')), chardev: value('chardev', path, { required: true }) });
export const apCardCap = element('capability', { type: tag(literal('ap_card')), apAdapter: value('ap-adapter', hex(2), { required: true }) });
export const apQueueCap = element('capability', {
  type: tag(literal('ap_queue')),
  apAdapter: value('ap-adapter', hex(2), { required: true }),
  apDomain: value('ap-domain', hex(4), { required: true }),
});
export const apMatrixCap = element('capability', { type: tag(literal('ap_matrix')), mdevTypes: child(mdevTypesCap) });

/** `<driver><name>…</name></driver>`: the host driver bound to the device (virsh nodedev-dumpxml). */
export const nodedevDriver = element('driver', { name: value('name', str, { required: true }) });

/** `<parent>` by name, or a vHBA's parent by its WWNs / fabric WWN. */
export const nodedevParent = element('parent', {
  wwnn: attr(wwn),
  wwpn: attr(wwn),
  fabricWwn: attr(wwn, { xml: 'fabric_wwn' }),
  name: text(str),
});

export const devnode = element('devnode', { type: attr(oneOf('dev', 'link'), { required: true }), path: text(str, { required: true }) });
