/**
 * The CLI's host: the one place that turns --sysfs ROOT, --topology FILE or
 * --nodedev PATH into a PCI host (`virtxml iommu`, `hostdev plan`,
 * `allocate`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PciHostError, type PciHost } from '../pci/host.js';
import { MemoryPciHost } from '../pci/memory-host.js';
import { SysfsHost } from '../pci/sysfs.js';
import { PciTopologyError, pciTopologyFromJson, type PciTopology } from '../pci/topology.js';
import { readInput, UsageError } from './diagnostics.js';
import { nodedevHost } from './nodedev-host.js';

/** The host options a command takes (those it does not offer are undefined). */
export interface HostOptions {
  sysfs?: string | undefined;
  topology?: string | undefined;
  nodedev?: string | undefined;
}

/**
 * The host of --sysfs ROOT (default '/'), --topology FILE or --nodedev PATH,
 * and what it was read from (for reports). `cmd` prefixes usage errors for
 * commands whose errors do not name them otherwise (`hostdev plan: …`).
 */
export function selectHost(values: HostOptions, cmd?: string): { host: PciHost; source: string } {
  const usage = (m: string) => new UsageError(cmd !== undefined ? `${cmd}: ${m}` : m);
  if (values.nodedev !== undefined && (values.sysfs !== undefined || values.topology !== undefined)) throw usage('--nodedev excludes --sysfs and --topology');
  if (values.sysfs !== undefined && values.topology !== undefined) throw usage('--sysfs and --topology exclude each other');
  if (values.nodedev !== undefined) return { host: nodedevHost(values.nodedev), source: values.nodedev };
  if (values.topology !== undefined) {
    const text = readInput(values.topology);
    try {
      return { host: new MemoryPciHost(topologyFromFile(text)), source: values.topology };
    } catch (e) {
      if (e instanceof PciTopologyError) throw new UsageError(`${values.topology}: ${e.message}`);
      throw e;
    }
  }
  const root = values.sysfs ?? '/';
  return { host: sysfsHost(root), source: join(root, 'sys') };
}

/** A SysfsHost over ROOT, refused (PciHostError, exit 2) when ROOT has no sys/bus/pci: a typo must not read as "no devices". */
export function sysfsHost(root: string): SysfsHost {
  const bus = join(root, 'sys/bus/pci');
  if (!existsSync(bus)) throw new PciHostError('read-failed', `cannot read ${bus}: ENOENT (is ${root} the root of a sysfs tree?)`);
  return new SysfsHost({ root });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A report of \`virtxml iommu --json\` as a topology (so the report can be read
 * back with --topology): its members with their ids, class, header type,
 * driver and group; a member of kind 'vfio' has vfio-dev/.
 */
function topologyOfReport(report: Record<string, unknown>): PciTopology {
  const groups = report.groups;
  if (!Array.isArray(groups)) throw new PciTopologyError(['an iommu report needs a "groups" list']);
  const devices: unknown[] = [];
  const drivers = new Set<string>();
  for (const g of groups) {
    if (!isObject(g) || !Array.isArray(g.members)) throw new PciTopologyError(['each group of an iommu report needs "group" and "members"']);
    for (const m of g.members) {
      if (!isObject(m) || typeof m.id !== 'string' || !/^[0-9a-f]{4}:[0-9a-f]{4}$/i.test(m.id)) throw new PciTopologyError([`group ${String(g.group)}: a member needs "address" and "id" (vendor:device)`]);
      const [vendor, device] = m.id.split(':').map((h) => parseInt(h, 16));
      const driver = typeof m.driver === 'string' ? m.driver : undefined;
      if (driver !== undefined) drivers.add(driver);
      devices.push({
        address: m.address,
        vendor,
        device,
        class: m.class,
        ...(m.headerType !== undefined ? { headerType: m.headerType } : {}),
        ...(driver !== undefined ? { driver } : {}),
        ...(driver !== undefined && m.kind === 'vfio' ? { vfioDev: true } : {}),
        iommuGroup: g.group,
      });
    }
  }
  return pciTopologyFromJson({ drivers: [...drivers].map((name) => ({ name })), devices });
}

/** A topology file, or a report of \`virtxml iommu --json\`. */
export function topologyFromFile(text: string): PciTopology {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new PciTopologyError([`not JSON: ${(e as Error).message}`]);
  }
  return isObject(value) && 'groups' in value && !('devices' in value) ? topologyOfReport(value) : pciTopologyFromJson(value);
}

