/** Where the libvirt corpus is, and reading its folders. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

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
