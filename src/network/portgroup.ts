/** `<portgroup>`: a named set of vlan, virtualport and bandwidth settings guests can select. */
import { bandwidth, virtualPort, vlan } from '../common/networkcommon.js';
import { attr, child, element, type Infer } from '../xml/decl.js';
import { str, yesNo } from '../xml/values.js';
import { yesLenient } from './values.js';

export const networkPortGroup = element(
  'portgroup',
  {
    name: attr(str, { required: true }),
    default: attr(yesLenient, { omit: (v: boolean) => !v, doc: 'Used by interfaces that name no portgroup' }),
    trustGuestRxFilters: attr(yesNo),
    vlan: child(vlan),
    virtualport: child(virtualPort),
    bandwidth: child(bandwidth, { omitEmpty: true }),
  },
  { doc: 'Port group', selfClose: false },
);
export type NetworkPortGroup = Infer<typeof networkPortGroup>;
