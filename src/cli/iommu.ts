/**
 * `virtxml iommu`: the host's IOMMU groups, their devices, whether VFIO can
 * open each group and which groups hold chipset devices. Reads /sys (or a
 * directory shaped like it) or a topology JSON file.
 * Exit codes: 0 listed; 2 usage or I/O error (message on stderr).
 */
import { isUsageError, plural, printError, readInput, UsageError } from './diagnostics.js';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PciHostError, type PciHost } from '../pci/host.js';
import { MemoryPciHost } from '../pci/memory-host.js';
import { SysfsHost } from '../pci/sysfs.js';
import { criticalDevices, groupViability, listIommuGroups } from '../pci/groups.js';
import { PciTopologyError, formatPciClass, formatPciId, pciTopologyFromJson } from '../pci/topology.js';

export const IOMMU_HELP = `Usage: virtxml iommu [--sysfs ROOT | --topology FILE.json] [--json]

Lists the IOMMU groups with their devices (address, vendor:device, class, driver), says
whether VFIO can open each group (every member on vfio-pci or a VFIO variant, pci-stub,
pcieport or no driver) and why not, and marks critical groups (host bridge, ISA bridge,
SMBus: the host cannot give them away).
  --sysfs ROOT         read ROOT/sys and ROOT/dev/vfio (default /)
  --topology FILE      read a PCI topology JSON file instead (as the test fixtures)
  --json               print a JSON report`;


function loadHost(values: { sysfs?: string | undefined; topology?: string | undefined }): { host: PciHost; source: string } {
  if (values.sysfs !== undefined && values.topology !== undefined) throw new UsageError('--sysfs and --topology exclude each other');
  if (values.topology !== undefined) {
    const text = readInput(values.topology);
    try {
      return { host: new MemoryPciHost(pciTopologyFromJson(text)), source: values.topology };
    } catch (e) {
      if (e instanceof PciTopologyError) throw new UsageError(`${values.topology}: ${e.message}`);
      throw e;
    }
  }
  const root = values.sysfs ?? '/';
  return { host: new SysfsHost({ root }), source: join(root, 'sys') };
}

function report(host: PciHost) {
  return listIommuGroups(host).map(({ group, members }) => {
    const { viable, reasons } = groupViability(host, group);
    return {
      group,
      viable,
      reasons,
      critical: criticalDevices(host, group).map(({ address, reason }) => ({ address, reason })),
      vfioNode: host.vfioGroupNode(group),
      members: members.map((m) => ({
        address: m.address,
        id: formatPciId(m.vendor, m.device),
        class: formatPciClass(m.class),
        headerType: m.headerType,
        driver: m.driver ?? null,
        kind: m.kind,
      })),
    };
  });
}

function formatText(groups: ReturnType<typeof report>, source: string): string {
  if (groups.length === 0) return `no IOMMU groups in ${source} (is the IOMMU enabled?)\n`;
  const lines: string[] = [];
  for (const g of groups) {
    const flags = [g.viable ? 'viable' : 'not viable', ...(g.critical.length ? ['CRITICAL'] : []), ...(g.vfioNode ? [`/dev/vfio/${g.group}`] : [])];
    lines.push(`group ${g.group}: ${flags.join(', ')}`);
    for (const m of g.members) lines.push(`  ${m.address}  ${m.id}  ${m.class}  ${m.driver ?? '(no driver)'}`);
    for (const r of g.reasons) lines.push(`  not viable: ${r}`);
    for (const c of g.critical) lines.push(`  critical: ${c.reason}`);
  }
  const viable = groups.filter((g) => g.viable).length;
  const critical = groups.filter((g) => g.critical.length).length;
  lines.push(`${plural(groups.length, 'group')}: ${viable} viable, ${critical} critical`);
  return lines.join('\n') + '\n';
}

export function cmdIommu(args: string[]): number {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        sysfs: { type: 'string' },
        topology: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(IOMMU_HELP + '\n');
      return 0;
    }
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const { host, source } = loadHost(values);
    const groups = report(host);
    process.stdout.write(values.json ? JSON.stringify({ source, groups }, null, 2) + '\n' : formatText(groups, source));
    return 0;
  } catch (e) {
    if (isUsageError(e)) {
      process.stderr.write(`virtxml iommu: ${(e as Error).message}\n`);
      return 2;
    }
    if (e instanceof PciHostError && printError('virtxml iommu', e)) return 2;
    throw e;
  }
}
