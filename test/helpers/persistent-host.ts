/**
 * Test-only: a PCI host that outlives the process, for kill -9 tests. The
 * kernel model (a MemoryPciHost) is kept in a JSON file and every write
 * that reaches it is saved atomically (temp file + rename) before the call
 * returns, as a sysfs write is done once it returns: a process killed
 * mid-write leaves the host either before or after that write.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { PciHost } from '../../src/pci/host.js';
import { MemoryPciHost } from '../../src/pci/memory-host.js';
import type { PciTopology } from '../../src/pci/topology.js';
import { parsePciAddressName } from '../../src/common/basictypes.js';
import type { PciHostdev } from '../../src/domain/devices/hostdev.js';

/** The GPU (group 1 with its HDMI audio mate) of test/fixtures/gpu-topology.json, managed, group='auto'. */
export const GPU_HOSTDEV = (): PciHostdev => ({
  mode: 'subsystem',
  type: 'pci',
  managed: true,
  source: { address: parsePciAddressName('0000:01:00.0')! },
  driver: { groupMgmt: 'auto' },
});

export function saveHost(file: string, host: MemoryPciHost): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(host.snapshot()));
  renameSync(tmp, file);
}

export function loadHost(file: string): MemoryPciHost {
  return new MemoryPciHost(JSON.parse(readFileSync(file, 'utf8')) as PciTopology);
}

/** The host in `file`; `beforeWrite` is called before each write (the test's event hook). */
export function persistentHost(file: string, beforeWrite: () => void = () => {}): PciHost {
  const model = loadHost(file);
  return withWriteHook(model, beforeWrite, () => saveHost(file, model));
}

/** `model` with `before` called before each write and `after` after it. */
export function withWriteHook(model: PciHost, before: () => void, after: () => void = () => {}): PciHost {
  const write =
    <A extends unknown[]>(fn: (...a: A) => void) =>
    (...a: A) => {
      before();
      fn(...a);
      after();
    };
  return {
    listDevices: () => model.listDevices(),
    exists: (a) => model.exists(a),
    info: (a) => model.info(a),
    driver: (a) => model.driver(a),
    driverOverride: (a) => model.driverOverride(a),
    hasVfioDev: (a) => model.hasVfioDev(a),
    driverLoaded: (n) => model.driverLoaded(n),
    iommuGroup: (a) => model.iommuGroup(a),
    iommuGroupMembers: (g) => model.iommuGroupMembers(g),
    iommuGroups: () => model.iommuGroups(),
    physicalFunction: (a) => model.physicalFunction(a),
    virtualFunctions: (a) => model.virtualFunctions(a),
    netdevs: (a) => model.netdevs(a),
    netdevAddress: (n) => model.netdevAddress(n),
    vfioGroupNode: (g) => model.vfioGroupNode(g),
    setDriverOverride: write((a: string, d: string | undefined) => model.setDriverOverride(a, d)),
    unbind: write((a: string) => model.unbind(a)),
    bind: write((a: string, d: string) => model.bind(a, d)),
    probe: write((a: string) => model.probe(a)),
    reset: write((a: string) => model.reset(a)),
  };
}
