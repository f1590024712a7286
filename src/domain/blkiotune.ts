/**
 * `<blkiotune>`: block I/O weights and throttles per host device, as
 * `virDomainDefFormatBlkiotune` writes them (zero means "not set" and is
 * not written).
 */
import { element, list, value, type Infer } from '../xml/decl.js';
import { str, uint } from '../xml/values.js';

const nonZero = (key: string) => ({ when: (_c: unknown, p: Record<string, unknown>) => p[key] !== 0 });

export const blkiotuneDevice = element('device', {
  path: value('path', str, { required: true }),
  weight: value('weight', uint(), nonZero('weight')),
  read_iops_sec: value('read_iops_sec', uint(), nonZero('read_iops_sec')),
  write_iops_sec: value('write_iops_sec', uint(), nonZero('write_iops_sec')),
  read_bytes_sec: value('read_bytes_sec', uint({ max: Number.MAX_SAFE_INTEGER }), nonZero('read_bytes_sec')),
  write_bytes_sec: value('write_bytes_sec', uint({ max: Number.MAX_SAFE_INTEGER }), nonZero('write_bytes_sec')),
});

export const blkiotune = element(
  'blkiotune',
  {
    weight: value('weight', uint(), nonZero('weight')),
    devices: list(blkiotuneDevice),
  },
  { doc: 'Block I/O tuning (cgroups blkio)' },
);
export type Blkiotune = Infer<typeof blkiotune>;
