/**
 * `virtxml validate` in-process on our fixtures (test/fixtures/validate):
 * paths (files, directories, globs), exit codes, and the exact shape of each
 * output format. Also: `--help` on every command, and user errors without
 * stack traces.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { escapeGithubData, escapeGithubProperty, expandPaths, junitReport, validateFiles } from '../src/cli/validate.js';
import { main } from '../src/cli/main.js';
import { childElements, getAttribute, ownText, readXml } from '../src/xml/index.js';
import { KINDS, type KindEntry } from '../src/kinds.js';
/** The document kinds' roots, as the xml-root message lists them (the registry's order). */
const DOCUMENT_ROOTS = Object.values(KINDS)
  // a root a device snippet has too (the host <interface>) is named once, among the device elements
  .filter((e: KindEntry) => !e.device && !Object.values(KINDS).some((d: KindEntry) => d.device && d.root === e.root))
  .map((e: KindEntry) => `<${e.root}>`)
  .join(', ');


const FX = relative(process.cwd(), join(__dirname, 'fixtures', 'validate')) || '.';
const fx = (name: string) => join(FX, name);

let out: string;
let err: string;
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

const run = (...args: string[]) => main(args);

describe('virtxml validate: paths and exit codes', () => {
  it('valid files: exit 0, nothing on stdout, the summary on stderr', async () => {
    expect(await run('validate', fx('domain-ok.xml'), fx('nested/network-ok.xml'))).toBe(0);
    expect(out).toBe('');
    expect(err).toBe('2 files: 2 valid, 0 invalid (0 errors, 0 warnings)\n');
  });

  it('a directory is walked for *.xml (sorted, other files skipped); an invalid file makes exit 1', async () => {
    expect(await run('validate', FX)).toBe(1);
    expect(out.split('\n')).toEqual([
      `${fx('malformed.xml')}:5:12: error: unexpected close tag. [xml-malformed] (/domain/devices)`,
      `${fx('unknown-root.xml')}:1:1: error: unexpected root element <frobnicator>: expected ${DOCUMENT_ROOTS} or a device element (<disk>, <interface>, <hostdev>, …) [xml-root] (/frobnicator)`,
      '',
    ]);
    expect(err).toBe('6 files: 4 valid, 2 invalid (2 errors, 0 warnings)\n');
  });

  it('expands globs and directories to files, each once', () => {
    const { files, errors } = expandPaths([`${FX}/**/*-ok.xml`, fx('domain-ok.xml'), join(FX, 'nested')]);
    expect(errors).toEqual([]);
    expect(files).toEqual([fx('domain-ok.xml'), fx('nested/network-ok.xml')]);
    const dir = mkdtempSync(join(tmpdir(), 'virtxml-walk-'));
    try {
      for (const f of ['.git/a.xml', 'node_modules/p/b.xml', 'sub/c.xml', 'd.XML.bak', 'e.xml']) {
        mkdirSync(dirname(join(dir, f)), { recursive: true });
        writeFileSync(join(dir, f), '<network/>');
      }
      expect(expandPaths([dir])).toEqual({ files: [join(dir, 'e.xml'), join(dir, 'sub/c.xml')], errors: [] });
      expect(expandPaths([join(dir, 'sub', '*.json'), join(dir, 'none')])).toEqual({
        files: [],
        errors: [`no files match ${join(dir, 'sub', '*.json')}`, `cannot read ${join(dir, 'none')}: ENOENT`],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--profile rng refuses the group extension at its place; the default profile accepts it', async () => {
    expect(await run('validate', fx('domain-group-auto.xml'))).toBe(0);
    expect(await run('validate', '--profile', 'virtxml', fx('domain-group-auto.xml'))).toBe(0);
    out = '';
    expect(await run('validate', '--profile', 'rng', fx('domain-group-auto.xml'))).toBe(1);
    expect(out).toMatch(new RegExp(`^${fx('domain-group-auto.xml')}:9:27: error: .+ \\[rng-unknown-attribute\\] \\(/domain/devices/hostdev/driver/@group\\)\n$`));
  });

  it('--kind validates device snippets', async () => {
    expect(await run('validate', '--kind', 'hostdev', fx('hostdev-snippet.xml'))).toBe(0);
    expect(await run('validate', '--kind', 'hostdev', '--profile', 'libvirt', fx('hostdev-snippet.xml'))).toBe(1);
  });

  it('exit 2: a missing file (the others are still checked), a glob matching nothing, bad options', async () => {
    expect(await run('validate', fx('domain-ok.xml'), fx('no-such.xml'))).toBe(2);
    expect(err).toBe(`virtxml validate: cannot read ${fx('no-such.xml')}: ENOENT\n1 file: 1 valid, 0 invalid (0 errors, 0 warnings)\n`);
    err = '';
    expect(await run('validate', `${FX}/**/*.nothing`)).toBe(2);
    expect(err).toBe(`virtxml validate: no files match ${FX}/**/*.nothing\n`);
    for (const args of [[], ['--profile', 'strict', FX], ['--format', 'xml', FX], ['--kind', 'frobnicator', FX], ['--bogus', FX]]) {
      err = '';
      expect(await run('validate', ...args), args.join(' ')).toBe(2);
      expect(err).toMatch(/^virtxml validate: .+\nRun 'virtxml validate --help' for usage\.\n$/);
    }
  });

  it('a file that cannot be read is an I/O error in the results, and an <error> in junit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtxml-validate-'));
    try {
      writeFileSync(join(dir, 'ok.xml'), '<network><name>n</name></network>\n');
      const results = validateFiles([join(dir, 'ok.xml'), dir], { profile: 'virtxml', kind: undefined });
      expect(results.map((r) => [r.valid, r.ioError])).toEqual([
        [true, undefined],
        [false, `cannot read ${dir}: EISDIR`],
      ]);
      const suite = readXml(junitReport(results, 'virtxml')).root;
      expect([getAttribute(suite, 'tests'), getAttribute(suite, 'failures'), getAttribute(suite, 'errors')]).toEqual(['2', '0', '1']);
      const error = childElements(childElements(suite)[1]!)[0]!;
      expect([error.name, getAttribute(error, 'type'), getAttribute(error, 'message')]).toEqual(['error', 'io', `cannot read ${dir}: EISDIR`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('virtxml validate: formats', () => {
  it('json: one array of results', async () => {
    expect(await run('validate', '--format', 'json', fx('domain-ok.xml'), fx('malformed.xml'))).toBe(1);
    expect(err).toBe('');
    expect(JSON.parse(out)).toEqual([
      { file: fx('domain-ok.xml'), kind: 'domain', profile: 'virtxml', libvirt: '12.9', valid: true, diagnostics: [] },
      {
        file: fx('malformed.xml'),
        profile: 'virtxml',
        libvirt: '12.9',
        valid: false,
        diagnostics: [
          { severity: 'error', code: 'xml-malformed', message: 'unexpected close tag.', line: 5, column: 12, path: '/domain/devices', source: 'xml', file: fx('malformed.xml') },
        ],
      },
    ]);
  });

  it('github: one annotation line per diagnostic, nothing for valid files', async () => {
    expect(await run('validate', '--format', 'github', '--profile', 'rng', fx('domain-ok.xml'), fx('malformed.xml'), fx('domain-group-auto.xml'))).toBe(1);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe(`::error file=${fx('malformed.xml')},line=5,col=12,title=xml-malformed::unexpected close tag. (/domain/devices)`);
    expect(lines[1]).toMatch(new RegExp(`^::error file=${fx('domain-group-auto.xml')},line=9,col=27,title=rng-unknown-attribute::[^\\n]+ \\(/domain/devices/hostdev/driver/@group\\)$`));
    expect(lines).toHaveLength(2);
    expect(err).toBe('');
  });

  it("github escaping: %, CR, LF in messages; also ':' and ',' in properties", () => {
    expect(escapeGithubData('100% a:b,c\r\nnext')).toBe('100%25 a:b,c%0D%0Anext');
    expect(escapeGithubProperty('C:\\x,y%\n')).toBe('C%3A\\x%2Cy%25%0A');
  });

  it('junit: one testsuite, a testcase per file, a failure with the diagnostics (read back with our reader)', async () => {
    expect(await run('validate', '--format', 'junit', fx('domain-ok.xml'), fx('malformed.xml'), fx('unknown-root.xml'), fx('no-such.xml'))).toBe(2);
    expect(out.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuite ')).toBe(true);
    const suite = readXml(out).root;
    expect(suite.name).toBe('testsuite');
    expect(['name', 'tests', 'failures', 'errors', 'skipped'].map((a) => getAttribute(suite, a))).toEqual(['virtxml validate (virtxml)', '3', '2', '0', '0']);
    const cases = childElements(suite);
    expect(cases.map((c) => [c.name, getAttribute(c, 'classname'), getAttribute(c, 'name')])).toEqual([
      ['testcase', 'virtxml.validate.domain', fx('domain-ok.xml')],
      ['testcase', 'virtxml.validate.unknown', fx('malformed.xml')],
      ['testcase', 'virtxml.validate.unknown', fx('unknown-root.xml')],
    ]);
    expect(childElements(cases[0]!)).toEqual([]);
    const [failure] = childElements(cases[1]!);
    expect([failure!.name, getAttribute(failure!, 'type'), getAttribute(failure!, 'message')]).toEqual(['failure', 'xml-malformed', 'unexpected close tag.']);
    expect(ownText(failure!)).toBe(`${fx('malformed.xml')}:5:12: error: unexpected close tag. [xml-malformed] (/domain/devices)`);
    // XML-escaped: the <frobnicator> of the message comes back as text
    expect(getAttribute(childElements(cases[2]!)[0]!, 'message')).toContain('unexpected root element <frobnicator>');
    expect(err).toBe(`virtxml validate: cannot read ${fx('no-such.xml')}: ENOENT\n`);
  });
});

describe('the command line around it', () => {
  it.each(['fmt', 'allocate', 'iommu', 'hostdev', 'validate', 'convert', 'help'])('%s --help prints its usage on stdout, exit 0', async (cmd) => {
    expect(await run(cmd, '--help')).toBe(0);
    expect(out).toMatch(new RegExp(`^Usage: virtxml ${cmd}\\b`));
    expect(err).toBe('');
    const first = out;
    if (cmd !== 'help') {
      out = '';
      expect(await run('help', cmd)).toBe(0);
      expect(out).toBe(first);
    }
  });

  it('the command list names validate and convert', async () => {
    expect(await run('--help')).toBe(0);
    expect(out).toMatch(/\n {2}validate \[--profile P\]/);
    expect(out).toMatch(/\n {2}convert --to json\|xml FILE/);
  });

  it.each([
    [['nope']],
    [['help', 'nope']],
    [['validate', '--bogus']],
    [['convert']],
    [['convert', '--to', 'yaml', 'x.xml']],
    [['fmt', 'test/fixtures/validate/no-such.xml']],
    [['allocate', 'x.xml']],
    [['hostdev', 'plan']],
    [['iommu', '--topology', 'no-such.json']],
  ])('user error %j: exit 2, a message on stderr, no stack trace', async (args) => {
    expect(await run(...args)).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/^virtxml/);
    expect(err).not.toMatch(/\n\s+at /);
  });
});
