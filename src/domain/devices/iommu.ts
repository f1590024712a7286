/**
 * `<iommu>`: the guest IOMMU. libvirt's order (`virDomainIOMMUDefFormat`):
 * attribute model; children driver (intremap, caching_mode, eim, iotlb,
 * aw_bits, dma_translation), device info.
 */
import { attr, child, element, type Infer } from '../../xml/decl.js';
import { oneOf, onOff, uint } from '../../xml/values.js';
import { deviceInfoFields } from './info.js';

export const iommuDriver = element('driver', {
  intremap: attr(onOff, { doc: 'interrupt remapping' }),
  caching_mode: attr(onOff),
  eim: attr(onOff, { doc: 'extended interrupt mode' }),
  iotlb: attr(onOff, { doc: 'device IOTLB' }),
  aw_bits: attr(uint({ max: 255 }), { doc: 'address width in bits' }),
  dma_translation: attr(onOff),
});

export const iommu = element(
  'iommu',
  {
    model: attr(oneOf('intel', 'smmuv3', 'virtio'), { required: true }),
    driver: child(iommuDriver, { omitEmpty: true }),
    ...deviceInfoFields,
  },
  { doc: 'Guest IOMMU' },
);
export type IommuDef = Infer<typeof iommu>;
