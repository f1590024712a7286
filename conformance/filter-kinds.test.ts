/**
 * Conformance of the network filter and host interface documents (issue 13):
 * `<filter>` (nwfilter), `<filterbinding>`, host `<interface>` (iface). Per kind:
 *  - libvirt's outputs reproduced byte for byte: nwfilterxml2xmlin → nwfilterxml2xmlout
 *    (nwfilterxml2xmltest.c pairs X.xml with X.xml; libvirt drops comments and
 *    attributes it does not know, which virtxml keeps by design (`$extra`), so the
 *    def is compared without them), virnwfilterbindingxml2xmldata and
 *    interfaceschemadata (libvirt's outputs are their inputs), and — with libvirt
 *    12.9's chroot — what its own parsers and formatters print for every corpus
 *    file (./filter-oracle.py: libvirt.so's virNWFilterDefFormat, …; the chroot
 *    has no nwfilter driver, its XML code is in libvirt.so);
 *  - every corpus input a fixed point after one round trip (or, -invalid, rejected);
 *  - schema coverage: every element and attribute of libvirt 12.9's schema, in
 *    context, has a declaration;
 *  - the `rng` profile gives xmllint's verdict with each release's schemas.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as vx from '../src/model.js';
import { CORPUS, HAVE_CORPUS, printTable } from './corpus.js';
import { TOOLS } from './oracle.js';
import { fixedPointRow, xmllintRows } from './kind-rows.js';
import { BINDING_CASES, filterCases, INTERFACE_CASES, type FilterCase } from './filter-cases.js';
// @ts-expect-error plain JS module shared with the network conformance (runs on dist)
import { declNames, rngNames, undeclared } from './rng-names.mjs';
// @ts-expect-error plain JS build script: where each release's schemas are
import { RELEASES, schemaDir } from '../scripts/gen-rng.mjs';

const SCHEMA_DIRS = (RELEASES as vx.LibvirtRelease[]).map((r) => [r, schemaDir(r) as string] as const).filter(([, d]) => existsSync(join(d, 'nwfilter.rng')));
const SCHEMAS = SCHEMA_DIRS.find(([r]) => r === '12.9')?.[1];
const XMLLINT = spawnSync('xmllint', ['--version'], { stdio: 'ignore' }).status === 0;
const CHROOT = join(TOOLS, 'libvirt-chroot.sh');
const HAVE_CHROOT = existsSync('/opt/libvirt-chroot/.libvirt-ready') && process.getuid?.() === 0 && existsSync(CHROOT);
if (!HAVE_CHROOT) console.warn('libvirt 12.9 chroot not available: live rows skipped');

const T = join(CORPUS, 'tests');
const xmlFiles = (dir: string) => (existsSync(join(T, dir)) ? readdirSync(join(T, dir)).filter((f) => f.endsWith('.xml')).sort() : []);
const read = (dir: string, name: string) => readFileSync(join(T, dir, name), 'utf8');
const message = (e: unknown) => (e instanceof vx.VirtXmlError ? e.detail : String(e));
/**
 * A def without what virtxml keeps but libvirt's parser does not read
 * (comments, unknown attributes and elements: `$extra`), i.e. libvirt's view.
 */
function libvirtView<T>(def: T): T {
  if (Array.isArray(def)) return def.map(libvirtView) as T;
  if (def === null || typeof def !== 'object') return def;
  return Object.fromEntries(Object.entries(def).filter(([k]) => k !== '$extra').map(([k, v]) => [k, libvirtView(v)])) as T;
}

interface Kind {
  kind: 'nwfilter' | 'nwfilterbinding' | 'iface';
  oracle: string;
  schema: string;
  decl: vx.Decl;
  folders: string[];
  parse: (xml: string, options?: { strict?: boolean }) => unknown;
  format: (def: never) => string;
}

const KINDS: Kind[] = [
  { kind: 'nwfilter', oracle: 'filter', schema: 'nwfilter.rng', decl: vx.nwfilterDef, folders: ['nwfilterxml2xmlin', 'nwfilterxml2xmlout'], parse: (x, o) => vx.parseNwfilterXml(x, o), format: vx.formatNwfilterXml },
  { kind: 'nwfilterbinding', oracle: 'filterbinding', schema: 'nwfilterbinding.rng', decl: vx.filterBindingDef, folders: ['virnwfilterbindingxml2xmldata'], parse: (x, o) => vx.parseNwfilterBindingXml(x, o), format: vx.formatNwfilterBindingXml },
  { kind: 'iface', oracle: 'interface', schema: 'interface.rng', decl: vx.interfaceDef, folders: ['interfaceschemadata'], parse: (x, o) => vx.parseInterfaceXml(x, o), format: vx.formatInterfaceXml },
];

/** libvirt 12.9's verdict on each file of a kind: its output, or its error. */
function oracle(k: Kind, paths: string[]): Map<string, { ok: boolean; xml?: string; error?: string }> {
  const out = execFileSync('bash', [CHROOT, 'run', '--', 'python3', join(__dirname, 'filter-oracle.py'), `--kind=${k.oracle}`, ...paths], { encoding: 'utf8', cwd: join(__dirname, '..'), maxBuffer: 64 << 20 });
  const m = new Map<string, { ok: boolean; xml?: string; error?: string }>();
  for (const line of out.split('\n').filter(Boolean)) {
    const r = JSON.parse(line) as { file: string; ok: boolean; xml?: string; error?: string };
    m.set(r.file, r);
  }
  return m;
}

/** libvirt 12.9's answers to generated documents, in order. */
function ask(cases: FilterCase[]): Array<{ ok: boolean; xml?: string; error?: string }> {
  const input = cases.map((c) => JSON.stringify({ kind: c.kind, xml: c.xml })).join('\n') + '\n';
  const out = execFileSync('bash', [CHROOT, 'run', '--', 'python3', join(__dirname, 'filter-oracle.py'), '--stdin'], { input, encoding: 'utf8', cwd: join(__dirname, '..'), maxBuffer: 64 << 20 });
  return out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { ok: boolean; xml?: string; error?: string });
}

describe.skipIf(!HAVE_CORPUS)('network filters, filter bindings, host interfaces', () => {
  it("reproduce libvirt's output, are fixed points, cover libvirt 12.9's schemas and agree with xmllint", () => {
    const rows: Array<Record<string, unknown>> = [];
    const failures: string[] = [];
    const row = (suite: string, files: number, passed: number) => rows.push({ suite, files, passed, share: files ? `${((100 * passed) / files).toFixed(1)}%` : '-' });

    // nwfilterxml2xmltest.c: in/X.xml → out/X.xml
    const outs = new Set(xmlFiles('nwfilterxml2xmlout'));
    const pairs = xmlFiles('nwfilterxml2xmlin').filter((f) => outs.has(f));
    let same = 0;
    for (const f of pairs) {
      try {
        if (vx.formatNwfilterXml(libvirtView(vx.parseNwfilterXml(read('nwfilterxml2xmlin', f)))) === read('nwfilterxml2xmlout', f)) same++;
        else failures.push(`nwfilterxml2xmlin/${f}: does not format as nwfilterxml2xmlout/${f}`);
      } catch (e) {
        failures.push(`nwfilterxml2xmlin/${f}: ${message(e)}`);
      }
    }
    row("nwfilter: nwfilterxml2xmlin → nwfilterxml2xmlout byte-identical (what libvirt does not read left out)", pairs.length, same);
    for (const k of KINDS.filter((x) => x.kind !== 'nwfilter')) {
      const files = k.folders.flatMap((d) => xmlFiles(d).map((f) => [d, f] as const));
      let ok = 0;
      for (const [d, f] of files) {
        try {
          if (k.format(k.parse(read(d, f)) as never) === read(d, f)) ok++;
          else failures.push(`${d}/${f}: not byte-identical`);
        } catch (e) {
          failures.push(`${d}/${f}: ${message(e)}`);
        }
      }
      row(`${k.kind}: ${k.folders.join(', ')} byte-identical`, files.length, ok);
    }

    for (const k of KINDS) {
      const files = k.folders.flatMap((d) => xmlFiles(d).map((f) => [d, f] as const));
      const paths = files.map(([d, f]) => join(T, d, f));

      // libvirt 12.9 itself, on every corpus file of the kind
      if (HAVE_CHROOT) {
        const verdicts = oracle(k, paths);
        let agree = 0;
        for (const p of paths) {
          const v = verdicts.get(p);
          let mine: string | undefined;
          let err: string | undefined;
          try {
            mine = k.format(libvirtView(k.parse(readFileSync(p, 'utf8'))) as never);
          } catch (e) {
            err = message(e);
          }
          if (v?.ok ? mine === v.xml : mine === undefined) agree++;
          else failures.push(`12.9 ${p}: libvirt ${v?.ok ? 'prints another form' : `refuses (${v?.error})`}, virtxml ${err ? `refuses (${err})` : 'accepts'}`);
        }
        row(`${k.kind}: = libvirt 12.9's parser+formatter on every corpus file (output or refusal)`, paths.length, agree);
      }

      fixedPointRow(rows, failures, k.kind, files, read, (x) => k.format(k.parse(x) as never), message);

      if (SCHEMAS) {
        const report = undeclared(rngNames(vx.readXml, join(SCHEMAS, k.schema)), declNames(k.decl));
        const missing = [...report.missingElements, ...report.missingAttributes];
        rows.push({
          suite: `${k.kind}: ${k.schema} (12.9) names declared in context`,
          files: report.elements + report.attributes,
          passed: report.elements + report.attributes - missing.length,
          share: `${((100 * (report.elements + report.attributes - missing.length)) / (report.elements + report.attributes)).toFixed(1)}% declared`,
        });
        for (const m of missing) failures.push(`${k.schema}: undeclared ${m}`);
      }

      if (!XMLLINT) continue;
      xmllintRows(rows, failures, k.kind, paths, SCHEMA_DIRS, k.schema);
    }

    // libvirt 12.9's test driver: every host interface of the corpus defined, then dumped (virsh iface-define / iface-dumpxml)
    if (HAVE_CHROOT) {
      const files = xmlFiles('interfaceschemadata');
      let ok = 0;
      for (const f of files) {
        const name = /name='([^']*)'/.exec(read('interfaceschemadata', f))?.[1] ?? '';
        const out = execFileSync('bash', [CHROOT, 'run', '--', 'virsh', '-c', 'test:///default', `iface-define ${join(T, 'interfaceschemadata', f)}; iface-dumpxml ${name}`], { encoding: 'utf8' });
        const dumped = out.slice(out.indexOf('<interface')).replace(/\n\n$/, '\n');
        try {
          if (vx.formatInterfaceXml(vx.parseInterfaceXml(dumped)) === dumped) ok++;
          else failures.push(`12.9 iface-dumpxml ${f}: not byte-identical`);
        } catch (e) {
          failures.push(`12.9 iface-dumpxml ${f}: ${message(e)}`);
        }
      }
      row("iface: libvirt 12.9 test driver's iface-dumpxml byte-identical", files.length, ok);
    }

    // generated documents: libvirt 12.9's output, or its refusal (virtxml reading strictly, as libvirt's parser does)
    if (HAVE_CHROOT) {
      const cases = [...filterCases(), ...BINDING_CASES, ...INTERFACE_CASES];
      const answers = ask(cases);
      for (const k of KINDS) {
        const mine = cases.map((c, i) => [c, answers[i]!] as const).filter(([c]) => c.kind === k.oracle);
        let agree = 0;
        let refused = 0;
        for (const [c, v] of mine) {
          let xml: string | undefined;
          let err: string | undefined;
          try {
            xml = k.format(libvirtView(k.parse(c.xml, { strict: true })) as never);
          } catch (e) {
            err = message(e);
          }
          if (!v.ok) refused++;
          if (v.ok ? xml === v.xml : xml === undefined) agree++;
          else failures.push(`generated ${k.kind} ${c.label}: libvirt ${v.ok ? `prints\n${v.xml}` : `refuses (${v.error})`}, virtxml ${err ? `refuses (${err})` : `prints\n${xml}`}`);
        }
        row(`${k.kind}: generated documents = libvirt 12.9 (output, or refusal: ${refused})`, mine.length, agree);
      }
    }

    printTable('network filters, filter bindings, host interfaces (libvirt 10.7 corpus; schemas of every release; libvirt 12.9 in-process)', rows);
    if (failures.length) console.log('failures:\n  ' + failures.join('\n  '));
    // the whole list (long documents) where FILTER_FAILURES names a file
    if (process.env.FILTER_FAILURES) writeFileSync(process.env.FILTER_FAILURES, failures.join('\n'));
    for (const r of rows) expect(r.passed, String(r.suite)).toBe(r.files);
  });
});
