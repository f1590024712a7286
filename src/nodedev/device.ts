/**
 * `<device>`: a libvirt node device (nodedev.rng), as `virsh nodedev-dumpxml`
 * prints it (`virNodeDeviceDefFormat`): name, sysfs path, device nodes,
 * parent, bound driver, then its capabilities.
 */
import { child, element, list, union, value, type Infer, type InferFields } from '../xml/decl.js';
import { str } from '../xml/values.js';
import {
  apCardCap,
  apMatrixCap,
  apQueueCap,
  ccwCap,
  ccwGroupCap,
  cssCap,
  devnode,
  drmCap,
  mdevCap,
  netCap,
  nodedevDriver,
  nodedevParent,
  scsiCap,
  scsiGenericCap,
  scsiHostCap,
  scsiTargetCap,
  storageCap,
  systemCap,
  usbDeviceCap,
  usbInterfaceCap,
  vdpaCap,
} from './caps.js';
import { pciCap } from './pci.js';

export const nodedevCapability = union(
  'capability',
  'type',
  {
    system: systemCap,
    pci: pciCap,
    usb_device: usbDeviceCap,
    usb: usbInterfaceCap,
    net: netCap,
    scsi_host: scsiHostCap,
    scsi_target: scsiTargetCap,
    scsi: scsiCap,
    storage: storageCap,
    scsi_generic: scsiGenericCap,
    drm: drmCap,
    mdev: mdevCap,
    ccw: ccwCap,
    ccwgroup: ccwGroupCap,
    css: cssCap,
    vdpa: vdpaCap,
    ap_card: apCardCap,
    ap_queue: apQueueCap,
    ap_matrix: apMatrixCap,
  },
  { unknownMessage: "unknown capability type '%s'" },
);
export type NodeDeviceCapability = Infer<typeof nodedevCapability>;

const nodeDeviceFields = {
  name: value('name', str, { required: true }),
  path: value('path', str, { when: (ctx) => !ctx.inactive, doc: 'sysfs path (not in inactive XML)' }),
  devnodes: list(devnode),
  parent: child(nodedevParent),
  driver: child(nodedevDriver),
  capabilities: list(nodedevCapability),
} as const;
export type NodeDeviceDef = InferFields<typeof nodeDeviceFields>;

export const nodeDeviceDef = element('device', nodeDeviceFields, { doc: 'libvirt node device (virsh nodedev-dumpxml)' });

/**
 * What libvirt keeps of a `<device>` when it parses one (`virNodeDeviceDefParse`,
 * as for `virsh nodedev-define`): the bound `<driver>` and a mediated device's
 * `<parent_addr>` come from udev, never from XML, so they are dropped.
 * virtxml's parser keeps them (a node device read from `nodedev-dumpxml`
 * carries its driver, which the PCI host view needs).
 */
export function nodeDeviceAsDefined(def: NodeDeviceDef): NodeDeviceDef {
  const { driver: _driver, ...rest } = def;
  if (!def.capabilities?.some((c) => c.type === 'mdev' && c.parentAddr !== undefined)) return rest;
  return {
    ...rest,
    capabilities: def.capabilities.map((c) => {
      if (c.type !== 'mdev') return c;
      const { parentAddr: _p, ...m } = c;
      return m;
    }),
  };
}
