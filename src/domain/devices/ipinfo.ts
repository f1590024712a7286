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

/**
 * The `<route>` networks use (libvirt's `virNetDevIPRouteFormat`), but with
 * the address optional: an interface's route may leave it out (libvirt 12.9
 * keeps `<route gateway='…'/>`; a network's route refuses that).
 */
export const interfaceRoute = element('route', { ...ipRoute.fields, address: attr(ipAddress) }, { doc: ipRoute.doc ?? 'Static route' });
