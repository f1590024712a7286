/**
 * `<domainCapabilities>` (domaincaps.rng): what one hypervisor binary can do
 * for one machine type and architecture, as `virsh domcapabilities` prints it
 * (`virDomainCapsFormat`): the enums of values it accepts per device and
 * feature. Element order is libvirt's.
 */
import { attr, child, element, list, tag, text, union, value, type Infer, type InferFields } from '../xml/decl.js';
import { literal, oneOf, onOff, pattern, str, uint, yesNo } from '../xml/values.js';

/** `<enum name='…'><value>…</value>…</enum>`: the values libvirt accepts for one setting. */
export const capsEnum = element('enum', {
  name: attr(str, { required: true }),
  values: list(element('value', { value: text(str, { required: true }) })),
});
export type CapsEnum = Infer<typeof capsEnum>;

const supported = attr(yesNo, { required: true, doc: 'Whether the hypervisor supports it' });
const enums = list(capsEnum);

/** An element with `supported` and enums (`<disk>`, `<hostdev>`, …). */
const enumCaps = (name: string) => element(name, { supported, enums });
/** An element with only `supported` (`<vmcoreinfo supported='yes'/>`). */
const flagCaps = (name: string) => element(name, { supported });

const loader = element('loader', {
  supported,
  values: list(element('value', { value: text(str, { required: true }) })),
  enums,
});

const os = element('os', {
  supported,
  enums,
  firmwareFeatures: child(element('firmwareFeatures', { supported, enums })),
  loader: child(loader),
  varstore: child(flagCaps('varstore')),
});

const cpuModel = element('model', {
  fallback: attr(oneOf('allow', 'forbid')),
  vendorId: attr(pattern('vendor_id', /^[^,]{12}$/), { xml: 'vendor_id' }),
  name: text(str),
});
const cpuFeature = element('feature', {
  policy: attr(oneOf('force', 'require', 'optional', 'disable', 'forbid'), { required: true }),
  name: attr(pattern('featureName', /^[a-zA-Z0-9\-_.]+$/), { required: true }),
});

export const cpuCustomModel = element('model', {
  usable: attr(oneOf('yes', 'no', 'unknown'), { required: true }),
  deprecated: attr(yesNo),
  vendor: attr(str, { required: true }),
  // libvirt >= 11 (after vendor: the attribute was added to the end of libvirt's writer)
  canonical: attr(str),
  name: text(str, { required: true }),
});

/**
 * CPU modes. A custom model's `<blockers>` (libvirt >= 11) follow the model
 * they are about; virtxml keeps them where they are read (lossless), without a
 * declaration of their own.
 */
export const cpuMode = union('mode', 'name', {
  'host-passthrough': element('mode', { name: tag(literal('host-passthrough')), supported, enums }),
  maximum: element('mode', { name: tag(literal('maximum')), supported, enums }),
  'host-model': element('mode', {
    name: tag(literal('host-model')),
    supported,
    model: child(cpuModel),
    vendor: value('vendor', str),
    maxphysaddr: child(
      element('maxphysaddr', {
        mode: attr(oneOf('emulate', 'passthrough'), { required: true }),
        bits: attr(uint()),
        limit: attr(uint()),
      }),
    ),
    features: list(cpuFeature),
  }),
  custom: element('mode', { name: tag(literal('custom')), supported, models: list(cpuCustomModel) }),
});
export type DomainCapsCpuMode = Infer<typeof cpuMode>;

const devices = element('devices', {
  disk: child(enumCaps('disk')),
  graphics: child(enumCaps('graphics')),
  video: child(enumCaps('video')),
  hostdev: child(enumCaps('hostdev')),
  rng: child(enumCaps('rng')),
  filesystem: child(enumCaps('filesystem')),
  tpm: child(enumCaps('tpm')),
  redirdev: child(enumCaps('redirdev')),
  channel: child(enumCaps('channel')),
  crypto: child(enumCaps('crypto')),
  interface: child(enumCaps('interface')),
  panic: child(enumCaps('panic')),
  console: child(enumCaps('console')),
}, { selfClose: false });

const u32 = uint();
const sev = element('sev', {
  supported,
  cbitpos: value('cbitpos', u32),
  reducedPhysBits: value('reducedPhysBits', u32),
  maxGuests: value('maxGuests', u32),
  maxESGuests: value('maxESGuests', u32),
  cpu0Id: value('cpu0Id', str),
});

const u64 = uint({ max: Number.MAX_SAFE_INTEGER });
const sgx = element('sgx', {
  supported,
  flc: value('flc', yesNo),
  sgx1: value('sgx1', yesNo),
  sgx2: value('sgx2', yesNo),
  sectionSize: child(element('section_size', { unit: attr(literal('KiB'), { required: true }), size: text(u64, { required: true }) })),
  sections: child(
    element('sections', {
      sections: list(element('section', { node: attr(u32, { required: true }), size: attr(u64, { required: true }), unit: attr(literal('KiB'), { required: true }) })),
    }),
  ),
});

const hyperv = element('hyperv', {
  supported,
  enums,
  defaults: child(
    element('defaults', {
      spinlocks: value('spinlocks', u32),
      stimerDirect: value('stimer_direct', onOff),
      tlbflushDirect: value('tlbflush_direct', onOff),
      tlbflushExtended: value('tlbflush_extended', onOff),
      vendorId: value('vendor_id', str),
    }),
  ),
});

const features = element('features', {
  gic: child(enumCaps('gic')),
  vmcoreinfo: child(flagCaps('vmcoreinfo')),
  genid: child(flagCaps('genid')),
  backingStoreInput: child(flagCaps('backingStoreInput')),
  backup: child(flagCaps('backup')),
  asyncTeardown: child(flagCaps('async-teardown')),
  s390Pv: child(flagCaps('s390-pv')),
  ps2: child(flagCaps('ps2')),
  tdx: child(flagCaps('tdx')),
  sev: child(sev),
  sgx: child(sgx),
  hyperv: child(hyperv),
  launchSecurity: child(enumCaps('launchSecurity')),
}, { selfClose: false });

const domainCapabilitiesFields = {
  path: value('path', str),
  domain: value('domain', str, { required: true, doc: 'Virtualization type (kvm, qemu, …)' }),
  machine: value('machine', str),
  arch: value('arch', str, { required: true }),
  vcpu: child(element('vcpu', { max: attr(u32, { required: true }) })),
  iothreads: child(flagCaps('iothreads')),
  os: child(os),
  cpu: child(element('cpu', { modes: list(cpuMode) })),
  memoryBacking: child(enumCaps('memoryBacking')),
  devices: child(devices),
  features: child(features),
} as const;
export type DomainCapabilitiesDef = InferFields<typeof domainCapabilitiesFields>;

export const domainCapabilitiesDef = element('domainCapabilities', domainCapabilitiesFields, {
  doc: "A hypervisor's capabilities for one machine type (virsh domcapabilities)",
});

/** The values of enum `name` inside a capabilities element, undefined when the element or enum is absent. */
export function enumValues(el: { enums?: CapsEnum[] } | undefined, name: string): string[] | undefined {
  const e = el?.enums?.find((x) => x.name === name);
  return e ? (e.values ?? []).map((v) => v.value) : undefined;
}
