/**
 * The `virtxml` command line. Node-only edge around the pure core.
 * Exit codes: 0 success, 1 a check failed (invalid or non-canonical input),
 * 2 usage or I/O error. User errors never print a stack trace.
 */
import { isUsageError, readInput as read, UsageError } from './usage.js';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  NetworkAllocator,
  VirtXmlError,
  buildPciDeviceList,
  domainHostdevs,
  formatDomainXml,
  formatCapabilitiesXml,
  formatDomainCapabilitiesXml,
  formatNetworkXml,
  formatNodeDeviceXml,
  parseCapabilitiesXml,
  parseDomainCapabilitiesXml,
  parseDomainXml,
  parseNetworkXml,
  parseNodeDeviceXml,
  readXml,
  type NetworkInterface,
} from '../index.js';
import { cmdConvert, CONVERT_HELP } from './convert.js';
import { cmdHostdev, HOSTDEV_HELP } from './hostdev.js';
import { cmdIommu, IOMMU_HELP } from './iommu.js';
import { cmdValidate, VALIDATE_HELP } from './validate.js';

const HELP: Record<string, string> = {
  main: `virtxml — libvirt domain and network XML as typed data

Usage: virtxml <command> [options]

Commands:
  fmt FILE...                 print libvirt's canonical form of domain/network XML
  allocate --network NET.xml DOMAIN.xml...
                              connect each <interface type='network'> to its network,
                              print the status XML and the PCI device list
  iommu [--sysfs ROOT | --topology FILE.json]
                              list IOMMU groups, their devices and drivers, and VFIO viability
  hostdev plan DOMAIN.xml     print the detach/re-attach plan for a domain's hostdevs
  validate [--profile P] [--format F] PATH...
                              validate files, directories or globs (text, json, github, junit)
  convert --to json|xml FILE  XML to the typed def as JSON, or JSON back to canonical XML
  help [COMMAND]              show help

Run 'virtxml COMMAND --help' for a command's options.`,
  fmt: `Usage: virtxml fmt [--check | --write] [--status] [--inactive] [--strip-extensions] FILE...

Prints each file in libvirt's canonical form (as virsh dumpxml prints it).
  --check              print nothing; list files not in canonical form, exit 1 if any
  --write              rewrite files in place
  --status             status XML (keep <actual>, <origstates>)
  --inactive           inactive XML (no live-only data)
  --strip-extensions   leave out virtxml's extensions (group='auto') for upstream libvirt`,
  allocate: `Usage: virtxml allocate --network NET.xml [--network NET.xml ...] DOMAIN.xml...

Allocates a device or connection for every <interface type='network'> of each domain, as
libvirt's network driver would, then prints each domain's status XML and the PCI devices
its hostdevs become (name, managed, stub driver, attachGroup), and each network's live XML.
  --json               print a JSON report instead`,
};

HELP.iommu = IOMMU_HELP;
HELP.hostdev = HOSTDEV_HELP;
HELP.validate = VALIDATE_HELP;
HELP.convert = CONVERT_HELP;
HELP.help = `Usage: virtxml help [COMMAND]

Shows the list of commands, or a command's options (the same as 'virtxml COMMAND --help').`;

function out(s: string): void {
  process.stdout.write(s);
}
function err(s: string): void {
  process.stderr.write(s.endsWith('\n') ? s : s + '\n');
}

function describe(file: string, e: unknown): string {
  if (e instanceof VirtXmlError) {
    const at = e.line !== undefined ? `${file}:${e.line}:${e.column}` : file;
    return `${at}: error[${e.code}]: ${e.detail}${e.path ? ` (${e.path})` : ''}`;
  }
  throw e;
}

function formatFile(file: string, text: string, opts: { status: boolean; inactive: boolean; stripExtensions: boolean }): string {
  const kind = readXml(text, { file }).root.name;
  if (kind === 'domain') return formatDomainXml(parseDomainXml(text, { file }), opts);
  if (kind === 'network') return formatNetworkXml(parseNetworkXml(text, { file }), opts);
  if (kind === 'device') return formatNodeDeviceXml(parseNodeDeviceXml(text, { file }), opts);
  if (kind === 'capabilities') return formatCapabilitiesXml(parseCapabilitiesXml(text, { file }));
  if (kind === 'domainCapabilities') return formatDomainCapabilitiesXml(parseDomainCapabilitiesXml(text, { file }));
  throw new VirtXmlError('xml-root', `unsupported root element <${kind}> (expected <domain>, <network>, <device>, <capabilities> or <domainCapabilities>)`, { line: 1, column: 1, path: '/' + kind });
}

function cmdFmt(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      check: { type: 'boolean' },
      write: { type: 'boolean' },
      status: { type: 'boolean' },
      inactive: { type: 'boolean' },
      'strip-extensions': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return out(HELP.fmt + '\n'), 0;
  if (positionals.length === 0) throw new UsageError('fmt: no files given');
  if (values.check && values.write) throw new UsageError('fmt: --check and --write exclude each other');
  const opts = { status: !!values.status, inactive: !!values.inactive, stripExtensions: !!values['strip-extensions'] };
  let failed = 0;
  for (const file of positionals) {
    const text = read(file);
    let formatted: string;
    try {
      formatted = formatFile(file, text, opts);
    } catch (e) {
      err(describe(file, e));
      failed++;
      continue;
    }
    if (values.check) {
      if (formatted !== text) {
        out(file + '\n');
        failed++;
      }
    } else if (values.write) {
      if (formatted !== text) writeFileSync(file, formatted);
    } else out(formatted);
  }
  return failed ? 1 : 0;
}

function cmdAllocate(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { network: { type: 'string', multiple: true }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return out(HELP.allocate + '\n'), 0;
  if (!values.network?.length) throw new UsageError('allocate: give at least one --network NET.xml');
  if (positionals.length === 0) throw new UsageError('allocate: no domain files given');
  const allocator = new NetworkAllocator();
  const networks: string[] = [];
  let failed = 0;
  for (const file of values.network) {
    try {
      const def = parseNetworkXml(read(file), { file });
      allocator.addNetwork(def);
      networks.push(def.name);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      err(describe(file, e));
      failed++;
    }
  }
  const report: unknown[] = [];
  for (const file of positionals) {
    try {
      const dom = parseDomainXml(read(file), { file });
      for (const iface of dom.devices?.interfaces ?? []) {
        if (iface.type === 'network') allocator.allocate(dom, iface as NetworkInterface);
      }
      const devices = buildPciDeviceList(domainHostdevs(dom));
      if (values.json) {
        report.push({
          file,
          domain: dom.name,
          pciDevices: devices.map((d) => ({ name: d.name, managed: d.managed, stubDriver: d.stubDriver, attachGroup: d.attachGroup })),
          statusXml: formatDomainXml(dom, { status: true }),
        });
      } else {
        out(`# ${file}: domain '${dom.name}' status XML\n${formatDomainXml(dom, { status: true })}\n`);
        out(`# PCI devices of '${dom.name}'\n`);
        out(devices.length ? devices.map((d) => `${d.name}  managed=${d.managed ? 'yes' : 'no'}  stubDriver=${d.stubDriver}  attachGroup=${d.attachGroup}\n`).join('') : '(none)\n');
        out('\n');
      }
    } catch (e) {
      if (e instanceof UsageError) throw e;
      err(describe(file, e));
      failed++;
    }
  }
  if (values.json) {
    out(JSON.stringify({ domains: report, networks: networks.map((n) => ({ name: n, connections: allocator.connections(n) })) }, null, 2) + '\n');
  } else {
    for (const n of networks) out(`# network '${n}' live XML (${allocator.connections(n)} connections)\n${formatNetworkXml(allocator.liveNetwork(n))}\n`);
  }
  return failed ? 1 : 0;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case undefined:
      case 'help':
      case '--help':
      case '-h': {
        const topic = rest.find((a) => !a.startsWith('-')) ?? (cmd === 'help' && rest.length ? 'help' : 'main');
        if (!Object.hasOwn(HELP, topic)) throw new UsageError(`no help for unknown command '${topic}'`);
        out(HELP[topic] + '\n');
        return 0;
      }
      case 'fmt':
        return cmdFmt(rest);
      case 'allocate':
        return cmdAllocate(rest);
      case 'iommu':
        return cmdIommu(rest);
      case 'hostdev':
        return cmdHostdev(rest);
      case 'validate':
        return cmdValidate(rest);
      case 'convert':
        return cmdConvert(rest);
      default:
        throw new UsageError(`unknown command '${cmd}'`);
    }
  } catch (e) {
    if (isUsageError(e)) {
      err(`virtxml: ${e.message}\nRun 'virtxml --help' for usage.`);
      return 2;
    }
    // a file the user named that cannot be written (fmt --write): no stack trace
    if (e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string') {
      err(`virtxml: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
