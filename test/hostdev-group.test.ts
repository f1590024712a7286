/**
 * virtxml's group='auto' (the seed, libvirt-semantics.md §1.4 and §6.6) on
 * the GPU topology: group 1 = root port 00:01.0 (pcieport), GPU 01:00.0
 * (nouveau), HDMI audio 01:00.1 (snd_hda_intel); group 6 = ISA bridge,
 * SATA, SMBus; an SR-IOV NIC with VFs in their own groups.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { HostdevError } from '../src/hostdev/errors.js';
import { HostdevManager } from '../src/hostdev/manager.js';
import { MemoryStateStore } from '../src/hostdev/store.js';
import { MemoryPciHost } from '../src/pci/memory-host.js';
import { bindings, drivers, hostOf, pciHostdev, rebind } from './hostdev-helpers.js';

const PORT = '0000:00:01.0';
const GPU = '0000:01:00.0';
const AUDIO = '0000:01:00.1';
const GROUP1 = [PORT, GPU, AUDIO];
const gpu = () => pciHostdev(GPU, { managed: true, group: true });
const audio = () => pciHostdev(AUDIO, { managed: true, group: true });

function thrown(fn: () => unknown): HostdevError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(HostdevError);
    return e as HostdevError;
  }
  throw new Error('expected an error');
}

describe("group='auto'", () => {
  let host: MemoryPciHost;
  let mgr: HostdevManager;
  let initial: ReturnType<typeof bindings>;
  beforeEach(() => {
    host = hostOf('gpu');
    mgr = new HostdevManager(host);
    initial = bindings(host);
  });

  it('detaches group mates bound to host drivers and leaves the pcieport root port alone', () => {
    const plan = mgr.prepare('QEMU', 'vm1', [gpu()]);
    expect(drivers(host, GROUP1)).toEqual({ [PORT]: 'pcieport', [GPU]: 'vfio-pci', [AUDIO]: 'vfio-pci' });
    expect(plan.steps.map((s) => [s.device, s.action, s.from, s.to])).toEqual([
      [AUDIO, 'detach', 'snd_hda_intel', 'vfio-pci'],
      [GPU, 'detach', 'nouveau', 'vfio-pci'],
    ]);
    expect(plan.groups).toEqual([{ group: 1, change: 'manage', devices: [AUDIO] }]);
    expect(mgr.managedGroups()).toEqual([{ group: 1, detached: [{ device: AUDIO, driver: 'snd_hda_intel' }], held: [] }]);
    // the mate is not assigned: only the GPU is on the lists
    expect(mgr.counts()).toEqual({ active: 1, inactive: 0 });
  });

  it('without group management the mates are never touched', () => {
    mgr.prepare('QEMU', 'vm1', [pciHostdev(GPU, { managed: true })]);
    expect(drivers(host, GROUP1)).toEqual({ [PORT]: 'pcieport', [GPU]: 'vfio-pci', [AUDIO]: 'snd_hda_intel' });
    expect(mgr.managedGroups()).toEqual([]);
  });

  it.each(['vfio-pci', 'pci-stub'])('leaves a mate already on %s alone, and does not give it back', (stub) => {
    rebind(host, AUDIO, stub);
    const n = host.writes().length;
    mgr.prepare('QEMU', 'vm1', [gpu()]);
    expect(host.writes().slice(n).every((w) => w.address === GPU)).toBe(true);
    expect(host.driver(AUDIO)).toBe(stub);
    mgr.reattach('QEMU', 'vm1', [gpu()]);
    expect(drivers(host, GROUP1)).toEqual({ [PORT]: 'pcieport', [GPU]: 'nouveau', [AUDIO]: stub });
  });

  it('binds an unbound mate to vfio-pci and leaves it unbound again at release', () => {
    host.unbind(AUDIO);
    const plan = mgr.prepare('QEMU', 'vm1', [gpu()]);
    expect(plan.steps[0]).toMatchObject({ device: AUDIO, action: 'bind', from: undefined, to: 'vfio-pci' });
    expect(host.driver(AUDIO)).toBe('vfio-pci');
    mgr.reattach('QEMU', 'vm1', [gpu()]);
    expect(drivers(host, GROUP1)).toEqual({ [PORT]: 'pcieport', [GPU]: 'nouveau', [AUDIO]: undefined });
  });

  it('two devices of one group in one guest: each detached once, no mate detached twice', () => {
    const n = host.writes().length;
    const plan = mgr.prepare('QEMU', 'vm1', [gpu(), audio()]);
    expect(plan.steps.map((s) => s.device)).toEqual([GPU, AUDIO]);
    const probes = host.writes().slice(n).filter((w) => w.op === 'probe').map((w) => w.address);
    expect(probes).toEqual([GPU, AUDIO]);
    expect(mgr.counts()).toEqual({ active: 2, inactive: 0 });
    // a later prepare in the same group (hotplug) finds everything detached
    mgr.reattach('QEMU', 'vm1', [audio()]);
    const m = host.writes().length;
    mgr.prepare('QEMU', 'vm1', [audio()]);
    expect(host.writes()).toHaveLength(m);
  });

  it('release of one device keeps the group detached; release of the last gives every member back to its original driver', () => {
    mgr.prepare('QEMU', 'vm1', [gpu(), audio()]);
    const plan = mgr.reattach('QEMU', 'vm1', [gpu()]);
    expect(plan.steps).toEqual([]);
    expect(plan.groups).toEqual([{ group: 1, change: 'hold', devices: [GPU] }]);
    expect(drivers(host, GROUP1)).toEqual({ [PORT]: 'pcieport', [GPU]: 'vfio-pci', [AUDIO]: 'vfio-pci' });
    expect(mgr.counts()).toEqual({ active: 1, inactive: 1 });
    expect(mgr.managedGroups()).toEqual([{ group: 1, detached: [], held: [GPU] }]);
    // nodedev-reattach of a held device while the group is in use is refused
    expect(thrown(() => mgr.reattachNode(GPU)).reason).toBe('group-busy');

    const last = mgr.reattach('QEMU', 'vm1', [audio()]);
    expect(last.steps.map((s) => [s.device, s.action, s.to])).toEqual([
      [GPU, 'reattach', 'nouveau'],
      [AUDIO, 'reattach', 'snd_hda_intel'],
    ]);
    expect(last.groups).toEqual([{ group: 1, change: 'release', devices: [GPU, AUDIO] }]);
    expect(bindings(host)).toEqual(initial);
    expect(mgr.counts()).toEqual({ active: 0, inactive: 0 });
    expect(mgr.managedGroups()).toEqual([]);
  });

  it('gives mates back to their original driver even when the kernel would choose another', () => {
    // the audio function was bound to a driver that does not claim its IDs (through driver_override)
    rebind(host, AUDIO, 'igb');
    mgr.prepare('QEMU', 'vm1', [gpu()]);
    expect(host.driver(AUDIO)).toBe('vfio-pci');
    mgr.reattach('QEMU', 'vm1', [gpu()]);
    expect(host.driver(AUDIO)).toBe('igb');
    expect(host.driverOverride(AUDIO)).toBeUndefined();
  });

  it('a mate active in another domain refuses the group, naming the mate', () => {
    mgr.prepare('QEMU', 'vm1', [pciHostdev(AUDIO, { managed: true })]);
    const before = bindings(host);
    const e = thrown(() => mgr.prepare('QEMU', 'vm2', [gpu()]));
    expect(e.reason).toBe('in-use');
    expect(e.detail).toBe(`PCI device ${AUDIO} is in use by driver QEMU, domain vm1`);
    expect(bindings(host)).toEqual(before);
    expect(mgr.counts()).toEqual({ active: 1, inactive: 0 });
  });

  it('across domains: the next domain gets the group once the first has released it', () => {
    mgr.prepare('QEMU', 'vm1', [gpu()]);
    expect(thrown(() => mgr.prepare('QEMU', 'vm2', [audio()])).detail).toBe(`PCI device ${GPU} is in use by driver QEMU, domain vm1`);
    mgr.reattach('QEMU', 'vm1', [gpu()]);
    expect(bindings(host)).toEqual(initial);
    mgr.prepare('QEMU', 'vm2', [audio()]);
    expect(mgr.managedGroups()).toEqual([{ group: 1, detached: [{ device: GPU, driver: 'nouveau' }], held: [] }]);
    mgr.reattach('QEMU', 'vm2', [audio()]);
    expect(bindings(host)).toEqual(initial);
  });

  it('a member detached by the group and then assigned on its own goes back to its original driver', () => {
    mgr.prepare('QEMU', 'vm1', [gpu()]);
    // the audio mate (detached by the group) is now hot-plugged into the same guest, managed, without group='auto'
    mgr.prepare('QEMU', 'vm1', [pciHostdev(AUDIO, { managed: true })]);
    mgr.reattach('QEMU', 'vm1', [pciHostdev(AUDIO, { managed: true })]);
    expect(host.driver(AUDIO)).toBe('vfio-pci'); // held: the GPU is still in use
    mgr.reattach('QEMU', 'vm1', [gpu()]);
    expect(bindings(host)).toEqual(initial);
  });

  it('refuses a group holding critical host devices unless forced, with the reason', () => {
    const sata = pciHostdev('0000:00:1f.2', { managed: true, group: true });
    const e = thrown(() => mgr.prepare('QEMU', 'vm1', [sata]));
    expect(e.reason).toBe('critical-group');
    expect(e.detail).toMatch(/IOMMU group 6 of PCI device 0000:00:1f\.2/);
    expect(e.detail).toMatch(/0000:00:1f\.0 is an? ISA bridge/);
    expect(e.detail).toMatch(/0000:00:1f\.4 is an? SMBus controller/);
    // the remedy is data: the option (PrepareFlags.force) a tool names its own way
    expect(e.remedy).toEqual({ option: 'force', action: 'detach it anyway' });
    expect(e.detail).toBe(`${e.problem}. Use force to detach it anyway`);
    expect(e.describe((o) => `Pass --${o}`)).toBe(`${e.problem}. Pass --force to detach it anyway`);
    expect(e.toJSON()).toMatchObject({ reason: 'critical-group', remedy: { option: 'force', action: 'detach it anyway' } });
    expect(bindings(host)).toEqual(initial);

    mgr.prepare('QEMU', 'vm1', [sata], { force: true });
    expect(drivers(host, ['0000:00:1f.0', '0000:00:1f.2', '0000:00:1f.4'])).toEqual({
      '0000:00:1f.0': 'vfio-pci',
      '0000:00:1f.2': 'vfio-pci',
      '0000:00:1f.4': 'vfio-pci',
    });
    mgr.reattach('QEMU', 'vm1', [sata]);
    expect(bindings(host)).toEqual(initial);
  });

  it('nodedev-detach of a device held for its group hands it to the admin', () => {
    mgr.prepare('QEMU', 'vm1', [gpu(), audio()]);
    mgr.reattach('QEMU', 'vm1', [gpu()]);
    mgr.detach(GPU);
    expect(mgr.managedGroups()).toEqual([{ group: 1, detached: [], held: [] }]);
    mgr.reattach('QEMU', 'vm1', [audio()]);
    expect(drivers(host, GROUP1)).toEqual({ [PORT]: 'pcieport', [GPU]: 'vfio-pci', [AUDIO]: 'snd_hda_intel' });
    expect(mgr.counts()).toEqual({ active: 0, inactive: 1 });
    mgr.reattachNode(GPU);
    expect(bindings(host)).toEqual(initial);
  });

  it('SR-IOV VFs in their own groups detach nothing else', () => {
    const vfs = ['0000:03:10.0', '0000:03:10.1'].map((a) => pciHostdev(a, { managed: true, group: true }));
    const plan = mgr.prepare('QEMU', 'vm1', vfs);
    expect(plan.steps.map((s) => s.device)).toEqual(['0000:03:10.0', '0000:03:10.1']);
    expect(host.driver('0000:03:00.0')).toBe('ixgbe');
    mgr.reattach('QEMU', 'vm1', vfs);
    expect(bindings(host)).toEqual(initial);
  });
});

describe('plans', () => {
  it('a dry run changes nothing; apply executes the plan; a stale plan is refused', () => {
    const host = hostOf('gpu');
    const mgr = new HostdevManager(host);
    const initial = bindings(host);
    const plan = mgr.plan({ op: 'prepare', driver: 'QEMU', domain: 'vm1', hostdevs: [gpu()] });
    expect(bindings(host)).toEqual(initial);
    expect(host.writes()).toHaveLength(0);
    expect(plan.moves).toEqual([{ device: GPU, from: undefined, to: 'active', usedBy: { driver: 'QEMU', domain: 'vm1' }, managed: true }]);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan); // plain data

    rebind(host, AUDIO, undefined);
    expect(thrown(() => mgr.apply(plan)).reason).toBe('stale-plan');
    rebind(host, AUDIO, 'snd_hda_intel');
    mgr.apply(plan);
    expect(drivers(host, GROUP1)).toEqual({ [PORT]: 'pcieport', [GPU]: 'vfio-pci', [AUDIO]: 'vfio-pci' });
    // the same plan cannot be applied twice
    expect(thrown(() => mgr.apply(plan)).reason).toBe('stale-plan');
  });

  it('a read-only manager plans next to a running one but does not apply', () => {
    const host = hostOf('gpu');
    const store = new MemoryStateStore();
    const mgr = new HostdevManager(host, { store });
    mgr.prepare('QEMU', 'vm1', [gpu()]);
    const ro = new HostdevManager(host, { store, readOnly: true });
    const plan = ro.plan({ op: 'reattach', driver: 'QEMU', domain: 'vm1', hostdevs: [gpu()] });
    expect(plan.steps.map((s) => s.device)).toEqual([GPU, AUDIO]);
    expect(thrown(() => ro.apply(plan)).reason).toBe('read-only');
  });
});

describe("group='auto' with bridges and unbound members", () => {
  // group 3: the NIC to assign, an unbound PCI bridge, an unbound endpoint, a bridge on a host driver
  const host = () =>
    new MemoryPciHost({
      drivers: [{ name: 'e1000e', ids: [[0x8086, 0x10d3]] }, { name: 'shpchp' }, { name: 'vfio-pci' }],
      devices: [
        { address: '0000:05:00.0', vendor: 0x8086, device: 0x10d3, class: 0x020000, iommuGroup: 3, driver: 'e1000e' },
        { address: '0000:05:01.0', vendor: 0x8086, device: 0x244e, class: 0x060400, iommuGroup: 3 },
        { address: '0000:05:02.0', vendor: 0x8086, device: 0x10d4, class: 0x020000, iommuGroup: 3 },
      ],
    });

  it('binds unbound endpoints to vfio-pci, leaves unbound bridges alone', () => {
    const h = host();
    const mgr = new HostdevManager(h);
    const plan = mgr.prepare('QEMU', 'vm', [pciHostdev('0000:05:00.0', { managed: true, group: true })]);
    expect(plan.steps.map((s) => [s.device, s.action])).toEqual([
      ['0000:05:02.0', 'bind'],
      ['0000:05:00.0', 'detach'],
    ]);
    expect(drivers(h, ['0000:05:00.0', '0000:05:01.0', '0000:05:02.0'])).toEqual({ '0000:05:00.0': 'vfio-pci', '0000:05:01.0': undefined, '0000:05:02.0': 'vfio-pci' });
    mgr.reattach('QEMU', 'vm', [pciHostdev('0000:05:00.0', { managed: true, group: true })]);
    expect(drivers(h, ['0000:05:00.0', '0000:05:01.0', '0000:05:02.0'])).toEqual({ '0000:05:00.0': 'e1000e', '0000:05:01.0': undefined, '0000:05:02.0': undefined });
  });

  it('notes a bridge on a host driver other than pcieport', () => {
    const h = host();
    rebind(h, '0000:05:01.0', 'shpchp');
    const mgr = new HostdevManager(h);
    const plan = mgr.plan({ op: 'prepare', driver: 'QEMU', domain: 'vm', hostdevs: [pciHostdev('0000:05:00.0', { managed: true, group: true })] });
    expect(plan.notes).toEqual(['IOMMU group 3: bridge 0000:05:01.0 is bound to shpchp, not pcieport: VFIO will not open the group']);
    expect(plan.steps.map((s) => s.device)).not.toContain('0000:05:01.0');
  });
});
