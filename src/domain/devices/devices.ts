/**
 * `<devices>`: one list per device family, in libvirt's formatting order.
 * Families without a declaration yet are kept losslessly in place by the
 * codec. The order below was derived from libvirt's formatted outputs in
 * the corpus (a topological order of every pair of families seen together):
 *
 *   emulator disk controller filesystem interface smartcard serial parallel
 *   console channel lease input graphics tpm sound audio video redirdev
 *   hostdev watchdog hub redirfilter memballoon rng panic crypto memory iommu
 *   pstore shmem vsock   (nvram: libvirt places it after memballoon/rng…)
 *
 * Each family adds its list at its place between the markers below.
 */
import { element, list, value, type Infer } from '../../xml/decl.js';
import { str } from '../../xml/values.js';
import { checkDuplicateHostdevs } from '../hostdevs.js';
import { hostdev } from './hostdev.js';
import { netInterface } from './interface.js';

export const devices = element(
  'devices',
  {
    emulator: value('emulator', str, { doc: 'Path of the device model emulator binary' }),
    // @families disk controller lease filesystem (storage)
    interfaces: list(netInterface, { doc: 'Network interfaces (<interface>)' }),
    // @families smartcard serial parallel console channel input graphics tpm sound audio video redirdev
    hostdevs: list(hostdev, { doc: 'Host devices (<hostdev>)' }),
    // @families watchdog hub redirfilter memballoon rng panic crypto memory iommu pstore shmem vsock nvram
  },
  { doc: 'The guest devices', check: checkDuplicateHostdevs },
);
export type DevicesDef = Infer<typeof devices>;
