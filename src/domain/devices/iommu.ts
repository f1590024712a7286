/**
 * `<iommu>`: the guest IOMMU. libvirt's order (`virDomainIOMMUDefFormat`):
 * attribute model; children driver (intremap, caching_mode, eim, iotlb,
 * aw_bits, dma_translation, passthrough, xtsup, pciBus, accel, cmdqv, ats,
 * ril, ssidsize, oas; child granule), device info.
 */
import { attr, child, element, type Infer } from '../../xml/decl.js';
import { int, oneOf, onOff, uint } from '../../xml/values.js';
import { scaledUnit } from '../scaled.js';
import { deviceInfoFields } from './info.js';

export const iommuDriver = element('driver', {
  intremap: attr(onOff, { doc: 'interrupt remapping' }),
  caching_mode: attr(onOff),
  eim: attr(onOff, { doc: 'extended interrupt mode' }),
  iotlb: attr(onOff, { doc: 'device IOTLB' }),
  aw_bits: attr(uint({ max: 255 }), { doc: 'address width in bits' }),
  dma_translation: attr(onOff),
  passthrough: attr(onOff, { doc: 'AMD: passthrough mode' }),
  xtsup: attr(onOff, { doc: 'AMD: x2APIC support' }),
  pciBus: attr(uint(), { doc: 'the PCI bus the SMMU serves' }),
  accel: attr(onOff, { doc: 'SMMUv3: host-accelerated (nested) translation' }),
  cmdqv: attr(onOff),
  ats: attr(onOff),
  ril: attr(onOff),
  ssidsize: attr(int()),
  oas: attr(int(), { doc: 'output address size in bits' }),
  granule: child(
    element('granule', {
      mode: attr(oneOf('host')),
      size: attr(uint()),
      unit: attr(scaledUnit),
    }),
    { doc: 'virtio-iommu page granule: the host\'s, or a size' },
  ),
});

export const iommu = element(
  'iommu',
  {
    model: attr(oneOf('intel', 'smmuv3', 'virtio', 'amd'), { required: true }),
    driver: child(iommuDriver, { omitEmpty: true }),
    ...deviceInfoFields,
  },
  { doc: 'Guest IOMMU' },
);
export type IommuDef = Infer<typeof iommu>;
