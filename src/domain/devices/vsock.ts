/**
 * `<vsock>`: a virtio vsock device. libvirt's order
 * (`virDomainVsockDefFormat`): attribute model; children cid (auto,
 * address), device info, driver.
 */
import { attr, child, element, type Infer } from '../../xml/decl.js';
import { oneOf, uint, yesNo } from '../../xml/values.js';
import { deviceInfoFields } from './info.js';
import { virtioDriverField } from './virtio.js';

export const vsockCid = element('cid', {
  auto: attr(yesNo, { doc: 'libvirt picks a free CID' }),
  address: attr(uint(), { omit: (v: number) => v === 0, doc: 'guest CID (>= 3)' }),
});

export const vsock = element(
  'vsock',
  {
    model: attr(oneOf('virtio', 'virtio-transitional', 'virtio-non-transitional')),
    cid: child(vsockCid, { omitEmpty: true }),
    ...deviceInfoFields,
    ...virtioDriverField,
  },
  { doc: 'vsock device' },
);
export type VsockDef = Infer<typeof vsock>;
