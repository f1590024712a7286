/** `<ip>` and `<route>` of host-side interface configuration (libvirt's interface-ip-info). */
import { ipAddress, ipFamily, ipRoute } from '../../common/networkcommon.js';
import { attr, element } from '../../xml/decl.js';
import { uint } from '../../xml/values.js';

export const interfaceIp = element('ip', {
  address: attr(ipAddress, { required: true }),
  family: attr(ipFamily),
  prefix: attr(uint({ max: 128 })),
  peer: attr(ipAddress),
});

/** The same `<route>` as networks use (libvirt's `virNetDevIPRouteFormat`). */
export const interfaceRoute = ipRoute;
