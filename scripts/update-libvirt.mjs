#!/usr/bin/env node
// A new libvirt release in one command (docs/updating-libvirt.md):
//
//   npm run update-libvirt -- 13.0               schemas from Debian's packages
//   npm run update-libvirt -- 13.0 --from DIR    schemas from DIR (e.g. libvirt's src/conf/schemas)
//   npm run update-libvirt -- --fetch            fetch the schemas of every known release (CI)
//
// 1. puts the release's RelaxNG schemas in .libvirt-schemas/VERSION (10.7's
//    stay beside libvirt's test corpus, ../shared/libvirt-corpus/schemas);
// 2. adds VERSION to scripts/libvirt-releases.json (the newest is the default
//    validation target) and regenerates the compiled grammars, the since
//    table and the release index (scripts/gen-rng.mjs);
// 3. prints what the release added (names and values absent from the
//    previous release's schemas) and runs the coverage report, which lists
//    every schema name the declarations do not cover yet.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const releasesFile = join(here, 'libvirt-releases.json');
const tools = process.env.VIRTXML_TOOLS ?? join(root, '..', 'shared', 'tools');

const args = process.argv.slice(2);
const from = args.includes('--from') ? args[args.indexOf('--from') + 1] : undefined;
const version = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--from');

const order = (a, b) => {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am - bm || an - bn;
};

function fail(message) {
  console.error(`update-libvirt: ${message}`);
  process.exit(2);
}

/** Puts VERSION's schemas into .libvirt-schemas/VERSION; false when nothing was found. */
function fetchSchemas(release, source) {
  const { schemaDir } = gen;
  const dest = schemaDir(release);
  if (source) {
    const files = readdirSync(source).filter((f) => f.endsWith('.rng'));
    if (!files.includes('domain.rng')) fail(`${source} has no domain.rng`);
    mkdirSync(dest, { recursive: true });
    for (const f of files) copyFileSync(join(source, f), join(dest, f));
    console.log(`libvirt ${release}: ${files.length} schemas copied from ${source} to ${dest}`);
    return true;
  }
  if (existsSync(join(dest, 'domain.rng'))) {
    console.log(`libvirt ${release}: schemas already in ${dest}`);
    return true;
  }
  const script = join(tools, 'get-libvirt-schemas.sh');
  if (!existsSync(script)) fail(`${script} not found: give the schemas with --from DIR`);
  const known = spawnSync('bash', [script, 'list'], { encoding: 'utf8' }).stdout.split('\n').map((l) => l.split(' ')[0]);
  if (!known.includes(release)) {
    fail(`get-libvirt-schemas.sh knows ${known.filter(Boolean).join(', ')}, not ${release}: give the schemas with --from DIR (libvirt's src/conf/schemas)`);
  }
  const r = spawnSync('bash', [script, release, dest], { stdio: 'inherit' });
  if (r.status !== 0) fail(`fetching libvirt ${release}'s schemas failed`);
  return true;
}

const gen = await import('./gen-rng.mjs');

if (args.includes('--fetch')) {
  // every known release's schemas (CI: the grammar sync and agreement tests need them)
  for (const release of gen.RELEASES) if (release !== '10.7' || process.env.VIRTXML_SCHEMAS) fetchSchemas(release);
  process.exit(0);
}
if (!version || !/^\d+\.\d+$/.test(version)) fail('usage: npm run update-libvirt -- VERSION [--from DIR]   (VERSION like 13.0)');

fetchSchemas(version, from ? resolve(from) : undefined);
const releases = JSON.parse(readFileSync(releasesFile, 'utf8'));
if (!releases.includes(version)) {
  releases.push(version);
  releases.sort(order);
  writeFileSync(releasesFile, JSON.stringify(releases) + '\n');
  console.log(`scripts/libvirt-releases.json: ${releases.join(', ')}`);
}

// regenerate in a fresh process: gen-rng.mjs read the release list at import
const regen = spawnSync(process.execPath, [join(here, 'gen-rng.mjs')], { stdio: 'inherit' });
if (regen.status !== 0) fail('regenerating the grammars failed (are the schemas of every release present? npm run update-libvirt -- --fetch)');

// what the release added, from the since table just written
const since = readFileSync(join(root, 'src', 'validate', 'rng', 'since.generated.ts'), 'utf8');
const added = [...since.matchAll(/^\s*"([^"]+)": "([^"]+)",?$/gm)].filter((m) => m[2] === version).map((m) => m[1]);
console.log(`\nnames and values libvirt ${version}'s schemas add (${added.length}):`);
for (const n of added) console.log(`  ${n}`);

console.log('\ncoverage of the declarations (undeclared names are listed):');
const cov = spawnSync('npx', ['vitest', 'run', 'conformance/domain.test.ts', 'conformance/network.test.ts', '-t', 'coverage|network schemas', '--silent=false'], {
  cwd: root,
  stdio: 'inherit',
});
console.log(
  `\nNext: declare the undeclared names (src/domain, src/network; libvirt's canonical order from its formatter: ../shared/tools/oracle-roundtrip.py), ` +
    `npm run gen:schemas && npm run docs:reference, and run npm run conformance.`,
);
process.exit(cov.status === 0 ? 0 : 1);
