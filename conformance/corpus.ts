/** Where the libvirt corpus is, and reading its folders. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareReleases, LIBVIRT_RELEASES } from '../src/validate/rng/releases.js';

export const CORPUS = process.env.VIRTXML_CORPUS ?? join(__dirname, '..', '..', 'shared', 'libvirt-corpus');
export const HAVE_CORPUS = existsSync(CORPUS);
if (!HAVE_CORPUS) console.warn(`libvirt corpus not found at ${CORPUS} (set VIRTXML_CORPUS): conformance checks skipped`);

export interface CorpusFile {
  dir: string;
  name: string;
  text: string;
}

export function corpusFiles(dir: string, filter: (name: string) => boolean = () => true): CorpusFile[] {
  const d = join(CORPUS, 'tests', dir);
  if (!existsSync(d)) return [];
  return readdirSync(d)
    .filter((n) => n.endsWith('.xml') && filter(n))
    .sort()
    .map((name) => ({ dir, name, text: readFileSync(join(d, name), 'utf8') }));
}

export const schemaPath = (name: string) => join(CORPUS, 'schemas', name);

/** Prints a table the way `npm run conformance` shows it. */
export function printTable(title: string, rows: Array<Record<string, unknown>>): void {
  console.log(`\n${title}`);
  console.table(rows);
}

/**
 * Schema folders of the releases newer than the corpus's 10.7 that are
 * present (fetched by `npm run update-libvirt -- VERSION`), by release.
 */
export function newerSchemaDirs(): Record<string, string> {
  const root = process.env.VIRTXML_SCHEMAS ?? join(__dirname, '..', '.libvirt-schemas');
  const out: Record<string, string> = {};
  for (const release of LIBVIRT_RELEASES.filter((r) => compareReleases(r, '10.7') > 0)) {
    const dir = join(root, release);
    if (existsSync(join(dir, 'domain.rng'))) out[release] = dir;
    else console.warn(`libvirt ${release} schemas not in ${dir} (npm run update-libvirt -- ${release}): its coverage rows skipped`);
  }
  return out;
}
