/**
 * The registry of document kinds (src/kinds.ts): one root → kind map, one
 * `xml-root` error, and every command takes every kind it holds — each file
 * recognised by its root element (test/fixtures/kinds holds one file per
 * kind, in libvirt's canonical form).
 */
import { captureStdio } from './helpers/capture.js';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { formatXml, KIND_NAMES, KINDS, kindOfRoot, parseXml } from '../src/kinds.js';
import { validateXml } from '../src/validate/index.js';
import { checkDef } from '../src/validate/defs.js';
import { VirtXmlError } from '../src/xml/errors.js';

const FX = relative(process.cwd(), join(__dirname, 'fixtures', 'kinds')) || '.';
const FILES = readdirSync(FX)
  .filter((f) => f.endsWith('.xml'))
  .sort();
const fx = (name: string) => join(FX, name);

const io = captureStdio('virtxml-kinds-');

describe('the registry', () => {
  it('maps each root element to one kind, and each kind to its root', () => {
    for (const k of KIND_NAMES) expect(kindOfRoot(KINDS[k].root)).toBe(k);
    expect(new Set(KIND_NAMES.map((k) => KINDS[k].root)).size).toBe(KIND_NAMES.length);
    expect(KIND_NAMES).toEqual(expect.arrayContaining(['domain', 'domstatus', 'network', 'networkport', 'nodedev', 'capabilities', 'domainCapabilities', 'disk', 'interface', 'hostdev']));
    expect(kindOfRoot('device')).toBe('nodedev');
  });

  it.each(FILES)('%s: parseXml finds its kind, formatXml gives the same bytes, checkDef accepts the def', (f) => {
    const text = readFileSync(fx(f), 'utf8');
    const doc = parseXml(text);
    expect(doc.kind).toBe(f.replace(/\.xml$/, ''));
    expect(formatXml(doc)).toBe(text);
    expect(checkDef(doc.kind, JSON.parse(JSON.stringify(doc.def)))).toEqual([]);
  });

  it('one xml-root error, with its place, for an unknown root and for a root of another kind than asked for', () => {
    const unknown = () => parseXml(`\n  <frobnicator/>`);
    expect(unknown).toThrow(VirtXmlError);
    expect(unknown).toThrow(/^2:3: unexpected root element <frobnicator>: expected <domain>, <domstatus>, <network>, <networkport>, <device>, <capabilities>, <domainCapabilities>(, <[A-Za-z]+>)* or a device element/);
    expect(() => parseXml(`<disk/>`, { kind: 'network' })).toThrow(/unexpected root element <disk>: expected <network> \(at \/disk\)/);
    expect(validateXml(`<frobnicator/>`).diagnostics).toEqual([expect.objectContaining({ code: 'xml-root', line: 1, column: 1, path: '/frobnicator' })]);
  });

  it('validateXml takes every kind by its root element', () => {
    for (const f of FILES) {
      const r = validateXml(readFileSync(fx(f), 'utf8'), { file: f });
      expect(r.kind, f).toBe(f.replace(/\.xml$/, ''));
      expect(r.diagnostics, f).toEqual([]);
    }
  });
});

describe('the CLI takes every kind, each file by its root element', () => {
  it('fmt --check: every kind in one run', async () => {
    expect(await main(['fmt', '--check', ...FILES.map(fx)])).toBe(0);
    expect(io.out).toBe('');
    expect(io.err).toBe('');
  });

  it('fmt prints a device snippet and a network port canonically; --kind must agree with the root', async () => {
    const messy = join(io.dir, 'port.xml');
    writeFileSync(messy, readFileSync(fx('networkport.xml'), 'utf8').replace(/\n\s*/g, ''));
    expect(await main(['fmt', messy])).toBe(0);
    expect(io.out).toBe(readFileSync(fx('networkport.xml'), 'utf8'));
    io.out = '';
    expect(await main(['fmt', '--kind', 'disk', fx('hostdev.xml')])).toBe(1);
    expect(io.err).toContain('unexpected root element <hostdev>: expected <disk>');
  });

  it('validate: every kind in one run', async () => {
    expect(await main(['validate', FX])).toBe(0);
    expect(io.err).toBe(`${FILES.length} files: ${FILES.length} valid, 0 invalid (0 errors, 0 warnings)\n`);
  });

  it.each(FILES)('convert %s --to json, then --to xml without --kind: the same bytes back', async (f) => {
    expect(await main(['convert', '--to', 'json', fx(f)])).toBe(0);
    const json = io.out;
    const kind = f.replace(/\.xml$/, '');
    expect(JSON.parse(json).$schema).toBe(`https://virtxml.dev/schemas/${kind}.schema.json`);
    const jf = join(io.dir, `${kind}.json`);
    writeFileSync(jf, json);
    io.out = '';
    // status XML keeps what the file has (<actual>, <origstates>); domstatus is status XML already
    expect(await main(['convert', '--to', 'xml', ...(kind === 'domain' ? ['--status'] : []), jf])).toBe(0);
    expect(io.err).toBe('');
    expect(io.out).toBe(readFileSync(fx(f), 'utf8'));
  });
});

describe('parseXml / formatXml carry the fidelity options of the per-kind functions', () => {
  const net = (ip: string) =>
    ['<!-- licence -->', '<network>', '  <name>n</name>', "  <forward mode='natt'/>", ip, '</network>', '<!-- end -->', ''].join('\n');
  const ip12 = "  <ip address='192.168.122.1' netmask='255.255.255.0'/>";
  const ip10 = "  <ip address='192.168.122.1' netmask='255.255.255.0'>\n  </ip>";

  it('comments around the root kept, an unknown word kept, the release chosen by `libvirt`', () => {
    const doc = parseXml(net(ip12));
    expect(formatXml(doc)).toBe(net(ip12));
    expect(formatXml(doc, { libvirt: '10.7' })).toBe(net(ip10));
  });

  it('strict: true refuses the unknown word with its place', () => {
    let e: unknown;
    try {
      parseXml(net(ip12), { strict: true });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(VirtXmlError);
    expect((e as VirtXmlError).line).toBe(4);
    expect(String(e)).toMatch(/natt/);
  });
});
