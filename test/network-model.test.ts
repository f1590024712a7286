/** The network model on fixtures written for these tests. */
import fc from 'fast-check';
import type { UnknownWord } from '../src/xml/values.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  formatNetworkXml,
  networkDef,
  parseNetworkXml,
  type NetworkDef,
  type NetworkForward,
  type NetworkForwardInterface,
  type NetworkPortGroup,
} from '../src/network/index.js';
import { VirtXmlError } from '../src/xml/errors.js';
import { toJsonSchema } from '../src/xml/jsonschema.js';

const roundTrip = (xml: string, inactive = false) => formatNetworkXml(parseNetworkXml(xml), { inactive });

function parseError(xml: string): VirtXmlError {
  try {
  // strict: libvirt's parser refuses words and cases it does not know (virtxml's default keeps them)
    parseNetworkXml(xml, { strict: true });
  } catch (e) {
    expect(e).toBeInstanceOf(VirtXmlError);
    return e as VirtXmlError;
  }
  throw new Error('accepted');
}

const VF_POOL = `<network>
  <name>vfpool</name>
  <uuid>5b0f6c1e-55a3-4f3e-9d5e-0c1a2b3c4d5e</uuid>
  <forward mode='hostdev' managed='yes'>
    <driver name='vfio' group='auto'/>
    <address type='pci' domain='0x0000' bus='0x81' slot='0x10' function='0x0'/>
    <address type='pci' domain='0x0000' bus='0x81' slot='0x10' function='0x2'/>
  </forward>
</network>
`;

describe('hostdev forward with a PCI pool', () => {
  it('reads the driver with group=auto as groupMgmt and writes it back', () => {
    const def = parseNetworkXml(VF_POOL);
    expect(def.forward?.mode).toBe('hostdev');
    expect(def.forward?.managed).toBe(true);
    expect(def.forward?.driver).toEqual({ name: 'vfio', groupMgmt: 'auto' });
    expect(def.forward?.addresses?.map((a) => [a.bus, a.slot, a.function])).toEqual([
      [0x81, 0x10, 0],
      [0x81, 0x10, 2],
    ]);
    expect(formatNetworkXml(def)).toBe(VF_POOL);
    expect(formatNetworkXml(def, { inactive: true })).toBe(VF_POOL);
  });

  it('leaves group out for upstream libvirt when asked', () => {
    const out = formatNetworkXml(parseNetworkXml(VF_POOL), { stripExtensions: true });
    expect(out).toContain("<driver name='vfio'/>");
    expect(out).not.toContain('group=');
  });

  it('has no groupMgmt without group, and writes none', () => {
    const xml = VF_POOL.replace(" group='auto'", '');
    const def = parseNetworkXml(xml);
    expect(def.forward?.driver?.groupMgmt).toBeUndefined();
    expect(formatNetworkXml(def)).toBe(xml);
  });

  it("rejects group='bogus' with its place", () => {
    const e = parseError(VF_POOL.replace("group='auto'", "group='bogus'"));
    expect(e.code).toBe('invalid-value');
    expect(e.message).toContain('bogus');
    expect(e.line).toBe(5);
    expect(e.column).toBe(25);
    expect(e.path).toMatch(/\/forward\/driver\/@group$/);
  });

  it('always writes managed in hostdev mode, and reads only yes (any case) as true', () => {
    const unmanaged = VF_POOL.replace(" managed='yes'", '');
    expect(roundTrip(unmanaged)).toBe(VF_POOL.replace("managed='yes'", "managed='no'"));
    expect(parseNetworkXml(VF_POOL.replace("managed='yes'", "managed='YES'")).forward?.managed).toBe(true);
    expect(parseNetworkXml(VF_POOL.replace("managed='yes'", "managed='sure'")).forward?.managed).toBe(false);
  });

  it('never writes managed outside hostdev mode', () => {
    const xml = `<network><name>p</name><forward mode='passthrough' managed='yes'><interface dev='eth3'/></forward></network>`;
    expect(roundTrip(xml)).not.toContain('managed');
  });

  it('reads numbers like strtoul and writes them in hex', () => {
    const def = parseNetworkXml(VF_POOL.replace("bus='0x81' slot='0x10' function='0x0'", "bus='129' slot='020' function='1'"));
    expect(def.forward?.addresses?.[0]).toMatchObject({ bus: 0x81, slot: 0x10, function: 1 });
    expect(formatNetworkXml(def)).toContain("bus='0x81' slot='0x10' function='0x1'");
  });

  it('rejects a PCI device listed twice, at the second one', () => {
    const e = parseError(VF_POOL.replace("function='0x2'", "function='0x0'"));
    expect(e.code).toBe('duplicate');
    expect(e.detail).toBe("PCI device '0000:81:10.0' can only be listed once in network vfpool");
    expect(e.line).toBe(7);
    expect(e.path).toBe('/network/forward/address[2]');
  });

  it('rejects a pool address without type, and a type other than pci', () => {
    expect(parseError(VF_POOL.replace("<address type='pci' domain='0x0000' bus='0x81' slot='0x10' function='0x2'", "<address bus='0x81' slot='0x11'")).detail).toBe(
      'missing address type in network vfpool',
    );
    expect(parseError(VF_POOL.replace("type='pci'", "type='usb'")).detail).toContain("'usb'");
  });

  it('rejects an invalid PCI address', () => {
    expect(parseError(VF_POOL.replace("slot='0x10' function='0x0'", "slot='0x20' function='0x0'")).detail).toBe(
      "Invalid PCI address slot='0x20', must be <= 0x1F",
    );
  });

  it('writes a pool built in code with type and all four numbers', () => {
    const def: NetworkDef = { name: 'code', forward: { mode: 'hostdev', addresses: [{ bus: 3, slot: 0, function: 1 }] } };
    expect(formatNetworkXml(def)).toBe(`<network>
  <name>code</name>
  <forward mode='hostdev' managed='no'>
    <address type='pci' domain='0x0000' bus='0x03' slot='0x00' function='0x1'/>
  </forward>
</network>
`);
  });
});

describe('pf pool', () => {
  const LIVE = `<network connections='2'>
  <name>sriov</name>
  <forward mode='hostdev' managed='yes'>
    <pf dev='enp4s0f0'/>
    <address type='pci' domain='0x0000' bus='0x04' slot='0x10' function='0x0'/>
    <address type='pci' domain='0x0000' bus='0x04' slot='0x10' function='0x2'/>
  </forward>
</network>
`;

  it('writes the derived pool only in live XML', () => {
    const def = parseNetworkXml(LIVE);
    expect(def.forward?.pf).toEqual({ dev: 'enp4s0f0' });
    expect(def.forward?.addresses).toHaveLength(2);
    expect(formatNetworkXml(def)).toBe(LIVE);
    expect(formatNetworkXml(def, { inactive: true })).toBe(`<network>
  <name>sriov</name>
  <forward mode='hostdev' managed='yes'>
    <pf dev='enp4s0f0'/>
  </forward>
</network>
`);
  });

  it('keeps the driver before the pf', () => {
    const xml = LIVE.replace("    <pf dev='enp4s0f0'/>\n", "    <pf dev='enp4s0f0'/>\n").replace(
      "managed='yes'>\n",
      "managed='yes'>\n    <driver model='vfio-pci-igb'/>\n",
    );
    expect(roundTrip(xml, true)).toContain("<forward mode='hostdev' managed='yes'>\n    <driver model='vfio-pci-igb'/>\n    <pf dev='enp4s0f0'/>\n  </forward>");
  });

  it('allows one pf only', () => {
    const e = parseError(`<network>
  <name>twopf</name>
  <forward mode='passthrough'>
    <pf dev='eth0'/>
    <pf dev='eth1'/>
  </forward>
</network>`);
    expect(e.detail).toBe('Only one <pf> element is allowed in <forward> of network twopf');
    expect(e.line).toBe(5);
    expect(e.path).toBe('/network/forward/pf[2]');
  });

  it("rejects <forward dev> with a pf", () => {
    expect(parseError(`<network><name>x</name><forward mode='passthrough' dev='eth0'><pf dev='eth0'/></forward></network>`).detail).toBe(
      "the <forward> 'dev' attribute cannot be used when <address> or <pf> sub-elements are present",
    );
  });
});

describe('direct (macvtap) interface pool', () => {
  const LIVE = `<network connections='3'>
  <name>macvtap</name>
  <forward dev='eno1' mode='bridge'>
    <interface dev='eno1' connections='2'/>
    <interface dev='eno2'/>
    <interface dev='eno3' connections='1'/>
  </forward>
</network>
`;

  it('shows connections in live XML only, and only when > 0', () => {
    const def = parseNetworkXml(LIVE.replace("<interface dev='eno2'/>", "<interface dev='eno2' connections='0'/>"));
    expect(def.connections).toBe(3);
    expect(def.forward?.interfaces?.map((i) => i.connections)).toEqual([2, 0, 1]);
    expect(formatNetworkXml(def)).toBe(LIVE);
    expect(formatNetworkXml(def, { inactive: true })).toBe(`<network>
  <name>macvtap</name>
  <forward dev='eno1' mode='bridge'>
    <interface dev='eno1'/>
    <interface dev='eno2'/>
    <interface dev='eno3'/>
  </forward>
</network>
`);
  });

  it('stores <forward dev> once, as the first pool entry, and derives it back', () => {
    const def = parseNetworkXml(`<network><name>m</name><forward mode='vepa' dev='eno1'><interface dev='eno1'/><interface dev='eno2'/></forward></network>`);
    expect(def.forward?.dev).toBeUndefined();
    expect(def.forward?.interfaces?.map((i) => i.dev)).toEqual(['eno1', 'eno2']);
    const alone = parseNetworkXml(`<network><name>m</name><forward mode='private' dev='eno4'/></network>`);
    expect(alone.forward?.interfaces).toEqual([{ dev: 'eno4' }]);
    expect(formatNetworkXml(alone)).toContain("<forward dev='eno4' mode='private'>\n    <interface dev='eno4'/>\n  </forward>");
  });

  it('rejects a forward dev that is not the first interface', () => {
    const e = parseError(`<network>
  <name>m</name>
  <forward mode='vepa' dev='eno1'>
    <interface dev='eno2'/>
  </forward>
</network>`);
    expect(e.detail).toBe("<forward dev='eno1'> must match first <interface dev='eno2'/> in network m");
    expect(e.path).toBe('/network/forward/interface/@dev');
    expect([e.line, e.column]).toEqual([4, 16]);
  });

  it('rejects an interface listed twice, also through forward dev', () => {
    expect(parseError(`<network><name>m</name><forward mode='vepa' dev='a'><interface dev='a'/><interface dev='a'/></forward></network>`).detail).toBe(
      "interface 'a' can only be listed once in network m",
    );
  });

  it('types the pool', () => {
    expectTypeOf<NonNullable<NetworkForward['interfaces']>[number]>().toEqualTypeOf<NetworkForwardInterface>();
    expectTypeOf<NetworkForwardInterface['dev']>().toEqualTypeOf<string>();
    expectTypeOf<NetworkForward['mode']>().toEqualTypeOf<
      'nat' | 'route' | 'open' | 'bridge' | 'passthrough' | 'private' | 'vepa' | 'hostdev' | UnknownWord
    >();
  });
});

describe('portgroups', () => {
  const XML = `<network>
  <name>ovs</name>
  <forward mode='bridge'/>
  <bridge name='ovsbr0'/>
  <virtualport type='openvswitch'/>
  <portgroup name='trunked' default='yes'>
    <vlan trunk='yes'>
      <tag id='10' nativeMode='untagged'/>
      <tag id='20'/>
    </vlan>
    <virtualport>
      <parameters profileid='trunk-profile'/>
    </virtualport>
    <bandwidth>
      <inbound average='500' peak='1000' burst='256'/>
    </bandwidth>
  </portgroup>
  <portgroup name='plain' trustGuestRxFilters='no'>
  </portgroup>
</network>
`;

  it('round-trips vlan, virtualport and bandwidth, and writes an empty portgroup open', () => {
    const def = parseNetworkXml(XML);
    const pg: NetworkPortGroup | undefined = def.portgroups?.[0];
    expect(pg?.default).toBe(true);
    expect(pg?.vlan?.tags?.map((t) => t.id)).toEqual([10, 20]);
    expect(pg?.virtualport?.parameters?.profileid).toBe('trunk-profile');
    expect(pg?.bandwidth?.inbound?.average).toBe(500);
    expect(formatNetworkXml(def)).toBe(XML);
  });

  it("writes default only when yes (any case reads as yes)", () => {
    const def = parseNetworkXml(XML.replace("default='yes'", "default='Yes'").replace("name='plain'", "name='plain' default='no'"));
    expect(def.portgroups?.map((p) => p.default)).toEqual([true, false]);
    expect(formatNetworkXml(def)).toBe(XML);
  });
});

describe('nat', () => {
  const XML = `<network>
  <name>natted</name>
  <forward mode='nat'>
    <nat ipv6='yes'>
      <address start='203.0.113.10' end='203.0.113.20'/>
      <port start='1024' end='65000'/>
    </nat>
  </forward>
  <bridge name='virbr7' stp='on' delay='0'/>
  <ip address='10.7.0.1' prefix='24'>
    <dhcp>
      <range start='10.7.0.100' end='10.7.0.199'>
        <lease expiry='2' unit='hours'/>
      </range>
    </dhcp>
  </ip>
  <ip family='ipv6' address='fd00:7::1' prefix='64'/>
</network>
`;

  it('round-trips address and port ranges and the ipv6 flag', () => {
    const def = parseNetworkXml(XML);
    expect(def.forward?.nat).toMatchObject({ ipv6: true, address: { start: '203.0.113.10', end: '203.0.113.20' }, port: { start: 1024, end: 65000 } });
    expect(formatNetworkXml(def)).toBe(XML);
  });

  it('drops an empty <nat/>, and reads <forward/> as nat', () => {
    expect(roundTrip(XML.replace(/<forward mode='nat'>[\s\S]*?<\/forward>/, '<forward><nat/></forward>'))).toContain("  <forward mode='nat'/>\n");
  });

  it('rejects nat outside nat mode, and a port range ending before it starts', () => {
    expect(parseError(XML.replace("mode='nat'", "mode='route'")).detail).toBe(
      "The <nat> element can only be used when <forward> 'mode' is 'nat' in network natted",
    );
    const e = parseError(XML.replace("end='65000'", "end='80'"));
    expect(e.detail).toBe("Missing or invalid 'end' attribute in <port> in <nat> in <forward> in network natted");
    expect(e.path).toBe('/network/forward/nat/port/@end');
  });

  it('needs an IPv4 nat range', () => {
    expect(parseError(XML.replace("start='203.0.113.10'", "start='2001:db8::1'")).path).toBe('/network/forward/nat/address/@start');
  });

  it('needs an IP address for nat, route and open', () => {
    const noIp = XML.replace(/ {2}<ip[\s\S]*<\/ip>\n/, '').replace(/ {2}<ip [^\n]*\/>\n/g, '');
    expect(parseError(noIp).detail).toBe("nat forwarding requested, but no IP address provided for network 'natted'");
  });
});

describe('network element', () => {
  it('writes the bridge with stp and delay defaults for isolated networks', () => {
    const out = roundTrip(`<network><name>iso</name><ip address='192.0.2.1' netmask='255.255.255.0'/></network>`);
    expect(out).toBe(`<network>
  <name>iso</name>
  <bridge stp='on' delay='0'/>
  <ip address='192.0.2.1' netmask='255.255.255.0'/>
</network>
`);
  });

  it('canonicalises addresses as libvirt writes them', () => {
    const def = parseNetworkXml(`<network>
  <name>addr</name>
  <mac address='52:54:0:AB:cd:1'/>
  <ip family='ipv6' address='2001:0DB8:0000:0000:0000:0000:0000:0001' prefix='64'/>
  <ip address='10.1' netmask='255.255.255.0'/>
  <route family='ipv6' address='2001:db8:0:1:0:0:0:0' prefix='64' gateway='2001:db8::2' metric='0'/>
</network>`);
    expect(def.mac?.address).toBe('52:54:00:ab:cd:01');
    expect(def.ips?.map((i) => i.address)).toEqual(['2001:db8::1', '10.0.0.1']);
    expect(formatNetworkXml(def)).toContain("  <route family='ipv6' address='2001:db8:0:1::' prefix='64' gateway='2001:db8::2'/>\n");
  });

  it('keeps dnsmasq options and their namespace', () => {
    const xml = `<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>
  <name>dm</name>
  <bridge name='virbr9' stp='on' delay='0'/>
  <dnsmasq:options>
    <dnsmasq:option value='dhcp-authoritative'/>
    <dnsmasq:option value='log-queries'/>
  </dnsmasq:options>
</network>
`;
    const def = parseNetworkXml(xml);
    expect(def.dnsmasqOptions?.options?.map((o) => o.value)).toEqual(['dhcp-authoritative', 'log-queries']);
    expect(formatNetworkXml(def)).toBe(xml);
    const { $extra: _dropped, ...inCode } = def;
    expect(formatNetworkXml(inCode)).toBe(xml);
  });

  it('writes metadata with libxml2 quoting and keeps unknown content', () => {
    const xml = `<network future='1'>
  <name>meta</name>
  <metadata>
    <my:app xmlns:my="urn:example:app" tier="gold"/>
  </metadata>
  <bridge name='virbr3' stp='off' delay='2'/>
  <frobnicator level='3'/>
</network>
`;
    expect(roundTrip(xml)).toBe(xml);
  });

  it('writes the dns, domain and dhcp host records in libvirt order', () => {
    const xml = `<network>
  <name>dnsnet</name>
  <bridge name='virbr4' stp='on' delay='0'/>
  <domain name='lab.example' localOnly='yes'/>
  <dns enable='yes'>
    <forwarder domain='corp.example' addr='192.0.2.53'/>
    <txt name='info' value='lab network'/>
    <srv service='ldap' protocol='tcp' target='dir.lab.example' port='389'/>
    <host ip='192.168.50.10'>
      <hostname>printer</hostname>
    </host>
  </dns>
  <ip address='192.168.50.1' netmask='255.255.255.0' localPtr='yes'>
    <dhcp>
      <host mac='52:54:00:AA:00:01' name='vm1' ip='192.168.50.20'>
        <lease expiry='0'/>
      </host>
    </dhcp>
  </ip>
</network>
`;
    expect(roundTrip(xml)).toBe(xml);
    expect(parseNetworkXml(xml).ips?.[0]?.dhcp?.hosts?.[0]?.mac).toBe('52:54:00:AA:00:01');
  });

  it('applies the mode rules', () => {
    expect(parseError(`<network><name>b</name><forward mode='hostdev'/><bridge name='br0'/></network>`).detail).toBe(
      "bridge name not allowed in hostdev mode (network 'b')",
    );
    expect(parseError(`<network><name>b</name><forward mode='bridge'/><bridge name='br0' stp='on'/></network>`).detail).toBe(
      "bridge delay/stp options only allowed in route, nat, and isolated mode, not in bridge (network 'b')",
    );
    expect(parseError(`<network><name>b</name><forward mode='bridge' dev='eth0'/><bridge name='br0'/></network>`).detail).toBe(
      "A network with forward mode='bridge' can specify a bridge name or a forward dev, but not both (network 'b')",
    );
  });

  it('refuses a document whose root is not <network>', () => {
    const e = parseError(`<domain type='kvm'><name>x</name></domain>`);
    expect(e.code).toBe('xml-root');
    expect([e.line, e.column, e.path]).toEqual([1, 1, '/domain']);
  });

  it('has a JSON Schema', () => {
    const s = toJsonSchema(networkDef, 'https://virtxml.dev/network.json', 'libvirt network');
    expect(JSON.stringify(s)).toContain('"groupMgmt"');
  });
});

describe('properties', () => {
  const noise = fc.constantFrom('', '-1', 'bogus', "a'b<", '0x1f', 'YES');
  /** Mostly valid values of an attribute, rarely noise; undefined leaves the attribute out. */
  const pick = (...valid: string[]) =>
    fc.option(fc.oneof({ weight: 30, arbitrary: fc.constantFrom(...valid) }, { weight: 1, arbitrary: noise }), { nil: undefined });
  const a = (name: string, v: string | undefined) => (v === undefined ? '' : ` ${name}='${v.replace(/'/g, '&apos;').replace(/</g, '&lt;')}'`);
  const pool = fc.oneof(
    fc.constant(''),
    fc.array(pick('eth0', 'eth1', 'eth2'), { minLength: 1, maxLength: 3 }).map((l) => l.map((d) => `<interface${a('dev', d)}${a('connections', '2')}/>`).join('')),
    fc
      .array(fc.record({ bus: pick('3', '0x81', '017'), fn: pick('0', '1', '2') }), { minLength: 1, maxLength: 3 })
      .map((l) => l.map((x) => `<address type='pci'${a('bus', x.bus)} slot='1'${a('function', x.fn)}/>`).join('')),
    pick('eth5').map((d) => `<pf${a('dev', d)}/><interface dev='eth6'/>`),
    pick('eth5').map((d) => `<pf${a('dev', d)}/><address type='pci' bus='4' slot='16' function='1'/>`),
  );
  const ip = fc.constantFrom(
    '',
    "<ip address='10.0.0.1' prefix='24'/>",
    "<ip family='ipv6' address='2001:DB8::1' prefix='64'/>",
    "<ip family='ipv4' address='10.1' netmask='255.0.0.0'><dhcp><range start='10.0.0.2' end='10.0.0.9'/></dhcp></ip>",
  );
  const networkXml = fc
    .record({
      mode: pick('nat', 'route', 'open', 'bridge', 'passthrough', 'private', 'vepa', 'hostdev'),
      managed: pick('yes', 'no'),
      dev: fc.option(pick('eth0'), { nil: undefined, freq: 3 }),
      pool,
      driver: fc.constantFrom('', "<driver name='vfio'/>", "<driver name='vfio' group='auto'/>", "<driver model='vfio-pci-igb'/>"),
      conn: pick('0', '1', '5'),
      bridge: fc.option(fc.record({ name: pick('br0'), stp: pick('on', 'off'), delay: pick('0', '2') }), { nil: undefined }),
      ip,
      ipv6: pick('yes', 'no'),
    })
    .map((r) => {
      const forward =
        r.mode || r.dev || r.pool || r.driver ? `<forward${a('mode', r.mode)}${a('dev', r.dev)}${a('managed', r.managed)}>${r.driver}${r.pool}</forward>` : '';
      const bridge = r.bridge ? `<bridge${a('name', r.bridge.name)}${a('stp', r.bridge.stp)}${a('delay', r.bridge.delay)}/>` : '';
      return `<network${a('connections', r.conn)}${a('ipv6', r.ipv6)}><name>prop</name>${forward}${bridge}${r.ip}</network>`;
    });

  it('parse throws only VirtXmlError, and format is a fixed point in live and inactive XML', () => {
    let accepted = 0;
    fc.assert(
      fc.property(networkXml, fc.boolean(), (xml, inactive) => {
        let def: NetworkDef;
        try {
          def = parseNetworkXml(xml);
        } catch (e) {
          expect(e).toBeInstanceOf(VirtXmlError);
          return;
        }
        accepted++;
        const once = formatNetworkXml(def, { inactive });
        expect(formatNetworkXml(parseNetworkXml(once), { inactive })).toBe(once);
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(300);
  });
});
