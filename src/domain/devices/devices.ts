/**
 * `<devices>`: one list per device family, in libvirt's formatting order
 * (disks, controllers, leases, filesystems, interfaces, inputs, sounds,
 * audios, hostdevs, graphics, videos, …). Families without a declaration yet
 * are kept losslessly in place by the codec.
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
    interfaces: list(netInterface, { doc: 'Network interfaces (<interface>)' }),
    hostdevs: list(hostdev, { doc: 'Host devices (<hostdev>)' }),
  },
  { doc: 'The guest devices', check: checkDuplicateHostdevs },
);
export type DevicesDef = Infer<typeof devices>;
