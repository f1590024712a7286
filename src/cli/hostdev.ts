/**
 * `virtxml hostdev plan DOMAIN.xml`: what the hostdev manager would do to
 * the host to give a domain its PCI hostdevs (a dry run: nothing is
 * written); `hostdev status` and `hostdev recover` on the manager's state
 * file. Node-only edge. Exit codes: 0 done, 1 the manager refuses (the
 * error is printed) or recovery is needed (status), 2 usage, I/O, host or
 * state error (one line with its code).
 */
import { formatDiagnostic, InputFileError, isUsageError, plural, printError, readInput as read, UsageError } from './diagnostics.js';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { HostdevManager, HostdevError, type HostdevPlan } from '../hostdev/index.js';
import { FileStateStore } from '../hostdev/file-store.js';
import { NetworkAllocator, VirtXmlError, buildPciDeviceList, domainHostdevs, parseDomainXml, parseNetworkXml, type NetworkInterface } from '../index.js';
import { pciNetworkHost } from '../network/pci-host.js';
import { MemoryPciHost, PciHostError } from '../pci/index.js';
import { selectHost, sysfsHost } from './host.js';

export const HOSTDEV_HELP = `Usage: virtxml hostdev plan DOMAIN.xml [--sysfs ROOT | --topology FILE.json | --nodedev PATH] [options]
       virtxml hostdev status --state FILE [--json]
       virtxml hostdev recover --state FILE [--sysfs ROOT] [--json]

plan: prints the plan for giving the domain its PCI hostdevs: every detach/bind/reset step
(device, from driver, to driver, why), the moves on the active/inactive lists and the
IOMMU groups group='auto' takes. Nothing is written to the host.
  --sysfs ROOT         read the host from a sysfs tree under ROOT ('/' for this machine; default)
  --topology FILE      read the host from a PCI topology JSON file instead
  --nodedev PATH       read the host from libvirt's node-device XML (virsh nodedev-dumpxml of
                       its PCI devices: a directory of *.xml or one file of <device> documents)
  --state FILE         the hostdev manager's state file (devices already assigned); read only
  --network NET.xml    allocate <interface type='network'> from these networks first (repeatable);
                       a <pf dev='ethN'/> pool is the PF's VFs on the host read here
  --driver NAME        hypervisor driver name recorded as the user (default QEMU)
  --force              take IOMMU groups that hold critical host devices
  --allow-missing      plan without hostdevs whose device is not on the host (default: error)
  --json               print the plan as JSON

status: what the state file records (devices given to domains, group-managed IOMMU groups,
an unfinished operation, the lock's holder); read only, takes no lock. Exit 1 when an
operation must be recovered.

recover: finishes what a manager that died mid-operation left in the state file's journal
(an unfinished prepare or detach goes back, an unfinished give-back is completed), on the
host under --sysfs ROOT (default /). Takes the lock.`;

/** The manager's state file; refused (exit 2) when it does not exist: a typo must not read as "nothing assigned". */
function stateStore(file: string): FileStateStore {
  const store = new FileStateStore(file);
  if (!existsSync(file) && !store.setAsideFiles().length) throw new HostdevError('state-io', `hostdev state file ${file} does not exist`);
  return store;
}


const drv = (d: string | undefined) => d ?? '(none)';

/** The plan as text, one line per step, move and group change. */
export function formatPlan(plan: HostdevPlan): string {
  const lines: string[] = [];
  lines.push(`${plural(plan.steps.length, 'step')}:`);
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
      'allow-missing': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return process.stdout.write(HOSTDEV_HELP + '\n'), 0;
  if (positionals.length !== 1) throw new UsageError('hostdev plan: give one DOMAIN.xml');
  const file = positionals[0]!;
  const { host } = selectHost(values, 'hostdev plan');
  let dom: ReturnType<typeof parseDomainXml>;
  try {
    dom = parseDomainXml(read(file), { file });
    if (values.network?.length) {
      const allocator = new NetworkAllocator({ host: pciNetworkHost(host) });
      for (const n of values.network) allocator.addNetwork(parseNetworkXml(read(n), { file: n }));
      for (const iface of dom.devices?.interfaces ?? []) if (iface.type === 'network') allocator.allocate(dom, iface as NetworkInterface);
    }
  } catch (e) {
    if (e instanceof VirtXmlError && printError(file, e)) return 1;
    throw e;
  }
  const hostdevs = domainHostdevs(dom);
  const driver = values.driver ?? 'QEMU';
  const store = values.state !== undefined ? stateStore(values.state) : undefined;
  const mgr = new HostdevManager(host, { readOnly: true, ...(store ? { store } : {}) });
  let plan: HostdevPlan;
  try {
    const missing = buildPciDeviceList(hostdevs).filter((d) => !host.exists(d.name));
    if (missing.length && !values['allow-missing']) {
      const names = missing.map((d) => d.name).join(', ');
      throw new HostdevError('no-device', `PCI device${missing.length === 1 ? '' : 's'} ${names} ${missing.length === 1 ? 'is' : 'are'} not on the host (pass --allow-missing to plan without ${missing.length === 1 ? 'it' : 'them'})`, { device: missing[0]!.name });
    }
    plan = mgr.plan({ op: 'prepare', driver, domain: dom.name, hostdevs, flags: { force: !!values.force } });
  } catch (e) {
    if (!(e instanceof VirtXmlError)) throw e;
    const reason = e instanceof HostdevError ? e.reason : e.code;
    // state errors are exit 2 (below); a refusal of the plan is exit 1
    if (reason === 'needs-recovery' || reason === 'bad-state' || reason === 'state-io' || reason === 'locked') throw e;
    // a remedy names the library's option (force): on the command line it is the flag (--force)
    const detail = e instanceof HostdevError ? e.describe((option) => `Pass --${option}`) : e.detail;
    if (values.json) process.stdout.write(JSON.stringify({ domain: dom.name, error: { ...e.toJSON(), message: detail, reason } }, null, 2) + '\n');
    else process.stderr.write(formatDiagnostic({ file, line: e.line, column: e.column, severity: 'error', message: detail, code: reason, path: e.path }) + '\n');
    return 1;
  } finally {
    mgr.close();
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

function statusCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { state: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return process.stdout.write(HOSTDEV_HELP + '\n'), 0;
  if (positionals.length) throw new UsageError(`hostdev status: unexpected argument '${positionals[0]}'`);
  if (values.state === undefined) throw new UsageError('hostdev status: give --state FILE');
  const store = stateStore(values.state);
  // plans only: no lock taken, nothing written (the host is not read either)
  const mgr = new HostdevManager(new MemoryPciHost({ drivers: [], devices: [] }), { store, readOnly: true });
  mgr.close();
  const status = {
    state: values.state,
    generation: mgr.generation,
    needsRecovery: mgr.needsRecovery,
    lock: store.lockHolder() ?? null,
    active: mgr.activeDevices().map((d) => ({ device: d.name, driver: d.usedBy?.driver ?? null, domain: d.usedBy?.domain ?? null, managed: d.managed, stubDriver: d.stubDriver })),
    inactive: mgr.inactiveDevices().map((d) => ({ device: d.name, managed: d.managed, stubDriver: d.stubDriver })),
    groups: mgr.managedGroups(),
  };
  if (values.json) process.stdout.write(JSON.stringify(status, null, 2) + '\n');
  else {
    const out = [`# hostdev state ${values.state} (generation ${status.generation})`];
    out.push(`lock: ${status.lock === null ? 'free' : `held by ${status.lock}`}`);
    out.push(`active (${plural(status.active.length, 'device')}):`);
    for (const d of status.active) out.push(`  ${d.device}  ${d.driver ?? '?'}/${d.domain ?? '?'}  managed=${d.managed ? 'yes' : 'no'}  stubDriver=${d.stubDriver}`);
    out.push(`inactive (${plural(status.inactive.length, 'device')}):`);
    for (const d of status.inactive) out.push(`  ${d.device}  managed=${d.managed ? 'yes' : 'no'}  stubDriver=${d.stubDriver}`);
    if (status.groups.length) out.push('IOMMU groups managed by group=\'auto\':');
    for (const g of status.groups) {
      const detached = g.detached.map((m) => `${m.device} (from ${m.driver ?? 'no driver'})`).join(' ');
      out.push(`  group ${g.group}:${detached ? ` detached ${detached}` : ''}${g.held.length ? `; held ${g.held.join(' ')}` : ''}`);
    }
    out.push(status.needsRecovery ? `needs recovery: an unfinished operation is in the journal; run: virtxml hostdev recover --state ${values.state}` : 'needs recovery: no');
    process.stdout.write(out.join('\n') + '\n');
  }
  return status.needsRecovery ? 1 : 0;
}

function recoverCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { state: { type: 'string' }, sysfs: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return process.stdout.write(HOSTDEV_HELP + '\n'), 0;
  if (positionals.length) throw new UsageError(`hostdev recover: unexpected argument '${positionals[0]}'`);
  if (values.state === undefined) throw new UsageError('hostdev recover: give --state FILE');
  const store = stateStore(values.state);
  const mgr = new HostdevManager(sysfsHost(values.sysfs ?? '/'), { store });
  try {
    const report = mgr.recover();
    if (values.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else if (!report.recovered) process.stdout.write(`nothing to recover in ${values.state}\n`);
    else {
      const who = report.domain !== undefined ? ` of domain ${report.domain}${report.driver !== undefined ? ` (${report.driver})` : ''}` : '';
      const what = report.mode === 'undo' ? 'undone' : 'completed';
      process.stdout.write(`recovered ${values.state}: unfinished ${report.op}${who} ${what}; ${plural(report.devices.length, 'device')}${report.devices.length ? ': ' + report.devices.join(' ') : ''}\n`);
    }
    return 0;
  } finally {
    mgr.close();
  }
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
      case 'status':
        return statusCommand(rest);
      case 'recover':
        return recoverCommand(rest);
      default:
        throw new UsageError(`hostdev: unknown subcommand '${sub}'`);
    }
  } catch (e) {
    if (isUsageError(e)) {
      process.stderr.write(`virtxml: ${e.message}\nRun 'virtxml hostdev --help' for usage.\n`);
      return 2;
    }
    // a host or state error: one line in the one diagnostic format, exit 2
    if ((e instanceof HostdevError || e instanceof PciHostError || e instanceof InputFileError) && printError('virtxml hostdev', e)) return 2;
    throw e;
  }
}
