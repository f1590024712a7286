/**
 * `<lease>`: a lock manager lease held by the domain (virDomainLeaseDefFormat):
 * lockspace, key, then the target file and offset (0 is not written).
 */
import { attr, child, element, value, type Infer } from '../../xml/decl.js';
import { str } from '../../xml/values.js';
import { ulong } from './storage-common.js';

export const leaseTarget = element('target', {
  path: attr(str, { required: true, doc: 'File holding the lease' }),
  offset: attr(ulong, { omit: (v: number) => v === 0, doc: 'Offset of the lease in the file' }),
});

export const lease = element(
  'lease',
  {
    lockspace: value('lockspace', str, { doc: 'Lockspace the key belongs to' }),
    key: value('key', str, { required: true, doc: 'Lease key' }),
    target: child(leaseTarget, { required: true }),
  },
  { doc: 'A lock manager lease' },
);
export type LeaseDef = Infer<typeof lease>;
