/**
 * `virtxml validate`: libvirt's verdict on many files in one process, in a
 * form people (text), programs (json) and CI (github annotations, junit)
 * read. Exit codes: 0 every file valid, 1 a file invalid, 2 usage or I/O
 * error (unreadable file, nothing matched) — 2 wins over 1.
 */
import { ioMessage, isUsageError, readInput, UsageError } from './usage.js';
import { parseDomainCapabilitiesXml, type DomainCapabilitiesDef } from '../domaincaps/index.js';
import { VirtXmlError } from '../xml/errors.js';
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parseArgs } from 'node:util';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { PROFILES, ROOT_KINDS, validateXml, type Diagnostic, type Profile, type RootKind, type ValidationResult } from '../validate/index.js';

export const VALIDATE_HELP = `Usage: virtxml validate [--profile rng|libvirt|virtxml] [--kind KIND] [--domcaps FILE] [--format text|json|github|junit] PATH...

Validates domain, network and networkport XML files, and the host's node-device, capabilities
and domain-capabilities XML (libvirt 12.9's schemas); the kind comes from the root element.
PATH is a file, a directory (every *.xml below it; hidden directories and node_modules are
skipped) or a quoted glob ('configs/**/*.xml'). Each file is checked once.
  --profile P    rng      libvirt 10.7's RelaxNG schemas, as virt-xml-validate says
                 libvirt  rng plus the checks libvirt's parser and define make
                 virtxml  libvirt with virtxml's extensions (group='auto') accepted and checked (default)
  --kind KIND    validate every file as KIND: domain, network, networkport, or a device
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
const KINDS: readonly string[] = ROOT_KINDS;

/** One file's outcome: a validation result, or the I/O error that kept it from being read. */
export interface FileResult extends Partial<ValidationResult> {
  file: string;
  valid: boolean;
  diagnostics: Diagnostic[];
  ioError?: string;
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
    let isDir = false;
    let exists = true;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      exists = false;
      if (!isDynamicPattern(p)) {
        errors.push(`cannot read ${p}: ${ioMessage(e)}`);
        continue;
      }
    }
    if (exists && !isDir) add(p);
    else if (isDir) {
      const found = globSync('**/*.xml', { cwd: p, ignore: ['**/node_modules/**'], onlyFiles: true, dot: false }).sort();
      if (found.length === 0) errors.push(`no *.xml files in directory ${p}`);
      for (const f of found) add(join(p, f));
    } else {
      const found = globSync(p, { onlyFiles: true, absolute: isAbsolute(p), expandDirectories: false }).sort();
      if (found.length === 0) errors.push(`no files match ${p}`);
      for (const f of found) add(f);
    }
  }
  return { files, errors };
}

export function validateFiles(files: string[], profile: Profile, kind: RootKind | undefined, domainCapabilities?: DomainCapabilitiesDef): FileResult[] {
  return files.map((file): FileResult => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      return { file, valid: false, diagnostics: [], ioError: `cannot read ${file}: ${ioMessage(e)}` };
    }
    const r = validateXml(text, { profile, file, ...(kind !== undefined ? { kind } : {}), ...(domainCapabilities ? { domainCapabilities } : {}) });
    return { file, ...r };
  });
}

// ---------------------------------------------------------------- formats

/** `file:line:col: severity: message [code] (path)`; the place is left out when it is unknown. */
export function textLine(file: string, d: Diagnostic): string {
  const at = d.line > 0 ? `${file}:${d.line}:${d.column}` : file;
  return `${at}: ${d.severity}: ${d.message} [${d.code}] (${d.path})`;
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
  const files = `${results.length} file${results.length === 1 ? '' : 's'}`;
  return (
    `${files}: ${results.length - invalid - unreadable} valid, ${invalid} invalid` +
    (unreadable ? `, ${unreadable} unreadable` : '') +
    ` (${count('error')} errors, ${count('warning')} warnings)`
  );
}

/** The `<domainCapabilities>` of `--domcaps FILE`; a usage error with its place when it cannot be read. */
function readDomcaps(file: string): DomainCapabilitiesDef {
  try {
    return parseDomainCapabilitiesXml(readInput(file), { file });
  } catch (e) {
    if (!(e instanceof VirtXmlError)) throw e;
    throw new UsageError(`--domcaps ${file}${e.line !== undefined ? `:${e.line}:${e.column}` : ''}: ${e.detail}`);
  }
}

function write(s: string): void {
  process.stdout.write(s);
}

export function cmdValidate(args: string[]): number {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        profile: { type: 'string' },
        kind: { type: 'string' },
        format: { type: 'string' },
        domcaps: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return write(VALIDATE_HELP + '\n'), 0;
    const profile = (values.profile ?? 'virtxml') as Profile;
    if (!PROFILES.includes(profile)) throw new UsageError(`unknown profile '${values.profile}' (rng, libvirt or virtxml)`);
    const format = (values.format ?? 'text') as Format;
    if (!FORMATS.includes(format)) throw new UsageError(`unknown format '${values.format}' (text, json, github or junit)`);
    if (values.kind !== undefined && !KINDS.includes(values.kind)) throw new UsageError(`unknown kind '${values.kind}' (${KINDS.join(', ')})`);
    const kind = values.kind as RootKind | undefined;
    if (positionals.length === 0) throw new UsageError('no PATH given');

    const { files, errors } = expandPaths(positionals);
    for (const e of errors) process.stderr.write(`virtxml validate: ${e}\n`);
    if (files.length === 0) return 2;
    const results = validateFiles(files, profile, kind, values.domcaps !== undefined ? readDomcaps(values.domcaps) : undefined);
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
    throw e;
  }
}
