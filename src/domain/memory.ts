/**
 * Guest memory: `<maxMemory>`, `<memory>`, `<currentMemory>` (sizes written
 * in KiB whatever unit they were given in), `<memtune>` and
 * `<memoryBacking>`, as `virDomainDefFormatInternal`,
 * `virDomainMemtuneFormat` and `virDomainMemorybackingFormat` write them.
 */
import { attr, child, element, flag, list, type Infer } from '../xml/decl.js';
import { oneOf, onOff, uint } from '../xml/values.js';
import { cpuset } from './cpuset.js';
import { scaledElement, scaledHooks, scaledNumber, scaledUnit } from './scaled.js';

export const maxMemory = scaledElement('maxMemory', { write: 'KiB' }, { slots: attr(uint()) }, 'Maximum memory with hotplug, and the number of slots');

export const domainMemory = scaledElement(
  'memory',
  { write: 'KiB' },
  { dumpCore: attr(onOff, { doc: 'Include guest memory in core dumps' }) },
  'Memory at boot (KiB once read)',
);

export const currentMemory = scaledElement('currentMemory', { write: 'KiB' }, {}, 'Memory the balloon leaves to the guest');

/**
 * libvirt's "unlimited" (`VIR_DOMAIN_MEMORY_PARAM_UNLIMITED`, KiB): a limit
 * at or above it is not set and is not written.
 */
export const MEMORY_UNLIMITED = Number.MAX_SAFE_INTEGER;

const limit = (name: string) => scaledElement(name, { write: 'KiB' });
type Limit = Infer<ReturnType<typeof limit>>;
const limitIsSet = (l: Limit | undefined) => l !== undefined && l.value < MEMORY_UNLIMITED;

export const memtune = element(
  'memtune',
  {
    hard_limit: child(limit('hard_limit'), { when: (_c, p) => limitIsSet(p.hard_limit) }),
    soft_limit: child(limit('soft_limit'), { when: (_c, p) => limitIsSet(p.soft_limit) }),
    // libvirt keeps min_guarantee = 0 as "not set"
    min_guarantee: child(limit('min_guarantee'), { when: (_c, p) => p.min_guarantee.value !== 0 }),
    swap_hard_limit: child(limit('swap_hard_limit'), { when: (_c, p) => limitIsSet(p.swap_hard_limit) }),
  },
  { doc: 'Memory limits of the guest (cgroups)' },
);
export type Memtune = Infer<typeof memtune>;

const pageHooks = scaledHooks('size', { write: 'KiB' }, 'unit', 'size');

export const hugepage = element(
  'page',
  {
    size: attr(scaledNumber, { required: true }),
    unit: attr(scaledUnit),
    nodeset: attr(cpuset),
  },
  { check: pageHooks.check, beforeFormat: pageHooks.beforeFormat, doc: 'Huge page size (KiB once read), for some guest NUMA nodes' },
);

export const hugepages = element('hugepages', { pages: list(hugepage) });

export const memoryBacking = element(
  'memoryBacking',
  {
    hugepages: child(hugepages),
    nosharepages: flag('nosharepages'),
    locked: flag('locked'),
    source: child(element('source', { type: attr(oneOf('file', 'anonymous', 'memfd'), { required: true, missing: 'ignore-element' }) })),
    access: child(element('access', { mode: attr(oneOf('shared', 'private'), { required: true, missing: 'ignore-element' }) })),
    allocation: child(
      element('allocation', {
        mode: attr(oneOf('immediate', 'ondemand')),
        threads: attr(uint()),
      }),
      { omitEmpty: true },
    ),
    discard: flag('discard'),
  },
  { doc: 'How guest memory is backed on the host' },
);
export type MemoryBacking = Infer<typeof memoryBacking>;
