/**
 * `virtxml iommu`: the host's IOMMU groups, their devices, whether VFIO can
 * open each group and which groups hold chipset devices. Reads /sys (or a
 * directory shaped like it) or a topology JSON file.
 * Exit codes: 0 listed; 2 usage or I/O error (message on stderr).
 */
import { InputFileError, isUsageError, plural, printError, UsageError } from './diagnostics.js';
import { parseArgs } from 'node:util';
import { PciHostError, type PciHost } from '../pci/host.js';
import { criticalDevices, groupViability, listIommuGroups } from '../pci/groups.js';
import { formatPciClass, formatPciId } from '../pci/topology.js';
import { listSriov } from '../pci/sriov.js';
import { HostdevManager } from '../hostdev/manager.js';
import { HostdevError } from '../hostdev/errors.js';
import { FileStateStore } from '../hostdev/file-store.js';
import { selectHost } from './host.js';
import { formatNodeDevices } from './nodedev-host.js';

export const IOMMU_HELP = `Usage: virtxml iommu [--sysfs ROOT | --topology FILE.json | --nodedev PATH] [--state FILE] [--json | --format nodedev]

Lists the IOMMU groups with their devices (address, vendor:device, class, driver), says
whether VFIO can open each group (every member on vfio-pci or a VFIO variant, pci-stub,
pcieport or no driver) and why not, and marks critical groups (host bridge, ISA bridge,
SMBus: the host cannot give them away). Then the SR-IOV physical functions with their
virtual functions (enabled/total) and whether each VF is free, detached or assigned.
  --sysfs ROOT         read ROOT/sys and ROOT/dev/vfio (default /)
  --topology FILE      read a PCI topology JSON file instead (as the test fixtures), or
                       a report this command printed with --json
  --state FILE         the hostdev manager's state file: VFs on its active list show
                       as assigned to their domain (read only)
  --nodedev PATH       read libvirt's node-device XML instead (virsh nodedev-dumpxml of the PCI
                       devices, and their net devices): a directory of *.xml, or one file of
                       <device> documents ('-': stdin); all members of every group must be there
  --json               print a JSON report
  --format nodedev     print the host's PCI devices as node-device XML (<device> documents)`;

type UsedBy = (address: string) => { driver: string; domain: string } | undefined;

function sriovReport(host: PciHost, usedBy: UsedBy) {
  return listSriov(host).map((pf) => ({
    address: pf.address,
    id: formatPciId(pf.vendor, pf.device),
    group: pf.iommuGroup ?? null,
    driver: pf.driver ?? null,
    netdevs: pf.netdevs,
    totalVfs: pf.totalVfs ?? null,
    numVfs: pf.numVfs,
    vfs: pf.vfs.map((vf) => {
      const by = usedBy(vf.address);
      return {
        address: vf.address,
        index: vf.index,
        id: formatPciId(vf.vendor, vf.device),
        group: vf.iommuGroup ?? null,
        driver: vf.driver ?? null,
        netdevs: vf.netdevs,
        state: by ? ('assigned' as const) : vf.state,
        ...(by ? { usedBy: by } : {}),
      };
    }),
  }));
}

function formatSriov(pfs: ReturnType<typeof sriovReport>): string {
  if (!pfs.length) return '';
  const lines = ['SR-IOV:'];
  const net = (n: string[]) => (n.length ? `  ${n.join(',')}` : '');
  for (const pf of pfs) {
    const total = pf.totalVfs !== null ? ` of ${pf.totalVfs}` : '';
    lines.push(`  PF ${pf.address}  ${pf.id}  group ${pf.group ?? '-'}  ${pf.driver ?? '(no driver)'}${net(pf.netdevs)}  ${pf.numVfs}${total} VFs enabled`);
    for (const vf of pf.vfs) {
      const state = vf.usedBy ? `assigned to ${vf.usedBy.driver}/${vf.usedBy.domain}` : vf.state;
      lines.push(`    VF ${vf.address}  ${vf.id}  group ${vf.group ?? '-'}  ${vf.driver ?? '(no driver)'}${net(vf.netdevs)}  ${state}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Who holds each device, from a hostdev state file (read only, no lock). */
function usedByFrom(host: PciHost, state: string | undefined): UsedBy {
  if (state === undefined) return () => undefined;
  const mgr = new HostdevManager(host, { readOnly: true, store: new FileStateStore(state) });
  return (address) => mgr.usedBy(address);
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
        state: { type: 'string' },
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
    const { host, source } = selectHost(values);
    if (values.format === 'nodedev') return process.stdout.write(formatNodeDevices(host)), 0;
    const groups = report(host);
    const sriov = sriovReport(host, usedByFrom(host, values.state));
    process.stdout.write(values.json ? JSON.stringify({ source, groups, sriov }, null, 2) + '\n' : formatText(groups, source) + formatSriov(sriov));
    return 0;
  } catch (e) {
    if (isUsageError(e)) {
      process.stderr.write(`virtxml iommu: ${e.message}\n`);
      return 2;
    }
    // a host, state or input file error: one line in the one diagnostic format, exit 2
    if ((e instanceof PciHostError || e instanceof HostdevError || e instanceof InputFileError) && printError('virtxml iommu', e)) return 2;
    throw e;
  }
}
