/**
 * `<dns>` (forwarders and TXT, SRV and host records of the network's DNS
 * server) and `<domain>` (the DNS domain of DHCP clients).
 */
import { ipAddress } from '../common/networkcommon.js';
import { attr, element, list, text, type CheckFailure, type Infer } from '../xml/decl.js';
import { pattern, str, uint, yesNo } from '../xml/values.js';
import { failAt } from './problems.js';

export const dnsForwarder = element(
  'forwarder',
  { domain: attr(str, { doc: 'Forward only names in this domain' }), addr: attr(ipAddress), port: attr(uint({ max: 65535 }), { doc: 'port of the upstream server' }) },
  { doc: 'Upstream DNS server (or a domain resolved only locally when addr is absent)' },
);
export type DnsForwarder = Infer<typeof dnsForwarder>;

export const dnsTxt = element('txt', { name: attr(str, { required: true }), value: attr(str, { required: true }) }, { doc: 'TXT record' });
export type DnsTxt = Infer<typeof dnsTxt>;

/** SRV port, priority and weight: 16-bit, written only when not 0. */
const srvNumber = () => attr(uint({ max: 65535 }), { omit: (v: number) => v === 0 });

export const dnsSrv = element(
  'srv',
  {
    service: attr(str, { required: true }),
    protocol: attr(pattern('protocol', /^[A-Za-z_-]+$/), { required: true, doc: 'tcp or udp (libvirt reads any name of letters, - and _)' }),
    domain: attr(str),
    target: attr(str),
    port: srvNumber(),
    priority: srvNumber(),
    weight: srvNumber(),
  },
  { doc: 'SRV record' },
);
export type DnsSrv = Infer<typeof dnsSrv>;

export const dnsHostname = element('hostname', { name: text(str, { required: true }) });

export const dnsHost = element('host', { ip: attr(ipAddress, { required: true }), hostnames: list(dnsHostname) }, { doc: 'A/AAAA records' });
export type DnsHost = Infer<typeof dnsHost>;

export const networkDns = element(
  'dns',
  {
    enable: attr(yesNo, { doc: "'no': no DNS server on this network" }),
    forwardPlainNames: attr(yesNo, { doc: 'Forward names without a domain upstream' }),
    forwarders: list(dnsForwarder),
    txts: list(dnsTxt),
    srvs: list(dnsSrv),
    hosts: list(dnsHost),
  },
  { doc: "The network's DNS server" },
);
export type NetworkDns = Infer<typeof networkDns>;

export const networkDomain = element(
  'domain',
  {
    name: attr(str, { required: true, missing: 'ignore-element' }),
    localOnly: attr(yesNo, { doc: 'Resolve names in this domain only locally' }),
    register: attr(yesNo, { doc: 'Register DHCP client names in this domain' }),
  },
  { doc: 'DNS domain of the DHCP clients' },
);
export type NetworkDomain = Infer<typeof networkDomain>;

/** libvirt's parse-time rules for `<dns>` (`virNetworkDNSDefParseXML` and the record parsers). */
export function checkDns(dns: NetworkDns, network: string): CheckFailure | undefined {
  const records = [dns.forwarders, dns.txts, dns.srvs, dns.hosts].some((l) => l?.length);
  if (dns.enable === false && records) return failAt(dns, 'unsupported', `Extra data in disabled network '${network}'`);
  for (const f of dns.forwarders ?? []) {
    if (f.addr === undefined && f.domain === undefined) {
      return failAt(f, 'missing-attribute', 'Invalid forwarder element, must contain at least one of addr or domain');
    }
  }
  for (const t of dns.txts ?? []) {
    if (/[ ,]/.test(t.name)) {
      return failAt(t, 'invalid-value', `prohibited character in DNS TXT record name '${t.name}' of network ${network}`, 'name');
    }
  }
  for (const s of dns.srvs ?? []) {
    if (s.target !== undefined) continue;
    for (const a of ['port', 'priority', 'weight'] as const) {
      if (s[a] !== undefined) {
        return failAt(s, 'unsupported', `DNS SRV ${a} attribute not permitted without target for service '${s.service}' in network '${network}'`, a);
      }
    }
  }
  for (const h of dns.hosts ?? []) {
    if (!h.hostnames?.length) return failAt(h, 'missing-element', `Missing hostname in network '${network}' DNS HOST record`);
  }
  return undefined;
}
