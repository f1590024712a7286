#!/usr/bin/env node
/**
 * npm run gen:schemas — writes schemas/KIND.schema.json for every kind the registry
 * (src/kinds.ts) publishes (`schemaFile: true`)
 * (JSON Schema draft 2020-12) from the declarations, through `defJsonSchema`
 * of src/validate/defs.ts (the same schemas `checkDomainDef` & co. compile).
 * The TypeScript sources are loaded with vite's module runner (vite comes
 * with vitest), so no build is needed. `--check` writes nothing and exits 1
 * when a committed file differs. test/json-schemas.test.ts checks the same.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const { module: defs } = await runnerImport(join(root, 'src/validate/defs.ts'), {
  root,
  configFile: false,
  logLevel: 'error',
});

let stale = 0;
for (const info of defs.schemaFiles()) {
  const kind = info.kind;
  const file = join(root, info.file);
  const text = defs.schemaFileText(kind);
  let old = '';
  try {
    old = readFileSync(file, 'utf8');
  } catch {
    // a new file
  }
  if (old === text) {
    console.log(`${info.file}: up to date`);
    continue;
  }
  if (check) {
    console.log(`${info.file}: out of date (run npm run gen:schemas)`);
    stale++;
  } else {
    writeFileSync(file, text);
    console.log(`${info.file}: written (${text.length} bytes, ${Object.keys(JSON.parse(text).$defs).length} $defs)`);
  }
}
process.exitCode = stale ? 1 : 0;
