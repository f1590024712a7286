/**
 * `<memory>` devices: hot-pluggable memory, a union on `model` (dimm,
 * nvdimm, virtio-pmem, virtio-mem, sgx-epc), each with the `<source>` and
 * `<target>` libvirt reads for it.
 *
 * libvirt's order (`virDomainMemoryDefFormat`): attributes model, access,
 * discard; children uuid, source, target, device info.
 *   source (`virDomainMemorySourceDefFormat`): nodemask, pagesize (dimm,
 *     virtio-mem, sgx-epc); path, alignsize, pmem (nvdimm, virtio-pmem).
 *   target (`virDomainMemoryTargetDefFormat`): attribute dynamicMemslots
 *     (virtio-mem); children size, node, label (nvdimm), readonly (nvdimm),
 *     block, requested, current (virtio-mem, live XML only), address
 *     (virtio-pmem, virtio-mem).
 * Sizes are read in any unit and written in KiB, as libvirt does
 * (`virDomainParseMemory`, ../scaled.ts).
 */
import { attr, child, element, flag, tag, union, value, type Infer } from '../../xml/decl.js';
import { literal, oneOf, str, uint, uuid, yesNo } from '../../xml/values.js';
import { cpuset } from '../cpuset.js';
import { scaledElement } from '../scaled.js';
import { deviceInfoFields } from './info.js';
import { virtioOptionFields } from './interface-driver.js';

// ---------------------------------------------------------------- source and target pieces

const nodemask = value('nodemask', cpuset, { doc: 'host NUMA nodes to allocate from' });
const pagesize = child(scaledElement('pagesize'));
const path = value('path', str, { doc: 'backing file' });

/** dimm, virtio-mem: host NUMA nodes and page size. */
export const memoryNumaSource = element('source', { nodemask, pagesize });
/** sgx-epc: host NUMA nodes. */
export const sgxSource = element('source', { nodemask });
/** nvdimm: backing file, alignment, persistent memory. */
export const nvdimmSource = element('source', { path, alignsize: child(scaledElement('alignsize')), pmem: flag('pmem') });
/** virtio-pmem: backing file. */
export const pmemSource = element('source', { path });

const size = child(scaledElement('size'), { required: true });
const node = value('node', uint(), { doc: 'guest NUMA node' });
/** `<address base>` inside `<target>`: guest physical address, written 0x%llx. */
export const memoryTargetAddress = element('address', { base: attr(uint({ base0: true, max: Number.MAX_SAFE_INTEGER, hexWidth: 1 })) });

export const dimmTarget = element('target', { size, node });
export const nvdimmTarget = element('target', {
  size,
  node,
  label: child(element('label', { size: child(scaledElement('size'), { required: true }) })),
  readonly: flag('readonly'),
});
export const pmemTarget = element('target', { size, node, address: child(memoryTargetAddress) });
export const virtioMemTarget = element('target', {
  dynamicMemslots: attr(yesNo),
  size,
  node,
  block: child(scaledElement('block')),
  requested: child(scaledElement('requested')),
  current: child(scaledElement('current'), { when: (ctx) => !ctx.inactive, doc: 'plugged size (live XML only)' }),
  address: child(memoryTargetAddress),
});

// ---------------------------------------------------------------- the device

const head = <const M extends string>(model: M) =>
  ({
    model: tag(literal(model)),
    access: attr(oneOf('shared', 'private')),
    discard: attr(yesNo),
  }) as const;

/** `<driver>` of a virtio memory device: the virtio options. */
export const memoryDriver = element('driver', { ...virtioOptionFields });
const driver = child(memoryDriver, { omitEmpty: true });

export const memoryDevice = union(
  'memory',
  'model',
  {
    dimm: element('memory', { ...head('dimm'), driver, source: child(memoryNumaSource), target: child(dimmTarget, { required: true }), ...deviceInfoFields }),
    nvdimm: element('memory', {
      ...head('nvdimm'),
      uuid: value('uuid', uuid, { doc: 'ppc64 NVDIMM uuid' }),
      driver,
      source: child(nvdimmSource),
      target: child(nvdimmTarget, { required: true }),
      ...deviceInfoFields,
    }),
    'virtio-pmem': element('memory', { ...head('virtio-pmem'), driver, source: child(pmemSource), target: child(pmemTarget, { required: true }), ...deviceInfoFields }),
    'virtio-mem': element('memory', {
      ...head('virtio-mem'),
      driver,
      source: child(memoryNumaSource),
      target: child(virtioMemTarget, { required: true }),
      ...deviceInfoFields,
    }),
    'sgx-epc': element('memory', { ...head('sgx-epc'), driver, source: child(sgxSource), target: child(dimmTarget, { required: true }), ...deviceInfoFields }),
  },
  { doc: 'Memory device', unknownMessage: "unknown memory model '%s'" },
);
export type MemoryDeviceDef = Infer<typeof memoryDevice>;
