/**
 * The seed's flow end to end: network with <forward mode='hostdev'> and
 * <driver group='auto'/> → allocate an <interface type='network'> → status XML
 * with <actual type='hostdev'> carrying groupMgmt → PCI device list with
 * attachGroup. Fixtures are our own (test/fixtures).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  NetworkAllocator,
  VirtXmlError,
  buildPciDeviceList,
  domainHostdevs,
  formatDomainXml,
  formatNetworkXml,
  parseDomainXml,
  parseNetworkXml,
  type NetworkInterface,
} from '../src/model.js';
import { HostdevManager } from '../src/hostdev/manager.js';
import { writeOrigStates } from '../src/hostdev/origstates.js';
import { MemoryStateStore } from '../src/hostdev/store.js';
import { bindings, drivers, hostOf } from './hostdev-helpers.js';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

const hostdevNet = (opts: { driver?: string; managed?: string; pool?: number; name?: string } = {}) => `<network>
  <name>${opts.name ?? 'sriov-pool'}</name>
  <forward mode='hostdev'${opts.managed !== undefined ? ` managed='${opts.managed}'` : ''}>
${opts.driver ?? ''}${Array.from({ length: opts.pool ?? 2 }, (_, i) => `    <address type='pci' domain='0x0000' bus='0x03' slot='0x${(0x10 + (i >> 3)).toString(16)}' function='0x${i & 7}'/>\n`).join('')}  </forward>
</network>
`;

const vm = (nics: number, network = 'sriov-pool') => `<domain type='kvm'>
  <name>vm1</name>
  <uuid>11111111-2222-3333-4444-555555555555</uuid>
  <devices>
${Array.from({ length: nics }, (_, i) => `    <interface type='network'>
      <mac address='52:54:00:00:00:0${i}'/>
      <source network='${network}'/>
    </interface>
`).join('')}  </devices>
</domain>
`;

function seq() {
  let n = 0;
  return () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`;
}

function nics(def: ReturnType<typeof parseDomainXml>): NetworkInterface[] {
  return (def.devices?.interfaces ?? []).filter((i): i is NetworkInterface => i.type === 'network');
}

function expectError(fn: () => unknown, code: string, message: string | RegExp) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(VirtXmlError);
    expect((e as VirtXmlError).code).toBe(code);
    if (typeof message === 'string') expect((e as VirtXmlError).detail).toBe(message);
    else expect((e as VirtXmlError).detail).toMatch(message);
    return;
  }
  throw new Error('expected an error');
}

describe("seed flow: group='auto' from network to PCI device", () => {
  it('carries group=auto from the network into <actual> and sets attachGroup', () => {
    const allocator = new NetworkAllocator({ newUuid: seq() });
    allocator.addNetwork(parseNetworkXml(fixture('net-sriov-pool.xml')));
    const dom = parseDomainXml(fixture('vm-group-auto.xml'));
    const [iface] = nics(dom);
    const actual = allocator.allocate(dom, iface!);
    expect(actual).toEqual({
      type: 'hostdev',
      managed: true,
      driver: { name: 'vfio', groupMgmt: 'auto' },
      source: { address: { type: 'pci', domain: 0, bus: 3, slot: 0x10, function: 0 } },
    });
    expect(iface!.source.portid).toBe('00000000-0000-4000-8000-000000000001');

    const status = formatDomainXml(dom, { status: true });
    expect(status).toContain(`    <interface type='network'>
      <mac address='52:54:00:aa:01:01'/>
      <source network='sriov-pool' portid='00000000-0000-4000-8000-000000000001'/>
      <actual type='hostdev' managed='yes'>
        <driver name='vfio' group='auto'/>
        <source>
          <address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x0'/>
        </source>
      </actual>
      <model type='virtio'/>
    </interface>`);
    // config XML has no <actual>; inactive XML has no portid
    expect(formatDomainXml(dom)).not.toContain('<actual');
    expect(formatDomainXml(dom, { inactive: true })).not.toContain('portid');

    // status XML read back gives the same devices
    const again = parseDomainXml(status);
    const devices = buildPciDeviceList(domainHostdevs(again));
    expect(devices.map((d) => [d.name, d.managed, d.stubDriver, d.attachGroup])).toEqual([
      ['0000:01:00.0', true, 'vfio-pci', true],
      ['0000:01:00.1', true, 'vfio-pci', true],
      ['0000:05:00.0', false, 'vfio-pci', false],
      ['0000:03:10.0', true, 'vfio-pci', true],
    ]);
  });

  it('leaves group management off when the network has no group attribute', () => {
    const allocator = new NetworkAllocator({ newUuid: seq() });
    allocator.addNetwork(parseNetworkXml(hostdevNet({ driver: "    <driver name='vfio'/>\n", managed: 'yes' })));
    const dom = parseDomainXml(vm(1));
    const actual = allocator.allocate(dom, nics(dom)[0]!);
    expect(actual.type === 'hostdev' && actual.driver).toEqual({ name: 'vfio' });
    expect(formatDomainXml(dom, { status: true })).not.toContain('group=');
    const [dev] = buildPciDeviceList(domainHostdevs(dom));
    expect(dev!.attachGroup).toBe(false);
    expect(dev!.name).toBe('0000:03:10.0');
  });

  it('strips the extension for upstream libvirt', () => {
    const allocator = new NetworkAllocator({ newUuid: seq() });
    allocator.addNetwork(parseNetworkXml(fixture('net-sriov-pool.xml')));
    const dom = parseDomainXml(vm(1));
    allocator.allocate(dom, nics(dom)[0]!);
    const upstream = formatDomainXml(dom, { status: true, stripExtensions: true });
    expect(upstream).toContain(`<driver name='vfio'/>`);
    expect(upstream).not.toContain('group=');
  });

  it('propagates managed yes/no and the driver model', () => {
    for (const [managed, want] of [['yes', true], ['no', false], [undefined, false], ['YES', true], ['bogus', false]] as const) {
      const allocator = new NetworkAllocator({ newUuid: seq() });
      allocator.addNetwork(parseNetworkXml(hostdevNet({ managed, driver: "    <driver model='vfio-pci-igb'/>\n" })));
      const dom = parseDomainXml(vm(1));
      const actual = allocator.allocate(dom, nics(dom)[0]!);
      expect(actual.type === 'hostdev' && actual.managed).toBe(want);
      expect(actual.type === 'hostdev' && actual.driver).toEqual({ model: 'vfio-pci-igb' });
      const [dev] = buildPciDeviceList(domainHostdevs(dom));
      expect([dev!.managed, dev!.stubDriver]).toEqual([want, 'vfio-pci-igb']);
      // unmanaged actual: managed not written
      expect(formatDomainXml(dom, { status: true })).toContain(want ? `<actual type='hostdev' managed='yes'>` : `<actual type='hostdev'>`);
    }
  });

  it('takes the first free entry, counts connections, and runs out', () => {
    const allocator = new NetworkAllocator({ newUuid: seq() });
    allocator.addNetwork(parseNetworkXml(hostdevNet({ pool: 2 })));
    const dom = parseDomainXml(vm(3));
    const [a, b, c] = nics(dom);
    allocator.allocate(dom, a!);
    allocator.allocate(dom, b!);
    expect(allocator.connections('sriov-pool')).toBe(2);
    expect(allocator.poolUsage('sriov-pool')).toEqual([
      { device: '0000:03:10.0', connections: 1 },
      { device: '0000:03:10.1', connections: 1 },
    ]);
    expectError(
      () => allocator.allocate(dom, c!),
      'network-exhausted',
      "network 'sriov-pool' requires exclusive access to interfaces, but none are available",
    );
    // nothing changed by the failure
    expect(allocator.connections('sriov-pool')).toBe(2);
    expect(c!.actual).toBeUndefined();
    expect(c!.source.portid).toBeUndefined();
  });

  it('release frees the same entry, and re-allocation takes it again', () => {
    const allocator = new NetworkAllocator({ newUuid: seq() });
    allocator.addNetwork(parseNetworkXml(hostdevNet({ pool: 3 })));
    const dom = parseDomainXml(vm(3));
    const [a, b, c] = nics(dom);
    for (const i of [a, b, c]) allocator.allocate(dom, i!);
    allocator.release(dom, b!);
    expect(allocator.connections('sriov-pool')).toBe(2);
    expect(allocator.poolUsage('sriov-pool').map((u) => u.connections)).toEqual([1, 0, 1]);
    // releasing twice, or an interface never allocated, does nothing
    allocator.release(dom, b!);
    expect(allocator.connections('sriov-pool')).toBe(2);
    const fresh = nics(parseDomainXml(vm(1)))[0]!;
    allocator.release(dom, fresh);
    const actual = allocator.allocate(dom, fresh);
    expect(actual.type === 'hostdev' && actual.source.address).toEqual({ type: 'pci', domain: 0, bus: 3, slot: 0x10, function: 1 });
  });

  it('builds the pool from a <pf> through the host and shows it in live XML only', () => {
    const net = parseNetworkXml(`<network>
  <name>pf-net</name>
  <forward mode='hostdev' managed='yes'>
    <driver name='vfio' group='auto'/>
    <pf dev='enp3s0f0'/>
  </forward>
</network>
`);
    const host = {
      virtualFunctions: (pf: string) => {
        expect(pf).toBe('enp3s0f0');
        return [{ address: '0000:03:02.0', netdev: 'enp3s0f0v0' }, { address: '0000:03:02.1' }];
      },
    };
    const allocator = new NetworkAllocator({ host, newUuid: seq() });
    allocator.addNetwork(net);
    const dom = parseDomainXml(vm(2, 'pf-net'));
    const [a, b] = nics(dom);
    allocator.allocate(dom, a!);
    const actual = allocator.allocate(dom, b!);
    expect(actual.type === 'hostdev' && actual.source.address).toEqual({ type: 'pci', domain: 0, bus: 3, slot: 2, function: 1 });
    const live = formatNetworkXml(allocator.liveNetwork('pf-net'));
    expect(live).toContain(`<network connections='2'>`);
    expect(live).toContain(`<address type='pci' domain='0x0000' bus='0x03' slot='0x02' function='0x1'/>`);
    expect(formatNetworkXml(allocator.liveNetwork('pf-net'), { inactive: true })).not.toContain('<address');
    const noHost = new NetworkAllocator();
    noHost.addNetwork(net);
    expectError(() => noHost.allocate(dom, nics(parseDomainXml(vm(1, 'pf-net')))[0]!), 'unsupported', /Could not get Virtual functions on PF enp3s0f0/);
    const empty = new NetworkAllocator({ host: { virtualFunctions: () => [] } });
    empty.addNetwork(net);
    expectError(() => empty.allocate(dom, nics(parseDomainXml(vm(1, 'pf-net')))[0]!), 'unsupported', "No usable Vf's present on SRIOV PF enp3s0f0");
  });

  it('refuses inactive and unknown networks, and non-network interfaces', () => {
    const allocator = new NetworkAllocator();
    allocator.addNetwork(parseNetworkXml(hostdevNet()), { active: false });
    const dom = parseDomainXml(vm(1));
    expectError(() => allocator.allocate(dom, nics(dom)[0]!), 'network-inactive', "network 'sriov-pool' is not active");
    expectError(() => allocator.allocate(dom, nics(parseDomainXml(vm(1, 'nope')))[0]!), 'network-unknown', "Network not found: no network with matching name 'nope'");
    const hostdevIface = parseDomainXml(`<domain type='kvm'><name>x</name><devices><interface type='hostdev'><source><address type='pci' bus='1' slot='2'/></source></interface></devices></domain>`).devices!.interfaces![0]!;
    expectError(() => allocator.allocate(dom, hostdevIface as unknown as NetworkInterface), 'unsupported', "Expected an interface of type 'network' not 'hostdev'");
  });

  it('reclaims ports after a restart (notify) and refuses a device already in use', () => {
    const first = new NetworkAllocator({ newUuid: seq() });
    first.addNetwork(parseNetworkXml(hostdevNet()));
    const dom = parseDomainXml(vm(2));
    const [a] = nics(dom);
    first.allocate(dom, a!);
    // "restart": a new allocator, the domain's status XML read back
    const restarted = new NetworkAllocator({ newUuid: seq() });
    restarted.addNetwork(parseNetworkXml(hostdevNet()));
    const back = parseDomainXml(formatDomainXml(dom, { status: true }));
    const [ra, rb] = nics(back);
    restarted.notify(back, ra!);
    expect(restarted.connections('sriov-pool')).toBe(1);
    restarted.notify(back, ra!); // same port again: nothing happens
    expect(restarted.connections('sriov-pool')).toBe(1);
    // another interface claiming the same VF
    rb!.actual = structuredClone(ra!.actual);
    expectError(
      () => restarted.notify(back, rb!),
      'network-exhausted',
      "network 'sriov-pool' claims the PCI device at domain=0 bus=3 slot=16 function=0 is already in use by a different network port",
    );
    // and one claiming a VF the network does not have
    rb!.actual = { type: 'hostdev', source: { address: { type: 'pci', domain: 0, bus: 9, slot: 0, function: 0 } } };
    expectError(() => restarted.notify(back, rb!), 'network-release', "network 'sriov-pool' doesn't have PCI device 0000:09:00.0 in use by network port");
  });

  it('allocates and releases repeatedly on a large pool without drift', () => {
    // correctness at scale; timing lives in bench/
    const allocator = new NetworkAllocator({ newUuid: seq() });
    allocator.addNetwork(parseNetworkXml(hostdevNet({ pool: 120 })));
    const dom = parseDomainXml(vm(1));
    const iface = nics(dom)[0]!;
    for (let i = 0; i < 1000; i++) {
      allocator.allocate(dom, iface);
      allocator.release(dom, iface);
    }
    expect(allocator.connections('sriov-pool')).toBe(0);
  });
});

describe('buildPciDeviceList', () => {
  const list = (hostdevs: string) => domainHostdevs(parseDomainXml(`<domain type='kvm'><name>x</name><devices>${hostdevs}</devices></domain>`));
  const pci = (addr: string, extra = '', driver = '') =>
    `<hostdev mode='subsystem' type='pci' ${extra}>${driver}<source><address ${addr}/></source></hostdev>`;

  it('maps PCI hostdevs and skips the others', () => {
    const devs = buildPciDeviceList(
      list(
        pci(`domain='0x0001' bus='0x02' slot='0x03' function='0x4'`, `managed='yes'`, `<driver name='vfio' group='auto'/>`) +
          `<hostdev mode='subsystem' type='usb'><source><vendor id='0x1'/><product id='0x2'/></source></hostdev>` +
          `<hostdev mode='capabilities' type='storage'><source><block>/dev/sdb</block></source></hostdev>` +
          pci(`bus='5' slot='0'`, '', `<driver name='xen'/>`) +
          `<interface type='hostdev' managed='yes'><driver name='vfio' group='auto'/><source><address type='pci' bus='7' slot='1' function='2'/></source></interface>`,
      ),
    );
    expect(devs.map((d) => ({ name: d.name, managed: d.managed, stub: d.stubDriver, type: d.stubDriverType, group: d.attachGroup }))).toEqual([
      { name: '0001:02:03.4', managed: true, stub: 'vfio-pci', type: 'vfio', group: true },
      { name: '0000:05:00.0', managed: false, stub: 'pciback', type: 'xen', group: false },
      { name: '0000:07:01.2', managed: true, stub: 'vfio-pci', type: 'vfio', group: true },
    ]);
    expect(devs[0]!.address).toEqual({ domain: 1, bus: 2, slot: 3, function: 4 });
  });

  it('rejects the legacy kvm backend and an unresolved default as libvirt does', () => {
    const h = list(pci(`bus='5' slot='0'`, '', `<driver name='kvm'/>`));
    expectError(() => buildPciDeviceList(h), 'unsupported', "pci backend driver type 'kvm' is not supported");
    const d = list(pci(`bus='5' slot='0'`));
    expectError(() => buildPciDeviceList(d, { defaultBackend: undefined }), 'unsupported', "pci backend driver type 'default' is not supported");
  });

  it('rejects a device listed twice and skips devices that left the host', () => {
    const h = list(pci(`bus='5' slot='0'`));
    expectError(() => buildPciDeviceList([...h, ...h]), 'duplicate', 'Device 0000:05:00.0 is already in use');
    expect(buildPciDeviceList(h, { exists: () => false })).toEqual([]);
  });
});

describe('seed flow end to end: network → allocate → prepare on a host → status XML → restart → updateActive → reattach', () => {
  const GPU = '0000:01:00.0';
  const AUDIO = '0000:01:00.1'; // the GPU's IOMMU group mate (group 1, with the pcieport root port 00:01.0)
  const VF = '0000:03:10.0'; // an SR-IOV VF in a group of its own, from the network's pool

  const network = `<network>
  <name>vf-pool</name>
  <forward mode='hostdev' managed='yes'>
    <driver name='vfio' group='auto'/>
    <address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x0'/>
  </forward>
</network>
`;
  const domain = `<domain type='kvm'>
  <name>vm1</name>
  <uuid>11111111-2222-3333-4444-555555555555</uuid>
  <memory unit='KiB'>1048576</memory>
  <os>
    <type arch='x86_64'>hvm</type>
  </os>
  <devices>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <driver name='vfio' group='auto'/>
      <source>
        <address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
      </source>
    </hostdev>
    <interface type='network'>
      <mac address='52:54:00:00:00:01'/>
      <source network='vf-pool'/>
    </interface>
  </devices>
</domain>
`;

  it('every member of a shared group and the allocated VF go back to their original drivers, with <origstates> under the <actual> source', () => {
    const host = hostOf('gpu');
    const initial = bindings(host);

    // parse network + domain, allocate the interface's device from the network
    const allocator = new NetworkAllocator({ newUuid: seq() });
    allocator.addNetwork(parseNetworkXml(network));
    const dom = parseDomainXml(domain);
    const [iface] = nics(dom);
    allocator.allocate(dom, iface!);

    // the domain's PCI hostdevs: the <hostdev> itself and a view onto the interface's <actual>
    const hostdevs = domainHostdevs(dom);
    expect(hostdevs[0]).toBe(dom.devices!.hostdevs![0]);
    expect(buildPciDeviceList(hostdevs).map((d) => [d.name, d.attachGroup])).toEqual([
      [GPU, true],
      [VF, true],
    ]);

    // plan, then apply it, on the in-memory host; the plan's original states go into the hostdevs
    const mgr = new HostdevManager(host);
    const plan = mgr.plan({ op: 'prepare', driver: 'QEMU', domain: 'vm1', hostdevs, flags: {} });
    mgr.apply(plan);
    writeOrigStates(hostdevs, plan.origstates);
    expect(drivers(host, [GPU, AUDIO, VF])).toEqual({ [GPU]: 'vfio-pci', [AUDIO]: 'vfio-pci', [VF]: 'vfio-pci' });
    expect(mgr.managedGroups()).toEqual([
      { group: 1, detached: [{ device: AUDIO, driver: 'snd_hda_intel' }], held: [] },
      { group: 3, detached: [], held: [] },
    ]);

    // status XML: <actual> with group='auto', and <origstates> under the <actual>'s <source>
    const status = formatDomainXml(dom, { status: true });
    expect(status).toContain(`      <actual type='hostdev' managed='yes'>
        <driver name='vfio' group='auto'/>
        <source>
          <address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x0'/>
          <origstates>
            <unbind/>
          </origstates>
        </source>
      </actual>`);
    expect(status).toContain(`        <address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
        <origstates>
          <unbind/>
        </origstates>`);

    // a member on vfio-pci without the driver_override group detach writes (bound another way, e.g. by
    // hand with new_id) is not taken by updateActive without the state file: it is left alone
    host.setDriverOverride(AUDIO, undefined);
    const mgrHand = new HostdevManager(host, { store: new MemoryStateStore() });
    mgrHand.updateActive('QEMU', 'vm1', domainHostdevs(parseDomainXml(status)));
    expect(mgrHand.managedGroups()).toEqual([
      { group: 1, detached: [], held: [] },
      { group: 3, detached: [], held: [] },
    ]);
    host.setDriverOverride(AUDIO, 'vfio-pci');

    // a restart: a new manager (its lists gone) reads the status XML back
    const dom2 = parseDomainXml(status);
    const mgr2 = new HostdevManager(host, { store: new MemoryStateStore() });
    expect(mgr2.counts()).toEqual({ active: 0, inactive: 0 });
    mgr2.updateActive('QEMU', 'vm1', domainHostdevs(dom2));
    expect(mgr2.counts()).toEqual({ active: 2, inactive: 0 });
    expect(mgr2.activeDevices().map((d) => [d.name, d.usedBy, d.unbindFromStub, d.removeSlot, d.reprobe, d.attachGroup])).toEqual([
      [GPU, { driver: 'QEMU', domain: 'vm1' }, true, false, false, true],
      [VF, { driver: 'QEMU', domain: 'vm1' }, true, false, false, true],
    ]);
    expect(mgr2.managedGroups()).toEqual([
      { group: 1, detached: [{ device: AUDIO, driver: undefined }], held: [] },
      { group: 3, detached: [], held: [] },
    ]);

    // the domain stops: every member of every group goes back to its original driver
    mgr2.reattach('QEMU', 'vm1', domainHostdevs(dom2));
    expect(bindings(host)).toEqual(initial);
    expect(mgr2.counts()).toEqual({ active: 0, inactive: 0 });
    expect(mgr2.managedGroups()).toEqual([]);
  });
});
