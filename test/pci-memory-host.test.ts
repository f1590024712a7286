/**
 * MemoryPciHost answers sysfs writes as the kernel does (libvirt's virpcimock,
 * libvirt-semantics.md §6.3), on our own fixture of virpcimock's devices;
 * libvirt's virpcitest scenarios (§6.2) re-expressed as the sysfs writes
 * libvirt 10.7 makes (§4.2, §4.3); fault injection; snapshots; topology
 * validation.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { PciDevice } from '../src/pci/device.js';
import { PciHostError } from '../src/pci/host.js';
import { MemoryPciHost } from '../src/pci/memory-host.js';
import { driverKind } from '../src/pci/groups.js';
import { PciTopologyError, pciTopologyFromJson, pciTopologyProblems, type PciTopology } from '../src/pci/topology.js';
import { loadFixtureTopology, readAll } from './helpers/pci-reads.js';

const mock = () => new MemoryPciHost(loadFixtureTopology('virpcimock-topology.json'));
const gpu = () => new MemoryPciHost(loadFixtureTopology('gpu-topology.json'));

/** libvirt 10.7's detach to the stub (§4.2 step 4). */
function detach(host: MemoryPciHost, a: string, stub = 'vfio-pci'): void {
  host.setDriverOverride(a, stub);
  if (host.driver(a) !== undefined) host.unbind(a);
  host.probe(a);
}
/** libvirt 10.7's return to the host driver (§4.3). */
function reattach(host: MemoryPciHost, a: string): void {
  host.setDriverOverride(a, undefined);
  if (host.driver(a) !== undefined) host.unbind(a);
  host.probe(a);
}

function thrown(f: () => unknown): PciHostError {
  try {
    f();
  } catch (e) {
    if (e instanceof PciHostError) return e;
    throw e;
  }
  throw new Error('expected a PciHostError');
}

describe('the virpcimock fixture', () => {
  it('has virpcimock devices, groups, drivers bound by ID and SR-IOV links', () => {
    const h = mock();
    expect(h.listDevices()).toHaveLength(23);
    expect(h.listDevices().slice(0, 4)).toEqual(['0000:00:00.0', '0000:00:01.0', '0000:00:02.0', '0000:00:03.0']);
    expect(h.listDevices().at(-1)).toBe('0021:de:1f.1');
    expect(h.iommuGroups()).toEqual(Array.from({ length: 17 }, (_, i) => i));
    expect(h.iommuGroupMembers(7)).toEqual(['0005:90:01.0', '0005:90:01.1', '0005:90:01.2', '0005:90:01.3']);
    expect(h.iommuGroupMembers(8)).toEqual(['0000:0a:01.0', '0000:0a:02.0', '0000:0a:03.0']);
    expect(h.iommuGroupMembers(99)).toEqual([]);
    expect(h.driver('0000:0a:01.0')).toBe('i915');
    expect(h.driver('0000:0a:02.0')).toBeUndefined();
    expect(h.driver('0000:01:00.0')).toBe('nvme');
    expect(h.info('0001:00:00.0')).toEqual({ address: '0001:00:00.0', vendor: 0x1014, device: 0x03b9, class: 0x060400, headerType: 'bridge' });
    expect(h.info('0000:01:00.0').class).toBe(0x010802);
    expect(h.info('0000:01:00.0').headerType).toBe('endpoint');
    expect(h.virtualFunctions('0000:06:12.0')).toEqual(['0000:06:12.1', '0000:06:12.2']);
    expect(h.physicalFunction('0000:06:12.2')).toBe('0000:06:12.0');
    expect(h.physicalFunction('0000:06:12.0')).toBeUndefined();
    expect(h.virtualFunctions('0021:de:1f.0')).toEqual(['0021:de:1f.1']);
    expect(['iwlwifi', 'i915', 'vfio-pci', 'nvme', 'pcieport'].every((d) => h.driverLoaded(d))).toBe(true);
    expect(h.driverLoaded('e1000e')).toBe(false);
    expect(h.iommuGroups().some((g) => h.vfioGroupNode(g))).toBe(false);
  });

  it('accepts non-canonical names for reads and rejects missing devices with no-device', () => {
    const h = mock();
    expect(h.driver('0000:0A:01.0')).toBe('i915');
    expect(h.exists('0a:01.0')).toBe(true);
    expect(h.exists('0000:00:09.0')).toBe(false);
    expect(h.exists('garbage')).toBe(false);
    for (const read of [() => h.info('0000:00:09.0'), () => h.driver('0000:00:09.0'), () => h.iommuGroup('x')]) {
      expect(thrown(read).code).toBe('no-device');
    }
    expect(thrown(() => h.unbind('0000:00:09.0')).code).toBe('no-device');
  });
});

describe('virpcitest on MemoryPciHost (order matters, as in libvirt)', () => {
  const h = mock();
  const three = ['0000:00:01.0', '0000:00:02.0', '0000:00:03.0'];

  it('testVirPCIDeviceNew: 0000:00:00.0 is named 0000:00:00.0', () => {
    const dev = new PciDevice({ address: { domain: 0, bus: 0, slot: 0, function: 0 } });
    expect(dev.name).toBe('0000:00:00.0');
    expect(h.exists(dev.name)).toBe(true);
  });

  it('testVirPCIDeviceDetach: 00:01.0-00:03.0 go to vfio-pci through driver_override, unbind, drivers_probe', () => {
    for (const a of three) detach(h, a);
    for (const a of three) {
      expect(h.driver(a)).toBe('vfio-pci');
      expect(h.driverOverride(a)).toBe('vfio-pci');
      expect(h.hasVfioDev(a)).toBe(true);
      expect(h.vfioGroupNode(h.iommuGroup(a)!)).toBe(true);
    }
    expect(h.writes()).toEqual([
      { op: 'setDriverOverride', address: '0000:00:01.0', value: 'vfio-pci' },
      { op: 'unbind', address: '0000:00:01.0' },
      { op: 'probe', address: '0000:00:01.0' },
      { op: 'setDriverOverride', address: '0000:00:02.0', value: 'vfio-pci' },
      { op: 'unbind', address: '0000:00:02.0' },
      { op: 'probe', address: '0000:00:02.0' },
      // 00:03.0 (8086:0048) was unbound: no driver claims it
      { op: 'setDriverOverride', address: '0000:00:03.0', value: 'vfio-pci' },
      { op: 'probe', address: '0000:00:03.0' },
    ]);
  });

  it('testVirPCIDeviceReset: the three endpoints reset', () => {
    for (const a of three) h.reset(a);
    expect(h.writes().filter((w) => w.op === 'reset' && !w.failed)).toHaveLength(3);
  });

  it('testVirPCIDeviceReattach: clearing the override and reprobing gives each its host driver back (none for 8086:0048)', () => {
    for (const a of three) reattach(h, a);
    expect(three.map((a) => h.driver(a))).toEqual(['iwlwifi', 'i915', undefined]);
    expect(three.map((a) => h.driverOverride(a))).toEqual([undefined, undefined, undefined]);
    expect([1, 2, 3].map((g) => h.vfioGroupNode(g))).toEqual([false, false, false]);
  });

  it('0000:0a:01.0 bound to i915: reprobing a bound device leaves it on i915', () => {
    expect(h.driver('0000:0a:01.0')).toBe('i915');
    h.probe('0000:0a:01.0');
    expect(h.driver('0000:0a:01.0')).toBe('i915');
  });

  it('unbind 0000:0a:01.0 leaves it without a driver; reprobe binds it to i915 again', () => {
    h.unbind('0000:0a:01.0');
    expect(h.driver('0000:0a:01.0')).toBeUndefined();
    h.probe('0000:0a:01.0');
    expect(h.driver('0000:0a:01.0')).toBe('i915');
  });

  it('0000:0a:02.0 (no host driver matches its IDs) is detached to vfio-pci', () => {
    expect(h.driver('0000:0a:02.0')).toBeUndefined();
    detach(h, '0000:0a:02.0');
    expect(h.driver('0000:0a:02.0')).toBe('vfio-pci');
    expect(h.vfioGroupNode(8)).toBe(true);
  });

  it('0000:0a:03.0 unbound with no matching driver: reprobe leaves it unbound', () => {
    reattach(h, '0000:0a:03.0');
    expect(h.driver('0000:0a:03.0')).toBeUndefined();
  });
});

describe('kernel write semantics', () => {
  let h: MemoryPciHost;
  beforeEach(() => {
    h = mock();
  });

  it('bind fails when the device is already bound, and changes nothing', () => {
    const e = thrown(() => h.bind('0000:00:01.0', 'i915'));
    expect(e.code).toBe('write-failed');
    expect(e.message).toContain('already bound to iwlwifi');
    expect(h.driver('0000:00:01.0')).toBe('iwlwifi');
  });

  it('bind needs a matching driver: IDs without an override, the named driver with one; vfio-pci claims nothing by ID', () => {
    h.unbind('0000:00:01.0');
    expect(thrown(() => h.bind('0000:00:01.0', 'vfio-pci')).message).toContain('vfio-pci does not claim 8086:0044');
    expect(thrown(() => h.bind('0000:00:01.0', 'i915')).message).toContain('i915 does not claim 8086:0044');
    h.setDriverOverride('0000:00:01.0', 'vfio-pci');
    expect(thrown(() => h.bind('0000:00:01.0', 'iwlwifi')).message).toContain('driver_override is vfio-pci');
    h.bind('0000:00:01.0', 'vfio-pci');
    expect(h.driver('0000:00:01.0')).toBe('vfio-pci');
    h.unbind('0000:00:01.0');
    h.setDriverOverride('0000:00:01.0', undefined);
    h.bind('0000:00:01.0', 'iwlwifi');
    expect(h.driver('0000:00:01.0')).toBe('iwlwifi');
  });

  it('bind to a driver that is not loaded fails with no-driver', () => {
    h.unbind('0000:00:01.0');
    expect(thrown(() => h.bind('0000:00:01.0', 'e1000e')).code).toBe('no-driver');
  });

  it('unbind fails when the device is not bound', () => {
    const e = thrown(() => h.unbind('0000:0a:02.0'));
    expect(e.code).toBe('write-failed');
    expect(e.message).toContain('not bound');
  });

  it('driver_override is stored; undefined, "" and "\\n" clear it; a trailing newline is dropped', () => {
    const a = '0000:0a:02.0';
    h.setDriverOverride(a, 'vfio-pci\n');
    expect(h.driverOverride(a)).toBe('vfio-pci');
    for (const clear of [undefined, '', '\n']) {
      h.setDriverOverride(a, 'pci-stub');
      h.setDriverOverride(a, clear);
      expect(h.driverOverride(a)).toBeUndefined();
    }
  });

  it('probe: override wins over IDs; an override naming an unloaded driver leaves the device unbound', () => {
    h.unbind('0000:00:01.0');
    h.setDriverOverride('0000:00:01.0', 'pci-stub');
    h.probe('0000:00:01.0');
    expect(h.driver('0000:00:01.0')).toBeUndefined();
    h.setDriverOverride('0000:00:01.0', undefined);
    h.probe('0000:00:01.0');
    expect(h.driver('0000:00:01.0')).toBe('iwlwifi');
  });

  it('/dev/vfio/N appears with the first member on vfio-pci and goes with the last', () => {
    const [a, b] = ['0005:90:01.0', '0005:90:01.2'];
    expect(h.vfioGroupNode(7)).toBe(false);
    detach(h, a);
    expect(h.vfioGroupNode(7)).toBe(true);
    detach(h, b);
    reattach(h, a);
    expect(h.vfioGroupNode(7)).toBe(true);
    reattach(h, b);
    expect(h.vfioGroupNode(7)).toBe(false);
  });

  it('reset works for endpoints and is refused for bridges', () => {
    h.reset('0000:01:00.0');
    const e = thrown(() => h.reset('0001:00:00.0'));
    expect(e.code).toBe('write-failed');
    expect(e.message).toContain('bridge');
  });
});

describe('VFIO variant drivers and network interfaces', () => {
  const variantTopology: PciTopology = {
    drivers: [{ name: 'igb', ids: [[0x8086, 0x10c9]] }, { name: 'vfio-pci-igb', vfioVariant: true }, { name: 'vfio-pci' }],
    devices: [
      { address: '0000:05:00.0', vendor: 0x8086, device: 0x10c9, class: 0x020000, driver: 'igb', iommuGroup: 20, netdevs: ['eth5'] },
      { address: '0000:05:00.1', vendor: 0x8086, device: 0x10c9, class: 0x020000, driver: 'igb', iommuGroup: 21, netdevs: ['eth6'] },
    ],
  };

  it('a driver flagged vfioVariant gives vfio-dev/ and /dev/vfio/N, and counts as vfio', () => {
    const h = new MemoryPciHost(variantTopology);
    detach(h, '0000:05:00.0', 'vfio-pci-igb');
    expect(h.driver('0000:05:00.0')).toBe('vfio-pci-igb');
    expect(h.hasVfioDev('0000:05:00.0')).toBe(true);
    expect(h.vfioGroupNode(20)).toBe(true);
    expect(driverKind(h, '0000:05:00.0')).toBe('vfio');
    expect(h.hasVfioDev('0000:05:00.1')).toBe(false);
  });

  it('a device with vfioDev makes its driver a variant', () => {
    const t = structuredClone(variantTopology);
    t.drivers[1] = { name: 'vfio-pci-igb' };
    t.devices[1] = { ...t.devices[1]!, driver: 'vfio-pci-igb', vfioDev: true };
    const h = new MemoryPciHost(t);
    expect(h.vfioGroupNode(21)).toBe(true);
    detach(h, '0000:05:00.0', 'vfio-pci-igb');
    expect(h.hasVfioDev('0000:05:00.0')).toBe(true);
  });

  it('interfaces show only while the device is on its host driver', () => {
    const h = gpu();
    const vf = '0000:03:10.0';
    expect(h.netdevs(vf)).toEqual(['enp3s16']);
    expect(h.netdevAddress('enp3s16')).toBe(vf);
    detach(h, vf);
    expect(h.netdevs(vf)).toEqual([]);
    expect(h.netdevAddress('enp3s16')).toBeUndefined();
    expect(h.netdevAddress('enp3s0f0')).toBe('0000:03:00.0');
    reattach(h, vf);
    expect(h.driver(vf)).toBe('ixgbevf');
    expect(h.netdevAddress('enp3s16')).toBe(vf);
    expect(h.netdevAddress('nope0')).toBeUndefined();
  });
});

describe('fault injection', () => {
  it('a matching write throws write-failed, changes nothing, is logged as failed; index counts every write', () => {
    const h = mock();
    const seen: Array<[string, string, number]> = [];
    h.injectFault((op, address, index) => {
      seen.push([op, address, index]);
      return op === 'unbind' && address === '0000:00:02.0';
    });
    detach(h, '0000:00:01.0');
    const before = h.snapshot();
    h.setDriverOverride('0000:00:02.0', 'vfio-pci');
    const beforeUnbind = h.snapshot();
    const e = thrown(() => h.unbind('0000:00:02.0'));
    expect(e.code).toBe('write-failed');
    expect(e.message).toContain('injected fault at write #4');
    expect(h.snapshot()).toEqual(beforeUnbind);
    expect(h.driver('0000:00:02.0')).toBe('i915');
    expect(seen.map(([, , i]) => i)).toEqual([0, 1, 2, 3, 4]);
    expect(seen[4]).toEqual(['unbind', '0000:00:02.0', 4]);
    expect(h.writes()[4]).toEqual({ op: 'unbind', address: '0000:00:02.0', failed: true });
    expect(h.writes()).toHaveLength(5);
    expect(before).not.toEqual(beforeUnbind); // the override write before the fault went through

    h.injectFault((_op, _a, index) => index === 5);
    expect(() => h.probe('0000:00:02.0')).toThrow(PciHostError);
    h.probe('0000:00:02.0'); // index 6: passes
    h.injectFault(undefined);
    h.unbind('0000:00:02.0');
    h.probe('0000:00:02.0');
    expect(h.driver('0000:00:02.0')).toBe('vfio-pci');
  });

  it('kernel refusals are logged as failed writes too', () => {
    const h = mock();
    expect(() => h.unbind('0000:0a:02.0')).toThrow(PciHostError);
    expect(h.writes()).toEqual([{ op: 'unbind', address: '0000:0a:02.0', failed: true }]);
  });
});

describe('snapshot', () => {
  it('a host built from a snapshot reads the same, overrides and variants included', () => {
    const h = mock();
    detach(h, '0000:00:01.0');
    h.setDriverOverride('0000:0a:03.0', 'pci-stub');
    h.unbind('0000:0a:01.0');
    const s = h.snapshot();
    expect(s.devices.find((d) => d.address === '0000:0a:03.0')?.driverOverride).toBe('pci-stub');
    expect(s.devices.find((d) => d.address === '0000:00:01.0')).toMatchObject({ driver: 'vfio-pci', vfioDev: true });
    const copy = new MemoryPciHost(s);
    const names = s.drivers.map((d) => d.name);
    expect(readAll(copy, names)).toEqual(readAll(h, names));
    expect(copy.writes()).toEqual([]);
    copy.probe('0000:0a:01.0');
    expect(h.driver('0000:0a:01.0')).toBeUndefined(); // the copy is independent
  });

  it('the snapshot of a fresh host reads the same as its topology', () => {
    const t = loadFixtureTopology('gpu-topology.json');
    const h = new MemoryPciHost(t);
    const names = t.drivers.map((d) => d.name);
    expect(readAll(new MemoryPciHost(h.snapshot()), names)).toEqual(readAll(h, names));
  });
});

describe('topology validation', () => {
  const base = (): PciTopology => ({
    drivers: [{ name: 'e1000e', ids: [[0x8086, 0x10d3]] }, { name: 'vfio-pci' }],
    devices: [
      { address: '0000:00:01.0', vendor: 0x8086, device: 0x10d3, class: 0x020000, driver: 'e1000e', iommuGroup: 1, netdevs: ['eth0'] },
      { address: '0000:00:02.0', vendor: 0x8086, device: 0x10d3, class: 0x020000, iommuGroup: 2 },
    ],
  });
  const problemsOf = (edit: (t: PciTopology) => void) => {
    const t = base();
    edit(t);
    return pciTopologyProblems(t);
  };

  it('accepts a good topology', () => {
    expect(pciTopologyProblems(base())).toEqual([]);
  });

  it.each<[string, (t: PciTopology) => void, string]>([
    ['unknown driver', (t) => void (t.devices[1]!.driver = 'igb'), "device 0000:00:02.0: bound to unknown driver 'igb' (not in drivers)"],
    ['duplicate address', (t) => void (t.devices[1]!.address = '0000:00:01.0'), 'device 0000:00:01.0: duplicate address'],
    ['VF whose physfn is missing', (t) => void (t.devices[1]!.physfn = '0000:00:09.0'), 'device 0000:00:02.0: VF whose physfn 0000:00:09.0 is missing'],
    ['sriovTotalVfs on a VF', (t) => void ((t.devices[1]!.sriovTotalVfs = 2), (t.devices[1]!.physfn = '0000:00:01.0')), 'device 0000:00:02.0: a VF cannot have sriovTotalVfs (VFs have no SR-IOV capability)'],
    ['more VFs than sriovTotalVfs', (t) => void ((t.devices[0]!.sriovTotalVfs = 0), (t.devices[1]!.physfn = '0000:00:01.0')), 'device 0000:00:01.0: 1 VFs name it as physfn, more than its sriovTotalVfs 0'],
    ['physfn pointing at itself', (t) => void (t.devices[1]!.physfn = '0000:00:02.0'), 'device 0000:00:02.0: physfn is the device itself'],
    ['nested VFs', (t) => {
      t.devices[1]!.physfn = '0000:00:01.0';
      t.devices.push({ address: '0000:00:03.0', vendor: 1, device: 2, class: 0x020000, physfn: '0000:00:02.0' });
    }, 'device 0000:00:03.0: physfn 0000:00:02.0 is itself a VF'],
    ['upper-case address', (t) => void (t.devices[1]!.address = '0000:00:0A.0'), 'device 0000:00:0A.0: address must be a PCI name DDDD:BB:SS.F in lower case'],
    ['short address', (t) => void (t.devices[1]!.address = '00:02.0'), 'address must be a PCI name'],
    ['vendor out of range', (t) => void (t.devices[1]!.vendor = 0x10000), 'vendor must be a 16-bit number'],
    ['class out of range', (t) => void (t.devices[1]!.class = 0x1000000), 'class must be a 24-bit number'],
    ['vendor as a hex string', (t) => void ((t.devices[1] as unknown as { vendor: string }).vendor = '0x8086'), 'hex strings are read by pciTopologyFromJson'],
    ['bad header type', (t) => void ((t.devices[1] as unknown as { headerType: string }).headerType = 'switch'), 'headerType must be one of endpoint, bridge, cardbus'],
    ['duplicate driver', (t) => void t.drivers.push({ name: 'e1000e' }), "driver 'e1000e': defined twice"],
    ['vfio-pci claiming IDs', (t) => void (t.drivers[1]!.ids = [[0x8086, 0x10d3]]), 'vfio-pci claims devices only through driver_override'],
    ['bad id pair', (t) => void ((t.drivers[0] as unknown as { ids: unknown }).ids = [[0x8086]]), 'ids[0] must be [vendor, device]'],
    ['interface used twice', (t) => void (t.devices[1]!.netdevs = ['eth0']), 'interface eth0 already belongs to 0000:00:01.0'],
    ['bad interface name', (t) => void (t.devices[1]!.netdevs = ['a/b']), 'netdevs must be interface names'],
    ['vfioDev without a driver', (t) => void (t.devices[1]!.vfioDev = true), 'vfioDev without a driver'],
    ['negative group', (t) => void (t.devices[1]!.iommuGroup = -1), 'iommuGroup must be a non-negative integer'],
    ['misspelt field', (t) => void ((t.devices[1] as unknown as Record<string, unknown>).iommu_group = 2), "unknown field 'iommu_group'"],
  ])('rejects %s', (_name, edit, problem) => {
    const problems = problemsOf(edit);
    expect(problems.some((p) => p.includes(problem)), problems.join('\n')).toBe(true);
  });

  it('the constructor throws PciTopologyError listing every problem', () => {
    const t = base();
    t.devices[1]!.driver = 'igb';
    t.devices[1]!.physfn = '0000:00:09.0';
    try {
      new MemoryPciHost(t);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PciTopologyError);
      expect((e as PciTopologyError).problems).toHaveLength(2);
      expect((e as Error).message).toMatch(/^invalid PCI topology:\n {2}device 0000:00:02.0: bound to unknown driver 'igb'/);
    }
  });

  it('pciTopologyFromJson reads hex strings and reports bad JSON', () => {
    const t = pciTopologyFromJson('{"drivers":[{"name":"x","ids":[["0x8086","0x10d3"]]}],"devices":[{"address":"0000:00:01.0","vendor":"0x8086","device":"0x10d3","class":"0x020000"}]}');
    expect(t.drivers[0]!.ids).toEqual([[0x8086, 0x10d3]]);
    expect(t.devices[0]).toMatchObject({ vendor: 0x8086, device: 0x10d3, class: 0x020000 });
    expect(() => pciTopologyFromJson('{')).toThrow(/not JSON/);
    expect(() => pciTopologyFromJson('[]')).toThrow(PciTopologyError);
    expect(() => pciTopologyFromJson({ drivers: [], devices: [{ address: '0000:00:01.0', vendor: '0xzz', device: 1, class: 1 }] })).toThrow(/vendor must be a 16-bit number/);
  });
});
