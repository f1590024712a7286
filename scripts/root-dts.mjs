#!/usr/bin/env node
// Writes dist/index.d.ts and dist/index.d.cts: the root entry's types as a re-export list from
// virtxml/model's declarations (every root name is a model name; test/entries.test.ts checks it).
// One declaration file for both entries: a consumer of the root parses the model's shrunk
// declarations once, and rollup's shared chunk (which names far fewer types) is not needed.
// Run by `npm run build`, after tsup.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(root, 'src', 'index.ts');
const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
const names = [];
for (const st of sf.statements) {
  if (!ts.isExportDeclaration(st)) continue;
  const c = st.exportClause;
  if (!c) throw new Error('src/index.ts: `export *` would make the root as big as the model; name what it exports');
  if (ts.isNamespaceExport(c)) names.push(c.name.text);
  else for (const e of c.elements) names.push((st.isTypeOnly || e.isTypeOnly ? 'type ' : '') + e.name.text);
}
// also beside the unshrunk declarations (scripts/shrink-dts.mjs), which check:package compares
const original = join(root, '.virtxml-tmp', 'dts-original');
for (const [out, from] of [['index.d.ts', './model.js'], ['index.d.cts', './model.cjs']]) {
  const text = `export {\n  ${names.join(',\n  ')},\n} from '${from}';\n`;
  writeFileSync(join(root, 'dist', out), text);
  if (existsSync(original)) writeFileSync(join(original, out), text);
}
console.log(`dist/index.d.ts, dist/index.d.cts: ${names.length} names re-exported from virtxml/model`);
