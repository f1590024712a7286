/** `<ip>` and `<route>` of host-side interface configuration (libvirt's interface-ip-info). */
import { attr, element } from '../../xml/decl.js';
import { oneOf, str, uint } from '../../xml/values.js';

const family = oneOf('ipv4', 'ipv6');

export const interfaceIp = element('ip', {
  address: attr(str, { required: true }),
  family: attr(family),
  prefix: attr(uint({ max: 128 })),
  peer: attr(str),
});

export const interfaceRoute = element('route', {
  family: attr(family),
  address: attr(str, { required: true }),
  netmask: attr(str),
  prefix: attr(uint({ max: 128 })),
  gateway: attr(str, { required: true }),
  metric: attr(uint()),
});
