/**
 * `<memballoon>`: the memory balloon device. libvirt's order
 * (`virDomainMemballoonDefFormat`): attributes model, autodeflate,
 * freePageReporting; children stats, device info, driver.
 */
import { attr, child, element, type Infer } from '../../xml/decl.js';
import { int, oneOf, onOff } from '../../xml/values.js';
import { deviceInfoFieldsReadIf } from './info.js';
import { virtioDriverField } from './virtio.js';

/**
 * `<stats period>`: seconds between guest memory statistics updates. libvirt
 * reads an int in base 0 (`010` is 8, `0x10` 16) and writes `<stats>` only
 * for a period above zero.
 */
export const memballoonStats = element('stats', { period: attr(int({ base0: true }), { required: true, missing: 'ignore-element' }) });

export const memballoon = element(
  'memballoon',
  {
    model: attr(oneOf('virtio', 'virtio-transitional', 'virtio-non-transitional', 'xen', 'none'), { required: true }),
    autodeflate: attr(onOff, { doc: 'deflate the balloon when the guest is out of memory' }),
    freePageReporting: attr(onOff),
    stats: child(memballoonStats, { when: (_ctx, balloon) => !(typeof balloon.stats === 'object' && balloon.stats !== null && 'period' in balloon.stats && typeof balloon.stats.period === 'number' && balloon.stats.period <= 0) }),
    // libvirt ignores the device info of a balloon that is not there
    ...deviceInfoFieldsReadIf((a) => a('model') !== 'none'),
    ...virtioDriverField,
  },
  { doc: 'Memory balloon' },
);
export type MemballoonDef = Infer<typeof memballoon>;
