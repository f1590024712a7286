/**
 * Domain conformance (issue: the whole domain model): coverage of libvirt
 * 10.7's domain schema by our declarations, and libvirt's own test corpus
 * round-tripped. Floors are recorded below: a drop fails the test.
 */
import { describe, expect, it } from 'vitest';
import { formatDomainXml, parseDomainXml } from '../src/index.js';
import { domain } from '../src/domain/domain.js';
import { readXml } from '../src/xml/reader.js';
import { corpusFiles, HAVE_CORPUS, printTable, schemaPath } from './corpus.js';
// @ts-expect-error plain JS module shared with the network conformance (runs on dist)
import { declNames, rngNames, undeclared } from './rng-names.mjs';

/** Recorded floors; raise them as the model grows. */
const FLOOR = {
  coveredElements: 625,
  coveredAttributes: 1507,
  byteIdenticalOutputs: 965,
};

const DIRS = ['qemuxmlconfdata', 'qemuxmlactive2xmldata', 'qemuhotplugtestdevices', 'domainschemadata'];
/** libvirt's formatted outputs: NAME.<arch>-latest.xml, NAME.<arch>-<version>.xml, *-active.xml, *-inactive.xml. */
const isOutput = (n: string) => /\.[a-z0-9_]+-(latest|\d[\d.]*)\.xml$/.test(n) || /-(active|inactive)\.xml$/.test(n);

describe.skipIf(!HAVE_CORPUS)('domain conformance', () => {
  it('coverage of domain.rng by the declarations', () => {
    const schema = rngNames(readXml, schemaPath('domain.rng'));
    const u = undeclared(schema, declNames(domain));
    const report = {
      schemaElements: u.elements as number,
      schemaAttributes: u.attributes as number,
      missingElements: u.missingElements as string[],
      missingAttributes: u.missingAttributes as string[],
    };
    const coveredElements = report.schemaElements - report.missingElements.length;
    const coveredAttributes = report.schemaAttributes - report.missingAttributes.length;
    printTable('domain.rng coverage (names in context: parent>element, parent>element@attribute)', [
      { kind: 'elements', schema: report.schemaElements, declared: coveredElements, missing: report.missingElements.length },
      { kind: 'attributes', schema: report.schemaAttributes, declared: coveredAttributes, missing: report.missingAttributes.length },
    ]);
    if (process.env.VIRTXML_COVERAGE_LIST) {
      console.log('missing elements:\n  ' + report.missingElements.join('\n  '));
      console.log('missing attributes:\n  ' + report.missingAttributes.join('\n  '));
    }
    expect(coveredElements).toBeGreaterThanOrEqual(FLOOR.coveredElements);
    expect(coveredAttributes).toBeGreaterThanOrEqual(FLOOR.coveredAttributes);
  });

  it("libvirt's test corpus round-trips", () => {
    const rows: Array<Record<string, unknown>> = [];
    const failures: string[] = [];
    let identical = 0;
    for (const dir of DIRS) {
      const files = corpusFiles(dir);
      let parsed = 0;
      let outputs = 0;
      let same = 0;
      let inputsStable = 0;
      let inputs = 0;
      for (const f of files) {
        // snippets of devices (hotplug) are not whole domains
        if (!/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<domain[\s>]/.test(f.text)) continue;
        let def;
        try {
          def = parseDomainXml(f.text, { file: f.name });
          parsed++;
        } catch (e) {
          if (isOutput(f.name)) failures.push(`${dir}/${f.name}: ${(e as Error).message}`);
          continue;
        }
        const inactive = /-inactive\.xml$/.test(f.name);
        const out = formatDomainXml(def, { inactive, status: false });
        if (isOutput(f.name)) {
          outputs++;
          if (out === f.text) same++;
          else failures.push(`${dir}/${f.name}: not byte-identical`);
        } else {
          // inputs: semantic equality after a round trip (a fixed point of format∘parse)
          inputs++;
          if (formatDomainXml(parseDomainXml(out), { inactive }) === out) inputsStable++;
          else failures.push(`${dir}/${f.name}: input not stable after a round trip`);
        }
      }
      identical += same;
      rows.push({ folder: dir, files: files.length, parsed, outputs, 'byte-identical': same, inputs, 'stable inputs': inputsStable });
    }
    printTable('domain corpus round trip', rows);
    if (failures.length) console.log('failures:\n  ' + failures.join('\n  '));
    expect(identical).toBeGreaterThanOrEqual(FLOOR.byteIdenticalOutputs);
  });
});
