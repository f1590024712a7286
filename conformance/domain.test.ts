/**
 * Domain conformance (issue: the whole domain model): coverage of libvirt
 * 10.7's and newer releases' domain schemas by our declarations, and libvirt's own test corpus
 * round-tripped. Floors are recorded below: a drop fails the test.
 */
import { describe, expect, it } from 'vitest';
import { formatDeviceXml, formatDomainXml, parseDeviceXml, parseDomainXml } from '../src/model.js';
import { domain } from '../src/domain/domain.js';
import { readXml } from '../src/xml/reader.js';
import { join } from 'node:path';
import { corpusFiles, HAVE_CORPUS, newerSchemaDirs, printTable, schemaPath } from './corpus.js';
import { cosmeticDifferences, defJson } from './domain-diff.js';
// @ts-expect-error plain JS module shared with the network conformance (runs on dist)
import { declNames, rngNames, undeclared } from './rng-names.mjs';

/** Recorded floors; raise them as the model grows. */
const FLOOR = {
  coveredElements: 627,
  coveredAttributes: 1516,
  byteIdenticalOutputs: 965,
  byteIdenticalSnippets: 28,
};

/** The libvirt release of the corpus: its formatter's form where releases differ. */
const CORPUS_RELEASE = '10.7';

/** Folders of whole `<domain>` documents. */
const DOMAIN_DIRS = ['qemuxmlconfdata', 'qemuxmlactive2xmldata', 'domainschemadata'];
/** Folder of single device elements (hotplug). */
const HOTPLUG_DIR = 'qemuhotplugtestdevices';
/** libvirt's formatted outputs: NAME.<arch>-latest.xml, NAME.<arch>-<version>.xml, *-active.xml, *-inactive.xml. */
const isOutput = (n: string) => /\.[a-z0-9_]+-(latest|\d[\d.]*)\.xml$/.test(n) || /-(active|inactive)\.xml$/.test(n);

/** The formatted output libvirt's tests keep beside an input (NAME.xml → NAME.<arch>-latest.xml, NAME-in.xml → NAME-out.xml, …). */
function outputOf(input: string, names: Set<string>): string | undefined {
  const base = input.replace(/\.xml$/, '');
  const stem = base.replace(/-in$/, '');
  for (const n of names) {
    if (n === input || !isOutput(n)) continue;
    if (n.startsWith(base + '.') || n === `${stem}-active.xml` || n === `${stem}-inactive.xml`) return n;
  }
  if (stem !== base && names.has(`${stem}-out.xml`)) return `${stem}-out.xml`;
  return undefined;
}

/**
 * Hotplug snippets whose round trip is not cosmetic only, with the reason
 * (what libvirt's formatter does that the file does not show).
 */
const HOTPLUG_EXPLAINED: Record<string, string> = {
  'qemuhotplug-qemu-agent.xml':
    "libvirt leaves out <source mode='bind'/> of a unix channel without a path (see qemuxmlconfdata x86_64-q35-graphics output)",
  'qemuhotplug-graphics-spice-listen-network-password.xml':
    "attributes in alphabetical order, and libvirt writes listen='ADDRESS' from a network <listen> that has an address (virDomainGraphicsListenDefFormatAddr, live XML)",
};

describe.skipIf(!HAVE_CORPUS)('domain conformance', () => {
  it('coverage of domain.rng by the declarations (libvirt 10.7 and newer releases)', () => {
    const rows: Array<Record<string, unknown>> = [];
    const missing: string[] = [];
    for (const [release, path] of [['10.7', schemaPath('domain.rng')], ...Object.entries(newerSchemaDirs()).map(([r, d]) => [r, join(d, 'domain.rng')])] as Array<[string, string]>) {
      const u = undeclared(rngNames(readXml, path), declNames(domain));
      const me = u.missingElements as string[];
      const ma = u.missingAttributes as string[];
      rows.push(
        { libvirt: release, kind: 'elements', schema: u.elements, declared: u.elements - me.length, missing: me.length, share: `${((100 * (u.elements - me.length)) / u.elements).toFixed(1)}%` },
        { libvirt: release, kind: 'attributes', schema: u.attributes, declared: u.attributes - ma.length, missing: ma.length, share: `${((100 * (u.attributes - ma.length)) / u.attributes).toFixed(1)}%` },
      );
      missing.push(...[...me, ...ma].map((m) => `${release}: ${m}`));
      if (release === '10.7') {
        expect(u.elements - me.length).toBeGreaterThanOrEqual(FLOOR.coveredElements);
        expect(u.attributes - ma.length).toBeGreaterThanOrEqual(FLOOR.coveredAttributes);
      }
    }
    printTable('domain.rng coverage (names in context: parent>element, parent>element@attribute)', rows);
    if (missing.length) console.log('undeclared:\n  ' + missing.join('\n  '));
    // every name of every release's schema is declared
    expect(missing).toEqual([]);
  });

  it("libvirt's test corpus round-trips", () => {
    const rows: Array<Record<string, unknown>> = [];
    const failures: string[] = [];
    const rejected: Array<Record<string, unknown>> = [];
    let identical = 0;
    for (const dir of DOMAIN_DIRS) {
      const files = corpusFiles(dir);
      const names = new Set(files.map((f) => f.name));
      let parsed = 0;
      let outputs = 0;
      let same = 0;
      let inputsStable = 0;
      let inputs = 0;
      for (const f of files) {
        let def;
        try {
          def = parseDomainXml(f.text, { file: f.name });
          parsed++;
        } catch (e) {
          const output = isOutput(f.name) ? f.name : outputOf(f.name, names);
          rejected.push({ file: `${dir}/${f.name}`, 'libvirt output': output ?? 'none (negative test)', reason: (e as Error).message });
          if (output) failures.push(`${dir}/${f.name}: rejected, but libvirt formats it (${output}): ${(e as Error).message}`);
          continue;
        }
        const inactive = /-inactive\.xml$/.test(f.name);
        const out = formatDomainXml(def, { inactive, status: false, libvirt: CORPUS_RELEASE });
        if (isOutput(f.name)) {
          outputs++;
          if (out === f.text) same++;
          else failures.push(`${dir}/${f.name}: not byte-identical`);
        } else {
          // inputs: semantic equality after a round trip (a fixed point of format∘parse)
          inputs++;
          if (formatDomainXml(parseDomainXml(out), { inactive, libvirt: CORPUS_RELEASE }) === out) inputsStable++;
          else failures.push(`${dir}/${f.name}: input not stable after a round trip`);
        }
      }
      identical += same;
      rows.push({ folder: dir, files: files.length, parsed, outputs, 'byte-identical': same, inputs, 'stable inputs': inputsStable });
    }
    printTable('domain corpus round trip', rows);
    printTable('rejected files (each must be a libvirt negative test: no formatted output beside it)', rejected);
    if (failures.length) console.log('failures:\n  ' + failures.join('\n  '));
    expect(failures).toEqual([]);
    expect(identical).toBeGreaterThanOrEqual(FLOOR.byteIdenticalOutputs);
  });

  it('device snippets (qemuhotplugtestdevices) round-trip', () => {
    const files = corpusFiles(HOTPLUG_DIR);
    const rows: Array<Record<string, unknown>> = [];
    const failures: string[] = [];
    let parsed = 0;
    let stable = 0;
    let sameDef = 0;
    let identical = 0;
    for (const f of files) {
      let dev;
      try {
        dev = parseDeviceXml(f.text, { file: f.name });
        parsed++;
      } catch (e) {
        failures.push(`${f.name}: ${(e as Error).message}`);
        continue;
      }
      // snippets cut out of a domain keep its indentation: write at the same level
      const level = Math.floor(/^ */.exec(f.text)![0].length / 2);
      const out = formatDeviceXml(dev, { level });
      const again = parseDeviceXml(out);
      if (formatDeviceXml(again, { level }) === out) stable++;
      else failures.push(`${f.name}: not a fixed point of format∘parse`);
      const defSame = defJson(again) === defJson(dev);
      if (defSame) sameDef++;
      if (out === f.text) {
        identical++;
        continue;
      }
      const cosmetic = cosmeticDifferences(f.text, out);
      const reasons = [...(cosmetic ?? []), ...(HOTPLUG_EXPLAINED[f.name] ? [HOTPLUG_EXPLAINED[f.name]!] : [])];
      rows.push({ file: f.name, kind: dev.kind, 'same def': defSame ? 'yes' : 'no', reason: reasons.join('; ') || '?' });
      if ((!cosmetic || !defSame) && !HOTPLUG_EXPLAINED[f.name]) failures.push(`${f.name}: differs from libvirt's form for no known reason`);
    }
    printTable('device snippets', [
      {
        folder: HOTPLUG_DIR,
        files: files.length,
        parsed,
        'stable (fixed point)': stable,
        'same def after round trip': sameDef,
        'byte-identical': identical,
        share: files.length ? `${((100 * identical) / files.length).toFixed(0)}%` : '-',
      },
    ]);
    printTable('device snippets not byte-identical (the files are not in libvirt’s canonical form)', rows);
    for (const name of Object.keys(HOTPLUG_EXPLAINED)) if (!rows.some((r) => r.file === name)) failures.push(`${name}: explained exception no longer differs`);
    if (failures.length) console.log('failures:\n  ' + failures.join('\n  '));
    expect(failures).toEqual([]);
    expect(identical).toBeGreaterThanOrEqual(FLOOR.byteIdenticalSnippets);
  });
});
