/**
 * `<features><hyperv>`: Hyper-V enlightenments, written in libvirt's
 * `virDomainHyperv` enum order (relaxed … xmm_input). `mode` is always
 * written (custom unless passthrough); details of a feature (spinlock
 * retries, vendor id, direct stimer) are written only when it is on.
 */
import { attr, child, element, type Infer } from '../xml/decl.js';
import { oneOf, pattern, uint } from '../xml/values.js';
import { stateFeature } from './feature-state.js';

const whenOn = { omit: (_v: unknown, p: { state?: boolean }) => p.state !== true };

export const hyperv = element(
  'hyperv',
  {
    mode: attr(oneOf('custom', 'passthrough', 'host-model'), { default: 'custom' }),
    relaxed: child(stateFeature('relaxed')),
    vapic: child(stateFeature('vapic')),
    spinlocks: child(stateFeature('spinlocks', { retries: attr(uint(), whenOn) })),
    vpindex: child(stateFeature('vpindex')),
    runtime: child(stateFeature('runtime')),
    synic: child(stateFeature('synic')),
    stimer: child(
      stateFeature('stimer', {
        direct: child(stateFeature('direct'), { when: (_c, p) => p.state === true }),
      }),
    ),
    reset: child(stateFeature('reset')),
    vendor_id: child(stateFeature('vendor_id', { value: attr(pattern('vendorId', /^[^,]{0,12}$/), whenOn) })),
    frequencies: child(stateFeature('frequencies')),
    reenlightenment: child(stateFeature('reenlightenment')),
    tlbflush: child(
      stateFeature('tlbflush', {
        // libvirt writes each only when it is on
        direct: child(stateFeature('direct'), { when: (_c, p) => p.state === true && p.direct?.state === true }),
        extended: child(stateFeature('extended'), { when: (_c, p) => p.state === true && p.extended?.state === true }),
      }),
    ),
    ipi: child(stateFeature('ipi')),
    evmcs: child(stateFeature('evmcs')),
    avic: child(stateFeature('avic')),
    emsr_bitmap: child(stateFeature('emsr_bitmap')),
    xmm_input: child(stateFeature('xmm_input')),
  },
  // libvirt writes <hyperv …></hyperv> even with no feature in it
  { selfClose: false, doc: 'Hyper-V enlightenments' },
);
export type Hyperv = Infer<typeof hyperv>;
