/**
 * The protocol elements of a network filter rule (nwfilter.rng; libvirt's
 * `virAttr` table of nwfilter_conf.c): `<mac>`, `<vlan>`, `<stp>`, `<arp>`,
 * `<rarp>`, `<ip>`, `<ipv6>`, `<tcp>`, `<udp>`, … `<all-ipv6>`. Attributes in
 * the order libvirt writes them (asked of libvirt 12.9), each typed by its
 * datatype (./values.ts). `match='no'` negates the element's attributes;
 * libvirt writes it only when negated.
 */
import { attr, element, type AttrField, type ElementDecl, type Fields, type Infer } from '../xml/decl.js';
import { yesNo } from '../xml/values.js';
import { nwValue, type NwfilterDatatype } from './values.js';

const match = attr(yesNo, { omit: (v: boolean) => v, doc: "'no': the rule matches packets that do NOT have these values" });
const comment = attr(nwValue('comment'), { doc: 'free text (at most 256 characters)' });

type Spec = ReadonlyArray<readonly [string, NwfilterDatatype]>;
const a = (...names: string[]) => (t: NwfilterDatatype): Spec => names.map((n) => [n, t] as const);

const SRCMAC: Spec = a('srcmacaddr')('mac');
const L2: Spec = [
  ['srcmacaddr', 'mac'],
  ['srcmacmask', 'macMask'],
  ['dstmacaddr', 'mac'],
  ['dstmacmask', 'macMask'],
];
const ip1 = (v6: boolean): Spec => [
  ['srcipaddr', v6 ? 'ipv6' : 'ipv4'],
  ['srcipmask', v6 ? 'mask6' : 'mask4'],
  ['dstipaddr', v6 ? 'ipv6' : 'ipv4'],
  ['dstipmask', v6 ? 'mask6' : 'mask4'],
];
// libvirt types an IPv6 element's dstipto as an IPv4 address (its table says DATATYPE_IPADDR; asked of 12.9: '::1' refused, '1.2.3.4' taken)
const ipRange = (v6: boolean): Spec => [...a('srcipfrom', 'srcipto', 'dstipfrom')(v6 ? 'ipv6' : 'ipv4'), ['dstipto', 'ipv4'], ['dscp', 'dscp']];
const CONN: Spec = [
  ['connlimit-above', 'uint16dec'],
  ['state', 'stateFlags'],
];
const IPSET: Spec = [
  ['ipset', 'ipsetName'],
  ['ipsetflags', 'ipsetFlags'],
];
const PORTS: Spec = a('srcportstart', 'srcportend', 'dstportstart', 'dstportend')('uint16');
const TCP: Spec = [
  ['option', 'uint8'],
  ['flags', 'tcpFlags'],
];
const ICMP: Spec = a('type', 'code')('uint8');
const STP: Spec = [
  ...a('type', 'flags')('uint8'),
  ...a('root-priority', 'root-priority-hi')('uint16'),
  ['root-address', 'mac'],
  ['root-address-mask', 'macMask'],
  ...a('root-cost', 'root-cost-hi')('uint32'),
  ...a('sender-priority', 'sender-priority-hi')('uint16'),
  ['sender-address', 'mac'],
  ['sender-address-mask', 'macMask'],
  ...a('port', 'port-hi', 'age', 'age-hi', 'max-age', 'max-age-hi', 'hello-time', 'hello-time-hi', 'forward-delay', 'forward-delay-hi')('uint16'),
];
const ARP: Spec = [
  ['hwtype', 'uint16'],
  ['protocoltype', 'uint16'],
  ['opcode', 'arpOpcode'],
  ['arpsrcmacaddr', 'mac'],
  ['arpdstmacaddr', 'mac'],
  ['arpsrcipaddr', 'ipv4'],
  ['arpdstipaddr', 'ipv4'],
  ['gratuitous', 'bool'],
];

type ProtocolFields = { match: typeof match; comment: typeof comment } & Record<string, AttrField<string, false> | typeof match | typeof comment>;

/** ipset/ipsetflags, which the schema allows on every IPv4 element but libvirt 12.9 reads only on `<all>`: kept unread (lossless) elsewhere. */
const IGNORED_IPSET = { ipset: attr(nwValue('ipsetName'), { readIf: () => false, doc: 'ignored by libvirt on this element (read only on <all>)' }), ipsetflags: attr(nwValue('ipsetFlags'), { readIf: () => false, doc: 'ignored by libvirt on this element' }) };

function protocol(name: string, spec: Spec, ignored: Fields = {}): ElementDecl<ProtocolFields> {
  const fields: Fields = { match };
  for (const [n, t] of spec) fields[n] = attr(nwValue(t));
  if (spec.some(([n]) => n === 'connlimit-above') && !spec.some(([n]) => n === 'ipset')) Object.assign(fields, IGNORED_IPSET);
  Object.assign(fields, ignored);
  fields.comment = comment;
  return element(name, fields as ProtocolFields);
}

/** Every protocol element, in libvirt's table order. */
export const PROTOCOLS = {
  mac: protocol('mac', [...L2, ['protocolid', 'etherProtocol']]),
  vlan: protocol('vlan', [...L2, ['vlanid', 'vlanid'], ['encap-protocol', 'encapProtocol']]),
  stp: protocol('stp', [['srcmacaddr', 'mac'], ['srcmacmask', 'macMask'], ...STP]),
  arp: protocol('arp', [...L2, ...ARP]),
  rarp: protocol('rarp', [...L2, ...ARP]),
  ip: protocol('ip', [...L2, ...ip1(false), ['protocol', 'ipProtocol'], ...PORTS, ['dscp', 'dscp']]),
  ipv6: protocol('ipv6', [...L2, ...ip1(true), ['protocol', 'ipProtocol'], ...PORTS, ...a('type', 'typeend', 'code', 'codeend')('uint8')]),
  tcp: protocol('tcp', [...SRCMAC, ...ip1(false), ...ipRange(false), ...CONN, ...PORTS, ...TCP]),
  udp: protocol('udp', [...SRCMAC, ...ip1(false), ...ipRange(false), ...CONN, ...PORTS]),
  udplite: protocol('udplite', [...SRCMAC, ...ip1(false), ...ipRange(false), ...CONN]),
  esp: protocol('esp', [...SRCMAC, ...ip1(false), ...ipRange(false), ...CONN]),
  ah: protocol('ah', [...SRCMAC, ...ip1(false), ...ipRange(false), ...CONN]),
  sctp: protocol('sctp', [...SRCMAC, ...ip1(false), ...ipRange(false), ...CONN, ...PORTS]),
  icmp: protocol('icmp', [...SRCMAC, ...ip1(false), ...ipRange(false), ...CONN, ...ICMP]),
  igmp: protocol('igmp', [...SRCMAC, ...ip1(false), ...ipRange(false), ...CONN]),
  all: protocol('all', [...SRCMAC, ...ip1(false), ...ipRange(false), ...CONN, ...IPSET]),
  'tcp-ipv6': protocol('tcp-ipv6', [...SRCMAC, ...ip1(true), ...ipRange(true), ...PORTS, ['option', 'uint8']], { flags: attr(nwValue('tcpFlags'), { readIf: () => false, doc: 'ignored by libvirt on <tcp-ipv6> (asked of 12.9)' }) }),
  'udp-ipv6': protocol('udp-ipv6', [...SRCMAC, ...ip1(true), ...ipRange(true), ...PORTS]),
  'udplite-ipv6': protocol('udplite-ipv6', [...SRCMAC, ...ip1(true), ...ipRange(true)]),
  'esp-ipv6': protocol('esp-ipv6', [...SRCMAC, ...ip1(true), ...ipRange(true)]),
  'ah-ipv6': protocol('ah-ipv6', [...SRCMAC, ...ip1(true), ...ipRange(true)]),
  'sctp-ipv6': protocol('sctp-ipv6', [...SRCMAC, ...ip1(true), ...ipRange(true), ...PORTS]),
  'icmpv6': protocol('icmpv6', [...SRCMAC, ...ip1(true), ...ipRange(true), ...ICMP]),
  'all-ipv6': protocol('all-ipv6', [...SRCMAC, ...ip1(true), ...ipRange(true)]),
} as const;
export type NwfilterProtocol = keyof typeof PROTOCOLS;
export type NwfilterProtocolDef = Infer<(typeof PROTOCOLS)['tcp']>;

/** The attributes of a protocol element libvirt reads (in its order; not `match`, not those it ignores). */
export function protocolAttributes(p: NwfilterProtocol): readonly string[] {
  let a = ATTRIBUTES.get(p);
  if (a === undefined) {
    a = Object.entries(PROTOCOLS[p].fields)
      .filter(([k, f]) => k !== 'match' && f.kind === 'attr' && f.readIf === undefined)
      .map(([k]) => k);
    ATTRIBUTES.set(p, a);
  }
  return a;
}
const ATTRIBUTES = new Map<NwfilterProtocol, string[]>();

const PORT_COPIES: Array<[string, string]> = [
  ['srcportend', 'srcportstart'],
  ['dstportstart', 'srcportstart'],
  ['dstportend', 'srcportstart'],
];
const IP_COPIES: Array<[string, string]> = [
  ['srcipmask', 'srcipaddr'],
  ['dstipmask', 'dstipaddr'],
];
const RANGE_COPIES: Array<[string, string]> = [
  ['srcipto', 'srcipfrom'],
  ['dstipto', 'dstipfrom'],
];
const MAC_COPIES: Array<[string, string]> = [
  ['srcmacmask', 'srcmacaddr'],
  ['dstmacmask', 'dstmacaddr'],
];
const STP_HI = ['root-priority', 'root-cost', 'sender-priority', 'port', 'age', 'max-age', 'hello-time', 'forward-delay'];

/**
 * After reading a rule, libvirt gives some attributes the negation (`match='no'`)
 * of another (virNWFilterRuleDefFixup's COPY_NEG_SIGN): a mask that of its
 * address, a range's end that of its start — every port that of srcportstart —,
 * ICMP's code that of its type. By protocol: [attribute, the one whose negation
 * it takes], found by asking libvirt 12.9 about every pair.
 */
export const NEGATION_COPIES: Readonly<Record<NwfilterProtocol, ReadonlyArray<readonly [string, string]>>> = {
  mac: MAC_COPIES,
  vlan: MAC_COPIES,
  stp: [MAC_COPIES[0]!, ...STP_HI.map((n) => [`${n}-hi`, n] as [string, string]), ['root-address-mask', 'root-address'], ['sender-address-mask', 'sender-address']],
  arp: [],
  rarp: [],
  ip: IP_COPIES,
  ipv6: [...IP_COPIES, ['typeend', 'type'], ['code', 'type'], ['codeend', 'type']],
  tcp: [...IP_COPIES, ...RANGE_COPIES, ...PORT_COPIES],
  udp: [...IP_COPIES, ...RANGE_COPIES, ...PORT_COPIES],
  sctp: [...IP_COPIES, ...RANGE_COPIES, ...PORT_COPIES],
  udplite: [...IP_COPIES, ...RANGE_COPIES],
  esp: [...IP_COPIES, ...RANGE_COPIES],
  ah: [...IP_COPIES, ...RANGE_COPIES],
  igmp: [...IP_COPIES, ...RANGE_COPIES],
  all: [...IP_COPIES, ...RANGE_COPIES],
  icmp: [...IP_COPIES, ...RANGE_COPIES, ['code', 'type']],
  'tcp-ipv6': [...IP_COPIES, ...RANGE_COPIES, ...PORT_COPIES],
  'udp-ipv6': [...IP_COPIES, ...RANGE_COPIES, ...PORT_COPIES],
  'sctp-ipv6': [...IP_COPIES, ...RANGE_COPIES, ...PORT_COPIES],
  'udplite-ipv6': [...IP_COPIES, ...RANGE_COPIES],
  'esp-ipv6': [...IP_COPIES, ...RANGE_COPIES],
  'ah-ipv6': [...IP_COPIES, ...RANGE_COPIES],
  icmpv6: [...IP_COPIES, ...RANGE_COPIES, ['code', 'type']],
  'all-ipv6': [...IP_COPIES, ...RANGE_COPIES],
};
