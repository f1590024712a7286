/**
 * The `rng` profile gives libvirt 10.7's RelaxNG verdict: compared with
 * xmllint and libvirt's schemas (../shared/tools/oracle-validate.sh) over
 * every domain, network and networkport file of the corpus.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateXml } from '../src/validate/index.js';
import { CORPUS, HAVE_CORPUS, corpusFiles, printTable } from './corpus.js';
import { oracleValidate, oracleValidateAvailable } from './oracle.js';

const FOLDERS = [
  'qemuxmlconfdata',
  'qemuxmlactive2xmldata',
  'domainschemadata',
  'networkxml2xmlin',
  'networkxml2xmlout',
  'networkxml2xmlupdateout',
  'virnetworkportxml2xmldata',
];

/** Files where virtxml and xmllint may disagree, with the reason. (None known.) */
const KNOWN_DISAGREEMENTS: Record<string, string> = {};

const why = HAVE_CORPUS ? oracleValidateAvailable() : 'libvirt corpus absent';
if (why) console.warn(`rng agreement with libvirt skipped: ${why}`);

describe.skipIf(why !== undefined)('rng profile agrees with libvirt (xmllint + 10.7 schemas)', () => {
  it('gives the same verdict on every corpus file', () => {
    const files = FOLDERS.flatMap((dir) => corpusFiles(dir));
    const paths = files.map((f) => join(CORPUS, 'tests', f.dir, f.name));
    const oracle = oracleValidate(paths);
    const rows: Array<Record<string, unknown>> = [];
    const disagreements: string[] = [];
    for (const dir of FOLDERS) {
      const mine = files.filter((f) => f.dir === dir);
      let valid = 0;
      let same = 0;
      for (const f of mine) {
        const path = join(CORPUS, 'tests', f.dir, f.name);
        const verdict = oracle.get(path);
        expect(verdict, path).toBeDefined();
        const r = validateXml(f.text, { profile: 'rng', file: path });
        if (verdict!.valid) valid++;
        if (r.valid === verdict!.valid) same++;
        else if (!KNOWN_DISAGREEMENTS[`${dir}/${f.name}`]) {
          const first = r.diagnostics[0];
          disagreements.push(
            `${dir}/${f.name}: libvirt ${verdict!.valid ? 'valid' : `invalid (${verdict!.message})`}, virtxml ${r.valid ? 'valid' : `invalid (${first?.line}:${first?.column} ${first?.message})`}`,
          );
        }
      }
      rows.push({ folder: dir, files: mine.length, 'libvirt valid': valid, 'libvirt invalid': mine.length - valid, 'same verdict': same });
    }
    const total = rows.reduce((n, r) => n + (r.files as number), 0);
    const same = rows.reduce((n, r) => n + (r['same verdict'] as number), 0);
    rows.push({ folder: 'total', files: total, 'same verdict': same, share: `${((100 * same) / total).toFixed(2)}%` });
    printTable('rng profile vs xmllint --relaxng (libvirt 10.7 schemas)', rows);
    if (disagreements.length) console.log('disagreements:\n  ' + disagreements.join('\n  '));
    expect(total).toBeGreaterThan(2000);
    expect(disagreements).toEqual([]);
  });
});
