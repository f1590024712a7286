/**
 * Network conformance (issue: the whole network model and allocator), the
 * run of ./network.mjs on the sources, with recorded floors: a drop fails
 * the test. Schema coverage must stay complete (no undeclared name).
 */
import { describe, expect, it } from 'vitest';
import * as vx from '../src/model.js';
import { CORPUS, HAVE_CORPUS, printTable } from './corpus.js';
import { run } from './network.mjs';

/** Recorded floors (passed counts) per suite; raise them as the corpus grows. */
const FLOOR: Record<string, number> = {
  'networkxml2xmlout: format(parse(x)) = x': 36,
  'networkxml2xmlin → networkxml2xmlout': 36,
  'networkxml2xmlin parse errors (libvirt message)': 4,
  'virnetworkportxml2xmldata: format(parse(x)) = x': 9,
  'networkxml2xmlupdate cases (output or libvirt error)': 45,
  'networkxml2xmlupdateout files reproduced': 20,
};

describe.skipIf(!HAVE_CORPUS)('network conformance', () => {
  it("libvirt's network tests reproduced and the network schemas fully declared", async () => {
    const { title, rows, failures } = await run({ corpus: CORPUS, vx });
    printTable(title, rows);
    if (failures.length) console.log('failures:\n  ' + failures.join('\n  '));
    for (const [suite, floor] of Object.entries(FLOOR)) {
      expect(rows.find((r) => r.suite === suite)?.passed, suite).toBeGreaterThanOrEqual(floor);
    }
    const coverage = rows.filter((r) => r.suite.startsWith('coverage '));
    expect(coverage).toHaveLength(3);
    for (const r of coverage) expect(r.passed, r.suite).toBe(r.files);
  });
});
