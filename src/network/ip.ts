/**
 * `<ip>`: an address of the network's bridge, with TFTP and the DHCP server
 * (`<dhcp>` ranges, static hosts, BOOTP), libvirt's `virNetworkIPDef`.
 */
import { canonicalIp, ipAddress, ipFamily, ipPrefix, ipv4Address } from '../common/networkcommon.js';
import { attr, child, element, libvirtAtLeast, list, type CheckFailure, type Infer, type InferFields } from '../xml/decl.js';

/**
 * First release that self-closes an empty `<ip>`: 11.3 does not, 12.9 does;
 * the releases between were not asked, 12.0 is assumed.
 */
const IP_SELF_CLOSES_SINCE = '12.0';
import { oneOf, pattern, str, yesNo } from '../xml/values.js';
import { rangeProblem } from './ip-range.js';
import { failAt } from './problems.js';
import { isMulticastMac, ulong } from './values.js';

/** `<lease expiry='N' [unit='seconds|minutes|hours']/>`; expiry 0 is infinite and written without unit. */
const leaseFields = {
  expiry: attr(ulong, { required: true, doc: 'Lease time in `unit`; 0 means infinite' }),
  unit: attr(oneOf('seconds', 'minutes', 'hours'), { omit: (_v: string, l: { expiry: number }) => l.expiry === 0, doc: 'Default minutes' }),
} as const;
export type DhcpLease = InferFields<typeof leaseFields>;

export const dhcpLease = element('lease', leaseFields, {
  doc: 'DHCP lease time',
  beforeFormat: (l: DhcpLease) => (l.expiry !== 0 && l.unit === undefined ? { ...l, unit: 'minutes' } : l),
});

/** The lease child shared by ranges and hosts. */
const leaseField = { lease: child(dhcpLease) } as const;

export const dhcpRange = element(
  'range',
  { start: attr(ipAddress, { required: true }), end: attr(ipAddress, { required: true }), ...leaseField },
  { doc: 'Addresses the DHCP server hands out' },
);
export type DhcpRange = Infer<typeof dhcpRange>;

/** A MAC address kept as written (libvirt stores a DHCP host's MAC as text). */
const macAsWritten = pattern('uniMacAddr', /^[0-9a-fA-F]{1,2}(?::[0-9a-fA-F]{1,2}){5}$/);

export const dhcpHost = element(
  'host',
  {
    mac: attr(macAsWritten, { doc: 'IPv4 only' }),
    id: attr(pattern('DUID', /^[0-9a-fA-F:]*$/), { doc: 'DHCPv6 client DUID' }),
    name: attr(str),
    ip: attr(ipAddress, { required: true }),
    ...leaseField,
  },
  { doc: 'Static DHCP host' },
);
export type DhcpHost = Infer<typeof dhcpHost>;

export const dhcpBootp = element('bootp', { file: attr(str), server: attr(ipAddress) }, { doc: 'PXE boot file and server' });

export const networkDhcp = element('dhcp', {
  ranges: list(dhcpRange),
  hosts: list(dhcpHost),
  bootp: child(dhcpBootp, { omitEmpty: true }),
});
export type NetworkDhcp = Infer<typeof networkDhcp>;

export const networkIp = element(
  'ip',
  {
    family: attr(ipFamily),
    address: attr(ipAddress),
    netmask: attr(ipv4Address),
    prefix: attr(ipPrefix, { omit: (v: number) => v === 0 }),
    localPtr: attr(yesNo, { doc: 'Answer reverse lookups of this subnet locally' }),
    tftp: child(element('tftp', { root: attr(str) }), { omitEmpty: true }),
    dhcp: child(networkDhcp, { omitEmpty: true }),
  },
  {
    doc: 'Address of the network bridge, with DHCP and TFTP',
    // libvirt 10.7 and 11.3 write an empty <ip …> as an open/close pair, 12.9 self-closes it
    // (10.7: the corpus's outputs; 11.3 and 12.9: asked of their test drivers)
    selfClose: (ctx) => libvirtAtLeast(ctx.libvirt, IP_SELF_CLOSES_SINCE),
  },
);
export type NetworkIp = Infer<typeof networkIp>;

/** libvirt's parse-time rules for `<ip>` (`virNetworkIPDefParseXML` and the DHCP parsers). */
export function checkIp(ip: NetworkIp, network: string): CheckFailure | undefined {
  const fam = ip.address !== undefined ? canonicalIp(ip.address)?.family : undefined;
  const addr = ip.address ?? '(null)';
  if (ip.family === undefined) {
    if (fam === 'ipv6') return failAt(ip, 'invalid-value', `no family specified for non-IPv4 address '${addr}' in network '${network}'`, 'address');
  } else if (fam !== ip.family) {
    const v = ip.family === 'ipv4' ? 'IPv4' : 'IPv6';
    return failAt(ip, 'invalid-value', `family '${ip.family}' specified for non-${v} address '${addr}' in network '${network}'`, 'family');
  }
  if (ip.netmask !== undefined) {
    if (ip.address === undefined) return failAt(ip, 'missing-attribute', `netmask specified without address in network '${network}'`, 'netmask');
    if (fam !== 'ipv4') return failAt(ip, 'invalid-value', `netmask not supported for address '${addr}' in network '${network}' (IPv4 only)`, 'netmask');
    if (ip.prefix) return failAt(ip, 'invalid-value', `network '${network}' cannot have both prefix='${ip.prefix}' and a netmask`, 'prefix');
  }
  if (ip.tftp && fam !== 'ipv4') return failAt(ip.tftp, 'unsupported', `Unsupported <tftp> element in an IPv6 element in network '${network}'`);
  for (const r of ip.dhcp?.ranges ?? []) {
    const problem = rangeProblem(r.start, r.end, ip);
    if (problem) return failAt(r, 'invalid-value', problem);
  }
  for (const h of ip.dhcp?.hosts ?? []) {
    const failure = checkHost(h, fam === 'ipv6', network);
    if (failure) return failure;
  }
  for (const r of [...(ip.dhcp?.ranges ?? []), ...(ip.dhcp?.hosts ?? [])]) {
    const l = r.lease;
    if (l && l.expiry > 0 && ((l.unit === 'seconds' && l.expiry < 120) || ((l.unit ?? 'minutes') === 'minutes' && l.expiry < 2))) {
      return failAt(l, 'invalid-value', 'The minimum lease time should be greater than 2 minutes', 'expiry');
    }
  }
  return undefined;
}

function checkHost(h: DhcpHost, v6: boolean, network: string): CheckFailure | undefined {
  if (h.mac !== undefined) {
    if (v6) return failAt(h, 'unsupported', `Invalid to specify MAC address '${h.mac}' in network '${network}' IPv6 static host definition`, 'mac');
    if (isMulticastMac(h.mac)) return failAt(h, 'invalid-value', `expected unicast mac address, found multicast '${h.mac}' in network '${network}'`, 'mac');
  }
  if (h.name !== undefined && !/^[A-Za-z]/.test(h.name)) {
    return failAt(h, 'invalid-value', `Cannot use host name '${h.name}' in network '${network}'`, 'name');
  }
  if (v6 && h.id === undefined && h.name === undefined) {
    return failAt(h, 'missing-attribute', `Static host definition in IPv6 network '${network}' must have id or name attribute`);
  }
  if (!v6 && h.mac === undefined && h.name === undefined) {
    return failAt(h, 'missing-attribute', `Static host definition in IPv4 network '${network}' must have mac or name attribute`);
  }
  return undefined;
}
