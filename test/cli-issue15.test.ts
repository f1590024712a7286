/**
 * The CLI as CI pipelines and new users meet it (issue 15), every command
 * in-process: one diagnostic format, `-` for stdin, --version, plurals,
 * bytes decoded as libxml2 does, `fmt --write` atomic, deeply nested JSON
 * refused with a place, no stack trace for anything.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stdin } from '../src/cli/diagnostics.js';
import { exitFor, main } from '../src/cli/main.js';

let out: string;
let err: string;
let dir: string;
const realRead = stdin.read;
beforeEach(() => {
  out = '';
  err = '';
  dir = mkdtempSync(join(tmpdir(), 'virtxml-cli15-'));
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  stdin.read = realRead;
  rmSync(dir, { recursive: true, force: true });
});

const run = (...args: string[]) => main(args);
const withStdin = (text: string | Uint8Array) => {
  stdin.read = () => (typeof text === 'string' ? new TextEncoder().encode(text) : text);
};
const file = (name: string, content: string | Uint8Array, mode?: number) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  if (mode !== undefined) chmodSync(p, mode);
  return p;
};
const enc = (...parts: Array<string | number[]>) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)));

const NET = "<network>\n  <name>caf\u00e9</name>\n  <bridge name='virbr9' stp='on' delay='0'/>\n</network>\n";
const DIAG = /^(\S+):(\d+):(\d+): (error|warning): .+ \[[a-z0-9-]+\]( \(\/\S*\))?$/;

describe('--version', () => {
  it("prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
    for (const flag of ['--version', '-V']) {
      out = '';
      expect(await run(flag)).toBe(0);
      expect(out).toBe(`virtxml ${version}\n`);
    }
  });
});

describe('one diagnostic format for every command', () => {
  it('fmt, allocate, validate and convert print FILE:LINE:COL: error: MESSAGE [CODE] (PATH)', async () => {
    // an unknown word: kept by fmt and convert (forward compatible), refused by allocate (strict) and reported by validate
    const natt = file('natt.xml', "<network>\n  <name>n</name>\n  <forward mode='natt'/>\n</network>\n");
    // a value no release reads: refused by every command
    const bad = file('bad.xml', "<network>\n  <name>n</name>\n  <bridge name='virbr9' delay='x'/>\n</network>\n");
    const lines: string[] = [];
    for (const args of [['fmt', bad], ['allocate', '--network', natt, natt], ['validate', natt], ['convert', '--to', 'json', bad]]) {
      err = '';
      out = '';
      expect(await run(...args)).toBe(1);
      const first = (args[0] === 'validate' ? out : err).split('\n')[0]!;
      expect(first).toMatch(DIAG);
      expect(first.startsWith(`${args[args.length - 1]}:3:`)).toBe(true);
      lines.push(first);
    }
    // validate names what was expected
    expect(lines[2]).toMatch(/natt.*expected one of/);
    // allocate refuses it with libvirt's message
    expect(lines[1]).toMatch(/natt/);
  });

  it('fmt and convert keep a word the declarations do not know', async () => {
    const natt = file('natt.xml', "<network>\n  <name>n</name>\n  <forward mode='natt'/>\n</network>\n");
    out = '';
    expect(await run('fmt', natt)).toBe(0);
    expect(out).toContain("<forward mode='natt'/>");
    out = '';
    expect(await run('convert', '--to', 'json', natt)).toBe(0);
    expect(JSON.parse(out).forward.mode).toBe('natt');
  });

  it('an unknown root element: the same line from fmt and convert', async () => {
    const f = file('foo.xml', '<foo/>\n');
    await run('fmt', f);
    const fromFmt = err;
    expect(fromFmt).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:1: error: unexpected root element <foo>: expected <domain>, .* \\[xml-root\\] \\(/foo\\)\\n$`));
    err = '';
    await run('convert', '--to', 'json', f);
    expect(err).toBe(fromFmt);
  });

  it('a bug is one line, exit 2, no stack trace', () => {
    expect(exitFor(new Error('boom'))).toBe(2);
    expect(err).toBe('virtxml: internal error: boom (a bug: please report it with the input)\n');
    expect(err).not.toMatch(/\n\s+at /);
  });
});

describe("'-' for stdin", () => {
  it('validate -', async () => {
    withStdin("<network>\n  <name>n</name>\n  <forward mode='natt'/>\n</network>\n");
    expect(await run('validate', '-')).toBe(1);
    expect(out).toMatch(/^<stdin>:3:\d+: error: .*\[rng-invalid-value\]/);
  });
  it('fmt - prints the canonical form; fmt --write - is a usage error naming the flag', async () => {
    withStdin(NET);
    expect(await run('fmt', '-')).toBe(0);
    expect(out).toBe(NET);
    expect(await run('fmt', '--write', '-')).toBe(2);
    expect(err).toMatch(/--write cannot rewrite stdin/);
  });
  it('convert --to json - and back with --to xml -', async () => {
    withStdin(NET);
    expect(await run('convert', '--to', 'json', '-')).toBe(0);
    const json = out;
    out = '';
    withStdin(json);
    expect(await run('convert', '--to', 'xml', '--kind', 'network', '-')).toBe(0);
    expect(out).toBe(NET);
  });
  it('allocate --network - DOMAIN', async () => {
    withStdin(NET);
    const dom = file('d.xml', "<domain type='kvm'>\n  <name>d</name>\n  <memory unit='KiB'>1024</memory>\n  <os>\n    <type>hvm</type>\n  </os>\n</domain>\n");
    expect(await run('allocate', '--network', '-', dom)).toBe(0);
    expect(out).toMatch(/# network 'caf\u00e9' live XML \(0 connections\)/);
  });
});

describe('plurals', () => {
  it('1 file, 1 error, 0 warnings', async () => {
    const bad = file('bad.xml', "<network>\n  <name>n</name>\n  <forward mode='natt'/>\n</network>\n");
    await run('validate', bad);
    expect(err).toBe('1 file: 0 valid, 1 invalid (1 error, 0 warnings)\n');
  });
});

describe('bytes as libxml2 reads them', () => {
  it('invalid UTF-8 is invalid, with its place', async () => {
    const f = file('bad-utf8.xml', enc('<network>\n  <name>ab', [0xc0, 0xaf], '</name>\n</network>\n'));
    expect(await run('validate', f)).toBe(1);
    expect(out).toBe(`${f}:2:11: error: input is not valid UTF-8: overlong UTF-8 sequence (byte 0xc0) [xml-encoding] (/)\n`);
    err = '';
    expect(await run('fmt', f)).toBe(1);
    expect(err).toMatch(/:2:11: error: input is not valid UTF-8/);
  });
  it('UTF-16 with a BOM is read', async () => {
    const units = [0xff, 0xfe];
    for (const ch of NET) units.push(ch.charCodeAt(0) & 255, ch.charCodeAt(0) >> 8);
    const f = file('utf16.xml', new Uint8Array(units));
    expect(await run('validate', f)).toBe(0);
  });
  it('an unknown declared encoding is refused by name', async () => {
    const f = file('ebcdic.xml', "<?xml version='1.0' encoding='EBCDIC-XYZ'?>\n<network><name>n</name></network>\n");
    expect(await run('validate', f)).toBe(1);
    expect(out).toMatch(/unsupported encoding 'EBCDIC-XYZ'/);
  });
  it('fmt --write on ISO-8859-1 keeps é (written as UTF-8, the declaration dropped as libvirt writes)', async () => {
    const f = file('latin1.xml', enc("<?xml version='1.0' encoding='ISO-8859-1'?>\n<network>\n  <name>caf", [0xe9], "</name>\n  <bridge name='virbr9'/>\n</network>\n"));
    expect(await run('fmt', '--write', f)).toBe(0);
    expect(readFileSync(f, 'utf8')).toBe(NET);
  });
});

describe('fmt --write', () => {
  it('replaces the file by rename (a new inode), keeps its mode, leaves no temporary file', async () => {
    const f = file('net.xml', NET.replace("stp='on' delay='0'", "delay='0' stp='on'"), 0o640);
    const before = statSync(f);
    expect(await run('fmt', '--write', f)).toBe(0);
    const after = statSync(f);
    expect(readFileSync(f, 'utf8')).toBe(NET);
    expect(after.mode & 0o777).toBe(0o640);
    expect(after.ino).not.toBe(before.ino);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(dir)).toEqual(['net.xml']);
  });
  it('a file already canonical is not touched', async () => {
    const f = file('net.xml', NET);
    const before = statSync(f);
    expect(await run('fmt', '--write', f)).toBe(0);
    expect(statSync(f).ino).toBe(before.ino);
  });
});

describe('convert: deeply nested JSON', () => {
  it('is refused with a place and a code, not a RangeError', async () => {
    const f = file('deep.json', '{"name":"n","x":' + '['.repeat(200000) + ']'.repeat(200000) + '}');
    expect(await run('convert', '--to', 'xml', '--kind', 'network', f)).toBe(1);
    expect(err).toBe(`${f}:1:272: error: JSON nests deeper than 256 arrays and objects: expected a def (a few dozen levels) [json-too-deep]\n`);
  });
});
