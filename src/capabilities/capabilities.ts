/**
 * `<capabilities>` (capability.rng): the host (CPU, power management, IOMMU,
 * NUMA topology, caches, security models) and the guests each hypervisor can
 * run, as `virsh capabilities` prints it (`virCapabilitiesFormatXML`).
 * libvirt has no parser for this document; the order is its formatter's.
 */
import { attr, child, element, flag, list, text, value, type InferFields } from '../xml/decl.js';
import { oneOf, onOff, pattern, str, uint, uuid, yesNo } from '../xml/values.js';

const u32 = uint();
const u64 = uint({ max: Number.MAX_SAFE_INTEGER });
const unit = str;
const cpuset = pattern('cpuset', /^([0-9]+(-[0-9]+)?|\^[0-9]+)(,([0-9]+(-[0-9]+)?|\^[0-9]+))*$/);

const hostPages = element('pages', { unit: attr(unit), size: attr(u32, { required: true }) });

const hostCpu = element('cpu', {
  arch: value('arch', str, { required: true }),
  features: child(
    element('features', { pae: flag('pae'), nonpae: flag('nonpae'), vmx: flag('vmx'), svm: flag('svm') }),
    { omitEmpty: true },
  ),
  model: value('model', str),
  vendor: value('vendor', str),
  microcode: child(element('microcode', { version: attr(u32, { required: true }) })),
  signature: child(element('signature', { family: attr(u32, { required: true }), model: attr(u32, { required: true }), stepping: attr(u32, { required: true }) })),
  counter: child(
    element('counter', { name: attr(str, { required: true }), frequency: attr(u64, { required: true }), scaling: attr(yesNo, { required: true }) }),
  ),
  topology: child(
    element('topology', {
      sockets: attr(u32, { required: true }),
      dies: attr(u32),
      clusters: attr(u32),
      cores: attr(u32, { required: true }),
      threads: attr(u32, { required: true }),
    }),
  ),
  maxphysaddr: child(element('maxphysaddr', { mode: attr(oneOf('emulate', 'passthrough'), { required: true }), bits: attr(u32), limit: attr(u32) })),
  featureList: list(element('feature', { name: attr(pattern('featureName', /^[a-zA-Z0-9\-_.]+$/), { required: true }) })),
  pages: list(hostPages),
});

const cellCpu = element('cpu', {
  id: attr(u32, { required: true }),
  socketId: attr(u32, { xml: 'socket_id' }),
  dieId: attr(u32, { xml: 'die_id' }),
  clusterId: attr(u32, { xml: 'cluster_id' }),
  coreId: attr(u32, { xml: 'core_id' }),
  siblings: attr(cpuset),
});

const sizeUnit = (name: string) => element(name, { value: attr(u32, { required: true }), unit: attr(unit, { required: true }) });

const cell = element('cell', {
  id: attr(u32, { required: true }),
  memory: child(element('memory', { unit: attr(unit), size: text(u64, { required: true }) })),
  pages: list(element('pages', { unit: attr(unit), size: attr(u32, { required: true }), count: text(u64, { required: true }) })),
  distances: child(element('distances', { siblings: list(element('sibling', { id: attr(u32, { required: true }), value: attr(u32, { required: true }) })) })),
  caches: list(
    element('cache', {
      level: attr(u32, { required: true }),
      associativity: attr(oneOf('none', 'direct', 'full'), { required: true }),
      policy: attr(oneOf('none', 'writeback', 'writethrough'), { required: true }),
      size: child(sizeUnit('size'), { required: true }),
      line: child(sizeUnit('line'), { required: true }),
    }),
  ),
  cpus: child(element('cpus', { num: attr(u32, { required: true }), cpus: list(cellCpu) })),
});

const interconnect = (name: 'latency' | 'bandwidth') =>
  element(name, {
    initiator: attr(u32, { required: true }),
    target: attr(u32, { required: true }),
    cache: attr(u32),
    type: attr(oneOf('access', 'read', 'write'), { required: true }),
    value: attr(u32, { required: true }),
    ...(name === 'bandwidth' ? { unit: attr(unit, { required: true }) } : {}),
  });

const topology = element('topology', {
  cells: child(element('cells', { num: attr(u32, { required: true }), cells: list(cell) }), { required: true }),
  interconnects: child(element('interconnects', { latencies: list(interconnect('latency')), bandwidths: list(interconnect('bandwidth')) })),
});

const cacheType = attr(oneOf('both', 'code', 'data'), { required: true });
const cpuMonitor = element('monitor', {
  level: attr(u32),
  reuseThreshold: attr(u32),
  maxMonitors: attr(u32, { required: true }),
  features: list(element('feature', { name: attr(pattern('monitorFeature', /^(llc_|mbm_)[a-zA-Z0-9\-_]+$/), { required: true }) })),
});

const cache = element('cache', {
  banks: list(
    element('bank', {
      id: attr(u32, { required: true }),
      level: attr(u32, { required: true }),
      type: cacheType,
      size: attr(u32, { required: true }),
      unit: attr(unit, { required: true }),
      cpus: attr(cpuset, { required: true }),
      controls: list(
        element('control', {
          granularity: attr(u32, { required: true }),
          min: attr(u32),
          unit: attr(unit, { required: true }),
          type: cacheType,
          maxAllocs: attr(u32, { required: true }),
        }),
      ),
    }),
  ),
  monitor: child(cpuMonitor),
});

const memoryBandwidth = element('memory_bandwidth', {
  nodes: list(
    element('node', {
      id: attr(u32, { required: true }),
      cpus: attr(cpuset, { required: true }),
      controls: list(element('control', { granularity: attr(u32, { required: true }), min: attr(u32), maxAllocs: attr(u32, { required: true }) })),
    }),
  ),
  monitor: child(cpuMonitor),
});

const energy = element('energy', {
  monitor: child(
    element('monitor', {
      maxMonitors: attr(u32, { required: true }),
      features: list(element('feature', { name: attr(oneOf('core_energy', 'activity'), { required: true }) })),
    }),
    { required: true },
  ),
});

const secmodel = element('secmodel', {
  model: value('model', str, { required: true }),
  doi: value('doi', str, { required: true }),
  baselabels: list(element('baselabel', { type: attr(str, { required: true }), label: text(str, { required: true }) })),
});

const host = element('host', {
  uuid: value('uuid', uuid),
  cpu: child(hostCpu, { required: true }),
  powerManagement: child(
    element('power_management', { suspendMem: flag('suspend_mem'), suspendDisk: flag('suspend_disk'), suspendHybrid: flag('suspend_hybrid') }),
  ),
  iommu: child(element('iommu', { support: attr(yesNo) })),
  migrationFeatures: child(
    element('migration_features', {
      live: flag('live'),
      uriTransports: child(element('uri_transports', { transports: list(element('uri_transport', { name: text(oneOf('vpxmigr', 'tcp', 'rdma', 'vzmigr'), { required: true }) })) })),
    }),
  ),
  topology: child(topology),
  cache: child(cache),
  memoryBandwidth: child(memoryBandwidth),
  energy: child(energy),
  secmodels: list(secmodel),
});

const machine = element('machine', {
  canonical: attr(str),
  maxCpus: attr(u32),
  deprecated: attr(yesNo),
  name: text(str, { required: true }),
});
const path = pattern('absFilePath', /^\/.*$/);

const guestArch = element('arch', {
  name: attr(str, { required: true }),
  wordsize: value('wordsize', oneOf('31', '32', '64'), { required: true }),
  emulator: value('emulator', path),
  loader: value('loader', path),
  machines: list(machine),
  domains: list(element('domain', { type: attr(str, { required: true }), emulator: value('emulator', path), machines: list(machine) })),
});

const toggle = (name: string) => element(name, { default: attr(onOff, { required: true }), toggle: attr(yesNo, { required: true }) });

const guestFeatures = element('features', {
  pae: flag('pae'),
  nonpae: flag('nonpae'),
  ia64Be: flag('ia64_be'),
  acpi: child(toggle('acpi')),
  apic: child(toggle('apic')),
  cpuselection: flag('cpuselection'),
  deviceboot: flag('deviceboot'),
  disksnapshot: child(toggle('disksnapshot')),
  hap: child(toggle('hap')),
  externalSnapshot: flag('externalSnapshot'),
});

const guest = element('guest', {
  osType: value('os_type', oneOf('xen', 'linux', 'hvm', 'exe', 'uml', 'xenpvh'), { required: true }),
  arch: child(guestArch, { required: true }),
  features: child(guestFeatures),
});

const capabilitiesFields = {
  host: child(host, { required: true }),
  guests: list(guest),
} as const;
export type CapabilitiesDef = InferFields<typeof capabilitiesFields>;

export const capabilitiesDef = element('capabilities', capabilitiesFields, { doc: 'The host and the guests its hypervisors run (virsh capabilities)' });
