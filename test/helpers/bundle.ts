/** Test-only: bundles a TypeScript entry (and what it imports from src/) into one .cjs file node can run. */
import { buildSync } from 'esbuild';
import { join } from 'node:path';

export function bundle(entry: string, outDir: string, name = 'child.cjs'): string {
  const outfile = join(outDir, name);
  buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'error',
    // src/ uses import.meta.url (createRequire): give the CommonJS bundle its own file URL
    define: { 'import.meta.url': '__bundle_url' },
    banner: { js: "const __bundle_url = require('node:url').pathToFileURL(__filename).href;" },
  });
  return outfile;
}
