/**
 * `<controller>`: a union on `type` (ide, fdc, scsi, sata, usb, ccid, pci,
 * virtio-serial, xenbus, isa, nvme). Order is libvirt's
 * virDomainControllerDefFormat: attributes type, index, model, then the
 * type's own (ports, vectors, maxGrantFrames, maxEventChannels); children
 * `<model name>` and `<target>` (pci), `<driver>`, the device info (alias,
 * USB `<master>`, acpi, address), then `<pcihole64>` (pci roots; after the
 * device info as libvirt's formatter writes it — the corpus never shows both).
 */
import { attr, child, element, tag, union, value, type Infer } from '../../xml/decl.js';
import { literal, oneOf, onOff, str, uint } from '../../xml/values.js';
import { scaledElement } from '../scaled.js';
import { deviceInfoFields } from './info.js';
import { virtioOptionFields } from './interface-driver.js';
import { ulong } from './storage-common.js';

/** `<driver queues cmd_per_lun max_sectors ioeventfd iothread …/>` of a controller. */
export const controllerDriver = element('driver', {
  queues: attr(uint()),
  cmd_per_lun: attr(uint()),
  max_sectors: attr(uint()),
  ioeventfd: attr(onOff),
  iothread: attr(uint()),
  ...virtioOptionFields,
});

/** `<master startport/>`: a USB companion controller's first port on its master. */
export const usbMaster = element('master', { startport: attr(uint(), { required: true }) });

const { boot, alias, rom, acpi, address } = deviceInfoFields;

/** The controller's fields after its own: driver and device info (with `<master>` after alias). */
const controllerTail = {
  driver: child(controllerDriver, { omitEmpty: true }),
  boot,
  alias,
  master: child(usbMaster),
  rom,
  acpi,
  address,
} as const;

const index = attr(uint(), { doc: 'Controller index (bus number for PCI)' });

const plain = <const T extends string>(type: T) => element('controller', { type: tag(literal(type)), index, ...controllerTail });

const pciNumber = uint({ base0: true, max: 255 });

/** `<target>` of a PCI controller; `port` is written in hex as libvirt does. */
export const pciControllerTarget = element('target', {
  chassisNr: attr(pciNumber),
  chassis: attr(pciNumber),
  port: attr(uint({ base0: true, max: 255, hexWidth: 1 })),
  busNr: attr(pciNumber),
  index: attr(pciNumber),
  hotplug: attr(onOff),
  memReserve: attr(ulong),
  node: value('node', uint(), { doc: 'NUMA node of a PCI expander bus' }),
});

export const pciControllerModels = [
  'pci-root',
  'pcie-root',
  'pci-bridge',
  'dmi-to-pci-bridge',
  'pcie-to-pci-bridge',
  'pcie-root-port',
  'pcie-switch-upstream-port',
  'pcie-switch-downstream-port',
  'pci-expander-bus',
  'pcie-expander-bus',
] as const;

export const pciController = element('controller', {
  type: tag(literal('pci')),
  index,
  model: attr(oneOf(...pciControllerModels)),
  modelName: child(
    element('model', {
      name: attr(
        oneOf(
          'spapr-pci-host-bridge',
          'pci-bridge',
          'i82801b11-bridge',
          'pcie-pci-bridge',
          'ioh3420',
          'pcie-root-port',
          'x3130-upstream',
          'xio3130-downstream',
          'pxb',
          'pxb-pcie',
        ),
        { required: true },
      ),
    }),
    { doc: 'The device that implements the model' },
  ),
  target: child(pciControllerTarget, { omitEmpty: true }),
  ...controllerTail,
  pcihole64: child(scaledElement('pcihole64', { write: 'KiB', defaultUnit: 'KiB' }, {}, '64-bit PCI hole size of a root bus, in KiB')),
});

const virtioModel = oneOf('virtio', 'virtio-transitional', 'virtio-non-transitional');

export const controller = union(
  'controller',
  'type',
  {
    ide: element('controller', {
      type: attr(literal('ide'), { default: 'ide' as const }),
      index,
      model: attr(oneOf('piix3', 'piix4', 'ich6')),
      ...controllerTail,
    }),
    fdc: plain('fdc'),
    scsi: element('controller', {
      type: tag(literal('scsi')),
      index,
      model: attr(
        oneOf(
          'auto',
          'buslogic',
          'lsilogic',
          'lsisas1068',
          'vmpvscsi',
          'ibmvscsi',
          'virtio-scsi',
          'lsisas1078',
          'virtio-transitional',
          'virtio-non-transitional',
          'ncr53c90',
          'dc390',
          'am53c974',
        ),
      ),
      ...controllerTail,
    }),
    sata: plain('sata'),
    usb: element('controller', {
      type: tag(literal('usb')),
      index,
      model: attr(
        oneOf(
          'piix3-uhci',
          'piix4-uhci',
          'ehci',
          'ich9-ehci1',
          'ich9-uhci1',
          'ich9-uhci2',
          'ich9-uhci3',
          'vt82c686b-uhci',
          'pci-ohci',
          'nec-xhci',
          'none',
          'qusb1',
          'qusb2',
          'qemu-xhci',
        ),
      ),
      ports: attr(uint()),
      ...controllerTail,
    }),
    ccid: plain('ccid'),
    pci: pciController,
    'virtio-serial': element('controller', {
      type: tag(literal('virtio-serial')),
      index,
      model: attr(virtioModel),
      ports: attr(uint()),
      vectors: attr(uint()),
      ...controllerTail,
    }),
    xenbus: element('controller', {
      type: tag(literal('xenbus')),
      index,
      maxGrantFrames: attr(uint()),
      maxEventChannels: attr(uint()),
      ...controllerTail,
    }),
    isa: plain('isa'),
    nvme: element('controller', {
      type: tag(literal('nvme')),
      index,
      serial: value('serial', str, { doc: 'Serial number the guest sees' }),
      ...controllerTail,
    }),
  },
  { defaultCase: 'ide', doc: 'A bus controller', unknownMessage: "Unknown controller type '%s'" },
);
export type ControllerDef = Infer<typeof controller>;
