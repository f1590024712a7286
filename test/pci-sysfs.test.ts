/**
 * SysfsHost (libvirt-semantics.md §4) over temp directories shaped like /sys:
 * reads agree with MemoryPciHost on the same topology; writes go through a
 * test kernel (a MemoryPciHost behind the files) and come back as links.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PciHostError } from '../src/pci/host.js';
import { MemoryPciHost } from '../src/pci/memory-host.js';
import { SysfsHost, type SysfsFs } from '../src/pci/sysfs.js';
import { groupViability } from '../src/pci/groups.js';
import type { PciTopology } from '../src/pci/topology.js';
import { loadFixtureTopology, readAll } from './helpers/pci-reads.js';
import { createTestKernel, writeSysfsTree } from './helpers/sysfs-tree.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'virtxml-sysfs-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function thrown(f: () => unknown): PciHostError {
  try {
    f();
  } catch (e) {
    if (e instanceof PciHostError) return e;
    throw e;
  }
  throw new Error('expected a PciHostError');
}

const sriov12: PciTopology = {
  drivers: [{ name: 'igb', ids: [[0x8086, 0x10c9]] }, { name: 'igbvf', ids: [[0x8086, 0x10ca]] }],
  devices: [
    { address: '0000:05:00.0', vendor: 0x8086, device: 0x10c9, class: 0x020000, driver: 'igb', iommuGroup: 1, netdevs: ['eth0'], sriovTotalVfs: 16 },
    ...Array.from({ length: 12 }, (_, i) => ({
      address: `0000:05:${(0x10 + (i >> 3)).toString(16)}.${i & 7}`,
      vendor: 0x8086,
      device: 0x10ca,
      class: 0x020000,
      driver: 'igbvf',
      iommuGroup: 10 + i,
      physfn: '0000:05:00.0',
    })),
  ],
};

describe('reads', () => {
  it.each(['virpcimock-topology.json', 'gpu-topology.json'])('agree with MemoryPciHost on %s', (fixture) => {
    const t = loadFixtureTopology(fixture);
    writeSysfsTree(dir, t);
    const names = [...t.drivers.map((d) => d.name), 'not-loaded'];
    expect(readAll(new SysfsHost({ root: dir }), names)).toEqual(readAll(new MemoryPciHost(t), names));
  });

  it('the tree is laid out as the kernel does: links, "(null)" override, config space', () => {
    writeSysfsTree(dir, loadFixtureTopology('gpu-topology.json'));
    const dev = join(dir, 'sys/bus/pci/devices/0000:03:10.0');
    expect(lstatSync(dev).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dev, 'driver'))).toMatch(/^(\.\.\/)+bus\/pci\/drivers\/ixgbevf$/);
    expect(readlinkSync(join(dev, 'iommu_group'))).toMatch(/^(\.\.\/)+kernel\/iommu_groups\/3$/);
    expect(readFileSync(join(dev, 'driver_override'), 'utf8')).toBe('(null)\n');
    expect(readFileSync(join(dev, 'config')).subarray(0, 4)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff])); // a VF: the SR-IOV spec's 0xffff
    expect(readFileSync(join(dev, 'device'), 'utf8')).toBe('0x10ed\n');
    expect(readFileSync(join(dir, 'sys/bus/pci/devices/0000:01:00.0/config')).subarray(0, 2)).toEqual(Buffer.from([0xde, 0x10]));
    expect(readFileSync(join(dir, 'sys/bus/pci/devices/0000:01:00.0/config'))[0x0e]).toBe(0x80); // multifunction bit
  });

  it('virtfnN links are taken in numeric order (virtfn10 after virtfn9)', () => {
    writeSysfsTree(dir, sriov12);
    const h = new SysfsHost({ root: dir });
    expect(h.virtualFunctions('0000:05:00.0')).toEqual(new MemoryPciHost(sriov12).virtualFunctions('0000:05:00.0'));
    expect(h.virtualFunctions('0000:05:00.0').slice(8, 11)).toEqual(['0000:05:11.0', '0000:05:11.1', '0000:05:11.2']);
  });

  it('an SR-IOV PF and its VFs read as MemoryPciHost says: ids from the kernel files although a VF config space reads 0xffff', () => {
    writeSysfsTree(dir, sriov12);
    const h = new SysfsHost({ root: dir });
    expect(readAll(h, ['igb', 'igbvf'])).toEqual(readAll(new MemoryPciHost(sriov12), ['igb', 'igbvf']));
    const vf = join(dir, 'sys/bus/pci/devices/0000:05:10.0');
    expect([...readFileSync(join(vf, 'config')).subarray(0, 4)]).toEqual([0xff, 0xff, 0xff, 0xff]);
    expect(h.info('0000:05:10.0')).toEqual({ address: '0000:05:10.0', vendor: 0x8086, device: 0x10ca, class: 0x020000, headerType: 'endpoint' });
    expect(h.sriov('0000:05:00.0')).toEqual({ totalVfs: 16, numVfs: 12 });
    expect(h.sriov('0000:05:10.0')).toBeUndefined();
    expect(h.physicalFunction('0000:05:10.0')).toBe('0000:05:00.0');
    writeFileSync(join(dir, 'sys/bus/pci/devices/0000:05:00.0/sriov_numvfs'), 'x\n');
    expect(thrown(() => h.sriov('0000:05:00.0')).message).toMatch(/sriov_numvfs: expected a number, read 'x'$/);
  });

  it('without the vendor/device/class files, ids come from config space', () => {
    writeSysfsTree(dir, loadFixtureTopology('gpu-topology.json'));
    const d = join(dir, 'sys/bus/pci/devices/0000:04:00.0');
    const want = new SysfsHost({ root: dir }).info('0000:04:00.0');
    for (const f of ['vendor', 'device', 'class']) rmSync(join(d, f));
    expect(new SysfsHost({ root: dir }).info('0000:04:00.0')).toEqual(want);
  });

  it('header type comes from config byte 0x0e without the multifunction bit; unknown types are errors', () => {
    writeSysfsTree(dir, loadFixtureTopology('gpu-topology.json'));
    const h = new SysfsHost({ root: dir });
    expect(h.info('0000:01:00.0').headerType).toBe('endpoint');
    expect(h.info('0000:00:01.0').headerType).toBe('bridge');
    const config = join(dir, 'sys/bus/pci/devices/0000:04:00.0/config');
    const bytes = readFileSync(config);
    bytes[0x0e] = 0x82;
    writeFileSync(config, bytes);
    expect(h.info('0000:04:00.0').headerType).toBe('cardbus');
    bytes[0x0e] = 0x03;
    writeFileSync(config, bytes);
    expect(thrown(() => h.info('0000:04:00.0')).message).toContain('unknown header type 0x3');
  });

  it('falls back to the vendor, device and class files when config is short', () => {
    writeSysfsTree(dir, loadFixtureTopology('gpu-topology.json'));
    const d = join(dir, 'sys/bus/pci/devices/0000:04:00.0');
    writeFileSync(join(d, 'config'), Buffer.from([0xff, 0xff, 0xff, 0xff]));
    writeFileSync(join(d, 'vendor'), '0x8086\n');
    writeFileSync(join(d, 'device'), '0x1534\n');
    writeFileSync(join(d, 'class'), '0x060400\n');
    expect(new SysfsHost({ root: dir }).info('0000:04:00.0')).toEqual({ address: '0000:04:00.0', vendor: 0x8086, device: 0x1534, class: 0x060400, headerType: 'bridge' });
    writeFileSync(join(d, 'class'), 'junk\n');
    expect(thrown(() => new SysfsHost({ root: dir }).info('0000:04:00.0')).code).toBe('read-failed');
  });

  it('a missing device is no-device, naming the config path', () => {
    writeSysfsTree(dir, loadFixtureTopology('gpu-topology.json'));
    const h = new SysfsHost({ root: dir });
    expect(h.exists('0000:09:00.0')).toBe(false);
    const e = thrown(() => h.driver('0000:09:00.0'));
    expect(e.code).toBe('no-device');
    expect(e.message).toBe(`Device 0000:09:00.0 not found: could not access ${dir}/sys/bus/pci/devices/0000:09:00.0/config`);
  });

  it('reports a driver entry that is not a symlink and a bad IOMMU group entry', () => {
    writeSysfsTree(dir, loadFixtureTopology('gpu-topology.json'));
    const h = new SysfsHost({ root: dir });
    const d = join(dir, 'sys/bus/pci/devices/0000:00:00.0');
    writeFileSync(join(d, 'driver'), '');
    expect(thrown(() => h.driver('0000:00:00.0')).message).toBe(`${d}/driver is not a symlink`);
    mkdirSync(join(dir, 'sys/kernel/iommu_groups/0/devices/bogus'));
    expect(thrown(() => h.iommuGroupMembers(0)).message).toBe(`Found invalid device link 'bogus' in ${dir}/sys/kernel/iommu_groups/0/devices`);
  });

  it('a net interface that is not on PCI has no address; a missing IOMMU directory means no groups', () => {
    writeSysfsTree(dir, loadFixtureTopology('gpu-topology.json'));
    mkdirSync(join(dir, 'sys/devices/virtual/net/lo'), { recursive: true });
    symlinkSync('../../devices/virtual/net/lo', join(dir, 'sys/class/net/lo'));
    const h = new SysfsHost({ root: dir });
    expect(h.netdevAddress('lo')).toBeUndefined();
    expect(h.netdevAddress('../lo')).toBeUndefined();
    expect(h.netdevAddress('enp4s0')).toBe('0000:04:00.0');
    rmSync(join(dir, 'sys/kernel'), { recursive: true });
    expect(h.iommuGroups()).toEqual([]);
    expect(h.iommuGroupMembers(7)).toEqual([]);
    rmSync(join(dir, 'sys/bus/pci/devices/0000:04:00.0/iommu_group'));
    expect(h.iommuGroup('0000:04:00.0')).toBeUndefined();
  });

  it('a file that cannot be read is read-failed with the path and errno', () => {
    writeSysfsTree(dir, loadFixtureTopology('gpu-topology.json'));
    const file = join(dir, 'sys/bus/pci/devices/0000:04:00.0/driver_override');
    rmSync(file);
    mkdirSync(file);
    const e = thrown(() => new SysfsHost({ root: dir }).driverOverride('0000:04:00.0'));
    expect(e.code).toBe('read-failed');
    expect(e.message).toBe(`cannot read ${file}: EISDIR`);
  });
});

describe('writes through the test kernel', () => {
  const kernelHost = (t: PciTopology) => {
    const kernel = createTestKernel(dir, t);
    const written: Array<[string, string]> = [];
    const fs: SysfsFs = {
      ...kernel.fs,
      writeFileSync(path, data) {
        written.push([path.slice(dir.length), data]);
        kernel.fs.writeFileSync(path, data);
      },
    };
    return { kernel, host: new SysfsHost({ root: dir, fs }), written };
  };

  it('detach and reattach a VF the way libvirt does: files written, links re-rendered, kernel state agrees', () => {
    const { kernel, host, written } = kernelHost(loadFixtureTopology('gpu-topology.json'));
    const vf = '0000:03:10.1';
    host.setDriverOverride(vf, 'vfio-pci');
    host.unbind(vf);
    host.probe(vf);
    expect(written).toEqual([
      [`/sys/bus/pci/devices/${vf}/driver_override`, 'vfio-pci'],
      [`/sys/bus/pci/devices/${vf}/driver/unbind`, vf],
      ['/sys/bus/pci/drivers_probe', vf],
    ]);
    expect(host.driver(vf)).toBe('vfio-pci');
    expect(host.driverOverride(vf)).toBe('vfio-pci');
    expect(host.hasVfioDev(vf)).toBe(true);
    expect(host.vfioGroupNode(4)).toBe(true);
    expect(host.netdevs(vf)).toEqual([]);
    expect(host.netdevAddress('enp3s16f1')).toBeUndefined();
    expect(groupViability(host, 4).viable).toBe(true);
    expect(kernel.model.driver(vf)).toBe('vfio-pci');

    host.setDriverOverride(vf, undefined);
    host.unbind(vf);
    host.probe(vf);
    expect(written[3]).toEqual([`/sys/bus/pci/devices/${vf}/driver_override`, '\n']);
    expect(host.driver(vf)).toBe('ixgbevf');
    expect(host.driverOverride(vf)).toBeUndefined();
    expect(host.vfioGroupNode(4)).toBe(false);
    expect(host.netdevAddress('enp3s16f1')).toBe(vf);
    const names = kernel.model.snapshot().drivers.map((d) => d.name);
    expect(readAll(host, names)).toEqual(readAll(kernel.model, names));
  });

  it('bind and reset write the device name and "1"', () => {
    const { host, written } = kernelHost(loadFixtureTopology('virpcimock-topology.json'));
    host.unbind('0000:0a:01.0');
    host.bind('0000:0a:01.0', 'i915');
    host.reset('0000:0a:01.0');
    expect(written.slice(1)).toEqual([
      ['/sys/bus/pci/drivers/i915/bind', '0000:0a:01.0'],
      ['/sys/bus/pci/devices/0000:0a:01.0/reset', '1'],
    ]);
    expect(host.driver('0000:0a:01.0')).toBe('i915');
  });

  it('unbind of an unbound device fails without writing', () => {
    const { host, written } = kernelHost(loadFixtureTopology('virpcimock-topology.json'));
    const e = thrown(() => host.unbind('0000:0a:02.0'));
    expect(e.code).toBe('write-failed');
    expect(e.message).toBe(`cannot unbind 0000:0a:02.0: not bound to a driver (${dir}/sys/bus/pci/devices/0000:0a:02.0/driver does not exist)`);
    expect(written).toEqual([]);
  });

  it('a write the kernel refuses is write-failed with the path and errno, and changes nothing', () => {
    const { kernel, host } = kernelHost(loadFixtureTopology('virpcimock-topology.json'));
    const e = thrown(() => host.bind('0000:0a:01.0', 'i915'));
    expect(e.code).toBe('write-failed');
    expect(e.message).toBe(`cannot write "0000:0a:01.0" to ${dir}/sys/bus/pci/drivers/i915/bind: ENODEV`);
    expect(host.driver('0000:0a:01.0')).toBe('i915');
    expect(kernel.model.writes().at(-1)).toMatchObject({ op: 'bind', failed: true });
  });

  it('bind to a driver that is not loaded is no-driver; writes to a missing device are no-device', () => {
    const { host, written } = kernelHost(loadFixtureTopology('virpcimock-topology.json'));
    expect(thrown(() => host.bind('0000:0a:02.0', 'e1000e')).code).toBe('no-driver');
    expect(thrown(() => host.probe('0000:0b:00.0')).code).toBe('no-device');
    expect(thrown(() => host.setDriverOverride('0000:0b:00.0', 'vfio-pci')).code).toBe('no-device');
    expect(written).toEqual([]);
  });

  it('a fault injected in the kernel surfaces as write-failed and the tree is unchanged', () => {
    const { kernel, host } = kernelHost(loadFixtureTopology('gpu-topology.json'));
    kernel.model.injectFault((op) => op === 'probe');
    host.setDriverOverride('0000:04:00.0', 'vfio-pci');
    host.unbind('0000:04:00.0');
    expect(thrown(() => host.probe('0000:04:00.0')).code).toBe('write-failed');
    expect(host.driver('0000:04:00.0')).toBeUndefined();
    expect(host.vfioGroupNode(7)).toBe(false);
  });

  it('the test kernel refuses files it does not model', () => {
    const { kernel } = kernelHost(loadFixtureTopology('gpu-topology.json'));
    expect(() => kernel.fs.writeFileSync(join(dir, 'sys/bus/pci/drivers/vfio-pci/new_id'), '8086 1533')).toThrow(/EACCES/);
  });
});

describe('confined to the root', () => {
  const GPU = '0000:01:00.0';
  /** The tree under dir/root; dir/outside is what an escaping link points at. */
  function setup() {
    const root = join(dir, 'root');
    const outside = join(dir, 'outside');
    mkdirSync(join(outside, 'drv'), { recursive: true });
    mkdirSync(join(outside, 'dev'), { recursive: true });
    for (const f of ['drv/unbind', 'dev/driver_override', 'dev/reset']) writeFileSync(join(outside, f), 'untouched');
    writeFileSync(join(outside, 'dev/config'), new Uint8Array(64));
    const kernel = createTestKernel(root, loadFixtureTopology('gpu-topology.json'));
    const host = new SysfsHost({ root, fs: kernel.fs });
    const untouched = () => ['drv/unbind', 'dev/driver_override', 'dev/reset'].map((f) => readFileSync(join(outside, f), 'utf8'));
    return { root, outside, host, kernel, untouched };
  }

  it('a driver link pointing outside the root: the driver name and unbind are refused (outside-root)', () => {
    const { root, outside, host, kernel, untouched } = setup();
    const link = join(root, 'sys/bus/pci/devices', GPU, 'driver');
    rmSync(link);
    symlinkSync(join(outside, 'drv'), link);
    expect(thrown(() => host.unbind(GPU)).code).toBe('outside-root');
    expect(thrown(() => host.driver(GPU)).message).toMatch(/driver resolves to .*outside\/drv, outside the sysfs root .*: refused/);
    expect(untouched()).toEqual(['untouched', 'untouched', 'untouched']);
    expect(kernel.model.writes()).toEqual([]);
  });

  it('a device directory link pointing outside: driver_override, reset and reads are refused', () => {
    const { root, outside, host, kernel, untouched } = setup();
    const link = join(root, 'sys/bus/pci/devices', GPU);
    rmSync(link);
    symlinkSync(join(outside, 'dev'), link);
    expect(thrown(() => host.setDriverOverride(GPU, 'vfio-pci')).code).toBe('outside-root');
    expect(thrown(() => host.reset(GPU)).code).toBe('outside-root');
    expect(thrown(() => host.info(GPU)).code).toBe('outside-root');
    expect(thrown(() => host.exists(GPU)).code).toBe('outside-root');
    expect(untouched()).toEqual(['untouched', 'untouched', 'untouched']);
    expect(kernel.model.writes()).toEqual([]);
  });

  it('a dangling link to a file outside is not created through', () => {
    const { root, outside, host } = setup();
    const f = join(root, 'sys/bus/pci/devices', GPU, 'driver_override');
    rmSync(f);
    symlinkSync(join(outside, 'new-file'), f);
    expect(thrown(() => host.setDriverOverride(GPU, 'vfio-pci')).code).toBe('outside-root');
    expect(existsSync(join(outside, 'new-file'))).toBe(false);
  });

  it('relative links inside the root (as the kernel makes them) and a root reached through a symlink are fine', () => {
    const { root, host } = setup();
    expect(host.driver(GPU)).toBe('nouveau');
    symlinkSync(root, join(dir, 'alias'));
    const via = new SysfsHost({ root: join(dir, 'alias') });
    expect(via.driver(GPU)).toBe('nouveau');
    expect(via.iommuGroupMembers(1)).toEqual(host.iommuGroupMembers(1));
  });
});
