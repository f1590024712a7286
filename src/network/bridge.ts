/** `<bridge>`, `<mtu>` and `<mac>`: the host bridge device of the network. */
import { attr, element, type Infer } from '../xml/decl.js';
import { mac, oneOf, str, uint } from '../xml/values.js';
import { stpSwitch, ulong } from './values.js';

export const networkBridge = element(
  'bridge',
  {
    name: attr(str, { doc: 'Bridge device name' }),
    zone: attr(str, { doc: 'firewalld zone' }),
    stp: attr(stpSwitch, { doc: "Spanning tree (default on; written in nat/route/open/isolated modes only)" }),
    delay: attr(ulong, { doc: 'Forward delay in seconds (default 0; written in nat/route/open/isolated modes only)' }),
    macTableManager: attr(oneOf('kernel', 'libvirt')),
  },
  { doc: 'Host bridge' },
);
export type NetworkBridge = Infer<typeof networkBridge>;

export const networkMtu = element('mtu', { size: attr(uint(), { omit: (v: number) => v === 0 }) }, { doc: 'MTU of the bridge' });
export type NetworkMtu = Infer<typeof networkMtu>;

export const networkMac = element('mac', { address: attr(mac, { required: true, missing: 'ignore-element' }) }, { doc: 'MAC address of the bridge' });
export type NetworkMac = Infer<typeof networkMac>;
