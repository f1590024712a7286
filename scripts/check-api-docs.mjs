#!/usr/bin/env node
// Checks the API reference typedoc wrote (run by `npm run docs:api` after typedoc; CI runs that):
// - no page over 1 MB (a page a person can open: named types are linked, not expanded inline);
// - a function that returns a named type links it: parseDomainXml's page names DomainDef and links
//   its page (scripts/typedoc-named-types.mjs), rather than spelling out its structure.
// Prints the largest pages and the total. Exit 1 when a check fails.
//   node scripts/check-api-docs.mjs [DIR]   (default docs/api)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const MAX_PAGE_BYTES = 1_000_000;
const dir = process.argv[2] ?? 'docs/api';

if (!existsSync(dir)) {
  console.error(`check-api-docs: ${dir} does not exist (run typedoc first)`);
  process.exit(1);
}
const pages = [];
const walk = (d) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) walk(p);
    else pages.push({ file: relative(dir, p), bytes: statSync(p).size });
  }
};
walk(dir);
pages.sort((a, b) => b.bytes - a.bytes);
const total = pages.reduce((n, p) => n + p.bytes, 0);
const mb = (n) => (n / 1e6).toFixed(2) + ' MB';
console.log(`API reference: ${pages.length} files, ${mb(total)}; largest: ${pages.slice(0, 3).map((p) => `${p.file} ${mb(p.bytes)}`).join(', ')}`);

const problems = [];
for (const p of pages) if (p.bytes > MAX_PAGE_BYTES) problems.push(`${p.file} is ${mb(p.bytes)}, over the ${mb(MAX_PAGE_BYTES)} a page may be`);
const fn = pages.find((p) => /(^|\/)functions\/(\w+\.)?parseDomainXml\.html$/.test(p.file));
if (!fn) problems.push('no page for parseDomainXml');
else {
  const html = readFileSync(join(dir, fn.file), 'utf8');
  if (!/href="[^"]*DomainDef\.html"/.test(html)) problems.push(`${fn.file} does not link DomainDef (its return type is expanded inline?)`);
}
for (const p of problems) console.error(`check-api-docs: ${p}`);
process.exit(problems.length ? 1 : 0);
