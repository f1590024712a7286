/**
 * A host interface's addressing (interface.rng `interface-addressing`):
 * `<protocol family='ipv4'|'ipv6'>` elements, in document order, each with
 * `<autoconf/>` (IPv6), `<dhcp peerdns/>`, `<ip address prefix/>` items and a
 * `<route gateway/>`, written by `virInterfaceProtocolDefFormat` in that
 * order. libvirt keeps addresses as text (no checks), reads past an `<ip>`
 * without an address, and leaves out a prefix of zero.
 */
import { attr, child, element, flag, list, tag, union, type Infer } from '../xml/decl.js';
import { int, literal, str, yesNo } from '../xml/values.js';

export const ifaceDhcp = element('dhcp', { peerdns: attr(yesNo, { doc: 'use the DNS servers the DHCP server names' }) });

export const ifaceIp = element('ip', {
  address: attr(str, { required: true, missing: 'ignore-element' }),
  prefix: attr(int(), { omit: (v: number) => v <= 0, doc: 'the prefix length (0: none)' }),
});

export const ifaceRoute = element('route', { gateway: attr(str, { required: true, missing: 'ignore-element' }) });

const dhcp = child(ifaceDhcp);
const ips = list(ifaceIp);
const route = child(ifaceRoute);

export const ifaceProtocolIpv4 = element('protocol', { family: tag(literal('ipv4')), dhcp, ips, route }, { selfClose: false });

export const ifaceProtocolIpv6 = element(
  'protocol',
  { family: tag(literal('ipv6')), autoconf: flag('autoconf', { doc: 'stateless address autoconfiguration' }), dhcp, ips, route },
  { selfClose: false },
);

/** `<protocol>`: libvirt refuses a family other than ipv4 and ipv6 ("unsupported protocol family"). */
export const ifaceProtocol = union('protocol', 'family', { ipv4: ifaceProtocolIpv4, ipv6: ifaceProtocolIpv6 }, { unknownMessage: "unsupported protocol family '%s'" });
export type IfaceProtocol = Infer<typeof ifaceProtocol>;
