/**
 * `virtxml validate`: libvirt's verdict on many files in one process, in a
 * form people (text), programs (json) and CI (github annotations, junit)
 * read. Exit codes: 0 every file valid, 1 a file invalid, 2 usage or I/O
 * error (unreadable file, nothing matched) — 2 wins over 1.
 */
import { documentKinds, wrap } from './kinds-help.js';
import { displayName, formatDiagnostic, InputFileError, ioMessage, isUsageError, plural, printError, readBytes, readInput, STDIN, UsageError } from './diagnostics.js';
import { parseDomainCapabilitiesXml, type DomainCapabilitiesDef } from '../domaincaps/index.js';
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { isAbsolute, join } from 'node:path';
import { parseArgs } from 'node:util';
import { isKind, KIND_NAMES } from '../kinds.js';
import { decodeXmlBytes } from '../xml/encoding.js';
import { VirtXmlError } from '../xml/errors.js';
import { LIBVIRT_RELEASES, PROFILES, isLibvirtRelease, validateXml, type Diagnostic, type LibvirtRelease, type Profile, type RootKind, type ValidationResult } from '../validate/index.js';

export const VALIDATE_HELP = `Usage: virtxml validate [--profile rng|libvirt|virtxml] [--libvirt VERSION] [--kind KIND] [--domcaps FILE] [--format text|json|github|junit] PATH...

${wrap(`Validates libvirt XML files of every kind virtxml knows, each file's kind from its root element: ${documentKinds()}, and device snippets (disk, interface, hostdev, ...).`)}
PATH is a file, '-' for stdin, a directory (every *.xml below it; hidden directories and node_modules are
skipped) or a quoted glob ('configs/**/*.xml'). Each file is checked once.
  --profile P    rng      the target libvirt's RelaxNG schemas, as its virt-xml-validate says
                 libvirt  rng plus the checks libvirt's parser and define make
                 virtxml  libvirt with virtxml's extensions (group='auto') accepted and checked (default)
  --libvirt V    the libvirt release to validate for: ${LIBVIRT_RELEASES.join(', ')} (default ${LIBVIRT_RELEASES[LIBVIRT_RELEASES.length - 1]});
                 a name newer than V is reported with the release that introduced it
  --kind KIND    validate every file as KIND (its root element must be KIND's): domain, network, networkport, or a device
                 snippet (disk, interface, hostdev, ...) as virsh attach-device takes it
  --domcaps FILE check domains against this host's <domainCapabilities> (virsh domcapabilities):
                 what its hypervisor cannot do (hostdev backend, CPU mode, machine, firmware,
                 video, disk bus, ...) is reported where the domain asks for it
  --format F     text     file:line:col: severity: message [code] (path); a summary on stderr (default)
                 json     one JSON array: {file, kind, profile, valid, diagnostics} per file
                 github   GitHub Actions annotations (::error file=...,line=...,col=...,title=CODE::message)
                 junit    one JUnit testsuite, a testcase per file, a failure per invalid file
Exit status: 0 all valid, 1 some file invalid, 2 usage or I/O error.`;

const FORMATS = ['text', 'json', 'github', 'junit'] as const;
type Format = (typeof FORMATS)[number];

/** One file's outcome: a validation result, or the I/O error that kept it from being read. */
export interface FileResult extends Partial<ValidationResult> {
  file: string;
  valid: boolean;
  diagnostics: Diagnostic[];
  ioError?: string;
}

/** tinyglobby, loaded when a PATH is a glob (a directory is walked without it: the run does not pay for loading it). */
function globber(): typeof import('tinyglobby') {
  return createRequire(typeof __filename === 'string' ? __filename : import.meta.url)('tinyglobby');
}

/** Whether a PATH that names no file is a glob (tinyglobby's rule, without loading it for a plain path). */
function isGlob(p: string): boolean {
  return /[*?[\]{}()!+@]/.test(p) && globber().isDynamicPattern(p);
}

/**
 * Every *.xml file below `dir`, relative to it with '/' separators, sorted as
 * strings: what `**\/*.xml` matches with hidden names and node_modules left
 * out, symbolic links followed (each directory once).
 */
export function xmlFilesBelow(dir: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (abs: string, rel: string): void => {
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const name = e.name;
      if (name.startsWith('.')) continue;
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        try {
          const st = statSync(join(abs, name));
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          continue;
        }
      }
      if (isDir) {
        if (name !== 'node_modules') walk(join(abs, name), rel + name + '/');
      } else if (isFile && name.endsWith('.xml')) out.push(rel + name);
    }
  };
  walk(dir, '');
  return out.sort();
}

/**
 * The files PATHs name, in order, each once: files as given, directories
 * walked for *.xml (sorted), globs expanded (sorted). A PATH that names
 * nothing is a usage error.
 */
export function expandPaths(paths: string[]): { files: string[]; errors: string[] } {
  const files: string[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  const add = (f: string) => {
    if (!seen.has(f)) {
      seen.add(f);
      files.push(f);
    }
  };
  for (const p of paths) {
    if (p === STDIN) {
      add(p);
      continue;
    }
    let isDir = false;
    let exists = true;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      exists = false;
      if (!isGlob(p)) {
        errors.push(`cannot read ${p}: ${ioMessage(e)}`);
        continue;
      }
    }
    if (exists && !isDir) add(p);
    else if (isDir) {
      const found = xmlFilesBelow(p);
      if (found.length === 0) errors.push(`no *.xml files in directory ${p}`);
      for (const f of found) add(join(p, f));
    } else {
      const found = globber().globSync(p, { onlyFiles: true, absolute: isAbsolute(p), expandDirectories: false }).sort();
      if (found.length === 0) errors.push(`no files match ${p}`);
      for (const f of found) add(f);
    }
  }
  return { files, errors };
}

/** Below this many files, one thread: starting a worker (loading the validator again) costs more than it saves. */
export const PARALLEL_MIN_FILES = 200;

/** What every file of a run is validated with. */
export interface FileJob {
  profile: Profile;
  kind: RootKind | undefined;
  libvirt?: LibvirtRelease | undefined;
  domainCapabilities?: DomainCapabilitiesDef | undefined;
}

interface WorkerJob {
  virtxmlValidate: FileJob;
}

/** Files a thread takes at a time: small, so that a thread that is slow to start (or a busy core) takes fewer. */
export const BATCH_FILES = 16;

// a worker thread started by validateParallel (the built CLI loads itself as the worker): it says
// when it is ready, then validates each batch of files it is sent and sends back their results
if (!isMainThread && parentPort && (workerData as Partial<WorkerJob> | undefined)?.virtxmlValidate) {
  const job = (workerData as WorkerJob).virtxmlValidate;
  const port = parentPort;
  port.on('message', (files: string[]) => port.postMessage(validateFiles(files, job)));
  port.postMessage('ready');
}

/**
 * Threads for a run: VIRTXML_THREADS when set; otherwise one per core that
 * is idle (the cores less the load average: on a machine already busy, a
 * worker's start-up and warm-up cost more than it saves), at most 8.
 */
export function threadCount(env = process.env.VIRTXML_THREADS, cores = availableParallelism(), load = loadavg()[0] ?? 0): number {
  const asked = Number(env);
  if (Number.isInteger(asked) && asked > 0) return Math.min(asked, cores);
  return Math.max(1, Math.min(8, cores, Math.round(cores - load)));
}

/**
 * Many files over the machine's idle cores: this thread and a worker thread per
 * other core take batches of BATCH_FILES files from one queue until it is
 * empty, so each does as much as it can (a worker still loading when the
 * queue runs out is stopped unused); results in the order of `files`. One
 * thread when there are few files or one core, or when this code is not the
 * built CLI (a worker loads the CLI bundle itself), or when stdin is among
 * the files.
 */
export async function validateParallel(files: string[], job: FileJob): Promise<FileResult[]> {
  const cores = threadCount();
  const self = typeof __filename === 'string' && __filename.endsWith('.cjs') ? __filename : undefined;
  if (cores < 2 || files.length < PARALLEL_MIN_FILES || !self || files.includes(STDIN)) return validateFiles(files, job);
  const results = new Array<FileResult>(files.length);
  let next = 0;
  const take = (): [number, number] | undefined => {
    if (next >= files.length) return undefined;
    const range: [number, number] = [next, Math.min(files.length, next + BATCH_FILES)];
    next = range[1];
    return range;
  };
  const here = (range: [number, number]) => {
    for (let i = range[0]; i < range[1]; i++) results[i] = validateFile(files[i]!, job);
  };
  const idle: Array<() => void> = [];
  let batches = 0;
  const workers = Array.from(
    { length: cores - 1 },
    () =>
      new Promise<void>((resolve) => {
        const data: WorkerJob = { virtxmlValidate: job };
        const w = new Worker(self, { workerData: data });
        let range: [number, number] | undefined;
        const stop = () => {
          range = undefined;
          void w.terminate();
          resolve();
        };
        const give = () => {
          range = take();
          if (range) {
            batches++;
            w.postMessage(files.slice(range[0], range[1]));
          } else stop();
        };
        idle.push(() => {
          if (!range) stop();
        });
        w.on('message', (m: FileResult[] | 'ready') => {
          if (m !== 'ready' && range) m.forEach((r, k) => (results[range![0] + k] = r));
          give();
        });
        // a worker that fails or ends early: its batch is done here, the others go on
        const lost = () => {
          if (range) here(range);
          stop();
        };
        w.once('error', lost);
        w.once('exit', lost);
      }),
  );
  // this thread takes batches too, letting the workers' messages in between
  for (let range = take(); range; range = take()) {
    here(range);
    await new Promise((resolve) => setImmediate(resolve));
  }
  for (const f of idle) f();
  await Promise.all(workers);
  if (process.env.VIRTXML_DEBUG) process.stderr.write(`virtxml validate: ${plural(files.length, 'file')} over ${cores} threads, ${plural(batches, 'batch', 'batches')} of ${BATCH_FILES} to workers\n`);
  return results;
}

export function validateFiles(files: string[], job: FileJob): FileResult[] {
  return files.map((file) => validateFile(file, job));
}

/** One file (or `-`, stdin): read, decoded as libxml2 does, validated. */
export function validateFile(file: string, { profile, kind, libvirt, domainCapabilities }: FileJob): FileResult {
  const name = displayName(file);
  let bytes: Uint8Array;
  try {
    bytes = readBytes(file);
  } catch (e) {
    return { file: name, valid: false, diagnostics: [], ioError: (e as Error).message };
  }
  let text: string;
  try {
    text = decodeXmlBytes(bytes).text;
  } catch (e) {
    if (!(e instanceof VirtXmlError)) throw e;
    const d: Diagnostic = { severity: 'error', code: e.code, message: e.detail, line: e.line ?? 0, column: e.column ?? 0, path: e.path ?? '/', source: 'xml' };
    return { file: name, kind, profile, valid: false, diagnostics: [d] };
  }
  const r = validateXml(text, {
    profile,
    file: name,
    ...(kind !== undefined ? { kind } : {}),
    ...(libvirt !== undefined ? { libvirt } : {}),
    ...(domainCapabilities ? { domainCapabilities } : {}),
  });
  return { file: name, ...r };
}

/** The `<domainCapabilities>` of `--domcaps FILE` ('-': stdin); an InputFileError (its diagnostic) when it is not one. */
function readDomcaps(file: string): DomainCapabilitiesDef {
  try {
    return parseDomainCapabilitiesXml(readInput(file), { file: displayName(file) });
  } catch (e) {
    if (e instanceof VirtXmlError) throw new InputFileError(file, e);
    throw e;
  }
}

// ---------------------------------------------------------------- formats

/** `file:line:col: severity: message [code] (path)`; the place is left out when it is unknown. */
export function textLine(file: string, d: Diagnostic): string {
  return formatDiagnostic({ file, line: d.line, column: d.column, severity: d.severity, message: d.message, code: d.code, path: d.path });
}

/** GitHub's escaping of an annotation's message. */
export function escapeGithubData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** GitHub's escaping of an annotation's property values (also `:` and `,`). */
export function escapeGithubProperty(s: string): string {
  return escapeGithubData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function githubLine(file: string, d: Diagnostic): string {
  const props = [`file=${escapeGithubProperty(file)}`];
  if (d.line > 0) props.push(`line=${d.line}`, `col=${d.column}`);
  props.push(`title=${escapeGithubProperty(d.code)}`);
  return `::${d.severity} ${props.join(',')}::${escapeGithubData(`${d.message} (${d.path})`)}`;
}

// characters XML 1.0 cannot carry, even escaped
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(s: string): string {
  return s
    .replace(NOT_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function junitReport(results: FileResult[], profile: Profile): string {
  const failures = results.filter((r) => !r.valid && !r.ioError).length;
  const errors = results.filter((r) => r.ioError).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="virtxml validate (${profile})" tests="${results.length}" failures="${failures}" errors="${errors}" skipped="0">`,
  ];
  for (const r of results) {
    const classname = `virtxml.validate.${r.kind ?? 'unknown'}`;
    const head = `  <testcase classname="${escapeXml(classname)}" name="${escapeXml(r.file)}"`;
    const problems = r.diagnostics.filter((d) => d.severity === 'error');
    const warnings = r.diagnostics.filter((d) => d.severity !== 'error');
    if (r.ioError) {
      lines.push(`${head}>`, `    <error message="${escapeXml(r.ioError)}" type="io"/>`, '  </testcase>');
      continue;
    }
    if (r.valid && warnings.length === 0) {
      lines.push(`${head}/>`);
      continue;
    }
    lines.push(`${head}>`);
    if (!r.valid) {
      const first = problems[0];
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
      const message = first ? `${first.message}${more}` : 'invalid';
      const body = problems.map((d) => escapeXml(textLine(r.file, d))).join('\n');
      lines.push(`    <failure message="${escapeXml(message)}" type="${escapeXml(first?.code ?? 'invalid')}">${body}</failure>`);
    }
    if (warnings.length) lines.push(`    <system-out>${warnings.map((d) => escapeXml(textLine(r.file, d))).join('\n')}</system-out>`);
    lines.push('  </testcase>');
  }
  lines.push('</testsuite>');
  return lines.join('\n') + '\n';
}

function summary(results: FileResult[]): string {
  const invalid = results.filter((r) => !r.valid && !r.ioError).length;
  const unreadable = results.filter((r) => r.ioError).length;
  const count = (s: string) => results.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === s).length, 0);
  return (
    `${plural(results.length, 'file')}: ${results.length - invalid - unreadable} valid, ${invalid} invalid` +
    (unreadable ? `, ${unreadable} unreadable` : '') +
    ` (${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')})`
  );
}

function write(s: string): void {
  process.stdout.write(s);
}

export async function cmdValidate(args: string[]): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        profile: { type: 'string' },
        libvirt: { type: 'string' },
        kind: { type: 'string' },
        format: { type: 'string' },
        domcaps: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return write(VALIDATE_HELP + '\n'), 0;
    const profile = (values.profile ?? 'virtxml') as Profile;
    if (!PROFILES.includes(profile)) throw new UsageError(`unknown profile '${values.profile}' (rng, libvirt or virtxml)`);
    if (values.libvirt !== undefined && !isLibvirtRelease(values.libvirt)) {
      throw new UsageError(`unknown libvirt release '${values.libvirt}' (${LIBVIRT_RELEASES.join(', ')})`);
    }
    const libvirt = values.libvirt as LibvirtRelease | undefined;
    const format = (values.format ?? 'text') as Format;
    if (!FORMATS.includes(format)) throw new UsageError(`unknown format '${values.format}' (text, json, github or junit)`);
    if (values.kind !== undefined && !isKind(values.kind)) throw new UsageError(`unknown kind '${values.kind}' (${KIND_NAMES.join(', ')})`);
    const kind = values.kind as RootKind | undefined;
    if (positionals.length === 0) throw new UsageError('no PATH given (a file, a directory, a quoted glob, or - for stdin)');

    const domainCapabilities = values.domcaps !== undefined ? readDomcaps(values.domcaps) : undefined;

    const { files, errors } = expandPaths(positionals);
    for (const e of errors) process.stderr.write(`virtxml validate: ${e}\n`);
    if (files.length === 0) return 2;
    const results = await validateParallel(files, { profile, kind, libvirt, domainCapabilities });
    for (const r of results) if (r.ioError) process.stderr.write(`virtxml validate: ${r.ioError}\n`);

    switch (format) {
      case 'text':
        for (const r of results) for (const d of r.diagnostics) write(textLine(r.file, d) + '\n');
        process.stderr.write(summary(results) + '\n');
        break;
      case 'json':
        write(JSON.stringify(results, null, 2) + '\n');
        break;
      case 'github':
        for (const r of results) {
          if (r.ioError) write(`::error file=${escapeGithubProperty(r.file)},title=io::${escapeGithubData(r.ioError)}\n`);
          for (const d of r.diagnostics) write(githubLine(r.file, d) + '\n');
        }
        break;
      case 'junit':
        write(junitReport(results, profile));
        break;
    }
    if (errors.length || results.some((r) => r.ioError)) return 2;
    return results.every((r) => r.valid) ? 0 : 1;
  } catch (e) {
    if (isUsageError(e)) {
      process.stderr.write(`virtxml validate: ${(e as Error).message}\nRun 'virtxml validate --help' for usage.\n`);
      return 2;
    }
    // --domcaps FILE is not a <domainCapabilities> libvirt reads: its diagnostic, exit 2
    if (e instanceof InputFileError && printError(undefined, e)) return 2;
    throw e;
  }
}
