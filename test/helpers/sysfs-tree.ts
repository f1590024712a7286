/**
 * Test-only: a directory shaped like /sys (and /dev/vfio) for SysfsHost.
 *
 * - `writeSysfsTree(dir, topology)` renders a topology as the kernel lays it
 *   out (relative symlinks: bus/pci/devices/NAME, driver, iommu_group,
 *   kernel/iommu_groups/N/devices/NAME, physfn, virtfnN, net/IF,
 *   class/net/IF/device; 64-byte config space, where a VF's ids read 0xffff;
 *   sriov_totalvfs/sriov_numvfs of a PF; driver_override "(null)").
 * - `createTestKernel(dir, topology)` does the same and returns an `fs` for
 *   SysfsHost whose writes to driver_override, driver/unbind, drivers/X/bind,
 *   drivers/X/unbind, drivers_probe and reset are applied to a MemoryPciHost
 *   (the kernel model) and the affected files re-rendered. Refused writes
 *   throw errno errors as the kernel's would; unknown files are refused.
 */
import * as nodeFs from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { SysfsFs } from '../../src/pci/sysfs.js';
import { MemoryPciHost } from '../../src/pci/memory-host.js';
import { PciHostError } from '../../src/pci/host.js';
import { canonicalPciName, type PciTopology } from '../../src/pci/topology.js';

const { mkdirSync, rmSync, symlinkSync, writeFileSync, readdirSync, existsSync } = nodeFs;

function link(target: string, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  rmSync(path, { force: true });
  symlinkSync(relative(dirname(path), target), path);
}

/** Where the device's directory lives (sys/devices/pciDDDD:BB/NAME). */
function deviceDir(dir: string, address: string): string {
  return join(dir, 'sys/devices', `pci${address.slice(0, address.lastIndexOf(':'))}`, address);
}

const HEADER_BYTE = { endpoint: 0, bridge: 1, cardbus: 2 } as const;

/** Config space as the device answers: an SR-IOV VF reads 0xffff for vendor and device (the kernel's files have the ids). */
function configSpace(host: MemoryPciHost, address: string, multifunction: boolean): Uint8Array {
  const { class: cls, headerType } = host.info(address);
  const vf = host.physicalFunction(address) !== undefined;
  const { vendor, device } = vf ? { vendor: 0xffff, device: 0xffff } : host.info(address);
  const c = new Uint8Array(64);
  c[0] = vendor & 0xff;
  c[1] = vendor >> 8;
  c[2] = device & 0xff;
  c[3] = device >> 8;
  c[0x09] = cls & 0xff;
  c[0x0a] = (cls >> 8) & 0xff;
  c[0x0b] = cls >> 16;
  c[0x0e] = HEADER_BYTE[headerType] | (multifunction ? 0x80 : 0);
  return c;
}

const hexFile = (n: number, w: number) => `0x${n.toString(16).padStart(w, '0')}\n`;

/** The parts that never change: device directories, ids, groups, SR-IOV links, driver directories. */
function renderStatic(dir: string, host: MemoryPciHost): void {
  const devices = host.listDevices();
  const slotOf = (a: string) => a.slice(0, a.lastIndexOf('.'));
  for (const address of devices) {
    const d = deviceDir(dir, address);
    mkdirSync(d, { recursive: true });
    const info = host.info(address);
    const multifunction = devices.filter((o) => slotOf(o) === slotOf(address)).length > 1;
    writeFileSync(join(d, 'config'), configSpace(host, address, multifunction));
    writeFileSync(join(d, 'vendor'), hexFile(info.vendor, 4));
    writeFileSync(join(d, 'device'), hexFile(info.device, 4));
    writeFileSync(join(d, 'class'), hexFile(info.class, 6));
    if (info.headerType === 'endpoint') writeFileSync(join(d, 'reset'), '');
    const sriov = host.sriov(address);
    if (sriov) {
      writeFileSync(join(d, 'sriov_totalvfs'), `${sriov.totalVfs}\n`);
      writeFileSync(join(d, 'sriov_numvfs'), `${sriov.numVfs}\n`);
    }
    link(d, join(dir, 'sys/bus/pci/devices', address));
    const group = host.iommuGroup(address);
    if (group !== undefined) {
      const g = join(dir, 'sys/kernel/iommu_groups', String(group));
      link(g, join(d, 'iommu_group'));
      link(d, join(g, 'devices', address));
    }
    const pf = host.physicalFunction(address);
    if (pf !== undefined) link(deviceDir(dir, pf), join(d, 'physfn'));
    host.virtualFunctions(address).forEach((vf, i) => link(deviceDir(dir, vf), join(d, `virtfn${i}`)));
  }
  for (const { name } of host.snapshot().drivers) {
    const drv = join(dir, 'sys/bus/pci/drivers', name);
    mkdirSync(drv, { recursive: true });
    writeFileSync(join(drv, 'bind'), '');
    writeFileSync(join(drv, 'unbind'), '');
  }
  writeFileSync(join(dir, 'sys/bus/pci/drivers_probe'), '');
  mkdirSync(join(dir, 'sys/kernel/iommu_groups'), { recursive: true });
  mkdirSync(join(dir, 'dev/vfio'), { recursive: true });
  writeFileSync(join(dir, 'dev/vfio/vfio'), '');
}

/** The parts driver binding changes: driver links, overrides, vfio-dev, net interfaces, /dev/vfio/N. */
function renderDynamic(dir: string, host: MemoryPciHost): void {
  const drivers = join(dir, 'sys/bus/pci/drivers');
  for (const name of readdirSync(drivers)) {
    for (const e of readdirSync(join(drivers, name))) if (canonicalPciName(e) === e) rmSync(join(drivers, name, e));
  }
  rmSync(join(dir, 'sys/class/net'), { recursive: true, force: true });
  mkdirSync(join(dir, 'sys/class/net'), { recursive: true });
  host.listDevices().forEach((address, i) => {
    const d = deviceDir(dir, address);
    const driver = host.driver(address);
    rmSync(join(d, 'driver'), { force: true });
    if (driver !== undefined) {
      link(join(drivers, driver), join(d, 'driver'));
      link(d, join(drivers, driver, address));
    }
    writeFileSync(join(d, 'driver_override'), `${host.driverOverride(address) ?? '(null)'}\n`);
    rmSync(join(d, 'vfio-dev'), { recursive: true, force: true });
    if (host.hasVfioDev(address)) mkdirSync(join(d, 'vfio-dev', `vfio${i}`), { recursive: true });
    rmSync(join(d, 'net'), { recursive: true, force: true });
    for (const ifname of host.netdevs(address)) {
      const n = join(d, 'net', ifname);
      mkdirSync(n, { recursive: true });
      symlinkSync(`../../../${address}`, join(n, 'device')); // as the kernel writes it: ends in the PCI name
      link(n, join(dir, 'sys/class/net', ifname));
    }
  });
  const vfio = join(dir, 'dev/vfio');
  for (const e of readdirSync(vfio)) if (/^\d+$/.test(e)) rmSync(join(vfio, e));
  for (const g of host.iommuGroups()) if (host.vfioGroupNode(g)) writeFileSync(join(vfio, String(g)), '');
}

/** Renders a topology as a sysfs tree under `dir` (dir/sys/..., dir/dev/vfio/...). */
export function writeSysfsTree(dir: string, topology: PciTopology): void {
  const host = new MemoryPciHost(topology);
  renderStatic(dir, host);
  renderDynamic(dir, host);
}

function errnoError(code: string, path: string, why: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${why}, write '${path}'`), { code, syscall: 'write', path });
}

export interface TestKernel {
  /** The kernel's state; `model.writes()` is what reached the kernel. */
  model: MemoryPciHost;
  /** node:fs with the kernel's write handlers, for `new SysfsHost({ root, fs })`. */
  fs: SysfsFs;
}

/** Renders the topology under `dir` and returns a kernel that reacts to writes there. */
export function createTestKernel(dir: string, topology: PciTopology): TestKernel {
  const model = new MemoryPciHost(topology);
  renderStatic(dir, model);
  renderDynamic(dir, model);
  const handlers: Array<[RegExp, (m: RegExpExecArray, value: string) => void]> = [
    [/^sys\/bus\/pci\/devices\/([^/]+)\/driver_override$/, (m, v) => model.setDriverOverride(m[1]!, v)],
    [/^sys\/bus\/pci\/devices\/[^/]+\/driver\/unbind$/, (_, v) => model.unbind(v.trim())],
    [/^sys\/bus\/pci\/drivers\/([^/]+)\/unbind$/, (m, v) => {
      if (model.driver(v.trim()) !== m[1]) throw new PciHostError('write-failed', `${v.trim()} is not bound to ${m[1]}`);
      model.unbind(v.trim());
    }],
    [/^sys\/bus\/pci\/drivers\/([^/]+)\/bind$/, (m, v) => model.bind(v.trim(), m[1]!)],
    [/^sys\/bus\/pci\/drivers_probe$/, (_, v) => model.probe(v.trim())],
    [/^sys\/bus\/pci\/devices\/([^/]+)\/reset$/, (m) => model.reset(m[1]!)],
  ];
  const fs: SysfsFs = {
    readFileSync: (p) => nodeFs.readFileSync(p),
    readlinkSync: (p) => nodeFs.readlinkSync(p),
    readdirSync: (p) => nodeFs.readdirSync(p),
    existsSync: (p) => nodeFs.existsSync(p),
    lstatSync: (p) => nodeFs.lstatSync(p),
    writeFileSync(path, data) {
      const rel = relative(dir, path).split(sep).join('/');
      const handler = handlers.map(([re, h]) => [re.exec(rel), h] as const).find(([m]) => m);
      if (!handler) throw errnoError('EACCES', path, 'not a file the test kernel models');
      if (!existsSync(path)) throw errnoError('ENOENT', path, 'no such file or directory');
      try {
        handler[1](handler[0]!, data);
      } catch (e) {
        if (e instanceof PciHostError) throw errnoError('ENODEV', path, e.message);
        throw e;
      }
      renderDynamic(dir, model);
    },
  };
  return { model, fs };
}
