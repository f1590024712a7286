/**
 * The `rng` profile gives each libvirt release's RelaxNG verdict, as libxml2
 * (xmllint, virt-xml-validate) decides it with that release's schemas
 * (../shared/tools/oracle-validate.sh), for 9.0, 10.7, 11.3 and 12.9: on every
 * domain, network and networkport file of the corpus, and on generated
 * documents — corpus domains with their top-level elements reordered (the
 * orders libxml2's nested interleaves refuse and RelaxNG allows).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LIBVIRT_RELEASES, validateXml, type LibvirtRelease } from '../src/validate/index.js';
// @ts-expect-error plain JS build script
import { schemaDir } from '../scripts/gen-rng.mjs';
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

/**
 * Reorderings of a canonical domain's top-level elements (libvirt's outputs:
 * one element per line at two spaces, or a block closed at two spaces).
 */
function reorderings(text: string): Array<[string, string]> {
  const lines = text.split('\n');
  if (!/^<domain[ >]/.test(lines[0] ?? '') || lines.at(-2) !== '</domain>') return [];
  const blocks: string[][] = [];
  for (const line of lines.slice(1, -2)) {
    if (/^  <[^/]/.test(line) || !blocks.length) blocks.push([line]);
    else blocks[blocks.length - 1]!.push(line);
  }
  const doc = (order: string[][]) => [lines[0], ...order.flat(), '</domain>', ''].join('\n');
  const named = (re: RegExp) => blocks.findIndex((b) => re.test(b[0]!));
  const out: Array<[string, string]> = [];
  out.push(['rotated', doc([...blocks.slice(1), blocks[0]!])]);
  out.push(['reversed', doc([...blocks].reverse())]);
  const uuid = named(/^  <uuid>/);
  const memory = named(/^  <memory[ >]/);
  if (uuid >= 0 && memory >= 0) {
    const rest = blocks.filter((_, i) => i !== uuid);
    const at = rest.indexOf(blocks[memory]!);
    out.push(['uuid-after-memory', doc([...rest.slice(0, at + 1), blocks[uuid]!, ...rest.slice(at + 1)])]);
  }
  return out;
}

const why = !HAVE_CORPUS ? 'libvirt corpus absent' : oracleValidateAvailable();
if (why) console.warn(`rng agreement with libvirt skipped: ${why}`);
const releases = LIBVIRT_RELEASES.filter((r) => existsSync(join(schemaDir(r) as string, 'domain.rng')));
const absent = LIBVIRT_RELEASES.filter((r) => !releases.includes(r));
if (absent.length) console.warn(`rng agreement: no schemas for libvirt ${absent.join(', ')} (npm run update-libvirt -- VERSION): skipped`);

const tmp = mkdtempSync(join(tmpdir(), 'virtxml-rng-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(why !== undefined)('rng profile agrees with libvirt (xmllint + each release\'s schemas)', () => {
  const files = FOLDERS.flatMap((dir) => corpusFiles(dir)).map((f) => ({ set: f.dir, name: f.name, path: join(CORPUS, 'tests', f.dir, f.name), text: f.text }));
  // generated: every 3rd canonical domain output, reordered
  const generated: typeof files = [];
  corpusFiles('qemuxmlconfdata', (n) => n.endsWith('-latest.xml'))
    .filter((_, i) => i % 3 === 0)
    .forEach((f) => {
      for (const [how, text] of reorderings(f.text)) {
        const path = join(tmp, `${how}--${f.name}`);
        writeFileSync(path, text);
        generated.push({ set: `generated: ${how}`, name: f.name, path, text });
      }
    });
  const all = [...files, ...generated];
  const summary: Array<Record<string, unknown>> = [];

  for (const release of releases as LibvirtRelease[]) {
    it(`gives libvirt ${release}'s verdict on every corpus file and generated document`, () => {
      const oracle = oracleValidate(all.map((f) => f.path), schemaDir(release));
      const rows = new Map<string, { set: string; files: number; valid: number; same: number; order: number }>();
      const disagreements: string[] = [];
      for (const f of all) {
        const verdict = oracle.get(f.path);
        expect(verdict, f.path).toBeDefined();
        const r = validateXml(f.text, { profile: 'rng', file: f.path, libvirt: release });
        let row = rows.get(f.set);
        if (!row) rows.set(f.set, (row = { set: f.set, files: 0, valid: 0, same: 0, order: 0 }));
        row.files++;
        if (verdict!.valid) row.valid++;
        if (r.diagnostics.some((d) => d.code === 'rng-libxml2-order')) row.order++;
        if (r.valid === verdict!.valid) row.same++;
        else if (!KNOWN_DISAGREEMENTS[`${f.set}/${f.name}`]) {
          const first = r.diagnostics[0];
          disagreements.push(
            `${f.set}/${f.name}: libvirt ${verdict!.valid ? 'valid' : `invalid (${verdict!.message})`}, virtxml ${r.valid ? 'valid' : `invalid (${first?.line}:${first?.column} ${first?.message})`}`,
          );
        }
      }
      const table = [...rows.values()].map((r) => ({ set: r.set, files: r.files, 'libvirt valid': r.valid, 'libvirt invalid': r.files - r.valid, 'same verdict': r.same, 'refused for libxml2 order': r.order }));
      const total = table.reduce((n, r) => n + r.files, 0);
      const same = table.reduce((n, r) => n + r['same verdict'], 0);
      const corpusRows = table.filter((r) => !r.set.startsWith('generated'));
      const genRows = table.filter((r) => r.set.startsWith('generated'));
      const share = (rs: typeof table) => {
        const n = rs.reduce((a, r) => a + r.files, 0);
        return `${rs.reduce((a, r) => a + r['same verdict'], 0)}/${n} (${n ? ((100 * rs.reduce((a, r) => a + r['same verdict'], 0)) / n).toFixed(2) : '-'}%)`;
      };
      const sum = (rs: typeof table, k: 'libvirt invalid' | 'refused for libxml2 order') => rs.reduce((a, r) => a + r[k], 0);
      summary.push({
        libvirt: release,
        corpus: share(corpusRows),
        generated: share(genRows),
        'generated refused by libvirt': sum(genRows, 'libvirt invalid'),
        'of which for libxml2 order only': sum(genRows, 'refused for libxml2 order'),
      });
      table.push({ set: 'total', files: total, 'libvirt valid': table.reduce((n, r) => n + r['libvirt valid'], 0), 'libvirt invalid': sum(table, 'libvirt invalid'), 'same verdict': same, 'refused for libxml2 order': sum(table, 'refused for libxml2 order') });
      printTable(`rng profile vs xmllint --relaxng (libvirt ${release} schemas)`, table);
      if (disagreements.length) console.log('disagreements:\n  ' + disagreements.slice(0, 40).join('\n  '));
      expect(files.length).toBeGreaterThan(2000);
      expect(disagreements).toEqual([]);
    });
  }

  afterAll(() => {
    if (summary.length) printTable('rng agreement with each release (xmllint + its schemas): same verdict', summary);
  });
});
