/**
 * `<crypto>`: a virtio crypto device. libvirt's order
 * (`virDomainCryptoDefFormat`): attributes model, type; children backend
 * (model, queues), driver, device info (driver before the device info is not
 * shown by the corpus: from libvirt's formatter).
 */
import { attr, child, element, tag, union, type Infer } from '../../xml/decl.js';
import { literal, uint } from '../../xml/values.js';
import { deviceInfoFields } from './info.js';
import { virtioDriverField } from './virtio.js';

const queues = attr(uint(), { omit: (v: number) => v === 0, doc: 'number of queues' });

export const cryptoBackend = union(
  'backend',
  'model',
  {
    builtin: element('backend', { model: tag(literal('builtin')), queues }),
    lkcf: element('backend', { model: tag(literal('lkcf')), queues }),
  },
  { unknownMessage: "unknown crypto backend model '%s'" },
);

export const cryptoDevice = element(
  'crypto',
  {
    model: attr(literal('virtio'), { required: true }),
    type: attr(literal('qemu'), { required: true }),
    backend: child(cryptoBackend, { required: true }),
    ...virtioDriverField,
    ...deviceInfoFields,
  },
  { doc: 'Crypto device' },
);
export type CryptoDef = Infer<typeof cryptoDevice>;
