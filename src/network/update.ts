/**
 * `virNetworkUpdate` on a definition (libvirt's `virNetworkDefUpdateSection`):
 * add (first or last), modify or delete one entry of a section — DHCP hosts
 * and ranges of an `<ip>`, forward interfaces, portgroups, DNS hosts, TXT and
 * SRV records — given as an XML snippet, with libvirt's matching rules and
 * errors. The result is a new definition; the one given is not changed.
 * Like libvirt, the result is not re-validated as a whole.
 */
import type { Decl, ElementDecl, Field, Fields } from '../xml/decl.js';
import { attr, element } from '../xml/decl.js';
import { canonicalIp } from '../common/networkcommon.js';
import { parseWith } from '../xml/codec.js';
import { VirtXmlError, type VirtXmlErrorCode } from '../xml/errors.js';
import { readXml } from '../xml/reader.js';
import { mac as macType, INVALID, str } from '../xml/values.js';
import { dnsHost, dnsSrv, dnsTxt, type DnsHost, type DnsSrv, type DnsTxt } from './dns.js';
import { networkForwardInterface, type NetworkForwardInterface } from './forward.js';
import { dhcpHost, dhcpRange, type DhcpHost, type DhcpRange, type NetworkIp } from './ip.js';
import { ipBytes, rangeProblem, sameIp } from './ip-range.js';
import type { NetworkDef } from './network.js';
import { networkPortGroup, type NetworkPortGroup } from './portgroup.js';
import { isMulticastMac } from './values.js';

export type NetworkUpdateCommand = 'add-first' | 'add-last' | 'modify' | 'delete';
export type NetworkUpdateSection =
  | 'bridge'
  | 'domain'
  | 'ip'
  | 'ip-dhcp-host'
  | 'ip-dhcp-range'
  | 'forward'
  | 'forward-interface'
  | 'forward-pf'
  | 'portgroup'
  | 'dns-host'
  | 'dns-txt'
  | 'dns-srv';

export interface NetworkUpdateOptions {
  /** Which `<ip>` (by position) the DHCP sections change; -1 (default): the one with DHCP, else the first IPv4, else the first IPv6. */
  parentIndex?: number;
}

const fail = (code: VirtXmlErrorCode, message: string) => new VirtXmlError(code, message);
const invalid = (message: string) => fail('unsupported', message);

/** The declaration with every attribute optional and no check: entries to match may be partial. */
function partial(decl: ElementDecl): ElementDecl {
  const fields: Fields = {};
  for (const [k, f] of Object.entries(decl.fields)) fields[k] = (f.kind === 'attr' ? { ...f, required: false } : f) as Field;
  return element(decl.name, fields);
}

const PARTIAL_DHCP_HOST = partial(dhcpHost);
/** A DNS host with its IP read as text, so that libvirt's own message reports a bad one. */
const PARTIAL_DNS_HOST = element('host', { ip: attr(str), hostnames: dnsHost.fields.hostnames });
const PARTIAL_TXT = partial(dnsTxt);
const PARTIAL_SRV = partial(dnsSrv);

function readSnippet<T>(decl: Decl, xml: string, net: NetworkDef): T {
  const doc = readXml(xml, { file: 'network_update_xml' });
  if (doc.root.name !== decl.name) {
    throw fail('invalid-value', `unexpected element <${doc.root.name}>, expecting <${decl.name}>, while updating network '${net.name}'`);
  }
  return parseWith<T>(decl, doc.root, doc.source);
}

const isAdd = (c: NetworkUpdateCommand) => c === 'add-first' || c === 'add-last';

function insert<T>(list: T[] | undefined, item: T, command: NetworkUpdateCommand): T[] {
  return command === 'add-first' ? [item, ...(list ?? [])] : [...(list ?? []), item];
}

function without<T>(list: T[], index: number): T[] | undefined {
  const out = list.filter((_, i) => i !== index);
  return out.length ? out : undefined;
}

function macEqual(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const x = macType.parse(a);
  return x !== INVALID && x === macType.parse(b);
}

// ---------------------------------------------------------------- ip

const familyOf = (ip: NetworkIp) => (ip.address !== undefined ? ipBytes(ip.address)?.family : undefined);
const hasDhcp = (ip: NetworkIp) => !!(ip.dhcp?.ranges?.length || ip.dhcp?.hosts?.length);

/** `virNetworkIPDefByIndex`: the `<ip>` a DHCP update applies to. */
function ipFor(net: NetworkDef, parentIndex: number): NetworkIp {
  const ips = net.ips ?? [];
  if (parentIndex >= 0) {
    const ip = ips[parentIndex];
    if (!ip) throw fail('unsupported', `couldn't update dhcp host entry - no <ip> element found at index ${parentIndex} in network '${net.name}'`);
    return ip;
  }
  const ip = ips.find(hasDhcp) ?? ips.find((i) => familyOf(i) === 'ipv4') ?? ips.find((i) => familyOf(i) === 'ipv6');
  if (!ip) throw fail('unsupported', `couldn't update dhcp host entry - no <ip> element found in network '${net.name}'`);
  return ip;
}

/** `virNetworkDefUpdateCheckMultiDHCP`: DHCP on one address per family only. */
function checkMultiDhcp(net: NetworkDef, ip: NetworkIp): void {
  const fam = familyOf(ip);
  if ((net.ips ?? []).some((other) => other !== ip && familyOf(other) === fam && hasDhcp(other))) {
    throw invalid(`dhcp is supported only for a single ${fam === 'ipv6' ? 'IPv6' : 'IPv4'} address on each network`);
  }
}

/** `virNetworkDHCPHostDefParseXML` with partialOkay for delete. */
function checkDhcpHost(h: DhcpHost, ip: NetworkIp, net: NetworkDef, partialOk: boolean): void {
  const v6 = familyOf(ip) === 'ipv6';
  const name = net.name;
  if (h.mac !== undefined) {
    if (v6) throw fail('invalid-value', `Invalid to specify MAC address '${h.mac}' in network '${name}' IPv6 static host definition`);
    if (isMulticastMac(h.mac)) throw fail('invalid-value', `expected unicast mac address, found multicast '${h.mac}' in network '${name}'`);
  }
  if (h.name !== undefined && !/^[A-Za-z]/.test(h.name)) throw fail('invalid-value', `Cannot use host name '${h.name}' in network '${name}'`);
  if (partialOk) {
    if (h.mac === undefined && h.name === undefined && h.ip === undefined) {
      throw fail('missing-attribute', `At least one of name, mac, or ip attribute must be specified for static host definition in network '${name}' `);
    }
    return;
  }
  if (v6 && h.id === undefined && h.name === undefined) {
    throw fail('missing-attribute', `Static host definition in IPv6 network '${name}' must have id or name attribute`);
  }
  if (!v6 && h.mac === undefined && h.name === undefined) {
    throw fail('missing-attribute', `Static host definition in IPv4 network '${name}' must have mac or name attribute`);
  }
  if (h.ip === undefined) throw fail('missing-attribute', `Missing IP address in static host definition for network '${name}'`);
}

function updateDhcpHost(net: NetworkDef, command: NetworkUpdateCommand, xml: string, parentIndex: number): void {
  const host = readSnippet<DhcpHost>(PARTIAL_DHCP_HOST, xml, net);
  const ip = ipFor(net, parentIndex);
  const del = command === 'delete';
  checkDhcpHost(host, ip, net, del);
  if (!del && ipBytes(host.ip)?.family !== familyOf(ip)) {
    throw invalid("the address family of a host entry IP must match the address family of the dhcp element's parent");
  }
  const hosts = ip.dhcp?.hosts ?? [];
  const show = () => `mac='${host.mac ?? 'unknown'}' name='${host.name ?? '(null)'}' ip='${host.ip ?? 'unknown'}'`;
  if (command === 'modify') {
    const i = hosts.findIndex((h) => macEqual(host.mac, h.mac) || sameIp(host.ip, h.ip) || (host.name !== undefined && host.name === h.name));
    if (i < 0) {
      const s = show();
      throw invalid(`couldn't locate an existing dhcp host entry with "${s.replace(/' /g, `'" "`)}" in network '${net.name}'`);
    }
    ip.dhcp = { ...ip.dhcp, hosts: hosts.map((h, k) => (k === i ? host : h)) };
  } else if (isAdd(command)) {
    checkMultiDhcp(net, ip);
    if (hosts.some((h) => macEqual(host.mac, h.mac) || (host.name !== undefined && host.name === h.name) || sameIp(host.ip, h.ip))) {
      throw invalid(`there is an existing dhcp host entry in network '${net.name}' that matches "<host ${show()}/>"`);
    }
    ip.dhcp = { ...ip.dhcp, hosts: insert(hosts, host, command) };
  } else {
    const i = hosts.findIndex(
      (h) =>
        (host.mac === undefined || h.mac === undefined || macEqual(host.mac, h.mac)) &&
        (host.name === undefined || host.name === h.name) &&
        (host.ip === undefined || sameIp(host.ip, h.ip)),
    );
    if (i < 0) throw invalid(`couldn't locate a matching dhcp host entry in network '${net.name}'`);
    ip.dhcp = { ...ip.dhcp, hosts: without(hosts, i) };
  }
}

function updateDhcpRange(net: NetworkDef, command: NetworkUpdateCommand, xml: string, parentIndex: number): void {
  const ip = ipFor(net, parentIndex);
  const range = readSnippet<DhcpRange>(dhcpRange, xml, net);
  if (command === 'modify') throw invalid('dhcp ranges cannot be modified, only added or deleted');
  const problem = rangeProblem(range.start, range.end, ip);
  if (problem) throw invalid(problem);
  if (ipBytes(range.start)?.family !== familyOf(ip)) {
    throw invalid("the address family of a dhcp range must match the address family of the dhcp element's parent");
  }
  const ranges = ip.dhcp?.ranges ?? [];
  const i = ranges.findIndex((r) => sameIp(r.start, range.start) && sameIp(r.end, range.end));
  if (isAdd(command)) {
    checkMultiDhcp(net, ip);
    if (i >= 0) {
      throw invalid(`there is an existing dhcp range entry in network '${net.name}' that matches "<range start='${range.start}' end='${range.end}'/>"`);
    }
    ip.dhcp = { ...ip.dhcp, ranges: insert(ranges, range, command) };
  } else {
    if (i < 0) throw invalid(`couldn't locate a matching dhcp range entry in network '${net.name}'`);
    ip.dhcp = { ...ip.dhcp, ranges: without(ranges, i) };
  }
}

// ---------------------------------------------------------------- forward, portgroup

function updateForwardInterface(net: NetworkDef, command: NetworkUpdateCommand, xml: string): void {
  const iface = readSnippet<NetworkForwardInterface>(partial(networkForwardInterface), xml, net);
  if (command === 'modify') throw invalid('forward interface entries cannot be modified, only added or deleted');
  if (iface.dev === undefined) throw fail('missing-attribute', 'missing dev attribute in <interface> element');
  const fwd = { ...net.forward, mode: net.forward?.mode ?? 'nat' };
  const ifs = fwd.interfaces ?? [];
  const i = ifs.findIndex((f) => f.dev === iface.dev);
  if (isAdd(command)) {
    if (i >= 0) throw invalid(`there is an existing interface entry in network '${net.name}' that matches "<interface dev='${iface.dev}'>"`);
    fwd.interfaces = insert(ifs, { dev: iface.dev }, command);
  } else {
    if (i < 0) throw invalid(`couldn't find an interface entry in network '${net.name}' matching <interface dev='${iface.dev}'>`);
    const used = ifs[i]!.connections ?? 0;
    if (used > 0) throw invalid(`unable to delete interface '${iface.dev}' in network '${net.name}'. It is currently being used  by ${used} domains.`);
    const rest = without(ifs, i);
    if (rest) fwd.interfaces = rest;
    else delete fwd.interfaces;
  }
  net.forward = fwd;
}

function updatePortGroup(net: NetworkDef, command: NetworkUpdateCommand, xml: string): void {
  const pg = readSnippet<NetworkPortGroup>(networkPortGroup, xml, net);
  const groups = net.portgroups ?? [];
  const found = groups.findIndex((g) => g.name === pg.name);
  const foundDefault = groups.findIndex((g) => g.default);
  if (found < 0 && (command === 'modify' || command === 'delete')) {
    throw invalid(`couldn't find a portgroup entry in network '${net.name}' matching <portgroup name='${pg.name}'>`);
  }
  if (found >= 0 && isAdd(command)) {
    throw invalid(`there is an existing portgroup entry in network '${net.name}' that matches "<portgroup name='${pg.name}'>"`);
  }
  if (command !== 'delete' && pg.default && foundDefault >= 0 && foundDefault !== found) {
    throw invalid(`a different portgroup entry in network '${net.name}' is already set as the default. Only one default is allowed.`);
  }
  if (command === 'modify') net.portgroups = groups.map((g, i) => (i === found ? pg : g));
  else if (command === 'delete') net.portgroups = without(groups, found);
  else net.portgroups = insert(groups, pg, command);
}

// ---------------------------------------------------------------- dns

function dnsOf(net: NetworkDef): NonNullable<NetworkDef['dns']> {
  return (net.dns = { ...net.dns });
}

function updateDnsHost(net: NetworkDef, command: NetworkUpdateCommand, xml: string): void {
  const host = readSnippet<DnsHost>(PARTIAL_DNS_HOST, xml, net);
  const partialOk = !isAdd(command);
  const where = `in network '${net.name}' DNS HOST record`;
  if (host.ip === undefined && !partialOk) throw fail('missing-attribute', `Missing IP address ${where}`);
  if (host.ip !== undefined) {
    const canon = canonicalIp(host.ip);
    if (!canon) throw fail('invalid-value', `Invalid IP address ${where}`);
    host.ip = canon.text;
  }
  const names = (host.hostnames ?? []).map((h) => h.name);
  if (names.some((n) => n === '') || (names.length === 0 && !partialOk)) throw fail('missing-element', `Missing hostname ${where}`);
  if (host.ip === undefined && names.length === 0) throw fail('missing-element', `Missing ip and hostname ${where}`);
  const dns = dnsOf(net);
  const hosts = dns.hosts ?? [];
  const matches = hosts.flatMap((h, i) => {
    const hit = sameIp(host.ip, h.ip) || (command === 'delete' && names.some((n) => (h.hostnames ?? []).some((x) => x.name === n)));
    return hit ? [i] : [];
  });
  if (isAdd(command)) {
    if (matches.length) throw invalid(`there is already at least one DNS HOST record with a matching field in network ${net.name}`);
    dns.hosts = insert(hosts, host, command);
    return;
  }
  if (matches.length === 0) throw invalid(`couldn't locate a matching DNS HOST record in network ${net.name}`);
  if (matches.length > 1) throw invalid(`multiple matching DNS HOST records were found in network ${net.name}`);
  dns.hosts = command === 'delete' ? without(hosts, matches[0]!) : hosts.map((h, i) => (i === matches[0] ? host : h));
}

function updateDnsTxt(net: NetworkDef, command: NetworkUpdateCommand, xml: string): void {
  const txt = readSnippet<DnsTxt>(PARTIAL_TXT, xml, net);
  if (txt.name === undefined) throw fail('missing-attribute', `missing required name attribute in DNS TXT record of network ${net.name}`);
  if (/[ ,]/.test(txt.name)) throw fail('invalid-value', `prohibited character in DNS TXT record name '${txt.name}' of network ${net.name}`);
  if (txt.value === undefined && isAdd(command)) {
    throw fail('missing-attribute', `missing required value attribute in DNS TXT record named '${txt.name}' of network ${net.name}`);
  }
  const dns = dnsOf(net);
  const txts = dns.txts ?? [];
  const i = txts.findIndex((t) => t.name === txt.name);
  if (isAdd(command)) {
    if (i >= 0) throw invalid(`there is already a DNS TXT record with name '${txt.name}' in network ${net.name}`);
    dns.txts = insert(txts, txt, command);
    return;
  }
  if (i < 0) throw invalid(`couldn't locate a matching DNS TXT record in network ${net.name}`);
  if (command === 'delete') dns.txts = without(txts, i);
  else dns.txts = txts.map((t, k) => (k === i ? { ...t, value: txt.value ?? '' } : t));
}

const SERVICE_CHARS = /^[A-Za-z0-9_+/*-]*$/;
const PROTOCOL_CHARS = /^[A-Za-z_-]*$/;

function updateDnsSrv(net: NetworkDef, command: NetworkUpdateCommand, xml: string): void {
  const srv = readSnippet<Partial<DnsSrv>>(PARTIAL_SRV, xml, net);
  const partialOk = !isAdd(command);
  const name = net.name;
  if (srv.service === undefined && !partialOk) throw fail('missing-attribute', `missing required service attribute in DNS SRV record of network '${name}'`);
  if (srv.service !== undefined && !SERVICE_CHARS.test(srv.service)) {
    throw fail('invalid-value', `invalid character in service attribute '${srv.service}' in DNS SRV record of network '${name}'`);
  }
  if (srv.protocol === undefined && !partialOk) {
    throw fail('missing-attribute', `missing required protocol attribute in DNS SRV record '${srv.service}' of network '${name}'`);
  }
  if (srv.protocol !== undefined && !PROTOCOL_CHARS.test(srv.protocol)) {
    throw fail('invalid-value', `invalid character in protocol attribute '${srv.protocol}' in DNS SRV record of network '${name}'`);
  }
  for (const a of ['port', 'priority', 'weight'] as const) {
    if (srv[a] !== undefined && srv.target === undefined) {
      throw fail('unsupported', `DNS SRV ${a} attribute not permitted without target for service '${srv.service}' in network '${name}'`);
    }
  }
  if (srv.port === 0) throw fail('invalid-value', `invalid DNS SRV port attribute for service '${srv.service}' in network '${name}'`);
  if (srv.service === undefined && srv.protocol === undefined) {
    throw fail('missing-attribute', `Missing required service attribute or protocol in DNS SRV record of network '${name}'`);
  }
  const dns = dnsOf(net);
  const srvs = dns.srvs ?? [];
  const same = (k: 'domain' | 'service' | 'protocol' | 'target', s: DnsSrv) => srv[k] === undefined || srv[k] === s[k];
  const matches = srvs.flatMap((s, i) => (same('domain', s) && same('service', s) && same('protocol', s) && same('target', s) ? [i] : []));
  if (command === 'modify') throw fail('unsupported', 'DNS SRV records cannot be modified, only added or deleted');
  if (isAdd(command)) {
    if (matches.length) throw invalid(`there is already at least one DNS SRV record matching all specified fields in network ${name}`);
    dns.srvs = insert(srvs, srv as DnsSrv, command);
    return;
  }
  if (matches.length === 0) throw invalid(`couldn't locate a matching DNS SRV record in network ${name}`);
  if (matches.length > 1) throw invalid(`multiple DNS SRV records matching all specified fields were found in network ${name}`);
  dns.srvs = without(srvs, matches[0]!);
}

// ---------------------------------------------------------------- entry point

const COMMANDS: ReadonlySet<string> = new Set(['add-first', 'add-last', 'modify', 'delete']);

/**
 * libvirt's `virNetworkDefUpdateSection`: applies one update command to a
 * section of a network and returns the new definition. Throws a
 * VirtXmlError with libvirt's message when the snippet does not fit, an
 * entry to add already exists or one to modify/delete is not there;
 * sections libvirt cannot update (bridge, domain, ip, forward, forward-pf)
 * are refused as libvirt refuses them.
 */
export function updateNetwork(
  def: NetworkDef,
  command: NetworkUpdateCommand,
  section: NetworkUpdateSection,
  xml: string,
  options: NetworkUpdateOptions = {},
): NetworkDef {
  if (!COMMANDS.has(command)) throw fail('invalid-value', `unrecognized network update command code ${String(command)}`);
  const net = structuredClone(def);
  const parentIndex = options.parentIndex ?? -1;
  switch (section) {
    case 'ip-dhcp-host':
      updateDhcpHost(net, command, xml, parentIndex);
      break;
    case 'ip-dhcp-range':
      updateDhcpRange(net, command, xml, parentIndex);
      break;
    case 'forward-interface':
      updateForwardInterface(net, command, xml);
      break;
    case 'portgroup':
      updatePortGroup(net, command, xml);
      break;
    case 'dns-host':
      updateDnsHost(net, command, xml);
      break;
    case 'dns-txt':
      updateDnsTxt(net, command, xml);
      break;
    case 'dns-srv':
      updateDnsSrv(net, command, xml);
      break;
    case 'bridge':
    case 'domain':
    case 'ip':
    case 'forward':
    case 'forward-pf':
      throw fail('unsupported', `can't update '${section}' section of network '${def.name}'`);
    default:
      throw fail('unsupported', "can't update unrecognized section of network");
  }
  return net;
}
