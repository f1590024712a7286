/**
 * `virtxml iommu`: the host's IOMMU groups, their devices, whether VFIO can
 * open each group and which groups hold chipset devices. Reads /sys (or a
 * directory shaped like it) or a topology JSON file.
 * Exit codes: 0 listed; 2 usage or I/O error (message on stderr).
 */
import { isUsageError, readInput, UsageError } from './usage.js';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PciHostError, type PciHost } from '../pci/host.js';
import { MemoryPciHost } from '../pci/memory-host.js';
import { SysfsHost } from '../pci/sysfs.js';
import { criticalDevices, groupViability, listIommuGroups } from '../pci/groups.js';
import { PciTopologyError, formatPciClass, formatPciId, pciTopologyFromJson } from '../pci/topology.js';
import { formatNodeDevices, nodedevHost } from './nodedev-host.js';

export const IOMMU_HELP = `Usage: virtxml iommu [--sysfs ROOT | --topology FILE.json | --nodedev PATH] [--json | --format nodedev]

Lists the IOMMU groups with their devices (address, vendor:device, class, driver), says
whether VFIO can open each group (every member on vfio-pci or a VFIO variant, pci-stub,
pcieport or no driver) and why not, and marks critical groups (host bridge, ISA bridge,
SMBus: the host cannot give them away).
  --sysfs ROOT         read ROOT/sys and ROOT/dev/vfio (default /)
  --topology FILE      read a PCI topology JSON file instead (as the test fixtures)
  --nodedev PATH       read libvirt's node-device XML instead (virsh nodedev-dumpxml of the PCI
                       devices, and their net devices): a directory of *.xml, or one file of
                       <device> documents; all members of every group must be there
  --json               print a JSON report
  --format nodedev     print the host's PCI devices as node-device XML (<device> documents)`;


function loadHost(values: { sysfs?: string | undefined; topology?: string | undefined; nodedev?: string | undefined }): { host: PciHost; source: string } {
  if (values.nodedev !== undefined && (values.sysfs !== undefined || values.topology !== undefined)) throw new UsageError('--nodedev excludes --sysfs and --topology');
  if (values.sysfs !== undefined && values.topology !== undefined) throw new UsageError('--sysfs and --topology exclude each other');
  if (values.nodedev !== undefined) return { host: nodedevHost(values.nodedev), source: values.nodedev };
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
  lines.push(`${groups.length} groups: ${viable} viable, ${critical} critical`);
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
        nodedev: { type: 'string' },
        format: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(IOMMU_HELP + '\n');
      return 0;
    }
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    if (values.format !== undefined && values.format !== 'nodedev') throw new UsageError(`unknown format '${values.format}' (nodedev)`);
    if (values.format !== undefined && values.json) throw new UsageError('--json and --format exclude each other');
    const { host, source } = loadHost(values);
    if (values.format === 'nodedev') return process.stdout.write(formatNodeDevices(host)), 0;
    const groups = report(host);
    process.stdout.write(values.json ? JSON.stringify({ source, groups }, null, 2) + '\n' : formatText(groups, source));
    return 0;
  } catch (e) {
    if (isUsageError(e) || e instanceof PciHostError) {
      process.stderr.write(`virtxml iommu: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
}
