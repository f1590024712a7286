/**
 * `<networkport>`: libvirt's virnetworkportxml2xmltest.c corpus round trip,
 * the parse rules of virNetworkPortDefParseXML with libvirt's messages, and
 * define-time validation of networks (networkValidate).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertValidNetworkDef, formatNetworkPortXml, parseNetworkPortXml, parseNetworkXml, validateNetworkDef } from '../src/network/index.js';
import { VirtXmlError } from '../src/xml/errors.js';

const CORPUS = process.env.VIRTXML_CORPUS ?? fileURLToPath(new URL('../../shared/libvirt-corpus', import.meta.url));
const DIR = `${CORPUS}/tests/virnetworkportxml2xmldata`;
const present = existsSync(DIR);
if (!present) console.log(`network port corpus not found at ${CORPUS}: skipping`);

describe.skipIf(!present)('virnetworkportxml2xmldata', () => {
  const files = present ? readdirSync(DIR).filter((f) => f.endsWith('.xml')).sort() : [];
  it('has files', () => expect(files.length).toBeGreaterThanOrEqual(9));
  it.each(files)('%s is byte-identical after parse + format', (f) => {
    const xml = readFileSync(`${DIR}/${f}`, 'utf8');
    expect(formatNetworkPortXml(parseNetworkPortXml(xml))).toBe(xml);
  });
});

const HEAD = `<networkport>
  <uuid>5d744f21-ba4a-4d6e-bdb2-30a35ff3207d</uuid>
  <owner>
    <name>memtest</name>
    <uuid>d54df46f-1ab5-4a22-8618-4560ef5fac2c</uuid>
  </owner>
  <mac address='52:54:00:7b:35:93'/>
`;
const port = (body: string) => `${HEAD}${body}</networkport>\n`;

function parseError(xml: string): VirtXmlError {
  try {
  // strict: libvirt's parser refuses words and cases it does not know (virtxml's default keeps them)
    parseNetworkPortXml(xml, { strict: true });
  } catch (e) {
    expect(e).toBeInstanceOf(VirtXmlError);
    return e as VirtXmlError;
  }
  throw new Error('accepted');
}

describe('<networkport> parse rules', () => {
  it.each([
    ['<uuid>', HEAD.replace(/ {2}<uuid>5d7[^\n]*\n/, ''), 'network port has no uuid'],
    ['a bad uuid', HEAD.replace('5d744f21-ba4a', 'zz'), "Unable to parse UUID 'zz-4d6e-bdb2-30a35ff3207d'"],
    ['the owner name', HEAD.replace('    <name>memtest</name>\n', ''), 'network port has no owner name'],
    ['the owner uuid', HEAD.replace('    <uuid>d54df46f-1ab5-4a22-8618-4560ef5fac2c</uuid>\n', ''), 'network port has no owner UUID'],
    ['the mac', HEAD.replace("  <mac address='52:54:00:7b:35:93'/>\n", ''), 'network port has no mac'],
    ['a bad mac', HEAD.replace('52:54:00:7b:35:93', '52:54:00:7b:35'), "Unable to parse MAC '52:54:00:7b:35'"],
  ])('rejects a port without %s', (_what, head, message) => {
    expect(parseError(head + '</networkport>').detail).toBe(message);
  });

  it.each([
    [`<plug type='bridge'/>`, 'Missing network port bridge name'],
    [`<plug type='network' macTableManager='kernel'/>`, 'Missing network port bridge name'],
    [`<plug type='direct' mode='vepa'/>`, 'Missing network port link device name'],
    [`<plug type='hostdev-pci' managed='yes'/>`, 'Missing network port PCI address'],
    [`<plug type='vhostuser'/>`, "Invalid value for attribute 'type' in element 'plug': 'vhostuser'."],
  ])('rejects %s', (plug, message) => {
    const e = parseError(port(`  ${plug}\n`));
    expect(e.detail).toBe(message);
    expect(e.path).toMatch(/^\/networkport\/plug/);
  });

  it("writes a direct plug's mode (vepa when absent), drops a plug of type none, and reads uuids and MACs as libvirt does", () => {
    const def = parseNetworkPortXml(port(`  <plug type='direct' dev='eth0'/>\n`).replace('5d744f21-ba4a', '5D744F21BA4A').replace('52:54:00:7b', '52:54:0:7B'));
    expect(def.uuid).toBe('5d744f21-ba4a-4d6e-bdb2-30a35ff3207d');
    expect(def.mac.address).toBe('52:54:00:7b:35:93');
    expect(formatNetworkPortXml(def)).toBe(port(`  <plug type='direct' dev='eth0' mode='vepa'/>\n`));
    expect(formatNetworkPortXml(parseNetworkPortXml(port(`  <plug type='none'/>\n`)))).toBe(port(''));
  });

  it('writes a hostdev-pci plug with its driver before the address, and drops multifunction as libvirt does', () => {
    const xml = port(`  <plug type='hostdev-pci'>
    <driver name='vfio' model='vfio-pci-igb' group='auto'/>
    <address domain='0x0001' bus='0x02' slot='0x03' function='0x4'/>
  </plug>
`);
    const def = parseNetworkPortXml(xml);
    expect(def.plug).toMatchObject({ type: 'hostdev-pci', driver: { name: 'vfio', model: 'vfio-pci-igb', groupMgmt: 'auto' } });
    expect(formatNetworkPortXml(def)).toBe(xml);
    expect(formatNetworkPortXml(parseNetworkPortXml(xml.replace("function='0x4'", "function='0x4' multifunction='on'")))).toBe(xml);
  });
});

describe('validateNetworkDef (networkValidate)', () => {
  const problems = (xml: string, options?: Parameters<typeof validateNetworkDef>[1]) =>
    validateNetworkDef(parseNetworkXml(xml), options).map((p) => p.message);

  it('accepts a valid network', () => {
    expect(problems(`<network><name>ok</name><forward mode='nat'/><ip address='10.0.0.1' prefix='24'><dhcp><range start='10.0.0.2' end='10.0.0.9'/></dhcp></ip></network>`)).toEqual([]);
  });

  it('refuses host-side settings in bridge/macvtap/hostdev modes', () => {
    expect(
      problems(`<network><name>b</name><forward mode='bridge'/><bridge name='br0'/><domain name='x'/><bandwidth><inbound average='1'/></bandwidth>
        <dns><txt name='a' value='b'/></dns></network>`),
    ).toEqual(["Unsupported <dns> element in network b with forward mode='bridge'", "Unsupported <domain> element in network b with forward mode='bridge'"]);
    expect(problems(`<network><name>p</name><forward mode='vepa' dev='eth0'/><bandwidth><inbound average='1'/></bandwidth></network>`)).toEqual([
      "Unsupported network-wide <bandwidth> element in network p with forward mode='vepa'",
    ]);
  });

  it('checks the device pool: kinds per mode, exclusivity, VFs through the PCI host', () => {
    expect(problems(`<network><name>pa</name><forward mode='passthrough'><address type='pci' bus='3' slot='1'/></forward></network>`)).toEqual([
      "network 'pa' has forward mode 'passthrough'  but lists a device by PCI address in the device pool. This is only supported for networks with forward mode 'hostdev'",
    ]);
    const xml = `<network><name>hd</name><forward mode='hostdev'><address type='pci' bus='3' slot='16' function='0'/><address type='pci' bus='3' slot='16' function='1'/></forward></network>`;
    const pciHost = { physicalFunction: (a: string) => (a === '0000:03:10.0' ? '0000:03:00.0' : undefined) };
    expect(problems(xml, { pciHost })).toEqual(["device '/sys/bus/pci/devices/0000:03:10.1' in network 'hd' is not an SR-IOV Virtual Function"]);
    expect(problems(xml)).toEqual([]);
    const def = parseNetworkXml(xml);
    def.forward!.interfaces = [{ dev: 'eth0' }];
    expect(validateNetworkDef(def).map((p) => p.message)).toEqual([
      "hostdev network 'hd' lists 'eth0' in the device pool, but hostdev networks require all devices to be listed by PCI address, not network device name",
      '<address>, <interface>, and <pf> elements of <forward> in network hd are mutually exclusive',
    ]);
  });

  it('checks portgroups and vlans', () => {
    expect(
      problems(`<network><name>g</name><forward mode='bridge'/><bridge name='br0'/>
        <portgroup name='a' default='yes'><vlan><tag id='1'/></vlan></portgroup><portgroup name='a' default='yes'/></network>`),
    ).toEqual([
      "network 'g' has multiple default <portgroup> elements (a and a), but only one default is allowed",
      "multiple <portgroup> elements with the same name (a) in network 'g'",
      "<vlan> element specified for network g, whose type doesn't support vlan configuration",
    ]);
    expect(problems(`<network><name>o</name><forward mode='bridge'/><bridge name='br0'/><virtualport type='openvswitch'/><vlan><tag id='1'/></vlan></network>`)).toEqual([]);
  });

  it('finds a second DHCP section of a family and a bridge name in use', () => {
    const xml = `<network><name>d</name><bridge name='virbr5'/><ip address='10.0.0.1' prefix='24'><dhcp><range start='10.0.0.2' end='10.0.0.3'/></dhcp></ip>
      <ip address='10.1.0.1' prefix='24'><dhcp><range start='10.1.0.2' end='10.1.0.3'/></dhcp></ip></network>`;
    const other = parseNetworkXml(`<network><name>other</name><bridge name='virbr5'/></network>`);
    expect(problems(xml, { networks: [other] })).toEqual([
      "bridge name 'virbr5' already in use.",
      'Multiple IPv4 dhcp sections found -- dhcp is supported only for a single IPv4 address on each network',
    ]);
    expect(() => assertValidNetworkDef(parseNetworkXml(xml))).toThrow('Multiple IPv4 dhcp sections found');
    // one diagnostics path: the problem is the reporter's diagnostic, placed, with its rule and error code
    const [p] = validateNetworkDef(parseNetworkXml(xml));
    expect(p).toMatchObject({ code: 'libvirt-network-dhcp', rule: 'dhcp', errorCode: 'unsupported', path: '/network/ip[2]/dhcp', source: 'libvirt' });
    expect(() => assertValidNetworkDef(parseNetworkXml(xml))).toThrow(expect.objectContaining({ code: 'unsupported', path: '/network/ip[2]/dhcp' }));
  });
});
