#!/usr/bin/env node
// Writes docs/reference/{domain,network,networkport,nodedev,capabilities,domainCapabilities}.md from the declarations
// (the logic is scripts/gen-element-docs.ts, bundled here with esbuild).
//   node scripts/gen-element-docs.mjs          write the files
//   node scripts/gen-element-docs.mjs --check  exit 1 when they are out of date
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = await build({
  entryPoints: [join(root, 'scripts', 'gen-element-docs.ts')],
  bundle: true,
  platform: 'neutral',
  format: 'esm',
  write: false,
  external: ['saxes'],
  logLevel: 'error',
});
const mod = await import('data:text/javascript;base64,' + Buffer.from(out.outputFiles[0].text).toString('base64'));
const files = mod.renderElementDocs();
const dir = join(root, 'docs', 'reference');
mkdirSync(dir, { recursive: true });
let stale = 0;
for (const [name, text] of Object.entries(files)) {
  const file = join(dir, name);
  const same = existsSync(file) && readFileSync(file, 'utf8') === text;
  if (process.argv.includes('--check')) {
    if (!same) {
      console.error(`docs/reference/${name} is out of date: run npm run docs:reference`);
      stale++;
    }
  } else if (!same) {
    writeFileSync(file, text);
    console.log(`wrote docs/reference/${name} (${text.split('\n').length} lines)`);
  }
}
process.exit(stale ? 1 : 0);
