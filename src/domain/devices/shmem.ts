/**
 * `<shmem>`: an ivshmem shared memory device. libvirt's order
 * (`virDomainShmemDefFormat`): attributes name, role; children model
 * (absent reads as ivshmem and is always written), size (written in MiB:
 * `unit='M'`; without a unit the number is bytes), server, msi (vectors,
 * ioeventfd), device info.
 */
import { attr, child, element, text, type CheckFailure, type Infer } from '../../xml/decl.js';
import { oneOf, onOff, pattern, str, uint } from '../../xml/values.js';
import { scaledNumber, scaledUnit, unitBytes } from '../scaled.js';
import { deviceInfoFields } from './info.js';

interface Size {
  unit?: string;
  value: number;
}

/** libvirt keeps the size in bytes (a number without unit is bytes) and writes it `>> 20` with unit='M'. */
function inMiB(v: Size): number | string {
  const scale = unitBytes(v.unit ?? 'B');
  if (scale === undefined) return `unknown suffix '${v.unit}'`;
  return Number((BigInt(v.value) * scale) >> 20n);
}

export const shmemSize = element(
  'size',
  { unit: attr(scaledUnit), value: text(scaledNumber, { required: true }) },
  {
    check: (v: Size): CheckFailure | undefined => {
      const n = inMiB(v);
      if (typeof n === 'string') return { code: 'invalid-value', message: n, attribute: 'unit' };
      v.unit = 'M';
      v.value = n;
      return undefined;
    },
    beforeFormat: (v: Size) => {
      const n = inMiB(v);
      return v.unit === 'M' || typeof n === 'string' ? v : { ...v, unit: 'M', value: n };
    },
  },
);

export const shmemModel = element('model', { type: attr(oneOf('ivshmem', 'ivshmem-plain', 'ivshmem-doorbell'), { required: true, default: 'ivshmem' }) });

export const shmemServer = element('server', { path: attr(str, { doc: 'unix socket of the ivshmem server' }) });

export const shmemMsi = element('msi', {
  vectors: attr(uint(), { omit: (v: number) => v === 0 }),
  ioeventfd: attr(onOff),
});

export const shmem = element(
  'shmem',
  {
    name: attr(pattern('shmemName', /^[^/]*$/), { required: true }),
    role: attr(oneOf('master', 'peer')),
    model: child(shmemModel),
    size: child(shmemSize),
    server: child(shmemServer),
    msi: child(shmemMsi),
    ...deviceInfoFields,
  },
  {
    doc: 'Shared memory device',
    check: (v: { model?: { type: string } }) => {
      v.model ??= { type: 'ivshmem' };
      return undefined;
    },
  },
);
export type ShmemDef = Infer<typeof shmem>;
