/**
 * Virtual CPUs and I/O threads: `<vcpu>`, `<vcpus>`, `<iothreads>`,
 * `<iothreadids>` and `<defaultiothread>`, in the order
 * `virDomainDefFormatInternal` writes them.
 */
import { attr, child, element, list, text, value, type Infer } from '../xml/decl.js';
import { oneOf, uint, yesNo } from '../xml/values.js';
import { cpuset } from './cpuset.js';

export const vcpu = element(
  'vcpu',
  {
    placement: attr(oneOf('static', 'auto'), { default: 'static', doc: 'libvirt always writes it (static unless said otherwise)' }),
    // with placement='auto' libvirt does not read cpuset at all (12.9 drops any value)
    cpuset: attr(cpuset, { readIf: (a) => a('placement') !== 'auto', omit: (_v, p: { placement?: string }) => p.placement === 'auto', doc: 'Host CPUs the vCPUs may run on (not read with placement auto)' }),
    current: attr(uint(), { omit: (v, p: { count?: number }) => v === p.count, doc: 'vCPUs online at boot, written when fewer than the maximum' }),
    count: text(uint({ max: 0xffff }), { required: true }),
  },
  // libvirt reads <vcpu> by its node, then its text: an empty <vcpu/> is refused, not absent
  { doc: 'Maximum number of virtual CPUs', emptyText: 'refused' },
);
export type Vcpu = Infer<typeof vcpu>;

/** `<vcpus><vcpu id enabled hotpluggable order/></vcpus>`: per-vCPU state for hotplug. */
export const vcpus = element('vcpus', {
  vcpus: list(
    element('vcpu', {
      id: attr(uint(), { required: true }),
      enabled: attr(yesNo, { required: true }),
      hotpluggable: attr(yesNo),
      order: attr(uint(), { omit: (v) => v === 0 }),
    }),
  ),
});

/** Thread pool bounds of an I/O thread (libvirt keeps -1 for "not set"). */
const threadPoolFields = {
  thread_pool_min: attr(uint({ max: 0x7fffffff })),
  thread_pool_max: attr(uint({ max: 0x7fffffff })),
} as const;

const u64 = () => attr(uint({ max: Number.MAX_SAFE_INTEGER }));

export const iothread = element('iothread', {
  id: attr(uint(), { required: true }),
  ...threadPoolFields,
  poll: child(element('poll', { max: u64(), grow: u64(), shrink: u64(), weight: u64() }), { omitEmpty: true }),
});

export const iothreadids = element('iothreadids', { iothreads: list(iothread) });
export type Iothreadids = Infer<typeof iothreadids>;

export const defaultiothread = element('defaultiothread', { ...threadPoolFields });

/** `<iothreads>N</iothreads>` */
export const iothreadsCount = value('iothreads', uint(), { doc: 'Number of I/O threads' });
