/**
 * A disk's `<iotune>` I/O limits, in libvirt's order
 * (virDomainDiskDefFormatIotune). Zero means "no limit" and is not written.
 * libvirt's parse-time rule: a total limit excludes the read/write ones.
 */
import { element, value, type CheckFailure, type Infer, type ValueField } from '../../xml/decl.js';
import { str } from '../../xml/values.js';
import { ulong } from './storage-common.js';

export const LIMITS = [
  'total_bytes_sec',
  'read_bytes_sec',
  'write_bytes_sec',
  'total_iops_sec',
  'read_iops_sec',
  'write_iops_sec',
  'total_bytes_sec_max',
  'read_bytes_sec_max',
  'write_bytes_sec_max',
  'total_iops_sec_max',
  'read_iops_sec_max',
  'write_iops_sec_max',
] as const;
export const LENGTHS = [
  'total_bytes_sec_max_length',
  'read_bytes_sec_max_length',
  'write_bytes_sec_max_length',
  'total_iops_sec_max_length',
  'read_iops_sec_max_length',
  'write_iops_sec_max_length',
] as const;

type Limit = (typeof LIMITS)[number] | (typeof LENGTHS)[number] | 'size_iops_sec';

export function limits<const K extends Limit>(names: readonly K[]): { [P in K]: ValueField<number, false> } {
  const out = {} as Record<K, ValueField<number, false>>;
  for (const n of names) out[n] = value(n, ulong, { when: (_ctx, t: Record<string, unknown>) => t[n] !== 0 });
  return out;
}

/** libvirt's parse-time rule: "total and read/write bytes_sec cannot be set at the same time" (and iops, max). */
export function checkIotune(t: Partial<Record<Limit, number>>): CheckFailure | undefined {
  for (const suffix of ['bytes_sec', 'iops_sec', 'bytes_sec_max', 'iops_sec_max']) {
    const get = (p: string) => t[`${p}_${suffix}` as Limit];
    if (get('total') && (get('read') || get('write'))) {
      return { code: 'invalid-value', message: `total and read/write ${suffix} cannot be set at the same time` };
    }
  }
  return undefined;
}

export const diskIotune = element(
  'iotune',
  {
    ...limits(LIMITS),
    ...limits(['size_iops_sec']),
    group_name: value('group_name', str),
    ...limits(LENGTHS),
  },
  { check: checkIotune, doc: 'I/O throttling of a disk' },
);
export type DiskIotune = Infer<typeof diskIotune>;
