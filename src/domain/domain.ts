/**
 * The `<domain>` root: its attributes and every top-level child, in the
 * order `virDomainDefFormatInternal` writes them. Each family lives in its
 * own file (memory.ts, cpu.ts, os.ts, …); `<devices>` in devices/.
 * Elements not declared are kept in place and written back by the codec.
 */
import { attr, child, element, list, raw, value, type Infer } from '../xml/decl.js';
import { oneOf, str, uint, uuid, yesNo, type ValueType } from '../xml/values.js';
import { blkiotune } from './blkiotune.js';
import { clock } from './clock.js';
import { cpu } from './cpu.js';
import { cputune } from './cputune.js';
import { devices } from './devices/devices.js';
import { features } from './features.js';
import { idmap } from './idmap.js';
import { keywrap } from './keywrap.js';
import { launchSecurity } from './launch-security.js';
import { lifecycleFields, pm } from './lifecycle.js';
import { currentMemory, domainMemory, maxMemory, memoryBacking, memtune } from './memory.js';
import { declareNamespaces, domainNamespaceAttrs, namespaceFields } from './namespaces.js';
import { numatune, resource } from './numatune.js';
import { os } from './os.js';
import { perf } from './perf.js';
import { seclabel } from './seclabel.js';
import { sysinfo } from './sysinfo.js';
import { throttlegroups } from './throttle.js';
import { defaultiothread, iothreadids, iothreadsCount, vcpu, vcpus } from './vcpu.js';

export * from './blkiotune.js';
export * from './clock.js';
export * from './cpu.js';
export * from './cpuset.js';
export * from './cputune.js';
export * from './feature-state.js';
export * from './features.js';
export * from './hyperv.js';
export * from './idmap.js';
export * from './keywrap.js';
export * from './launch-security.js';
export * from './lifecycle.js';
export * from './memory.js';
export * from './namespaces.js';
export * from './numa.js';
export * from './numatune.js';
export * from './os.js';
export * from './perf.js';
export * from './process-caps.js';
export * from './scaled.js';
export * from './seclabel.js';
export * from './sysinfo.js';
export * from './throttle.js';
export * from './vcpu.js';

/** libvirt's hypervisor types (`virDomainVirtType`). */
export const domainVirtType = oneOf(
  'qemu', 'kqemu', 'kvm', 'xen', 'lxc', 'uml', 'openvz', 'test', 'vmware', 'hyperv', 'vbox', 'phyp', 'vz', 'bhyve', 'hvf',
);

/** `<genid>`: a UUID, or empty to ask libvirt to generate one. */
const genidValue: ValueType<string> = {
  name: 'uuid|empty',
  parse: (t) => (t.trim() === '' ? '' : uuid.parse(t)),
  format: (v) => v,
  is: (v): v is string => v === '' || uuid.is(v),
  schema: { anyOf: [{ const: '' }, uuid.schema] },
};

type Placement = { placement?: string };
type PlacementParts = {
  vcpu?: Placement & { cpuset?: string };
  numatune?: { memory?: Placement & { nodeset?: string } };
  cputune?: { vcpupins?: unknown[]; emulatorpin?: unknown; iothreadpins?: unknown[] };
};

/**
 * libvirt's placement defaults across `<vcpu>` and `<numatune>`: memory with
 * neither nodeset nor placement follows automatic vCPU placement, and vCPUs
 * follow automatic memory placement unless pinned somewhere (cpuset,
 * vcpupin, emulatorpin, iothreadpin).
 */
function placementDefaults(d: PlacementParts): undefined {
  const mem = d.numatune?.memory;
  if (mem && mem.placement === undefined && mem.nodeset === undefined && d.vcpu?.placement === 'auto') mem.placement = 'auto';
  const t = d.cputune;
  const pinned = d.vcpu?.cpuset !== undefined || !!t?.vcpupins?.length || t?.emulatorpin !== undefined || !!t?.iothreadpins?.length;
  if (d.vcpu && !pinned && mem?.placement === 'auto') d.vcpu.placement = 'auto';
  return undefined;
}

/** `<iommufd>`: give the guest's VFIO devices an IOMMUFD context (`fdgroup`: a file descriptor group passed by the management application). */
export const iommufd = element('iommufd', {
  enabled: attr(yesNo, { required: true }),
  fdgroup: attr(str),
});

export const domain = element(
  'domain',
  {
    type: attr(domainVirtType, { required: true, doc: 'Hypervisor: kvm, qemu, xen, lxc, …' }),
    id: attr(uint({ max: 0x7fffffff }), { when: (ctx) => !ctx.inactive, doc: 'Running domain id (live XML)' }),
    ...domainNamespaceAttrs,
    name: value('name', str, { required: true }),
    uuid: value('uuid', uuid),
    hwuuid: value('hwuuid', uuid, { doc: 'UUID the guest sees in its firmware tables, when not the domain UUID' }),
    genid: value('genid', genidValue, { empty: 'kept' }),
    title: value('title', str),
    description: value('description', str),
    metadata: raw('metadata', { quote: '"', doc: 'Applications’ own XML, kept exactly' }),
    maxMemory: child(maxMemory),
    memory: child(domainMemory),
    currentMemory: child(currentMemory),
    blkiotune: child(blkiotune, { omitEmpty: true }),
    memtune: child(memtune, { omitEmpty: true }),
    memoryBacking: child(memoryBacking, { omitEmpty: true }),
    vcpu: child(vcpu),
    vcpus: child(vcpus, { omitEmpty: true }),
    iothreads: iothreadsCount,
    iothreadids: child(iothreadids, { omitEmpty: true }),
    defaultiothread: child(defaultiothread, { omitEmpty: true }),
    throttlegroups: child(throttlegroups, { omitEmpty: true }),
    cputune: child(cputune, { omitEmpty: true }),
    numatune: child(numatune, { omitEmpty: true }),
    iommufd: child(iommufd),
    resource: child(resource, { omitEmpty: true }),
    sysinfos: list(sysinfo),
    bootloader: value('bootloader', str),
    bootloader_args: value('bootloader_args', str),
    os: child(os),
    idmap: child(idmap, { omitEmpty: true }),
    features: child(features, { omitEmpty: true }),
    cpu: child(cpu),
    clock: child(clock),
    ...lifecycleFields,
    pm: child(pm, { omitEmpty: true }),
    perf: child(perf, { omitEmpty: true }),
    devices: child(devices),
    seclabels: list(seclabel),
    keywrap: child(keywrap, { omitEmpty: true }),
    launchSecurity: child(launchSecurity),
    ...namespaceFields,
  },
  { check: placementDefaults, beforeFormat: declareNamespaces, doc: 'A libvirt domain (virtual machine)' },
);
export type DomainDef = Infer<typeof domain>;
