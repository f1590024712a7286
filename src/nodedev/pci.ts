/**
 * The PCI capability of a node device (`<capability type='pci'>`, nodedev.rng
 * `cappcidev`), in the order libvirt's `virNodeDeviceCapPCIDefFormat` writes
 * it: class, address numbers, product, vendor, the SR-IOV / bridge / mdev /
 * VPD sub-capabilities, the IOMMU group with its members, NUMA node, PCIe links.
 */
import { attr, child, element, list, tag, text, union, value, type Infer } from '../xml/decl.js';
import { int, literal, oneOf, pattern, str, uint } from '../xml/values.js';

const hex = (w: number) => uint({ base0: true, hexWidth: w });

/** `<address domain bus slot function/>` of a node device (always all four, in hex). */
export const nodedevPciAddress = element('address', {
  domain: attr(hex(4), { required: true }),
  bus: attr(hex(2), { required: true }),
  slot: attr(hex(2), { required: true }),
  function: attr(hex(1), { required: true }),
});
export type NodedevPciAddress = Infer<typeof nodedevPciAddress>;

/** `<product id='0x…'>name</product>` / `<vendor …>` of PCI and USB devices. */
export const idName = (name: string) =>
  element(name, {
    id: attr(hex(4), { required: true, doc: 'numeric ID, written 0x%04x' }),
    name: text(str),
  });

/** `<capability type='mdev_types'>`: the mediated device types a parent offers. */
export const mdevType = element('type', {
  id: attr(str, { required: true }),
  name: value('name', str),
  deviceAPI: value('deviceAPI', oneOf('vfio-pci', 'vfio-ccw', 'vfio-ap'), { required: true }),
  availableInstances: value('availableInstances', uint(), { required: true }),
});
export const mdevTypesCap = element('capability', {
  type: tag(literal('mdev_types')),
  types: list(mdevType),
});

const vpdText = pattern('vpd-field', /^.{0,255}$/su);
const vpdIndexed = (name: string) => element(name, { index: attr(str, { required: true }), value: text(vpdText) });
const vpdFields = element('fields', {
  access: attr(oneOf('readonly', 'readwrite'), { required: true }),
  changeLevel: value('change_level', vpdText),
  manufactureId: value('manufacture_id', vpdText),
  partNumber: value('part_number', vpdText),
  serialNumber: value('serial_number', vpdText),
  assetTag: value('asset_tag', vpdText),
  vendorFields: list(vpdIndexed('vendor_field')),
  systemFields: list(vpdIndexed('system_field')),
});

/** PCI sub-capabilities (`<capability type=…>` inside the PCI capability). */
export const pciSubCap = union(
  'capability',
  'type',
  {
    phys_function: element('capability', { type: tag(literal('phys_function')), address: child(nodedevPciAddress) }),
    virt_functions: element('capability', {
      type: tag(literal('virt_functions')),
      maxCount: attr(uint()),
      addresses: list(nodedevPciAddress),
    }),
    'pci-bridge': element('capability', { type: tag(literal('pci-bridge')) }),
    'cardbus-bridge': element('capability', { type: tag(literal('cardbus-bridge')) }),
    mdev_types: mdevTypesCap,
    vpd: element('capability', {
      type: tag(literal('vpd')),
      name: value('name', vpdText),
      fields: list(vpdFields),
    }),
  },
  { unknownMessage: "unknown pci capability type '%s'" },
);
export type PciSubCap = Infer<typeof pciSubCap>;

export const pciExpressLink = element('link', {
  validity: attr(oneOf('cap', 'sta'), { required: true }),
  port: attr(uint()),
  speed: attr(pattern('link-speed', /^[0-9]+(\.[0-9]+)?$/)),
  width: attr(uint(), { required: true }),
});

export const nodedevIommuGroup = element('iommuGroup', {
  number: attr(uint(), { required: true }),
  addresses: list(nodedevPciAddress),
});

export const pciCapFields = {
  type: tag(literal('pci')),
  class: value('class', uint({ base0: true, hexWidth: 6, max: 0xffffff }), { doc: 'PCI class code, written 0x%06x' }),
  domain: value('domain', uint(), { required: true }),
  bus: value('bus', uint(), { required: true }),
  slot: value('slot', uint(), { required: true }),
  function: value('function', uint(), { required: true }),
  product: child(idName('product'), { required: true }),
  vendor: child(idName('vendor'), { required: true }),
  capabilities: list(pciSubCap),
  iommuGroup: child(nodedevIommuGroup),
  numa: child(element('numa', { node: attr(int()) }), { omitEmpty: true }),
  pciExpress: child(element('pci-express', { links: list(pciExpressLink) })),
} as const;

export const pciCap = element('capability', pciCapFields, { doc: 'A PCI device' });
export type NodedevPciCap = Infer<typeof pciCap>;
