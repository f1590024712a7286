/**
 * libvirt's rules for `<network>` the `libvirt` profile checks, found by the
 * differential test against libvirt 12.9 (conformance/differential.test.ts:
 * network documents libvirt refuses, grouped by its message). Each rule: a
 * document libvirt refuses, with the diagnostic code and libvirt's message,
 * and a twin it accepts. With the libvirt 12.9 chroot present (as root),
 * libvirt itself is asked too: it must refuse each invalid case with that
 * message and accept each valid twin.
 */
import { describe, expect, it } from 'vitest';
import { parseNetworkXml, validateXml } from '../src/index.js';
import { networkSemanticDiagnostics } from '../src/validate/semantic-network.js';
import { askLibvirt, hashOf, liveOracleUnavailable } from '../conformance/differential/oracle.js';

/** A network named vx with this content after its name. */
const net = (content: string) => `<network><name>vx</name>${content}</network>`;

interface Case {
  rule: string;
  xml: string;
  code: string;
  /** libvirt 12.9's message. */
  message: string;
  valid: string;
}

const CASES: Case[] = [
  // virNetworkDefParseXML
  { rule: 'empty name', xml: "<network><name></name><bridge name='b1'/></network>", code: 'libvirt-network-name', message: 'missing name information', valid: "<network><name>n</name><bridge name='b1'/></network>" },
  { rule: '<ip> without address', xml: net("<ip prefix='24'/>"), code: 'libvirt-network-ip', message: "XML error: Missing required address attribute in network 'vx'", valid: net("<ip address='192.168.9.1' prefix='24'/>") },
  {
    rule: "register='yes' without localOnly",
    xml: net("<domain name='example' register='yes'/>"),
    code: 'libvirt-network-domain',
    message: "unsupported configuration: attribute 'register=yes' in <domain> element requires 'localOnly=yes' in network vx",
    valid: net("<domain name='example' localOnly='yes' register='yes'/>"),
  },
  // virNetDevBandwidthParse: the network's and its portgroups' bandwidth
  { rule: 'classID on the network bandwidth', xml: net("<bandwidth classID='9'/>"), code: 'libvirt-network-bandwidth', message: 'classID attribute not supported on <bandwidth> in this usage context', valid: net('<bandwidth/>') },
  { rule: 'classID on a portgroup bandwidth', xml: net("<portgroup name='a'><bandwidth classID='3'><inbound average='1'/></bandwidth></portgroup>"), code: 'libvirt-network-bandwidth', message: 'classID attribute not supported on <bandwidth> in this usage context', valid: net("<portgroup name='a'><bandwidth><inbound average='1'/></bandwidth></portgroup>") },
  { rule: 'outbound without average or floor', xml: net('<bandwidth><outbound/></bandwidth>'), code: 'libvirt-network-bandwidth', message: 'Missing mandatory average or floor attributes', valid: net("<bandwidth><outbound average='1'/></bandwidth>") },
  { rule: 'portgroup inbound without average or floor', xml: net("<portgroup name='a'><bandwidth><inbound/></bandwidth></portgroup>"), code: 'libvirt-network-bandwidth', message: 'Missing mandatory average or floor attributes', valid: net("<portgroup name='a'><bandwidth><inbound average='5'/></bandwidth></portgroup>") },
  { rule: 'peak without average', xml: net("<bandwidth><outbound peak='4' floor='4'/></bandwidth>"), code: 'libvirt-network-bandwidth', message: "unsupported configuration: 'peak' and 'burst' require 'average' attribute", valid: net("<bandwidth><outbound average='4' peak='4'/></bandwidth>") },
  { rule: 'burst without average', xml: net("<bandwidth><inbound floor='5' burst='3'/></bandwidth>"), code: 'libvirt-network-bandwidth', message: "unsupported configuration: 'peak' and 'burst' require 'average' attribute", valid: net("<bandwidth><inbound average='5' burst='3'/></bandwidth>") },
  { rule: 'floor on the network bandwidth', xml: net("<bandwidth><inbound floor='5'/></bandwidth>"), code: 'libvirt-network-bandwidth', message: 'unsupported configuration: floor attribute is not supported for this config', valid: net("<bandwidth><inbound average='5'/></bandwidth>") },
  { rule: 'floor on a portgroup bandwidth', xml: net("<portgroup name='a'><bandwidth><inbound floor='1'/></bandwidth></portgroup>"), code: 'libvirt-network-bandwidth', message: 'unsupported configuration: floor attribute is not supported for this config', valid: net("<portgroup name='a'><bandwidth><inbound average='1'/></bandwidth></portgroup>") },
  // virNetDevIPRouteParseXML, the network's static routes (libvirt's messages name the network)
  { rule: 'IPv6 route without family', xml: net("<ip address='192.168.9.1' prefix='24'/><route address='fd00::' prefix='64' gateway='192.168.9.2'/>"), code: 'libvirt-route-family', message: "XML error: vx: No family specified for non-IPv4 address 'fd00::' in route definition", valid: net("<ip address='192.168.9.1' prefix='24'/><route address='10.0.0.0' prefix='8' gateway='192.168.9.2'/>") },
  { rule: 'route over an IPv6 gateway without family', xml: net("<ip address='192.168.9.1' prefix='24'/><route address='10.0.0.0' prefix='8' gateway='fd00::1'/>"), code: 'libvirt-route-family', message: "XML error: vx: No family specified for non-IPv4 gateway '10.0.0.0' in route definition", valid: net("<ip address='192.168.9.1' prefix='24'/><route address='10.0.0.0' prefix='8' gateway='192.168.9.2'/>") },
  { rule: 'route address beyond its prefix', xml: net("<ip address='192.168.9.1' prefix='24'/><route address='10.0.0.5' prefix='8' gateway='192.168.9.2'/>"), code: 'libvirt-route-address', message: "XML error: vx: Address '10.0.0.5' in route definition is not a network address", valid: net("<ip address='192.168.9.1' prefix='24'/><route address='10.0.0.0' prefix='8' gateway='192.168.9.2'/>") },
  { rule: 'route without prefix (prefix 0)', xml: net("<ip address='192.168.9.1' prefix='24'/><route address='10.0.0.0' gateway='192.168.9.2'/>"), code: 'libvirt-route-address', message: "XML error: vx: Address '10.0.0.0' in route definition is not a network address", valid: net("<ip address='192.168.9.1' prefix='24'/><route address='0.0.0.0' gateway='192.168.9.2'/>") },
];

describe('libvirt rules for networks found by the differential (libvirt profile)', () => {
  for (const c of CASES) {
    it(c.rule, () => {
      const rules = networkSemanticDiagnostics(parseNetworkXml(c.xml, { keepOrigins: true }), { profile: 'libvirt' });
      const d = rules.find((x) => x.code === c.code);
      expect(d, JSON.stringify(rules.map((x) => `${x.code}: ${x.message}`))).toBeDefined();
      expect(validateXml(c.xml, { profile: 'libvirt' }).valid).toBe(false);
      expect(d!.message).toBe(c.message);
      expect(d!.line).toBeGreaterThan(0);
      const good = validateXml(c.valid, { profile: 'libvirt' });
      expect(good.diagnostics.map((x) => `${x.code}: ${x.message}`)).toEqual([]);
    });
  }

  it('places a problem at the element (or attribute) at fault', () => {
    const xml = "<network>\n  <name>vx</name>\n  <portgroup name='a'>\n    <bandwidth>\n      <inbound floor='1'/>\n    </bandwidth>\n  </portgroup>\n</network>";
    const d = networkSemanticDiagnostics(parseNetworkXml(xml, { keepOrigins: true }), { profile: 'libvirt' }).find((x) => x.code === 'libvirt-network-bandwidth');
    expect(d).toMatchObject({ line: 5, path: '/network/portgroup/bandwidth/inbound/@floor' });
  });
});

const live = liveOracleUnavailable();

describe.skipIf(Boolean(live))('libvirt 12.9 on the same network cases (the chroot)', () => {
  it('refuses each invalid case with the message, accepts each valid twin', () => {
    const answers = askLibvirt(CASES.flatMap((c) => [{ xml: c.xml }, { xml: c.valid }]));
    for (const c of CASES) {
      const bad = answers.get(hashOf(c.xml))!;
      const good = answers.get(hashOf(c.valid))!;
      expect({ rule: c.rule, ok: bad.ok, error: bad.error }).toEqual({ rule: c.rule, ok: false, error: c.message });
      expect({ rule: c.rule, ok: good.ok, error: good.error }).toEqual({ rule: c.rule, ok: true, error: undefined });
    }
  });
});
