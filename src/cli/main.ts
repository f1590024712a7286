/**
 * The `virtxml` command line. Node-only edge around the pure core.
 * Exit codes: 0 success, 1 a check failed (invalid or non-canonical input),
 * 2 usage or I/O error. User errors never print a stack trace.
 */
import { documentKinds, wrap } from './kinds-help.js';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync, chmodSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { displayName, isIoError, isUsageError, plural, printError, readInput as read, STDIN, UsageError } from './diagnostics.js';
import {
  NetworkAllocator,
  VirtXmlError,
  buildPciDeviceList,
  domainHostdevs,
  formatDomainXml,
  formatNetworkXml,
  parseDomainXml,
  parseNetworkXml,
  type NetworkInterface,
} from '../index.js';
import { formatXml, isKind, KIND_NAMES, parseXml, type FormatXmlOptions, type Kind } from '../kinds.js';
import { pciNetworkHost } from '../network/pci-host.js';
import { cmdConvert, CONVERT_HELP } from './convert.js';
import { cmdHostdev, HOSTDEV_HELP } from './hostdev.js';
import { selectHost } from './host.js';
import { cmdIommu, IOMMU_HELP } from './iommu.js';
import { cmdValidate, VALIDATE_HELP } from './validate.js';

const HELP: Record<string, string> = {
  main: `virtxml — libvirt domain and network XML as typed data

Usage: virtxml <command> [options]

Commands:
  fmt FILE...                 print libvirt's canonical form of any libvirt XML virtxml knows
  allocate --network NET.xml DOMAIN.xml...
                              connect each <interface type='network'> to its network,
                              print the status XML and the PCI device list
  iommu [--sysfs ROOT | --topology FILE.json | --nodedev PATH]
                              list IOMMU groups, their devices and drivers, and VFIO viability
  hostdev plan DOMAIN.xml     print the detach/re-attach plan for a domain's hostdevs
  hostdev status --state FILE what the hostdev manager's state file records; whether recovery is needed
  hostdev recover --state FILE
                              finish or undo an operation a killed process left in the journal
  validate [--profile P] [--domcaps FILE] [--format F] PATH...
                              validate files, directories or globs (text, json, github, junit)
  convert --to json|xml FILE  XML to the typed def as JSON, or JSON back to canonical XML
  help [COMMAND]              show help
  --version                   print virtxml's version

FILE may be '-' for stdin. Errors: FILE:LINE:COL: SEVERITY: MESSAGE [CODE] (PATH).
Run 'virtxml COMMAND --help' for a command's options.`,
  fmt: `Usage: virtxml fmt [--check | --write] [--status] [--inactive] [--strip-extensions] [--kind KIND] FILE...

${wrap(`Prints each file in libvirt's canonical form (as virsh dumpxml prints it). Every document kind virtxml knows is taken, each file's kind from its root element: ${documentKinds()}, and device snippets (disk, interface, hostdev, ...) as virsh attach-device takes them.`)}
  --check              print nothing; list files not in canonical form, exit 1 if any
  --write              rewrite files in place
  --status             status XML (keep <actual>, <origstates>)
  --inactive           inactive XML (no live-only data)
  --strip-extensions   leave out virtxml's extensions (group='auto') for upstream libvirt
  --kind KIND          read every file as KIND (its root element must be KIND's)`,
  allocate: `Usage: virtxml allocate --network NET.xml [--network NET.xml ...] [--sysfs ROOT | --topology FILE.json] DOMAIN.xml...

Allocates a device or connection for every <interface type='network'> of each domain, as
libvirt's network driver would, then prints each domain's status XML and the PCI devices
its hostdevs become (name, managed, stub driver, attachGroup), and each network's live XML.
Files are read as libvirt's parser reads them: a word virtxml does not know is refused.
A <pf dev='ethN'/> pool is the virtual functions of that PF, read from the host:
  --sysfs ROOT         read ROOT/sys (default /: this machine)
  --topology FILE      read a PCI topology JSON file instead
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

/** Prints a document's error in the one diagnostic format; rethrows what is not a document error. */
function reportError(file: string, e: unknown): void {
  if (e instanceof UsageError || !printError(file, e)) throw e;
}

/**
 * Replaces a file's content atomically: the new bytes go to a temporary file
 * beside it (same directory, so the same file system), flushed, given the
 * original's mode, then renamed over it. A crash or kill leaves the old file
 * or the new one, never a truncated one.
 */
export function writeFileAtomic(file: string, text: string): void {
  const mode = statSync(file).mode & 0o7777;
  const tmp = join(dirname(file), `.${basename(file)}.virtxml-${process.pid}-${Date.now().toString(36)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', mode);
    writeSync(fd, text, null, 'utf8');
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    chmodSync(tmp, mode);
    renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw e;
  }
}

/** The package's version (package.json beside dist/ or two levels above src/cli/). */
export function version(): string {
  for (const rel of ['..', '../..']) {
    try {
      const pkg = JSON.parse(readFileSync(join(__dirname, rel, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'virtxml' && pkg.version) return pkg.version;
    } catch {
      // not there: the other layout
    }
  }
  return 'unknown';
}

function formatFile(file: string, text: string, opts: FormatXmlOptions, kind: Kind | undefined): string {
  return formatXml(parseXml(text, { file, ...(kind !== undefined ? { kind } : {}) }), opts);
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
      kind: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return out(HELP.fmt + '\n'), 0;
  const kind = values.kind;
  if (kind !== undefined && !isKind(kind)) throw new UsageError(`fmt: unknown kind '${kind}' (${KIND_NAMES.join(', ')})`);
  if (positionals.length === 0) throw new UsageError('fmt: no files given');
  if (values.check && values.write) throw new UsageError('fmt: --check and --write exclude each other');
  // flags left out stay undefined: a kind's own form (status XML for <domstatus>) then applies
  const opts: FormatXmlOptions = { status: values.status, inactive: values.inactive, stripExtensions: values['strip-extensions'] };
  if (values.write && positionals.includes(STDIN)) throw new UsageError('fmt: --write cannot rewrite stdin (-); leave out --write to print the result');
  let failed = 0;
  for (const file of positionals) {
    let text: string;
    let formatted: string;
    try {
      text = read(file);
      formatted = formatFile(displayName(file), text, opts, kind);
    } catch (e) {
      reportError(file, e);
      failed++;
      continue;
    }
    if (values.check) {
      if (formatted !== text) {
        out(displayName(file) + '\n');
        failed++;
      }
    } else if (values.write) {
      if (formatted !== text) writeFileAtomic(file, formatted);
    } else out(formatted);
  }
  return failed ? 1 : 0;
}

function cmdAllocate(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      network: { type: 'string', multiple: true },
      sysfs: { type: 'string' },
      topology: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return out(HELP.allocate + '\n'), 0;
  if (!values.network?.length) throw new UsageError('allocate: give at least one --network NET.xml');
  if (positionals.length === 0) throw new UsageError('allocate: no domain files given');
  const allocator = new NetworkAllocator({ host: pciNetworkHost(selectHost(values, 'allocate').host) });
  const networks: string[] = [];
  let failed = 0;
  for (const file of values.network) {
    try {
      // strict: allocating acts on what the words mean; a word the declarations do not know is refused, as libvirt's parser does
      const def = parseNetworkXml(read(file), { file: displayName(file), strict: true });
      allocator.addNetwork(def);
      networks.push(def.name);
    } catch (e) {
      reportError(file, e);
      failed++;
    }
  }
  const report: unknown[] = [];
  for (const file of positionals) {
    try {
      const dom = parseDomainXml(read(file), { file: displayName(file), strict: true });
      for (const iface of dom.devices?.interfaces ?? []) {
        if (iface.type === 'network') allocator.allocate(dom, iface as NetworkInterface);
      }
      const devices = buildPciDeviceList(domainHostdevs(dom));
      if (values.json) {
        report.push({
          file: displayName(file),
          domain: dom.name,
          pciDevices: devices.map((d) => ({ name: d.name, managed: d.managed, stubDriver: d.stubDriver, attachGroup: d.attachGroup })),
          statusXml: formatDomainXml(dom, { status: true }),
        });
      } else {
        out(`# ${displayName(file)}: domain '${dom.name}' status XML\n${formatDomainXml(dom, { status: true })}\n`);
        out(`# PCI devices of '${dom.name}'\n`);
        out(devices.length ? devices.map((d) => `${d.name}  managed=${d.managed ? 'yes' : 'no'}  stubDriver=${d.stubDriver}  attachGroup=${d.attachGroup}\n`).join('') : '(none)\n');
        out('\n');
      }
    } catch (e) {
      reportError(file, e);
      failed++;
    }
  }
  if (values.json) {
    out(JSON.stringify({ domains: report, networks: networks.map((n) => ({ name: n, connections: allocator.connections(n) })) }, null, 2) + '\n');
  } else {
    for (const n of networks) out(`# network '${n}' live XML (${plural(allocator.connections(n), 'connection')})\n${formatNetworkXml(allocator.liveNetwork(n))}\n`);
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
      case '--version':
      case '-V':
      case 'version':
        out(`virtxml ${version()}\n`);
        return 0;
      case 'fmt':
        return cmdFmt(rest);
      case 'allocate':
        return cmdAllocate(rest);
      case 'iommu':
        return cmdIommu(rest);
      case 'hostdev':
        return cmdHostdev(rest);
      case 'validate':
        return await cmdValidate(rest);
      case 'convert':
        return cmdConvert(rest);
      default:
        throw new UsageError(`unknown command '${cmd}'`);
    }
  } catch (e) {
    return exitFor(e);
  }
}

/**
 * What every command's error ends as: a usage error (exit 2, with where to
 * find usage), an I/O error on a path the user named (exit 2), a document or
 * host error in the one diagnostic format (exit 1), and anything else — a
 * bug — one line saying so (exit 2; the stack only with VIRTXML_DEBUG=1).
 */
export function exitFor(e: unknown): number {
  if (isUsageError(e)) {
    err(`virtxml: ${e.message}\nRun 'virtxml --help' for usage.`);
    return 2;
  }
  if (isIoError(e)) {
    err(`virtxml: ${e.code}: ${e.path ?? e.message}`);
    return 2;
  }
  if (printError(undefined, e)) return 1;
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    err('virtxml: error: the input nests too deeply to process [too-deep]');
    return 1;
  }
  err(`virtxml: internal error: ${e instanceof Error ? e.message : String(e)} (a bug: please report it with the input)`);
  if (process.env.VIRTXML_DEBUG && e instanceof Error && e.stack) err(e.stack);
  return 2;
}
