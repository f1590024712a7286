/**
 * libvirt's tests/virhostdevtest.c scenarios (libvirt-semantics.md §6.1) on
 * the virpcimock topology, with the list counts after each step, plus the
 * checks of §3.3 and the node-device cases of virpcitest (§6.2).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { HostdevError } from '../src/hostdev/errors.js';
import { HostdevManager } from '../src/hostdev/manager.js';
import type { HostdevDef } from '../src/domain/devices/hostdev.js';
import type { MemoryPciHost } from '../src/pci/memory-host.js';
import { bindings, drivers, hostOf, hostdevs, pciHostdev, rebind } from './hostdev-helpers.js';

const DRV = 'test_driver';
const DOM = 'test_domain';
const ADDRS = ['0000:00:01.0', '0000:00:02.0', '0000:00:03.0'];
const ORIGINAL = { '0000:00:01.0': 'iwlwifi', '0000:00:02.0': 'i915', '0000:00:03.0': undefined };

function expectHostdevError(fn: () => unknown, reason: string, message?: string | RegExp): HostdevError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(HostdevError);
  const he = err as HostdevError;
  expect(he.reason).toBe(reason);
  if (typeof message === 'string') expect(he.detail).toBe(message);
  else if (message) expect(he.detail).toMatch(message);
  return he;
}

describe('virhostdevtest', () => {
  let host: MemoryPciHost;
  let mgr: HostdevManager;
  let counts: { active: number; inactive: number };
  const expectCounts = (dActive: number, dInactive: number) => {
    const now = mgr.counts();
    expect(now).toEqual({ active: counts.active + dActive, inactive: counts.inactive + dInactive });
    counts = now;
  };
  const conflicts = (devs: HostdevDef[]) => {
    // the same device again for the same driver and domain, another domain, another driver
    expectHostdevError(() => mgr.prepare(DRV, DOM, [devs[0]!]), 'in-use', `PCI device ${ADDRS[0]} is in use by driver ${DRV}, domain ${DOM}`);
    expectHostdevError(() => mgr.prepare(DRV, 'test_domain_2', [devs[1]!]), 'in-use', `PCI device ${ADDRS[1]} is in use by driver ${DRV}, domain ${DOM}`);
    expectHostdevError(() => mgr.prepare('test_driver_2', DOM, [devs[2]!]), 'in-use', `PCI device ${ADDRS[2]} is in use by driver ${DRV}, domain ${DOM}`);
    expectCounts(0, 0);
  };

  beforeEach(() => {
    host = hostOf('virpcimock');
    mgr = new HostdevManager(host);
    counts = mgr.counts();
    expect(counts).toEqual({ active: 0, inactive: 0 });
  });

  it('RoundtripNoGuest', () => {
    for (const a of ADDRS) {
      mgr.detach(a);
      expectCounts(0, 1);
      expect(host.driver(a)).toBe('vfio-pci');
    }
    for (const a of ADDRS) {
      mgr.reattachNode(a);
      expectCounts(0, -1);
    }
    expect(drivers(host, ADDRS)).toEqual(ORIGINAL);
  });

  it('RoundtripUnmanaged', () => {
    const devs = hostdevs(ADDRS, { backend: 'vfio' });
    for (const a of ADDRS) mgr.detach(a);
    expectCounts(0, 3);
    mgr.prepare(DRV, DOM, []);
    expectCounts(0, 0);
    mgr.prepare(DRV, DOM, devs);
    expectCounts(3, -3);
    for (const a of ADDRS) expect(mgr.usedBy(a)).toEqual({ driver: DRV, domain: DOM });
    conflicts(devs);
    mgr.reattach(DRV, DOM, []);
    expectCounts(0, 0);
    mgr.reattach(DRV, DOM, devs);
    expectCounts(-3, 3);
    // unmanaged devices stay detached
    for (const a of ADDRS) expect(host.driver(a)).toBe('vfio-pci');
    for (const a of ADDRS) {
      mgr.reattachNode(a);
      expectCounts(0, -1);
    }
    expect(drivers(host, ADDRS)).toEqual(ORIGINAL);
  });

  it('RoundtripManaged', () => {
    const devs = hostdevs(ADDRS, { backend: 'vfio', managed: true });
    mgr.prepare(DRV, DOM, devs);
    expectCounts(3, 0);
    for (const a of ADDRS) expect(host.driver(a)).toBe('vfio-pci');
    conflicts(devs);
    mgr.reattach(DRV, DOM, devs);
    expectCounts(-3, 0);
    expect(drivers(host, ADDRS)).toEqual(ORIGINAL);
  });

  it('RoundtripMixed', () => {
    const devs = hostdevs(ADDRS, { backend: 'vfio', managed: true });
    for (const a of ADDRS) mgr.detach(a);
    expectCounts(0, 3);
    mgr.prepare(DRV, DOM, devs);
    expectCounts(3, -3);
    conflicts(devs);
    mgr.reattach(DRV, DOM, devs);
    // the objects on the inactive list came from nodedev-detach (unmanaged): they stay detached
    expectCounts(-3, 3);
    for (const a of ADDRS) expect(host.driver(a)).toBe('vfio-pci');
    for (const a of ADDRS) {
      mgr.reattachNode(a);
      expectCounts(0, -1);
    }
    expect(drivers(host, ADDRS)).toEqual(ORIGINAL);
  });

  it('Other', () => {
    const devs = hostdevs(ADDRS, { backend: 'vfio' });
    const before = host.writes().length;
    for (const a of ADDRS) {
      mgr.reset(a);
      expectCounts(0, 0);
    }
    expect(host.writes().slice(before).map((w) => [w.op, w.address])).toEqual(ADDRS.map((a) => ['reset', a]));
    mgr.updateActive(DRV, DOM, []);
    expectCounts(0, 0);
    mgr.updateActive(DRV, DOM, devs);
    expectCounts(3, 0);
    for (const a of ADDRS) expect(mgr.usedBy(a)).toEqual({ driver: DRV, domain: DOM });
  });
});

describe('prepare checks (§3.3)', () => {
  let host: MemoryPciHost;
  let mgr: HostdevManager;
  beforeEach(() => {
    host = hostOf('virpcimock');
    mgr = new HostdevManager(host);
  });

  it('refuses non-endpoint devices', () => {
    expectHostdevError(() => mgr.prepare('QEMU', 'vm', [pciHostdev('0001:00:00.0', { managed: true })]), 'not-endpoint', 'Non-endpoint PCI devices cannot be assigned to guests');
    expect(mgr.counts()).toEqual({ active: 0, inactive: 0 });
  });

  it('refuses an unmanaged device still on its host driver, and changes nothing', () => {
    const before = bindings(host);
    const devs = [pciHostdev('0000:00:01.0', { managed: true }), pciHostdev('0000:00:02.0')];
    expectHostdevError(() => mgr.prepare('QEMU', 'vm', devs), 'unmanaged', 'Unmanaged PCI device 0000:00:02.0 must be manually detached from the host');
    expect(bindings(host)).toEqual(before);
    expect(host.writes()).toHaveLength(0);
    expect(mgr.counts()).toEqual({ active: 0, inactive: 0 });
  });

  it('takes an unmanaged device already bound to vfio-pci (daemon restart) onto the lists', () => {
    rebind(host, '0000:00:02.0', 'vfio-pci');
    mgr.prepare('QEMU', 'vm', [pciHostdev('0000:00:02.0')]);
    expect(mgr.counts()).toEqual({ active: 1, inactive: 0 });
    mgr.reattach('QEMU', 'vm', [pciHostdev('0000:00:02.0')]);
    expect(mgr.counts()).toEqual({ active: 0, inactive: 1 });
    expect(host.driver('0000:00:02.0')).toBe('vfio-pci');
  });

  it('refuses a VFIO device whose IOMMU group mate is active in another domain, naming the mate', () => {
    mgr.prepare('QEMU', 'vm1', [pciHostdev('0005:90:01.0', { managed: true })]);
    expectHostdevError(
      () => mgr.prepare('QEMU', 'vm2', [pciHostdev('0005:90:01.1', { managed: true })]),
      'in-use',
      'PCI device 0005:90:01.0 is in use by driver QEMU, domain vm1',
    );
    // the same domain may take the mate
    mgr.prepare('QEMU', 'vm1', [pciHostdev('0005:90:01.1', { managed: true })]);
    expect(mgr.counts()).toEqual({ active: 2, inactive: 0 });
  });

  it('writes the original-state flags into the hostdevs and restores them after a daemon restart', () => {
    const devs = hostdevs(ADDRS, { managed: true });
    mgr.prepare('QEMU', 'vm', devs);
    for (const h of devs) expect(h.type === 'pci' && h.source.origstates).toEqual({ unbind: true });
    // daemon restart without the state store: a new manager, lists rebuilt from the status XML
    mgr.close();
    const again = new HostdevManager(host);
    again.updateActive('QEMU', 'vm', devs);
    expect(again.activeDevices().map((d) => d.unbindFromStub)).toEqual([true, true, true]);
    again.reattach('QEMU', 'vm', devs);
    expect(drivers(host, ADDRS)).toEqual(ORIGINAL);
  });

  it('a device already on its stub is not rebound and gets no unbind flag', () => {
    rebind(host, '0000:00:01.0', 'vfio-pci');
    const devs = [pciHostdev('0000:00:01.0', { managed: true })];
    const plan = mgr.prepare('QEMU', 'vm', devs);
    expect(plan.steps).toEqual([]);
    expect(devs[0]!.type === 'pci' && devs[0]!.source.origstates).toBeUndefined();
    mgr.reattach('QEMU', 'vm', devs);
    // libvirt leaves a device it did not unbind where it found it
    expect(host.driver('0000:00:01.0')).toBe('vfio-pci');
  });

  it('rolls back everything when a later device fails', () => {
    const before = bindings(host);
    host.injectFault((op, address) => op === 'probe' && address === '0000:00:03.0');
    expectHostdevError(() => mgr.prepare('QEMU', 'vm', hostdevs(ADDRS, { managed: true })), 'host-failure', /0000:00:03\.0/);
    host.injectFault(undefined);
    expect(bindings(host)).toEqual(before);
    expect(mgr.counts()).toEqual({ active: 0, inactive: 0 });
  });

  it('reattach leaves other domains\' devices alone', () => {
    mgr.prepare('QEMU', 'vm1', hostdevs(ADDRS, { managed: true }));
    mgr.reattach('QEMU', 'vm2', hostdevs(ADDRS, { managed: true }));
    expect(mgr.counts()).toEqual({ active: 3, inactive: 0 });
  });
});

describe('node-device API (virpcitest)', () => {
  let host: MemoryPciHost;
  let mgr: HostdevManager;
  beforeEach(() => {
    host = hostOf('virpcimock');
    mgr = new HostdevManager(host);
  });

  it('reattach of a device on a host driver is harmless', () => {
    mgr.reattachNode('0000:0a:01.0');
    expect(host.driver('0000:0a:01.0')).toBe('i915');
  });

  it('reattach reprobes an unbound device back to its host driver', () => {
    host.unbind('0000:0a:01.0');
    mgr.reattachNode('0000:0a:01.0');
    expect(host.driver('0000:0a:01.0')).toBe('i915');
  });

  it('detach binds an unbound device to vfio-pci; reattach of one no driver claims leaves it unbound', () => {
    mgr.detach('0000:0a:02.0');
    expect(host.driver('0000:0a:02.0')).toBe('vfio-pci');
    mgr.reattachNode('0000:0a:03.0');
    expect(host.driver('0000:0a:03.0')).toBeUndefined();
  });

  it('refuses an active device, reset of a non-endpoint, and legacy KVM', () => {
    mgr.prepare('QEMU', 'vm', [pciHostdev('0000:00:01.0', { managed: true })]);
    expectHostdevError(() => mgr.detach('0000:00:01.0'), 'in-use', 'PCI device 0000:00:01.0 is in use by driver QEMU, domain vm');
    expectHostdevError(() => mgr.reattachNode('0000:00:01.0'), 'in-use');
    expectHostdevError(() => mgr.reset('0000:00:01.0'), 'in-use');
    expectHostdevError(() => mgr.reset('0001:00:00.0'), 'not-endpoint', 'Invalid attempt to reset PCI device 0001:00:00.0. Only PCI endpoint devices can be reset');
    expectHostdevError(() => mgr.detach('0000:00:02.0', 'kvm'), 'unsupported-driver', "'legacy KVM' device assignment is no longer supported on this system");
    expectHostdevError(() => mgr.detach('0000:7f:00.0'), 'no-device', /not found/);
  });

  it('reset skips devices on a VFIO driver (vfio resets them itself)', () => {
    mgr.detach('0000:00:01.0');
    const n = host.writes().length;
    expect(mgr.reset('0000:00:01.0').steps).toEqual([]);
    expect(host.writes()).toHaveLength(n);
  });
});
