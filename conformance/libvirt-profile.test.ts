/**
 * The `libvirt` profile against libvirt itself (./libvirt-profile.mjs): over
 * the corpus's domain and network files, "libvirt accepts" (its own parser
 * and define-time checks, through ../shared/tools/oracle-roundtrip.py) is
 * compared with "no error from virtxml's parser + semantic layer". Skips when
 * the corpus or the oracle (python3-libvirt) is absent. Floors per libvirt
 * version of the oracle: a drop fails the test; every disagreement is printed
 * with its reason category.
 */
import { describe, expect, it } from 'vitest';
import { parseDomainXml, parseNetworkXml } from '../src/model.js';
import { domainSemanticDiagnostics } from '../src/validate/semantic-domain.js';
import { networkSemanticDiagnostics } from '../src/validate/semantic-network.js';
import { CORPUS, HAVE_CORPUS, printTable } from './corpus.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { oracleFromEnv, oracleVersion, run, runMutations } from './libvirt-profile.mjs';

/** Recorded agreement floors (files with the same verdict), by the oracle's libvirt major version. */
/**
 * Mutations: the most disagreements allowed (all are QEMU-driver checks the
 * test driver lacks, or the parser's known strictness), and a floor of the
 * agreement rate. libvirt 9.0's test driver crashes now and then on a mutated
 * file (a crash is no verdict and is left out), so the count of files varies.
 */
const MUTATION_CEILING: Record<number, number> = { 9: 55, 11: 55 };
const MUTATION_RATE = 0.975;
const FLOOR: Record<number, { agree: number; sameMessage: number }> = {
  9: { agree: 1891, sameMessage: 68 },
  11: { agree: 2105, sameMessage: 75 },
};

const oracle = oracleFromEnv();
const version = HAVE_CORPUS ? oracleVersion(oracle) : undefined;
if (HAVE_CORPUS && version === undefined) console.warn('libvirt oracle not available (python3-libvirt, ../shared/tools/oracle-roundtrip.py): libvirt-profile conformance skipped');

// the libvirt profile refuses words the declarations do not know, as libvirt's parser does: strict parses
const vx = {
  parseDomainXml: (xml: string, options: Parameters<typeof parseDomainXml>[1] = {}) => parseDomainXml(xml, { ...options, strict: true }),
  parseNetworkXml: (xml: string, options: Parameters<typeof parseNetworkXml>[1] = {}) => parseNetworkXml(xml, { ...options, strict: true }),
  domainSemanticDiagnostics,
  networkSemanticDiagnostics,
};

describe.skipIf(!HAVE_CORPUS || version === undefined)('libvirt profile conformance', () => {
  it('agrees with libvirt on semantic breakages of valid corpus domains', () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtxml-mutations-'));
    try {
      const res = runMutations({ corpus: CORPUS, oracle, vx, tmpDir: dir });
      printTable('semantic mutations of valid corpus domains (libvirt vs the libvirt profile)', res.rows);
      console.log(`mutations: agreement ${res.agree}/${res.total}`);
      for (const d of res.disagreements) console.log(`[${d.category}] ${d.file}\n   libvirt: ${d.libvirt}\n   virtxml: ${d.virtxml}`);
      expect(res.disagreements.length).toBeLessThanOrEqual(MUTATION_CEILING[Math.floor(version! / 1e6)] ?? MUTATION_CEILING[9]!);
      expect(res.agree / res.total).toBeGreaterThanOrEqual(MUTATION_RATE);
      for (const d of res.disagreements) expect(d.category).toMatch(/^(driver-only|parser-strict|oracle-version)$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("agrees with libvirt's own verdict on the corpus", () => {
    const res = run({ corpus: CORPUS, oracle, vx });
    printTable(res.title, res.rows);
    console.log(`agreement ${res.agree}/${res.total} (${((100 * res.agree) / res.total).toFixed(1)}%); both reject ${res.bothReject}, with libvirt's message ${res.sameMessage}`);
    printTable('disagreements by reason', [res.byCategory]);
    if (res.otherMessage.length) {
      console.log('rejected by both, with another message:');
      for (const m of res.otherMessage) console.log(`  ${m.file}\n     libvirt: ${m.libvirt}\n     virtxml: ${m.virtxml}`);
    }
    for (const d of res.disagreements) console.log(`[${d.category}] ${d.file}\n   libvirt: ${d.libvirt}\n   virtxml: ${d.virtxml}`);
    const major = Math.floor(res.version / 1e6);
    const floor = FLOOR[major] ?? FLOOR[9]!;
    expect(res.agree).toBeGreaterThanOrEqual(floor.agree);
    expect(res.sameMessage).toBeGreaterThanOrEqual(floor.sameMessage);
    // every disagreement has a reason
    for (const d of res.disagreements) expect(d.category).toMatch(/^(driver-only|test-driver|oracle-version|oracle-crash|parser-strict|rule-missing|virtxml-extra)$/);
  });
});
