import { describe, expect, it } from 'vitest';
import { formatInterfaceXml, isHostInterface, parseInterfaceXml } from '../src/iface/index.js';
import { parseXml } from '../src/kinds.js';
import { readXml } from '../src/xml/reader.js';

describe('host <interface>', () => {
  it("writes libvirt's element order and end tags (answers of libvirt 12.9)", () => {
    const def = parseInterfaceXml(`<interface type='ethernet' name='eth0'>
  <mac address='AA:bb:cc:dd:ee:ff'/>
  <link state='up' speed='100'/>
  <protocol family='ipv6'><route gateway='::1'/><ip address='::2' prefix='64'/><dhcp peerdns='yes'/><autoconf/></protocol>
  <protocol family='ipv4'><route gateway='1.2.3.4'/><ip address='1.2.3.5'/><ip address='1.2.3.6' prefix='8'/></protocol>
  <mtu size='9000'/>
  <start mode='hotplug'/>
</interface>`);
    expect(formatInterfaceXml(def)).toBe(`<interface type='ethernet' name='eth0'>
  <start mode='hotplug'/>
  <mtu size='9000'/>
  <protocol family='ipv6'>
    <autoconf/>
    <dhcp peerdns='yes'/>
    <ip address='::2' prefix='64'/>
    <route gateway='::1'/>
  </protocol>
  <protocol family='ipv4'>
    <ip address='1.2.3.5'/>
    <ip address='1.2.3.6' prefix='8'/>
    <route gateway='1.2.3.4'/>
  </protocol>
  <link speed='100' state='up'/>
  <mac address='AA:bb:cc:dd:ee:ff'/>
</interface>
`);
  });

  it("reads only what libvirt reads of a bridge's and a bond's interfaces", () => {
    const def = parseInterfaceXml(`<interface type='bridge' name='br0'><bridge delay='1.50' stp='on'><interface type='bond' name='bond0'><link speed='10'/><bond mode='balance-rr'><miimon freq='10' downdelay='5' carrier='netif'/><interface type='ethernet' name='eth1'><mac address='00:11:22:33:44:55'/></interface></bond></interface></bridge><start mode='onboot'/></interface>`);
    expect(formatInterfaceXml(def)).toBe(`<interface type='bridge' name='br0'>
  <start mode='onboot'/>
  <bridge stp='on' delay='1.50'>
    <interface type='bond' name='bond0'>
      <link speed='10'/>
      <bond mode='balance-rr'>
        <miimon freq='10' downdelay='5' carrier='netif'/>
        <interface type='ethernet' name='eth1'>
          <mac address='00:11:22:33:44:55'/>
        </interface>
      </bond>
    </interface>
  </bridge>
</interface>
`);
  });

  it('refuses what libvirt refuses, with a place', () => {
    expect(() => parseInterfaceXml(`<interface type='ethernet'/>`)).toThrow(/name/);
    expect(() => parseInterfaceXml(`<interface type='bond' name='b'>\n<bond mode='weird'/></interface>`, { strict: true })).toThrow(/2:/);
    expect(() => parseInterfaceXml(`<interface type='bond' name='b'><bond><miimon/></bond></interface>`)).toThrow(/freq/);
  });

  it('is told from a domain interface snippet by content', () => {
    const host = (x: string) => isHostInterface(readXml(x).root);
    expect(host(`<interface type='ethernet' name='eth0'/>`)).toBe(true);
    expect(host(`<interface type='bridge' name='br0'><bridge/></interface>`)).toBe(true);
    expect(host(`<interface type='vlan' name='v'><vlan tag='4'><interface name='e'/></vlan></interface>`)).toBe(true);
    expect(host(`<interface type='bridge'><source bridge='br0'/><model type='virtio'/></interface>`)).toBe(false);
    expect(host(`<interface type='ethernet'><target dev='tap0'/></interface>`)).toBe(false);
    expect(host(`<interface type='network'><source network='default'/></interface>`)).toBe(false);
    expect(parseXml(`<interface type='ethernet' name='eth0'>\n</interface>`).kind).toBe('iface');
    expect(parseXml(`<interface type='bridge'><source bridge='br0'/></interface>`).kind).toBe('interface');
    // --kind overrides the rule: read as a host interface, the snippet lacks its name
    expect(() => parseXml(`<interface type='bridge'><source bridge='br0'/></interface>`, { kind: 'iface' })).toThrow(/Missing required attribute 'name'/);
  });
});
