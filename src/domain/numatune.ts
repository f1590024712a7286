/**
 * `<numatune>` (host NUMA memory policy) and `<resource>` (cgroup
 * partition, fibre channel app id), as `virDomainNumatuneFormatXML` and
 * `virDomainResourceDefFormat` write them.
 */
import { attr, child, element, list, value, type Infer } from '../xml/decl.js';
import { oneOf, pattern, str, uint } from '../xml/values.js';
import { cpuset } from './cpuset.js';

const numaMode = oneOf('strict', 'preferred', 'interleave', 'restrictive');

/**
 * `<memory mode placement nodeset/>`: libvirt always writes the mode
 * (strict by default) and writes `placement` only when it is `auto`
 * (`static` is implied by a nodeset).
 */
export const numatuneMemory = element(
  'memory',
  {
    mode: attr(numaMode, { default: 'strict' }),
    placement: attr(oneOf('static', 'auto'), { omit: (v) => v === 'static' }),
    // with automatic placement libvirt asks numad and does not keep a nodeset
    nodeset: attr(cpuset, { omit: (_v, p: { placement?: string }) => p.placement === 'auto' }),
  },
  {
    check: (v: { placement?: string; nodeset?: string }) =>
      v.placement === 'static' && v.nodeset === undefined
        ? { code: 'missing-attribute', message: "nodeset for NUMA memory tuning must be set if 'placement' is 'static'", attribute: 'placement' }
        : undefined,
  },
);

export const numatuneMemnode = element('memnode', {
  cellid: attr(uint(), { required: true }),
  mode: attr(numaMode, { required: true }),
  nodeset: attr(cpuset, { required: true }),
});

export const numatune = element(
  'numatune',
  {
    memory: child(numatuneMemory),
    memnodes: list(numatuneMemnode),
  },
  { doc: 'Host NUMA memory policy of the guest' },
);
export type Numatune = Infer<typeof numatune>;

export const fibrechannel = element('fibrechannel', {
  appid: attr(pattern('appid', /^[\x20-\x7e]{1,128}$/), { required: true }),
});

export const resource = element(
  'resource',
  {
    partition: value('partition', str),
    fibrechannel: child(fibrechannel),
  },
  { doc: 'Resource partition (cgroup) and fibre channel application id' },
);
export type Resource = Infer<typeof resource>;
