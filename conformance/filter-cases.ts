/**
 * Documents generated from the declarations of the filter kinds, for asking
 * libvirt 12.9 (./filter-oracle.py --stdin) what it reads and writes: every
 * attribute of every rule protocol element, plain and negated, with values of
 * its datatype (decimal, hexadecimal, variables, out of range, malformed);
 * every pair of attributes where libvirt copies a negation (and one where it
 * does not), repeated and mixed protocol elements, chains, statematch; host
 * interfaces and filter bindings with every element moved, missing and
 * misspelled. One case is one document; libvirt's answer is its output or its
 * refusal.
 */
import { NEGATION_COPIES, PROTOCOLS, protocolAttributes, type NwfilterProtocol } from '../src/nwfilter/protocols.js';

/** The datatype of a protocol element's attribute (its value type's name, `nwfilter <datatype>`). */
const datatypeOf = (p: NwfilterProtocol, a: string) => (PROTOCOLS[p].fields[a] as { type: { name: string } }).type.name.replace('nwfilter ', '');

export interface FilterCase {
  kind: 'filter' | 'filterbinding' | 'interface';
  label: string;
  xml: string;
}

const UUID = '01a992d2-f8c8-7c27-f69b-ab0a9d377379';

/** Values of each datatype: libvirt's own forms, other bases and cases, variables, and values it refuses. */
const VALUES: Record<string, string[]> = {
  mac: ['1:2:3:4:5:6', 'AA:BB:cc:dd:ee:ff', 'zz', '$MAC', '$MAC[@1]', '$ MAC [ 2 ]', '$MAC[ @ 2 ]x', '$', '$A-B', '$A[]', ' $A'],
  macMask: ['ff:ff:ff:ff:ff:00', 'ff:00:ff:ff:ff:ff', 'FF:FF:FF:FF:FF:FE', '$M'],
  ipv4: ['10.1.2.3', '010.001.2.3', '1.2.3', '256.1.1.1', '0x0a.1.2.3', 'a:b::1', '$IP[0]'],
  ipv6: ['::1', 'A:B::0:1', '::ffff:10.1.2.3', '1:2:3:4:5:6:7:8', '1.2.3.4', ':::', '1:0:0:2:0:0:0:3'],
  mask4: ['8', '32', '33', '255.255.0.0', '255.0.255.0', '$MASK'],
  mask6: ['64', '128', '129', 'ffff:ffff::', 'ffff::ffff'],
  uint8: ['0', '255', '256', '0x1F', '0XfF', '-1', '$N'],
  uint16: ['65535', '65536', '0x10000', '0010', '0x0', '+3', ' 3', '3 '],
  uint16dec: ['65535', '65536', '0x0', '+5'],
  uint32: ['4294967295', '4294967296', '0xffffffff'],
  dscp: ['63', '64', '0x3f', '0x40'],
  vlanid: ['4095', '4096', '0xfff', '0'],
  etherProtocol: ['arp', 'ARP', 'ipv6', '0x0800', '2048', '1535', '0x5ff', '0x86dd', 'foo'],
  encapProtocol: ['arp', '1535', '0x5ff', '0', '65535', '0x0800', 'foo'],
  arpOpcode: ['request', 'Reply', '9', '10', '0', 'foo', 'ARP_NAK'],
  ipProtocol: ['tcp', 'TCP', '6', '255', '256', 'foo', 'icmpv6'],
  stateFlags: ['NEW', 'new,established', 'NONE', 'foo', 'NEW,,RELATED', ',', ''],
  tcpFlags: ['SYN/ALL', 'syn,ack/syn', 'PSH/', '/SYN', 'SYN', 'FOO/SYN', '/', 'SYN,,ACK/ALL'],
  ipsetName: ['test', 'a'.repeat(32), 'bad name', '$SET'],
  ipsetFlags: ['src', 'SRC,DST', 'src,dst,src,dst,src,dst,src', 'foo'],
  bool: ['true', 'false', 'yes', '1', 'maybe', 'FALSE', 'no'],
  comment: ['c', 'x'.repeat(257), 'a&amp;b'],
};

const esc = (s: string) => s.replace(/'/g, '&apos;');
const filter = (rules: string, head = "name='t'") => `<filter ${head}>\n  <uuid>${UUID}</uuid>\n${rules}</filter>\n`;
const rule = (body: string, attrs = "action='accept' direction='in'") => `  <rule ${attrs}>${body}</rule>\n`;

/** What an element needs beside the attribute tried, for libvirt to take it (ports need a protocol). */
function companion(p: NwfilterProtocol, a: string): string {
  if (p === 'ipv6' && /^(type|typeend|code|codeend)$/.test(a)) return " protocol='icmpv6'";
  if ((p === 'ip' || p === 'ipv6') && a.includes('port')) return " protocol='tcp'";
  return '';
}

export function filterCases(): FilterCase[] {
  const out: FilterCase[] = [];
  const add = (label: string, xml: string, kind: FilterCase['kind'] = 'filter') => out.push({ kind, label, xml });
  const protocols = Object.keys(PROTOCOLS) as NwfilterProtocol[];
  for (const p of protocols) {
    const attrs = protocolAttributes(p);
    add(`<${p}/>`, filter(rule(`<${p}/>`)));
    add(`<${p} match='no'/>`, filter(rule(`<${p} match='no'/>`)));
    for (const a of attrs) {
      const values = VALUES[datatypeOf(p, a)] ?? [];
      for (const v of values) add(`<${p} ${a}='${v}'>`, filter(rule(`<${p} ${a}='${esc(v)}'${companion(p, a)}/>`)));
      const v = values[0]!;
      add(`<${p} match='no' ${a}>`, filter(rule(`<${p} match='no' ${a}='${esc(v)}'${companion(p, a)}/>`)));
    }
    // every attribute at once, in reverse order: libvirt's order
    const all = attrs.filter((a) => a !== 'comment' && !(p === 'ipv6' && a === 'protocol'));
    add(`<${p}> every attribute`, filter(rule(`<${p} ${[...all].reverse().map((a) => `${a}='${esc(VALUES[datatypeOf(p, a)]![0]!)}'`).join(' ')} comment='c'${p === 'ip' || p === 'ipv6' ? " protocol='tcp'" : ''}/>`)));
    // the negation libvirt copies from one attribute to another, and one it does not
    for (const [target, source] of NEGATION_COPIES[p]) {
      const t = VALUES[datatypeOf(p, target)]![0]!;
      const s = VALUES[datatypeOf(p, source)]![0]!;
      const extra = p === 'ipv6' ? " protocol='icmpv6'" : p === 'ip' ? " protocol='tcp'" : '';
      add(`<${p} match='no' ${source}/><${p} ${target}/>`, filter(rule(`<${p} match='no' ${source}='${esc(s)}'/><${p} ${target}='${esc(t)}'${extra}/>`)));
      add(`<${p} ${source}/><${p} match='no' ${target}/>`, filter(rule(`<${p} ${source}='${esc(s)}'/><${p} match='no' ${target}='${esc(t)}'${extra}/>`)));
    }
  }
  // repeated and mixed protocol elements, later values replacing earlier ones, unknown attributes
  add('quirks', filter(rule("<tcp match='no' srcipaddr='10.1.2.3'/><tcp match='no' srcportstart='22'/><tcp dstportstart='22'/><tcp match='no' srcporttend='24'/><tcp srcipmask='32' dstporttend='24'/>")));
  add('mixed protocols: the first decides', filter(rule("<udp dscp='3'/><tcp srcipaddr='1.2.3.4'/><udp dscp='4' match='no'/>")));
  add('a later value replaces', filter(rule("<tcp dscp='1'/><tcp dscp='2' match='no'/><tcp dscp='3'/>")));
  add('mac masks copy', filter(rule("<mac match='no' srcmacaddr='1:2:3:4:5:6'/><mac srcmacmask='ff:ff:ff:ff:ff:ff' protocolid='arp' dstmacaddr='1:1:1:1:1:1'/>")));
  add('arp masks do not', filter(rule("<arp match='no' srcmacaddr='1:2:3:4:5:6' arpsrcmacaddr='1:2:3:4:5:6'/><arp srcmacmask='ff:ff:ff:ff:ff:ff' hwtype='1' opcode='1'/>")));
  add('ip ports need a protocol', filter(rule("<ip srcportstart='1'/>")));
  add('ipv6 ports need a protocol', filter(rule("<ipv6 srcportstart='1' protocol='icmpv6'/>")));
  for (const proto of ['udp', 'icmp', '$P', '33', '17', 'sctp']) add(`ip ports with protocol ${proto}`, filter(rule(`<ip protocol='${proto}' dstportstart='3'/>`)));
  add('ipv6 icmp type without protocol', filter(rule("<ipv6 type='3'/>")));
  // rules
  for (const sm of ['true', 'false', '0', '1', 'maybe']) add(`statematch='${sm}'`, filter(rule('<all/>', `action='drop' direction='out' statematch='${sm}'`)));
  for (const pr of ['-1000', '1000', '1001', '0x10', '']) add(`rule priority='${pr}'`, filter(rule('<all/>', `action='drop' direction='out' priority='${pr}'`)));
  for (const ac of ['drop', 'accept', 'reject', 'return', 'continue', 'foo']) add(`action='${ac}'`, filter(rule('<all/>', `action='${ac}' direction='inout'`)));
  add('rule without action', filter(rule('<all/>', "direction='in'")));
  add('rule without direction', filter(rule('<all/>', "action='drop'")));
  add('empty rule', filter(rule('', "action='drop' direction='in'")));
  // filters
  for (const c of ['root', 'mac', 'mac-x', 'vlan-x', 'stp', 'stp-x', 'arp-x', 'rarp-x', 'ipv4', 'ipv6-x', 'foo', 'ipv4-toolongsuffix', 'mac_1.2:3-4', 'mac$', 'rootx']) add(`chain='${c}'`, filter('', `name='t' chain='${c}'`));
  for (const pr of ['-1000', '1000', '-650', '1001', 'x']) add(`filter priority='${pr}'`, filter('', `name='t' chain='arp-x' priority='${pr}'`));
  add('filter without name', filter('', "chain='root'"));
  add('filterref without filter', filter("  <filterref/>\n"));
  add('rules and filterrefs interleaved', filter(`  <filterref filter='a'/>\n${rule('<all/>')}  <filterref filter='b'><parameter name='Z' value='1'/><parameter name='A' value='2'/><parameter name='Z' value='0'/></filterref>\n${rule('<tcp/>')}`));
  add('parameter without value', filter("  <filterref filter='a'><parameter name='A'/></filterref>\n"));
  add('parameter without name', filter("  <filterref filter='a'><parameter value='1'/></filterref>\n"));
  add('parameters with bad name and value', filter("  <filterref filter='a'><parameter name='a b' value='1'/><parameter name='c' value='1 2'/><parameter name='d' value='3'/></filterref>\n"));
  return out;
}

export const INTERFACE_CASES: FilterCase[] = [
  ["every element moved", `<interface type='ethernet' name='eth0'><mac address='AA:bb:cc:dd:ee:ff'/><link state='up' speed='100'/><protocol family='ipv6'><route gateway='::1'/><ip address='::2' prefix='64'/><dhcp peerdns='yes'/><autoconf/></protocol><protocol family='ipv4'><route gateway='1.2.3.4'/><ip address='1.2.3.5'/><ip address='1.2.3.6' prefix='8'/></protocol><mtu size='9000'/><start mode='hotplug'/></interface>`],
  ['vlan without name', `<interface type='vlan'><vlan tag='42'><interface name='eth0'/></vlan></interface>`],
  ['bridge members read bare', `<interface type='bridge' name='br0'><link speed='1000'/><bridge delay='1.50' stp='on'><interface type='bond' name='bond0'><link speed='10'/><bond mode='balance-rr'><miimon freq='10' downdelay='5' carrier='netif'/><interface type='ethernet' name='eth1'><mac address='00:11:22:33:44:55'/><start mode='onboot'/><mtu size='3'/></interface></bond></interface><interface type='vlan' name='v.4'><link state='up'/><vlan tag='4'><interface name='eth9'/></vlan><mtu size='9'/></interface><interface type='ethernet' name='eth3'><mtu size='1'/><start mode='onboot'/><protocol family='ipv4'><dhcp/></protocol><link state='down'/><mac address='00:11:22:33:44:56'/></interface></bridge><start mode='onboot'/></interface>`],
  ['arpmon without validate', `<interface type='bond' name='bond0'><bond><arpmon interval='1' target='1.2.3.4'/><interface type='ethernet' name='eth1'/></bond></interface>`],
  ['empty bridge', `<interface type='bridge' name='br0'><bridge/></interface>`],
  ['no name', `<interface type='ethernet'/>`],
  ['empty protocols', `<interface type='ethernet' name='e'><protocol family='ipv4'/><protocol family='ipv6'/></interface>`],
  ['bad link state', `<interface type='ethernet' name='e'><link state='weird'/></interface>`],
  ['bridge in a bond', `<interface type='bond' name='b'><bond mode='802.3ad'><miimon freq='0'/><interface type='ethernet' name='eth1'/><interface type='bridge' name='eth2'/></bond></interface>`],
  ['unknown type', `<interface type='foo' name='b'/>`],
  ['stp maybe', `<interface type='bridge' name='br0'><bridge stp='maybe'/></interface>`],
  ['vlan without tag', `<interface type='vlan' name='v'><vlan><interface name='eth0'/></vlan></interface>`],
  ['vlan without device', `<interface type='vlan' name='v'><vlan tag='4'/></interface>`],
  ['bad start mode', `<interface name='x' type='ethernet'><start mode='bogus'/></interface>`],
  ['prefix 40', `<interface type='ethernet' name='x'><protocol family='ipv4'><ip address='1.2.3.4' prefix='40'/></protocol></interface>`],
  ['bad family', `<interface type='ethernet' name='x'><protocol family='ipx'><ip address='1.2.3.4'/></protocol></interface>`],
  ['every element of a bond', `<interface type='bond' name='b&amp;1'><mac address='00:11:22:33:44:55'/><link speed='5' state='up'/><mtu size='1400'/><start mode='onboot'/><protocol family='ipv4'><dhcp/></protocol><bond mode='802.3ad'><interface type='ethernet' name='eth1'><link state='up'/></interface></bond></interface>`],
  ['every element of a vlan', `<interface type='vlan' name='v.4'><mac address='00:11:22:33:44:55'/><link speed='5' state='up'/><mtu size='1400'/><start mode='onboot'/><protocol family='ipv4'><dhcp/></protocol><vlan tag='4'><interface name='eth0'/></vlan></interface>`],
  ['mtu 0 and a mac on a bridge', `<interface type='bridge' name='br'><mac address='00:11:22:33:44:55'/><mtu size='0'/><bridge/></interface>`],
  ['prefix x', `<interface type='ethernet' name='x'><protocol family='ipv4'><ip address='1.2.3.4' prefix='x'/></protocol></interface>`],
  ['bad bond mode', `<interface type='bond' name='b'><bond mode='weird'><interface type='ethernet' name='eth1'/></bond></interface>`],
  ['miimon without freq', `<interface type='bond' name='b'><bond><miimon/><interface type='ethernet' name='eth1'/></bond></interface>`],
  ['bad carrier', `<interface type='bond' name='b'><bond><miimon freq='1' carrier='x'/><interface type='ethernet' name='eth1'/></bond></interface>`],
  ['bad validate', `<interface type='bond' name='b'><bond><arpmon interval='1' target='1.1.1.1' validate='x'/><interface type='ethernet' name='eth1'/></bond></interface>`],
  ['arpmon without target', `<interface type='bond' name='b'><bond><arpmon interval='1'/><interface type='ethernet' name='eth1'/></bond></interface>`],
  ['miimon and arpmon', `<interface type='bond' name='b'><bond><miimon freq='1' updelay='2' downdelay='3' carrier='ioctl'/><arpmon interval='1' target='1.1.1.1'/><interface type='ethernet' name='eth1'/></bond></interface>`],
  ['empty bond', `<interface type='bond' name='b'><bond/></interface>`],
  ['bad speed', `<interface type='ethernet' name='x'><link speed='x'/></interface>`],
  ['start without mode', `<interface type='ethernet' name='x'><start/></interface>`],
  ['protocol without family', `<interface type='ethernet' name='x'><protocol><dhcp/></protocol></interface>`],
  ['prefix 0, ip without address', `<interface type='ethernet' name='x'><protocol family='ipv4'><ip address='1.2.3.4' prefix='0'/><ip prefix='3'/></protocol></interface>`],
  ['vlan tag x', `<interface type='vlan' name='v'><vlan tag='x'><interface name='e'/></vlan></interface>`],
  ['two ipv4 protocols', `<interface type='ethernet' name='x'><protocol family='ipv4'><ip address='1.2.3.4'/></protocol><protocol family='ipv4'><ip address='1.2.3.5'/></protocol></interface>`],
].map(([label, xml]) => ({ kind: 'interface' as const, label: label!, xml: xml! }));

const OWNER = `<owner><name>x</name><uuid>d54df46f-1ab5-4a22-8618-4560ef5fac2c</uuid></owner>`;
export const BINDING_CASES: FilterCase[] = [
  ['every element moved', `<filterbinding><owner><uuid>D54DF46F1ab54a2286184560ef5fac2c</uuid><name>x&amp;y</name></owner><backend name='ebiptables'/><mac address='52:54:0:7B:35:93'/><linkdev name='eth0'/><portdev name='vnet0'/><filterref filter='clean-traffic'/></filterbinding>`],
  ['parameters sorted', `<filterbinding>${OWNER}<portdev name='vnet0'/><mac address='52:54:00:7b:35:93'/><filterref filter='clean-traffic'><parameter name='b' value='1'/><parameter name='a' value='2'/><parameter name='b' value='0'/></filterref></filterbinding>`],
  ['no portdev', `<filterbinding>${OWNER}<mac address='52:54:00:7b:35:93'/><filterref filter='clean-traffic'/></filterbinding>`],
  ['no owner uuid', `<filterbinding><owner><name>x</name></owner><portdev name='vnet0'/><mac address='52:54:00:7b:35:93'/><filterref filter='clean-traffic'/></filterbinding>`],
  ['filterref without filter, multicast mac', `<filterbinding>${OWNER}<portdev name='vnet0'/><mac address='01:54:00:7b:35:93'/><filterref/></filterbinding>`],
  ['no mac', `<filterbinding>${OWNER}<portdev name='vnet0'/><filterref filter='x'/></filterbinding>`],
  ['bad mac', `<filterbinding>${OWNER}<portdev name='vnet0'/><mac address='zz'/><filterref filter='x'/></filterbinding>`],
].map(([label, xml]) => ({ kind: 'filterbinding' as const, label: label!, xml: xml! }));
