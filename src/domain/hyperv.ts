/**
 * `<features><hyperv>`: Hyper-V enlightenments, written in libvirt's
 * `virDomainHyperv` enum order (relaxed … xmm_input). `mode` is always
 * written (custom unless passthrough); details of a feature (spinlock
 * retries, vendor id, direct stimer) are written only when it is on.
 */
import { attr, child, element, libvirtAtLeast, type Infer } from '../xml/decl.js';
import { oneOf, pattern, uint } from '../xml/values.js';
import { stateFeature } from './feature-state.js';

/** First release that self-closes an empty `<hyperv>` (see below). */
const HYPERV_SELF_CLOSES_SINCE = '12.0';

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
  {
    // libvirt before 12 writes <hyperv …></hyperv> even with no feature in it; 12.9 self-closes it (11.3 does
    // not; the releases between were not asked, 12.0 is assumed as for the network's <ip>)
    selfClose: (ctx) => libvirtAtLeast(ctx.libvirt, HYPERV_SELF_CLOSES_SINCE),
    // in passthrough mode libvirt keeps no enlightenment (11.3 and 12.9 drop them)
    beforeFormat: (v) => (v.mode === 'passthrough' ? { mode: v.mode, ...(v.$extra ? { $extra: v.$extra } : {}) } : v),
    doc: 'Hyper-V enlightenments',
  },
);
export type Hyperv = Infer<typeof hyperv>;
