/**
 * `<features>`: hypervisor features, written in libvirt's
 * `virDomainFeature` enum order (acpi, apic, pae, hap, viridian, privnet,
 * hyperv, kvm, pvspinlock, capabilities, pmu, vmport, gic, smm, ioapic, hpt,
 * vmcoreinfo, htm, nested-hv, msrs, ccf-assist, xen, cfpc, sbbc, ibs, tcg,
 * async-teardown, ras, ps2), as `virDomainDefFormatFeatures` writes them.
 */
import { attr, child, element, flag, type Infer } from '../xml/decl.js';
import { oneOf, onOff, pattern, uint, yesNo } from '../xml/values.js';
import { stateFeature, stateFeatureDefaultOn } from './feature-state.js';
import { hyperv } from './hyperv.js';
import { hasCapabilities, isDefaultPolicy, processCapabilities, type ProcessCapabilities } from './process-caps.js';
import { scaledElement } from './scaled.js';

export const kvmFeatures = element(
  'kvm',
  {
    hidden: child(stateFeature('hidden')),
    hintDedicated: child(stateFeature('hint-dedicated')),
    pollControl: child(stateFeature('poll-control')),
    pvIpi: child(stateFeature('pv-ipi')),
    dirtyRing: child(
      stateFeature('dirty-ring', { size: attr(uint(), { omit: (v, p: { state?: boolean }) => p.state !== true || v === 0 }) }),
    ),
  },
  { doc: 'KVM features', selfClose: false },
);

export const xenFeatures = element(
  'xen',
  {
    e820_host: child(stateFeature('e820_host')),
    passthrough: child(
      stateFeature('passthrough', {
        mode: attr(pattern('xenPassthroughMode', /^(sync_pt|share_pt)$/), { omit: (_v, p: { state?: boolean }) => p.state !== true }),
      }),
    ),
  },
  { doc: 'Xen features', selfClose: false },
);

/** `<smm state>` with the TSEG size (MiB unless said otherwise; written in its largest exact unit), only when on. */
export const smm = stateFeatureDefaultOn('smm', {
  tseg: child(scaledElement('tseg', { defaultUnit: 'MiB', write: 'pretty' }), { when: (_c, p) => p.state === true }),
});

export const hpt = element('hpt', {
  resizing: attr(oneOf('enabled', 'disabled', 'required')),
  maxpagesize: child(scaledElement('maxpagesize', { write: 'KiB' })),
});

const mitigation = (name: string) => element(name, { value: attr(oneOf('broken', 'workaround', 'fixed'), { required: true, missing: 'ignore-element' }) });

export const features = element(
  'features',
  {
    acpi: flag('acpi'),
    apic: child(element('apic', { eoi: attr(onOff) })),
    pae: flag('pae'),
    hap: child(stateFeatureDefaultOn('hap')),
    viridian: flag('viridian'),
    privnet: flag('privnet'),
    hyperv: child(hyperv),
    // an empty <kvm> or <xen> is kept and written as a pair (virDomainDefFormatFeatures, 11.3 and 12.9 alike)
    kvm: child(kvmFeatures),
    pvspinlock: child(stateFeatureDefaultOn('pvspinlock')),
    // libvirt drops <capabilities> with the default policy and no capability in it
    capabilities: child(processCapabilities, { omitEmpty: true, when: (_c, p: { capabilities?: ProcessCapabilities }) => !!p.capabilities && (!isDefaultPolicy(p.capabilities) || hasCapabilities(p.capabilities)) }),
    pmu: child(stateFeatureDefaultOn('pmu')),
    vmport: child(stateFeatureDefaultOn('vmport')),
    gic: child(element('gic', { version: attr(oneOf('host', '2', '3')) })),
    smm: child(smm),
    ioapic: child(element('ioapic', { driver: attr(oneOf('qemu', 'kvm'), { required: true, missing: 'ignore-element' }) })),
    hpt: child(hpt),
    vmcoreinfo: child(stateFeatureDefaultOn('vmcoreinfo')),
    htm: child(stateFeature('htm')),
    nestedHv: child(stateFeature('nested-hv')),
    msrs: child(element('msrs', { unknown: attr(oneOf('ignore', 'fault'), { required: true }) })),
    ccfAssist: child(stateFeature('ccf-assist')),
    xen: child(xenFeatures),
    cfpc: child(mitigation('cfpc')),
    sbbc: child(mitigation('sbbc')),
    ibs: child(element('ibs', { value: attr(oneOf('broken', 'workaround', 'fixed-ibs', 'fixed-ccd', 'fixed-na'), { required: true, missing: 'ignore-element' }) })),
    tcg: child(element('tcg', { tbCache: child(scaledElement('tb-cache', { write: 'KiB' })) }), { omitEmpty: true }),
    asyncTeardown: child(element('async-teardown', { enabled: attr(yesNo, { default: true }) })),
    ras: child(stateFeature('ras')),
    ps2: child(stateFeature('ps2')),
    aia: child(element('aia', { value: attr(oneOf('none', 'aplic', 'aplic-imsic'), { required: true, missing: 'ignore-element' }) }), { doc: 'RISC-V Advanced Interrupt Architecture' }),
    virtualization: flag('virtualization', { doc: 'nested virtualization for the guest (Arm)' }),
  },
  { doc: 'Hypervisor features' },
);
export type Features = Infer<typeof features>;
