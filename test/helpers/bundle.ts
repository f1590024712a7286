/** Test-only: bundles a TypeScript entry (and what it imports from src/) into one .cjs file node can run. */
import { buildSync } from 'esbuild';
import { join } from 'node:path';

export function bundle(entry: string, outDir: string, name = 'child.cjs'): string {
  const outfile = join(outDir, name);
  buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'error' });
  return outfile;
}
