/**
 * Conformance of the host's own documents (issue 13): node devices
 * `<device>`, host `<capabilities>`, `<domainCapabilities>`. Per kind:
 *  - libvirt's formatted outputs reproduced byte for byte: nodedevxml2xmlout
 *    (from nodedevschemadata through what libvirt's parser keeps, inactive
 *    where nodedevxml2xmltest.c asks for it), domaincapsdata (domaincapstest's
 *    outputs), and, when libvirt 12.9's chroot is there, what its test driver
 *    prints (virsh nodedev-dumpxml, capabilities, domcapabilities);
 *  - every corpus input a fixed point after one round trip (files libvirt's
 *    schema rejects: rejected by the parser, or a fixed point too);
 *  - schema coverage: every element and attribute of libvirt 12.9's schema,
 *    in context, has a declaration;
 *  - the `rng` profile gives xmllint's verdict with each release's schemas
 *    (9.0, 10.7, 11.3, 12.9) on every corpus file of the kind.
 * The releases' schemas are where scripts/gen-rng.mjs compiles them from
 * (`npm run update-libvirt -- --fetch`); rows needing a release's schemas are
 * skipped with a message when they are absent.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as vx from '../src/model.js';
import { CORPUS, HAVE_CORPUS, printTable } from './corpus.js';
import { TOOLS } from './oracle.js';
import { fixedPointRow, xmllintRows } from './kind-rows.js';
// @ts-expect-error plain JS module shared with the network conformance (runs on dist)
import { declNames, rngNames, undeclared } from './rng-names.mjs';
// @ts-expect-error plain JS build script: where each release's schemas are
import { RELEASES, schemaDir } from '../scripts/gen-rng.mjs';

/** Each release whose schemas are here, with their directory. */
const SCHEMA_DIRS = (RELEASES as vx.LibvirtRelease[]).map((r) => [r, schemaDir(r) as string] as const).filter(([, d]) => existsSync(join(d, 'nodedev.rng')));
const SCHEMAS = SCHEMA_DIRS.find(([r]) => r === '12.9')?.[1];
const XMLLINT = spawnSync('xmllint', ['--version'], { stdio: 'ignore' }).status === 0;
const CHROOT = join(TOOLS, 'libvirt-chroot.sh');
const HAVE_CHROOT = existsSync('/opt/libvirt-chroot/.libvirt-ready') && process.getuid?.() === 0 && existsSync(CHROOT);
if (SCHEMA_DIRS.length < (RELEASES as string[]).length) console.warn(`libvirt schemas of ${(RELEASES as string[]).filter((r) => !SCHEMA_DIRS.some(([x]) => x === r)).join(', ')} not found (npm run update-libvirt -- --fetch): their coverage and xmllint rows skipped`);
if (!HAVE_CHROOT) console.warn('libvirt 12.9 chroot not available (root + ../shared/tools/libvirt-chroot.sh setup): live rows skipped');

/**
 * Schema names without a declaration, with the reason. A custom CPU model's
 * `<blockers>` (libvirt >= 11) follows the `<model>` it is about, between two
 * models: a declaration would read them into a list of their own and write
 * them after all models. Until the codec has a list of alternating elements,
 * they are kept where they are read (lossless, byte-identical) undeclared.
 */
const KNOWN_UNDECLARED: Record<string, string> = {
  'mode>blockers': 'interleaved with <model> (see above)',
  'mode>blockers@model': 'interleaved with <model>',
  'blockers>feature': 'interleaved with <model>',
  'blockers>feature@name': 'interleaved with <model>',
};

const T = join(CORPUS, 'tests');
const xmlFiles = (dir: string) => (existsSync(join(T, dir)) ? readdirSync(join(T, dir)).filter((f) => f.endsWith('.xml')).sort() : []);
/** A corpus file; a link that became a file holding its target's path is followed. */
function read(dir: string, name: string): string {
  const text = readFileSync(join(T, dir, name), 'utf8');
  return text.startsWith('<') ? text : readFileSync(join(T, dir, text.trim()), 'utf8');
}
const message = (e: unknown) => (e instanceof vx.VirtXmlError ? e.detail : String(e));

interface Kind {
  kind: 'nodedev' | 'capabilities' | 'domainCapabilities';
  schema: string;
  decl: vx.Decl;
  folders: string[];
  parse: (xml: string) => unknown;
  format: (def: never) => string;
}

const KINDS: Kind[] = [
  { kind: 'nodedev', schema: 'nodedev.rng', decl: vx.nodeDeviceDef, folders: ['nodedevschemadata', 'nodedevxml2xmlout'], parse: (x) => vx.parseNodeDeviceXml(x), format: vx.formatNodeDeviceXml },
  { kind: 'capabilities', schema: 'capability.rng', decl: vx.capabilitiesDef, folders: ['capabilityschemadata'], parse: (x) => vx.parseCapabilitiesXml(x), format: vx.formatCapabilitiesXml },
  { kind: 'domainCapabilities', schema: 'domaincaps.rng', decl: vx.domainCapabilitiesDef, folders: ['domaincapsdata'], parse: (x) => vx.parseDomainCapabilitiesXml(x), format: vx.formatDomainCapabilitiesXml },
];

/** What libvirt 12.9's test driver prints, by kind: [label, text] (virsh adds an empty line after each document). */
function live(): Record<Kind['kind'], Array<[string, string]>> {
  const virsh = (...args: string[]) => execFileSync('bash', [CHROOT, 'run', '--', 'virsh', '-c', 'test:///default', ...args], { encoding: 'utf8' }).replace(/\n\n$/, '\n');
  const devices = virsh('nodedev-list').split('\n').filter(Boolean);
  return {
    nodedev: devices.map((d) => [`nodedev-dumpxml ${d}`, virsh('nodedev-dumpxml', d)]),
    capabilities: [['capabilities', virsh('capabilities')]],
    domainCapabilities: [['domcapabilities', virsh('domcapabilities')]],
  };
}

describe.skipIf(!HAVE_CORPUS)('host documents: node devices, capabilities, domain capabilities', () => {
  it("reproduce libvirt's output, are fixed points, cover libvirt 12.9's schemas and agree with xmllint", () => {
    const rows: Array<Record<string, unknown>> = [];
    const failures: string[] = [];
    const row = (suite: string, files: number, passed: number) => rows.push({ suite, files, passed, share: files ? `${((100 * passed) / files).toFixed(1)}%` : '-' });

    // libvirt's xml2xml outputs
    const outs = xmlFiles('nodedevxml2xmlout');
    let same = 0;
    for (const out of outs) {
      const inactive = out.endsWith('_inactive.xml');
      const input = inactive ? out.replace('_inactive.xml', '.xml') : out;
      try {
        const def = vx.nodeDeviceAsDefined(vx.parseNodeDeviceXml(read('nodedevschemadata', input)));
        if (vx.formatNodeDeviceXml(def, { inactive }) === read('nodedevxml2xmlout', out)) same++;
        else failures.push(`nodedevxml2xmlout/${out}: not byte-identical`);
      } catch (e) {
        failures.push(`nodedevxml2xmlout/${out}: ${message(e)}`);
      }
    }
    row('nodedev: nodedevschemadata → nodedevxml2xmlout byte-identical', outs.length, same);
    const caps = xmlFiles('domaincapsdata');
    same = 0;
    for (const f of caps) {
      const x = read('domaincapsdata', f);
      try {
        if (vx.formatDomainCapabilitiesXml(vx.parseDomainCapabilitiesXml(x)) === x) same++;
        else failures.push(`domaincapsdata/${f}: not byte-identical`);
      } catch (e) {
        failures.push(`domaincapsdata/${f}: ${message(e)}`);
      }
    }
    row('domainCapabilities: domaincapsdata byte-identical', caps.length, same);

    // libvirt 12.9 itself
    if (HAVE_CHROOT) {
      const printed = live();
      for (const k of KINDS) {
        let ok = 0;
        for (const [label, text] of printed[k.kind]) {
          try {
            if (k.format(k.parse(text) as never) === text) ok++;
            else failures.push(`12.9 ${label}: not byte-identical`);
          } catch (e) {
            failures.push(`12.9 ${label}: ${message(e)}`);
          }
        }
        row(`${k.kind}: libvirt 12.9 test driver output byte-identical`, printed[k.kind].length, ok);
      }
    }

    for (const k of KINDS) {
      // inputs: a fixed point after one round trip, or rejected (schema-invalid inputs)
      const files = k.folders.flatMap((d) => xmlFiles(d).map((f) => [d, f] as const));
      fixedPointRow(rows, failures, k.kind, files, read, (x) => k.format(k.parse(x) as never), message);

      if (SCHEMAS) {
        const report = undeclared(rngNames(vx.readXml, join(SCHEMAS, k.schema)), declNames(k.decl));
        const missing = [...report.missingElements, ...report.missingAttributes];
        const known = missing.filter((m) => KNOWN_UNDECLARED[m] !== undefined);
        rows.push({
          suite: `${k.kind}: ${k.schema} (12.9) names declared in context${known.length ? ` (kept undeclared: ${known.length})` : ''}`,
          files: report.elements + report.attributes,
          passed: report.elements + report.attributes - missing.length + known.length,
          share: `${((100 * (report.elements + report.attributes - missing.length)) / (report.elements + report.attributes)).toFixed(1)}% declared`,
        });
        for (const m of missing) if (!KNOWN_UNDECLARED[m]) failures.push(`${k.schema}: undeclared ${m}`);
      }

      if (!XMLLINT) continue;
      const paths = files.map(([d, f]) => join(T, d, f));
      xmllintRows(rows, failures, k.kind, paths, SCHEMA_DIRS, k.schema);
    }

    printTable('host documents (libvirt 10.7 corpus; schemas of every release; libvirt 12.9 test driver)', rows);
    if (failures.length) console.log('failures:\n  ' + failures.join('\n  '));
    for (const r of rows) expect(r.passed, String(r.suite)).toBe(r.files);
  });
});
