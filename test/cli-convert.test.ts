/**
 * `virtxml convert` in-process on our fixtures (test/fixtures/validate):
 * XML → JSON in declaration order, JSON → canonical XML after the JSON
 * Schema check, round trips, and each way of saying no.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { checkDomainDef, checkNetworkDef } from '../src/validate/defs.js';
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
let dir: string;
beforeEach(() => {
  out = '';
  err = '';
  dir = mkdtempSync(join(tmpdir(), 'virtxml-convert-'));
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const convert = async (...args: string[]) => {
  out = '';
  err = '';
  return main(['convert', ...args]);
};
const tmp = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe('virtxml convert --to json', () => {
  it('prints the typed def, keys in declaration order, valid against its schema', async () => {
    expect(await convert('--to', 'json', fx('domain-ok.xml'))).toBe(0);
    expect(err).toBe('');
    expect(out.endsWith('}\n')).toBe(true);
    // "$schema" first: the kind, so that convert --to xml reads it back without --kind
    const { $schema, ...def } = JSON.parse(out);
    expect($schema).toBe('https://virtxml.dev/schemas/domain.schema.json');
    expect(out.startsWith('{\n  "$schema": ')).toBe(true);
    expect(checkDomainDef(def)).toEqual([]);
    expect(Object.keys(def)).toEqual(['type', 'name', 'uuid', 'memory', 'currentMemory', 'vcpu', 'os', 'devices']);
    expect(def.devices.hostdevs[0]).toEqual({ mode: 'subsystem', type: 'pci', managed: true, driver: { name: 'vfio' }, source: { address: { domain: 0, bus: 6, slot: 18, function: 2 } } });
    expect(out).toContain('\n  "name": "vm1",\n');
  });

  it('is stable: the attribute order of the XML does not change the JSON', async () => {
    expect(await convert('--to', 'json', fx('domain-ok.xml'))).toBe(0);
    const first = out;
    const swapped = readFileSync(fx('domain-ok.xml'), 'utf8')
      .replace("<disk type='file' device='disk'>", "<disk device='disk' type='file'>")
      .replace("<hostdev mode='subsystem' type='pci' managed='yes'>", "<hostdev managed='yes' type='pci' mode='subsystem'>");
    expect(await convert('--to', 'json', tmp('swapped.xml', swapped))).toBe(0);
    expect(out).toBe(first);
  });

  it('refuses XML the parser refuses, with its place (exit 1)', async () => {
    expect(await convert('--to', 'json', fx('malformed.xml'))).toBe(1);
    expect(out).toBe('');
    expect(err).toBe(`${fx('malformed.xml')}:5:12: error: unexpected close tag. [xml-malformed] (/domain/devices)\n`);
    expect(await convert('--to', 'json', fx('unknown-root.xml'))).toBe(1);
    expect(err).toBe(`${fx('unknown-root.xml')}:1:1: error: unexpected root element <frobnicator>: expected ${DOCUMENT_ROOTS} or a device element (<disk>, <interface>, <hostdev>, …) [xml-root] (/frobnicator)\n`);
    expect(await convert('--to', 'json', '--kind', 'network', fx('domain-ok.xml'))).toBe(1);
    expect(err).toMatch(/:1:1: error: .*<domain>.* \[xml-root\] \(\/domain\)\n$/);
  });
});

describe('virtxml convert --to xml', () => {
  it('JSON → XML → JSON → XML gives libvirt canonical XML again (domain with group=auto, network)', async () => {
    for (const [file, kind] of [
      [fx('domain-ok.xml'), 'domain'],
      [fx('domain-group-auto.xml'), 'domain'],
      [fx('nested/network-ok.xml'), 'network'],
    ] as const) {
      expect(await convert('--to', 'json', file)).toBe(0);
      const json = tmp('def.json', out);
      expect(await convert('--to', 'xml', '--kind', kind, json)).toBe(0);
      expect(err).toBe('');
      expect(out).toBe(readFileSync(file, 'utf8'));
    }
  });

  it('takes the kind from a "$schema" naming virtxml’s schema; --strip-extensions leaves out group', async () => {
    expect(await convert('--to', 'xml', fx('network-def.json'))).toBe(0);
    expect(out).toBe(
      `<network>
  <name>sriov-pool</name>
  <forward mode='hostdev' managed='yes'>
    <driver name='vfio' group='auto'/>
    <pf dev='eth3'/>
  </forward>
</network>
`,
    );
    expect(await convert('--to', 'xml', '--strip-extensions', fx('network-def.json'))).toBe(0);
    expect(out).toContain("<driver name='vfio'/>");
    // the def itself (without the marker) is a NetworkDef
    const { $schema, ...def } = JSON.parse(readFileSync(fx('network-def.json'), 'utf8'));
    expect($schema).toBe('https://virtxml.dev/schemas/network.schema.json');
    expect(checkNetworkDef(def)).toEqual([]);
  });

  it('refuses JSON that is not a def of its kind, with the element path and the JSON pointer (exit 1)', async () => {
    expect(await convert('--to', 'xml', '--kind', 'network', fx('network-def-bad.json'))).toBe(1);
    expect(out).toBe('');
    const f = fx('network-def-bad.json');
    expect(err.split('\n')).toEqual([
      `${f}: error: "natt" is not one of "nat", "route", "open", "bridge", "passthrough", "private", "vepa", "hostdev" (at JSON pointer '/forward/mode') [json-schema-enum] (/network/forward/@mode)`,
      `${f}: error: must be boolean, not string (at JSON pointer '/bridge/stp') [json-schema-type] (/network/bridge/@stp)`,
      '',
    ]);
    expect(await convert('--to', 'xml', '--kind', 'network', tmp('syntax.json', '{"name": '))).toBe(1);
    expect(err).toMatch(/: error: invalid JSON: .+ \[json-syntax\]\n$/);
  });

  it('refuses a def the schema allows but libvirt’s parse-time rules do not (the XML is read back)', async () => {
    const port = {
      uuid: 'not-a-uuid',
      owner: { name: 'vm', uuid: 'd54df46f-1ab5-4a22-8618-4560ef5fac2c' },
      mac: { address: '52:54:00:7b:35:93' },
    };
    expect(await convert('--to', 'xml', '--kind', 'networkport', tmp('port.json', JSON.stringify(port)))).toBe(1);
    expect(err).toMatch(/\(as XML\):\d+:\d+: error: Unable to parse UUID 'not-a-uuid' \[invalid-value\].*: the XML written from this def is refused when read back\n$/);
    port.uuid = '5d744f21-ba4a-4d6e-bdb2-30a35ff3207d';
    expect(await convert('--to', 'xml', '--kind', 'networkport', tmp('port.json', JSON.stringify(port)))).toBe(0);
    expect(out).toContain('<uuid>5d744f21-ba4a-4d6e-bdb2-30a35ff3207d</uuid>');
  });

  it('usage errors (exit 2): no --to, no kind for JSON, a foreign $schema, a kind that contradicts it, options of the other direction', async () => {
    const cases: string[][] = [
      [fx('domain-ok.xml')],
      ['--to', 'xml', fx('network-def-bad.json')],
      ['--to', 'xml', tmp('foreign.json', '{"$schema": "https://json-schema.org/draft/2020-12/schema"}')],
      ['--to', 'xml', '--kind', 'domain', fx('network-def.json')],
      ['--to', 'json', '--status', fx('domain-ok.xml')],
      ['--to', 'json', '--kind', 'frobnicator', fx('domain-ok.xml')],
      ['--to', 'json', fx('domain-ok.xml'), fx('malformed.xml')],
      ['--to', 'json', fx('no-such.xml')],
    ];
    for (const args of cases) {
      expect(await convert(...args), args.join(' ')).toBe(2);
      expect(out).toBe('');
      expect(err).toMatch(/^virtxml convert: .+\nRun 'virtxml convert --help' for usage\.\n$/);
    }
  });
});
