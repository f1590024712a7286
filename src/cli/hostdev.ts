/**
 * `virtxml hostdev plan DOMAIN.xml`: what the hostdev manager would do to
 * the host to give a domain its PCI hostdevs (a dry run: nothing is
 * written). Node-only edge. Exit codes: 0 planned, 1 the manager refuses
 * (the error is printed), 2 usage or I/O error.
 */
import { isUsageError, readInput as read, UsageError } from './usage.js';
import { parseArgs } from 'node:util';
import { HostdevManager, HostdevError, type HostdevPlan } from '../hostdev/index.js';
import { FileStateStore } from '../hostdev/file-store.js';
import { NetworkAllocator, VirtXmlError, buildPciDeviceList, domainHostdevs, parseDomainXml, parseNetworkXml, type NetworkInterface } from '../index.js';
import { MemoryPciHost, PciTopologyError, pciTopologyFromJson, type PciHost } from '../pci/index.js';
import { SysfsHost } from '../pci/sysfs.js';
import { nodedevHost } from './nodedev-host.js';

export const HOSTDEV_HELP = `Usage: virtxml hostdev plan DOMAIN.xml [--sysfs ROOT | --topology FILE.json | --nodedev PATH] [options]

Prints the plan for giving the domain its PCI hostdevs: every detach/bind/reset step
(device, from driver, to driver, why), the moves on the active/inactive lists and the
IOMMU groups group='auto' takes. Nothing is written to the host.
  --sysfs ROOT         read the host from a sysfs tree under ROOT ('/' for this machine; default)
  --topology FILE      read the host from a PCI topology JSON file instead
  --nodedev PATH       read the host from libvirt's node-device XML (virsh nodedev-dumpxml of
                       its PCI devices: a directory of *.xml or one file of <device> documents)
  --state FILE         the hostdev manager's state file (devices already assigned); read only
  --network NET.xml    allocate <interface type='network'> from these networks first (repeatable)
  --driver NAME        hypervisor driver name recorded as the user (default QEMU)
  --force              take IOMMU groups that hold critical host devices
  --json               print the plan as JSON`;


function hostOf(values: { sysfs?: string | undefined; topology?: string | undefined; nodedev?: string | undefined }): PciHost {
  if (values.nodedev !== undefined && (values.sysfs !== undefined || values.topology !== undefined)) throw new UsageError('hostdev plan: --nodedev excludes --sysfs and --topology');
  if (values.sysfs !== undefined && values.topology !== undefined) throw new UsageError('hostdev plan: --sysfs and --topology exclude each other');
  if (values.nodedev !== undefined) return nodedevHost(values.nodedev);
  if (values.topology === undefined) return new SysfsHost({ root: values.sysfs ?? '/' });
  try {
    return new MemoryPciHost(pciTopologyFromJson(read(values.topology)));
  } catch (e) {
    if (e instanceof PciTopologyError) throw new UsageError(`${values.topology}: ${e.message}`);
    throw e;
  }
}

const drv = (d: string | undefined) => d ?? '(none)';

/** The plan as text, one line per step, move and group change. */
export function formatPlan(plan: HostdevPlan): string {
  const lines: string[] = [];
  lines.push(`steps (${plan.steps.length}):`);
  plan.steps.forEach((s, i) => {
    const to = s.probe ? '(kernel chooses)' : drv(s.to);
    const change = s.action === 'reset' ? '' : `  ${drv(s.from)} -> ${to}`;
    lines.push(`  ${String(i + 1).padStart(2)}. ${s.action.padEnd(8)} ${s.device}${change}  # ${s.reason}`);
  });
  if (plan.moves.length) {
    lines.push('lists:');
    for (const m of plan.moves) {
      const by = m.usedBy ? `  usedBy ${m.usedBy.driver}/${m.usedBy.domain}` : '';
      lines.push(`  ${m.device}  ${m.from ?? '(none)'} -> ${m.to ?? '(none)'}  managed=${m.managed ? 'yes' : 'no'}${by}`);
    }
  }
  if (plan.groups.length) {
    lines.push('IOMMU groups:');
    for (const g of plan.groups) lines.push(`  group ${g.group}: ${g.change}${g.devices.length ? ' ' + g.devices.join(' ') : ''}`);
  }
  for (const n of plan.notes) lines.push(`note: ${n}`);
  return lines.join('\n') + '\n';
}

function planCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      sysfs: { type: 'string' },
      topology: { type: 'string' },
      nodedev: { type: 'string' },
      state: { type: 'string' },
      network: { type: 'string', multiple: true },
      driver: { type: 'string' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return process.stdout.write(HOSTDEV_HELP + '\n'), 0;
  if (positionals.length !== 1) throw new UsageError('hostdev plan: give one DOMAIN.xml');
  const file = positionals[0]!;
  const host = hostOf(values);
  let dom: ReturnType<typeof parseDomainXml>;
  try {
    dom = parseDomainXml(read(file), { file });
    if (values.network?.length) {
      const allocator = new NetworkAllocator();
      for (const n of values.network) allocator.addNetwork(parseNetworkXml(read(n), { file: n }));
      for (const iface of dom.devices?.interfaces ?? []) if (iface.type === 'network') allocator.allocate(dom, iface as NetworkInterface);
    }
  } catch (e) {
    if (e instanceof VirtXmlError) {
      process.stderr.write(`${file}${e.line !== undefined ? `:${e.line}:${e.column}` : ''}: error[${e.code}]: ${e.detail}${e.path ? ` (${e.path})` : ''}\n`);
      return 1;
    }
    throw e;
  }
  const hostdevs = domainHostdevs(dom);
  const driver = values.driver ?? 'QEMU';
  const store = values.state !== undefined ? new FileStateStore(values.state) : undefined;
  const mgr = new HostdevManager(host, { readOnly: true, ...(store ? { store } : {}) });
  let plan: HostdevPlan;
  try {
    plan = mgr.plan({ op: 'prepare', driver, domain: dom.name, hostdevs, flags: { force: !!values.force } });
  } catch (e) {
    if (!(e instanceof VirtXmlError)) throw e;
    const reason = e instanceof HostdevError ? e.reason : e.code;
    if (values.json) process.stdout.write(JSON.stringify({ domain: dom.name, error: { ...e.toJSON(), reason } }, null, 2) + '\n');
    else process.stderr.write(`${file}: error[${reason}]: ${e.detail}\n`);
    return 1;
  }
  if (values.json) {
    const { basis: _basis, result: _result, ...shown } = plan;
    process.stdout.write(JSON.stringify({ domain: dom.name, ...shown }, null, 2) + '\n');
    return 0;
  }
  const devices = buildPciDeviceList(hostdevs);
  const out: string[] = [`# domain '${dom.name}' (driver ${driver}): prepare plan, nothing written`, 'PCI devices:'];
  for (const d of devices) out.push(`  ${d.name}  managed=${d.managed ? 'yes' : 'no'}  stubDriver=${d.stubDriver}  attachGroup=${d.attachGroup}`);
  if (!devices.length) out.push('  (none)');
  process.stdout.write(out.join('\n') + '\n' + formatPlan(plan));
  return 0;
}

export function cmdHostdev(args: string[]): number {
  const [sub, ...rest] = args;
  try {
    switch (sub) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(HOSTDEV_HELP + '\n');
        return 0;
      case 'plan':
        return planCommand(rest);
      default:
        throw new UsageError(`hostdev: unknown subcommand '${sub}'`);
    }
  } catch (e) {
    if (isUsageError(e)) {
      process.stderr.write(`virtxml: ${e.message}\nRun 'virtxml hostdev --help' for usage.\n`);
      return 2;
    }
    throw e;
  }
}
