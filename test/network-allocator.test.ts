/**
 * The allocator for every forward mode (libvirt-semantics.md §2, scenarios
 * of §6.6): ports in and out, §2.3 merges, device choice per mode, QoS
 * floors, reclaim after a restart, release, hooks, PF pools read through a
 * PCI host. Fixtures are written here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  NetworkAllocator,
  formatNetworkPortXml,
  formatNetworkXml,
  parseNetworkPortXml,
  parseNetworkXml,
  pciNetworkHost,
  portToActual,
  type NetworkPortDef,
} from '../src/network/index.js';
import { parseDomainXml, type NetworkInterface } from '../src/domain/index.js';
import { PciHostError } from '../src/pci/host.js';
import { MemoryPciHost } from '../src/pci/memory-host.js';
import { SysfsHost } from '../src/pci/sysfs.js';
import { writeSysfsTree } from './helpers/sysfs-tree.js';
import type { PciTopology } from '../src/pci/topology.js';
import { VirtXmlError } from '../src/xml/errors.js';
import { xmlNameOf } from '../src/xml/decl.js';
import { networkForward } from '../src/network/forward.js';

function seq(prefix = '00000000-0000-4000-8000-') {
  let n = 0;
  return () => `${prefix}${(++n).toString(16).padStart(12, '0')}`;
}

const DOM = { name: 'vm1', uuid: 'd54df46f-1ab5-4a22-8618-4560ef5fac2c' };

/** `<interface type='network'>` with the given extra XML. */
function nic(network: string, extra = '', mac = '52:54:00:7b:35:93', source = ''): NetworkInterface {
  const d = parseDomainXml(`<domain type='kvm'><name>vm1</name><devices><interface type='network'><mac address='${mac}'/><source network='${network}'${source}/>${extra}</interface></devices></domain>`);
  return d.devices!.interfaces![0] as NetworkInterface;
}

function error(fn: () => unknown): VirtXmlError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(VirtXmlError);
    return e as VirtXmlError;
  }
  throw new Error('expected an error');
}

function allocatorFor(xml: string, options: ConstructorParameters<typeof NetworkAllocator>[0] = {}) {
  const a = new NetworkAllocator({ newUuid: seq(), ...options });
  const net = parseNetworkXml(xml);
  a.addNetwork(net);
  return { a, name: net.name };
}

const macvtap = (mode: string, devs: number, extra = '') => `<network>
  <name>mv</name>
  <forward mode='${mode}'>
${Array.from({ length: devs }, (_, i) => `    <interface dev='eth${i}'/>\n`).join('')}  </forward>
${extra}</network>`;

const hostdevNet = (vfs: number, forward = "managed='yes'", driver = "<driver name='vfio' group='auto'/>") => `<network>
  <name>hd</name>
  <forward mode='hostdev' ${forward}>
    ${driver}
${Array.from({ length: vfs }, (_, i) => `    <address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x${i}'/>\n`).join('')}  </forward>
</network>`;

describe('ports: allocatePort gives a <networkport> with its plug', () => {
  it('hostdev: first free VF, network driver with groupMgmt, managed, as libvirt writes the port', () => {
    const { a } = allocatorFor(hostdevNet(2));
    const port = a.allocatePort(DOM, nic('hd'));
    expect(formatNetworkPortXml(port)).toBe(`<networkport>
  <uuid>00000000-0000-4000-8000-000000000001</uuid>
  <owner>
    <name>vm1</name>
    <uuid>d54df46f-1ab5-4a22-8618-4560ef5fac2c</uuid>
  </owner>
  <mac address='52:54:00:7b:35:93'/>
  <plug type='hostdev-pci' managed='yes'>
    <driver name='vfio' group='auto'/>
    <address domain='0x0000' bus='0x03' slot='0x10' function='0x0'/>
  </plug>
</networkport>
`);
    expect(formatNetworkPortXml(port, { stripExtensions: true })).toContain("<driver name='vfio'/>");
    expect(portToActual(port)).toEqual({
      type: 'hostdev',
      managed: true,
      driver: { name: 'vfio', groupMgmt: 'auto' },
      source: { address: { type: 'pci', domain: 0, bus: 3, slot: 0x10, function: 0 } },
    });
    // the port round-trips through its XML and is kept by the network
    expect(parseNetworkPortXml(formatNetworkPortXml(port))).toEqual(port);
    expect(a.ports('hd')).toEqual([port]);
    expect(a.port('hd', port.uuid)).toEqual(port);
  });

  it("hostdev: managed='no' when the network says anything but yes", () => {
    const { a } = allocatorFor(hostdevNet(1, '', "<driver model='vfio-pci-igb'/>"));
    const port = a.allocatePort(DOM, nic('hd'));
    expect(port.plug).toMatchObject({ type: 'hostdev-pci', managed: false, driver: { model: 'vfio-pci-igb' } });
    expect(formatNetworkPortXml(port)).toContain("<plug type='hostdev-pci' managed='no'>");
  });

  it("hostdev: each attribute the forward <driver> declares, set alone, goes to the plug; an empty <driver> does not", () => {
    const samples: Record<string, string> = { name: 'vfio', model: 'vfio-pci-igb', group: 'auto', iommufd: 'yes' };
    const declared = Object.entries(networkForward.fields.driver.decl.fields).flatMap(([k, f]) => (f.kind === 'attr' ? [xmlNameOf(k, f)] : []));
    expect(Object.keys(samples).sort()).toEqual([...declared].sort());
    for (const [attr, v] of Object.entries(samples)) {
      const { a } = allocatorFor(hostdevNet(1, "managed='yes'", `<driver ${attr}='${v}'/>`));
      const port = a.allocatePort(DOM, nic('hd'));
      expect(formatNetworkPortXml(port), attr).toContain(`<driver ${attr}='${v}'/>`);
    }
    const { a } = allocatorFor(hostdevNet(1, "managed='yes'", '<driver/>'));
    expect(a.allocatePort(DOM, nic('hd')).plug).not.toHaveProperty('driver');
  });

  it('network and bridge plugs carry the bridge and its MAC table manager', () => {
    const nat = allocatorFor(`<network><name>n</name><forward mode='nat'/><bridge name='virbr0' macTableManager='libvirt'/><ip address='192.168.122.1' prefix='24'/></network>`);
    expect(nat.a.allocatePort(DOM, nic('n')).plug).toEqual({ type: 'network', bridge: 'virbr0', macTableManager: 'libvirt' });
    const br = allocatorFor(`<network><name>b</name><forward mode='bridge'/><bridge name='br0'/></network>`);
    const port = br.a.allocatePort(DOM, nic('b'));
    expect(port.plug).toEqual({ type: 'bridge', bridge: 'br0' });
    expect(portToActual(port)).toEqual({ type: 'bridge', source: { bridge: 'br0' } });
  });

  it('createPort: a parsed port request is allocated; reclaim needs the flag and a plug', () => {
    const { a } = allocatorFor(macvtap('vepa', 2));
    const request = parseNetworkPortXml(`<networkport>
  <uuid>5d744f21-ba4a-4d6e-bdb2-30a35ff3207d</uuid>
  <owner><name>memtest</name><uuid>d54df46f-1ab5-4a22-8618-4560ef5fac2c</uuid></owner>
  <mac address='52:54:00:7b:35:93'/>
</networkport>`);
    const port = a.createPort('mv', request);
    expect(port.plug).toEqual({ type: 'direct', dev: 'eth0', mode: 'vepa' });
    expect(request.plug).toBeUndefined();
    expect(error(() => a.createPort('mv', request)).detail).toBe('Network port with UUID 5d744f21-ba4a-4d6e-bdb2-30a35ff3207d already exists');
    expect(error(() => a.createPort('mv', { ...request, uuid: '5d744f21-ba4a-4d6e-bdb2-30a35ff3207e' }, { reclaim: true })).detail).toBe(
      'Port reclaim requested but plug type is none',
    );
    expect(error(() => a.createPort('mv', { ...port, uuid: '5d744f21-ba4a-4d6e-bdb2-30a35ff3207e' })).detail).toBe(
      'Port reclaim not requested but plug type is not none',
    );
    a.releasePort('mv', port.uuid);
    expect(a.connections('mv')).toBe(0);
    expect(error(() => a.releasePort('mv', port.uuid)).detail).toBe(
      "Network port not found: no network port with matching uuid '5d744f21-ba4a-4d6e-bdb2-30a35ff3207d'",
    );
  });

  it('generates what a def built in code lacks: a MAC (set on the interface) and one owner uuid per domain', () => {
    const { a } = allocatorFor(macvtap('bridge', 1), { newMac: () => '52:54:00:00:00:aa' });
    const iface = nic('mv');
    delete iface.mac;
    a.allocate({ name: 'nouuid' }, iface);
    expect(iface.mac).toEqual({ address: '52:54:00:00:00:aa' });
    const [p1] = a.ports('mv');
    a.allocate({ name: 'nouuid' }, nic('mv'));
    expect(a.ports('mv')[1]!.owner.uuid).toBe(p1!.owner.uuid);
  });
});

describe('hostdev networks (§6.6)', () => {
  it('takes VFs first free in pool order, release frees the same entry, exhaustion is an error', () => {
    const { a } = allocatorFor(hostdevNet(3));
    const ports = [0, 1, 2].map(() => a.allocatePort(DOM, nic('hd')));
    expect(ports.map((p) => p.plug?.type === 'hostdev-pci' && p.plug.address?.function)).toEqual([0, 1, 2]);
    const e = error(() => a.allocatePort(DOM, nic('hd')));
    expect([e.code, e.detail]).toEqual(['network-exhausted', "network 'hd' requires exclusive access to interfaces, but none are available"]);
    a.releasePort('hd', ports[1]!.uuid);
    expect(a.poolUsage('hd').map((u) => u.connections)).toEqual([1, 0, 1]);
    const again = a.allocatePort(DOM, nic('hd'));
    expect(again.plug?.type === 'hostdev-pci' && again.plug.address?.function).toBe(1);
    expect(a.connections('hd')).toBe(3);
  });

  it('refuses bandwidth, and virtualports other than 802.1Qbg/Qbh', () => {
    const { a } = allocatorFor(hostdevNet(2));
    expect(error(() => a.allocatePort(DOM, nic('hd', "<bandwidth><inbound average='10'/></bandwidth>"))).detail).toBe(
      'bandwidth settings are not supported for hostdev interfaces',
    );
    expect(error(() => a.allocatePort(DOM, nic('hd', "<virtualport type='openvswitch'/>"))).detail).toBe(
      "<virtualport type='openvswitch'> not supported for network 'hd' which uses an SR-IOV Virtual Function via PCI passthrough",
    );
    const vlan = a.allocatePort(DOM, nic('hd', "<vlan><tag id='42'/></vlan>"));
    expect(formatNetworkPortXml(vlan)).toContain("<vlan>\n    <tag id='42'/>\n  </vlan>");
    expect(a.connections('hd')).toBe(1);
  });

  it('reclaims a port after a restart and refuses a VF another port holds', () => {
    const { a } = allocatorFor(hostdevNet(2));
    const port = a.allocatePort(DOM, nic('hd'));
    const restarted = allocatorFor(hostdevNet(2), { newUuid: seq('10000000-0000-4000-8000-') }).a;
    restarted.notifyPort('hd', port);
    expect(restarted.poolUsage('hd').map((u) => u.connections)).toEqual([1, 0]);
    const e = error(() => restarted.notifyPort('hd', { ...port, uuid: '11111111-2222-3333-4444-555555555555' }));
    expect(e.detail).toBe("network 'hd' claims the PCI device at domain=0 bus=3 slot=16 function=0 is already in use by a different network port");
    // the next allocation skips the reclaimed VF
    expect(restarted.allocatePort(DOM, nic('hd')).plug).toMatchObject({ address: { function: 1 } });
  });

  it('refuses a hostdev network listing netdevs, as networkValidate does', () => {
    const a = new NetworkAllocator();
    a.addNetwork({ name: 'bad', forward: { mode: 'hostdev', interfaces: [{ dev: 'eth0' }] } });
    expect(error(() => a.allocatePort(DOM, nic('bad'))).detail).toMatch(/^hostdev network 'bad' lists 'eth0' in the device pool/);
  });
});

describe('macvtap networks (§6.6)', () => {
  it('shared modes take the least used device, ties to the earliest', () => {
    const { a } = allocatorFor(macvtap('vepa', 3));
    const devs = () => a.allocatePort(DOM, nic('mv')).plug;
    expect([1, 2, 3, 4, 5].map(() => (devs() as { dev: string }).dev)).toEqual(['eth0', 'eth1', 'eth2', 'eth0', 'eth1']);
    const [first] = a.ports('mv');
    a.releasePort('mv', first!.uuid); // eth0: 1, eth1: 2, eth2: 1
    expect((devs() as { dev: string }).dev).toBe('eth0');
    expect(formatNetworkXml(a.liveNetwork('mv'))).toBe(`<network connections='5'>
  <name>mv</name>
  <forward dev='eth0' mode='vepa'>
    <interface dev='eth0' connections='2'/>
    <interface dev='eth1' connections='2'/>
    <interface dev='eth2' connections='1'/>
  </forward>
</network>
`);
  });

  it('bridge mode without a bridge name is macvtap bridge mode', () => {
    const { a } = allocatorFor(macvtap('bridge', 2));
    a.allocatePort(DOM, nic('mv'));
    expect(a.allocatePort(DOM, nic('mv')).plug).toEqual({ type: 'direct', dev: 'eth1', mode: 'bridge' });
  });

  it('passthrough is exclusive', () => {
    const { a } = allocatorFor(macvtap('passthrough', 2));
    expect([0, 1].map(() => (a.allocatePort(DOM, nic('mv')).plug as { dev: string }).dev)).toEqual(['eth0', 'eth1']);
    expect(error(() => a.allocatePort(DOM, nic('mv'))).code).toBe('network-exhausted');
  });

  it('private is exclusive only with an 802.1Qbh profile', () => {
    const qbh = "<virtualport type='802.1Qbh'><parameters profileid='p'/></virtualport>";
    const { a } = allocatorFor(macvtap('private', 2));
    a.allocatePort(DOM, nic('mv')); // shared: eth0 has 1
    expect((a.allocatePort(DOM, nic('mv', qbh)).plug as { dev: string }).dev).toBe('eth1');
    expect(error(() => a.allocatePort(DOM, nic('mv', qbh))).detail).toBe("network 'mv' requires exclusive access to interfaces, but none are available");
    expect((a.allocatePort(DOM, nic('mv')).plug as { dev: string }).dev).toBe('eth0');
  });

  it('needs a pool, and refuses PCI addresses', () => {
    const none = allocatorFor(`<network><name>mv</name><forward mode='vepa'/></network>`).a;
    expect(error(() => none.allocatePort(DOM, nic('mv'))).detail).toBe("network 'mv' uses a direct mode, but has no forward dev and no interface pool");
    const pci = new NetworkAllocator();
    pci.addNetwork({ name: 'p', forward: { mode: 'passthrough', addresses: [{ type: 'pci', bus: 3, slot: 1, function: 0 }] } });
    expect(error(() => pci.allocatePort(DOM, nic('p'))).detail).toMatch(/^network 'p' has forward mode 'passthrough' {2}but lists a device by PCI address/);
  });

  it('reclaims a shared device, refuses an exclusive one in use and a device not in the pool', () => {
    const shared = allocatorFor(macvtap('vepa', 1)).a;
    const port: NetworkPortDef = { uuid: '5d744f21-ba4a-4d6e-bdb2-30a35ff3207d', owner: { name: 'vm1', uuid: DOM.uuid }, mac: { address: '52:54:00:7b:35:93' }, plug: { type: 'direct', dev: 'eth0', mode: 'vepa' } };
    shared.notifyPort('mv', port);
    shared.notifyPort('mv', { ...port, uuid: '5d744f21-ba4a-4d6e-bdb2-30a35ff3207e' });
    expect(shared.poolUsage('mv')).toEqual([{ device: 'eth0', connections: 2 }]);
    const excl = allocatorFor(macvtap('passthrough', 1)).a;
    excl.notifyPort('mv', port);
    expect(error(() => excl.notifyPort('mv', { ...port, uuid: '5d744f21-ba4a-4d6e-bdb2-30a35ff3207e' })).detail).toBe(
      "network 'mv' claims dev='eth0' is already in use by a different port",
    );
    expect(error(() => excl.notifyPort('mv', { ...port, uuid: '5d744f21-ba4a-4d6e-bdb2-30a35ff3207f', plug: { type: 'direct', dev: 'eth9', mode: 'vepa' } })).detail).toBe(
      "network 'mv' doesn't have dev='eth9' in use by network port '5d744f21-ba4a-4d6e-bdb2-30a35ff3207f'",
    );
  });
});

describe('§2.3 merges', () => {
  const OVS = `<network>
  <name>ovs</name>
  <forward mode='bridge'/>
  <bridge name='ovsbr0'/>
  <virtualport type='openvswitch'/>
  <vlan><tag id='7'/></vlan>
  <port isolated='yes'/>
  <portgroup name='dflt' default='yes' trustGuestRxFilters='yes'>
    <vlan trunk='yes'><tag id='10'/><tag id='20'/></vlan>
    <virtualport><parameters profileid='dflt-profile'/></virtualport>
  </portgroup>
  <portgroup name='plain'>
  </portgroup>
</network>`;

  it('default portgroup: its vlan, trust, virtualport; the network isolated; an interfaceid generated', () => {
    const { a } = allocatorFor(OVS);
    const port = a.allocatePort(DOM, nic('ovs'));
    expect(port.vlan?.tags?.map((t) => t.id)).toEqual([10, 20]);
    expect(port.rxfilters).toEqual({ trustGuest: true });
    expect(port.port).toEqual({ isolated: true });
    expect(port.virtualport).toEqual({ type: 'openvswitch', parameters: { profileid: 'dflt-profile', interfaceid: '00000000-0000-4000-8000-000000000002' } });
    expect(portToActual(port)).toMatchObject({ type: 'bridge', trustGuestRxFilters: true, port: { isolated: true }, vlan: { trunk: true } });
  });

  it("a named portgroup without vlan falls back to the network's; the interface's own settings win", () => {
    const { a } = allocatorFor(OVS);
    const port = a.allocatePort(DOM, nic('ovs', "<vlan><tag id='99'/></vlan><port isolated='no'/>", undefined, " portgroup='plain'"));
    expect(port.group).toBe('plain');
    expect(port.vlan?.tags?.map((t) => t.id)).toEqual([99]);
    expect(port.port).toEqual({ isolated: false });
    expect(a.allocatePort(DOM, nic('ovs', '', '52:54:00:00:00:02', " portgroup='plain'")).vlan?.tags?.map((t) => t.id)).toEqual([7]);
    // an unknown portgroup is no portgroup, and no error
    expect(a.allocatePort(DOM, nic('ovs', '', '52:54:00:00:00:03', " portgroup='nope'")).vlan?.tags?.map((t) => t.id)).toEqual([7]);
  });

  it('virtualport conflicts are errors', () => {
    const { a } = allocatorFor(OVS);
    expect(error(() => a.allocatePort(DOM, nic('ovs', "<virtualport><parameters profileid='other'/></virtualport>"))).detail).toBe(
      'attempt to merge virtualports with mismatched profileids (other and dflt-profile)',
    );
    expect(error(() => a.allocatePort(DOM, nic('ovs', "<virtualport type='802.1Qbh'/>"))).detail).toBe(
      'attempt to merge virtualports with mismatched types (802.1Qbh and openvswitch)',
    );
  });

  it('IP-forwarding networks take no virtualport, not even an untyped one', () => {
    const { a } = allocatorFor(`<network><name>n</name><bridge name='virbr0'/><ip address='10.0.0.1' prefix='24'/></network>`);
    expect(error(() => a.allocatePort(DOM, nic('n', "<virtualport><parameters instanceid='09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f'/></virtualport>"))).detail).toBe(
      "<virtualport type='none'> not supported for network 'n' which uses IP forwarding",
    );
    expect(error(() => a.allocatePort(DOM, nic('n', "<vlan><tag id='3'/></vlan>"))).detail).toBe(
      "an interface connecting to network 'n' is requesting a vlan tag, but that is not supported for this type of network",
    );
  });

  it('an incomplete 802.1Qbg profile is an error; the instance id is generated', () => {
    const { a } = allocatorFor(macvtap('vepa', 1, "<virtualport type='802.1Qbg'><parameters managerid='11' typeid='1193047'/></virtualport>\n"));
    expect(error(() => a.allocatePort(DOM, nic('mv'))).detail).toBe("missing typeidversion in <virtualport type='802.1Qbg'>");
    const ok = a.allocatePort(DOM, nic('mv', "<virtualport type='802.1Qbg'><parameters typeidversion='2'/></virtualport>"));
    expect(ok.virtualport?.parameters).toEqual({ managerid: 11, typeid: 1193047, typeidversion: 2, instanceid: '00000000-0000-4000-8000-000000000003' });
  });

  it('bandwidth comes from the portgroup when the interface has none', () => {
    const { a } = allocatorFor(`<network><name>n</name><bridge name='virbr0'/><ip address='10.0.0.1' prefix='24'/>
      <portgroup name='g' default='yes'><bandwidth><outbound average='128'/></bandwidth></portgroup></network>`);
    expect(a.allocatePort(DOM, nic('n')).bandwidth).toEqual({ outbound: { average: 128 } });
    expect(a.allocatePort(DOM, nic('n', "<bandwidth><outbound average='64'/></bandwidth>")).bandwidth).toEqual({ outbound: { average: 64 } });
  });
});

describe('QoS floor', () => {
  const QOS = `<network><name>q</name><forward mode='nat'/><bridge name='virbr0'/>
    <bandwidth><inbound average='1000' peak='2000'/></bandwidth><ip address='10.0.0.1' prefix='24'/></network>`;
  const floor = (n: number) => `<bandwidth><inbound average='100' floor='${n}'/></bandwidth>`;

  it('gives class ids from 3, refuses to overcommit the peak, frees on release', () => {
    const { a } = allocatorFor(QOS);
    const p1 = a.allocatePort(DOM, nic('q', floor(1500)));
    expect(p1.bandwidth?.classID).toBe(3);
    expect(a.allocatePort(DOM, nic('q', '')).bandwidth).toBeUndefined();
    expect(error(() => a.allocatePort(DOM, nic('q', floor(600), '52:54:00:00:00:09'))).detail).toBe(
      "Cannot plug '52:54:00:00:00:09' interface into 'virbr0' because it would overcommit 'peak' on network 'q'",
    );
    const p2 = a.allocatePort(DOM, nic('q', floor(500)));
    expect(p2.bandwidth?.classID).toBe(4);
    expect(portToActual(p2)).toMatchObject({ type: 'network', class: { id: 4 }, bandwidth: { inbound: { floor: 500 } } });
    expect(formatNetworkPortXml(p2)).toContain("<bandwidth classID='4'>");
    a.releasePort('q', p1.uuid);
    expect(a.allocatePort(DOM, nic('q', floor(1500))).bandwidth?.classID).toBe(3);
  });

  it("refuses a floor where libvirt does", () => {
    const noQos = allocatorFor(`<network><name>n</name><bridge name='virbr0'/><ip address='10.0.0.1' prefix='24'/></network>`).a;
    expect(error(() => noQos.allocatePort(DOM, nic('n', floor(10)))).detail).toBe(
      "Invalid use of 'floor' on interface with MAC address 52:54:00:7b:35:93 - network 'n' has no inbound QoS set",
    );
    const br = allocatorFor(`<network><name>b</name><forward mode='bridge'/><bridge name='br0'/></network>`).a;
    expect(error(() => br.allocatePort(DOM, nic('b', floor(10)))).detail).toMatch(/^Invalid use of 'floor' on interface with MAC address 52:54:00:7b:35:93 - 'floor' is only supported/);
  });
});

describe('hooks', () => {
  it('a failing port-created hook undoes the allocation; port-deleted failures are ignored', () => {
    const events: string[] = [];
    let refuse = true;
    const { a } = allocatorFor(hostdevNet(1), {
      hook: (event, _net, port) => {
        events.push(`${event} ${port.uuid}`);
        if (refuse && event === 'port-created') throw new Error('hook says no');
        if (event === 'port-deleted') throw new Error('ignored');
      },
    });
    expect(() => a.allocatePort(DOM, nic('hd'))).toThrow('hook says no');
    expect([a.connections('hd'), a.poolUsage('hd')[0]!.connections, a.ports('hd').length]).toEqual([0, 0, 0]);
    refuse = false;
    const port = a.allocatePort(DOM, nic('hd'));
    a.releasePort('hd', port.uuid);
    expect(events).toEqual([
      'port-created 00000000-0000-4000-8000-000000000001',
      `port-created ${port.uuid}`,
      `port-deleted ${port.uuid}`,
    ]);
  });
});

describe('PF pools through a PCI host', () => {
  const topology: PciTopology = {
    drivers: [
      { name: 'igb', ids: [[0x8086, 0x10c9]] },
      { name: 'igbvf', ids: [[0x8086, 0x10ca]] },
      { name: 'vfio-pci' },
    ],
    devices: [
      { address: '0000:03:00.0', vendor: 0x8086, device: 0x10c9, class: 0x020000, driver: 'igb', netdevs: ['enp3s0f0'], iommuGroup: 1 },
      { address: '0000:03:10.0', vendor: 0x8086, device: 0x10ca, class: 0x020000, driver: 'igbvf', netdevs: ['enp3s0f0v0'], physfn: '0000:03:00.0', iommuGroup: 2 },
      { address: '0000:03:10.2', vendor: 0x8086, device: 0x10ca, class: 0x020000, driver: 'vfio-pci', netdevs: ['enp3s0f0v1'], vfioDev: true, physfn: '0000:03:00.0', iommuGroup: 3 },
      { address: '0000:03:10.4', vendor: 0x8086, device: 0x10ca, class: 0x020000, driver: 'igbvf', netdevs: ['enp3s0f0v2'], physfn: '0000:03:00.0', iommuGroup: 4 },
    ],
  };
  const host = () => pciNetworkHost(new MemoryPciHost(topology));

  it('maps the PF netdev to its VFs and their netdevs', () => {
    expect(host().virtualFunctions('enp3s0f0')).toEqual([
      { address: '0000:03:10.0', netdev: 'enp3s0f0v0' },
      { address: '0000:03:10.2' },
      { address: '0000:03:10.4', netdev: 'enp3s0f0v2' },
    ]);
    expect(host().virtualFunctions('nope')).toEqual([]); // libvirt finds no …/device/virtfn0
    expect(host().virtualFunctions('enp3s0f0v0')).toEqual([]); // a VF is no PF
  });

  it('reads the same from a sysfs tree (SysfsHost with a root)', () => {
    const root = mkdtempSync(join(tmpdir(), 'virtxml-net-'));
    try {
      writeSysfsTree(root, topology);
      expect(pciNetworkHost(new SysfsHost({ root })).virtualFunctions('enp3s0f0')).toEqual(host().virtualFunctions('enp3s0f0'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('hostdev mode pools every VF; macvtap modes only VFs with a netdev', () => {
    const hd = new NetworkAllocator({ host: host(), newUuid: seq() });
    hd.addNetwork(parseNetworkXml(`<network><name>hd</name><forward mode='hostdev' managed='yes'><pf dev='enp3s0f0'/></forward></network>`));
    expect(hd.poolUsage('hd').map((u) => u.device)).toEqual(['0000:03:10.0', '0000:03:10.2', '0000:03:10.4']);
    const mv = new NetworkAllocator({ host: host(), newUuid: seq() });
    mv.addNetwork(parseNetworkXml(`<network><name>mv</name><forward mode='passthrough'><pf dev='enp3s0f0'/></forward></network>`));
    expect([0, 1].map(() => (mv.allocatePort(DOM, nic('mv')).plug as { dev: string }).dev)).toEqual(['enp3s0f0v0', 'enp3s0f0v2']);
    const live = formatNetworkXml(mv.liveNetwork('mv'));
    expect(live).toContain("<pf dev='enp3s0f0'/>\n    <interface dev='enp3s0f0v0' connections='1'/>");
    expect(formatNetworkXml(mv.liveNetwork('mv'), { inactive: true })).not.toContain('<interface');
    const bad = new NetworkAllocator({ host: host() });
    bad.addNetwork(parseNetworkXml(`<network><name>x</name><forward mode='hostdev'><pf dev='eth9'/></forward></network>`));
    expect(error(() => bad.allocatePort(DOM, nic('x'))).detail).toBe("No usable Vf's present on SRIOV PF eth9");
    const notPf = new NetworkAllocator({ host: host() });
    notPf.addNetwork(parseNetworkXml(`<network><name>x</name><forward mode='hostdev'><pf dev='enp3s0f0v2'/></forward></network>`));
    expect(error(() => notPf.allocatePort(DOM, nic('x'))).detail).toBe("No usable Vf's present on SRIOV PF enp3s0f0v2");
    const unreadable = new NetworkAllocator({
      host: pciNetworkHost({ netdevAddress: () => '0000:03:00.0', netdevs: () => [], virtualFunctions: () => { throw new PciHostError('read-failed', 'Found invalid device link'); } }),
    });
    unreadable.addNetwork(parseNetworkXml(`<network><name>x</name><forward mode='hostdev'><pf dev='enp3s0f0'/></forward></network>`));
    expect(error(() => unreadable.allocatePort(DOM, nic('x'))).detail).toBe('Could not get Virtual functions on PF enp3s0f0: Found invalid device link');
  });
});
