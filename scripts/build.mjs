#!/usr/bin/env node
// The build, skipped when nothing it reads has changed since the last one.
//   node scripts/build.mjs           JavaScript (dist/*.js, *.cjs): `npm run build`
//   node scripts/build.mjs --types   type declarations (dist/*.d.ts, *.d.cts), shrunk by
//                                    scripts/shrink-dts.mjs, the root's written by
//                                    scripts/root-dts.mjs: `npm run build:types`
//   --force                          build even when up to date
// What the build reads (src/, tsconfig.json, tsup.config.ts, package.json) is hashed; the hash is
// kept beside the outputs (dist/.build-js, dist/.build-types) and a build whose hash matches and
// whose outputs all exist is skipped. So `npm run examples` run twice builds once.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const types = process.argv.includes('--types');
const force = process.argv.includes('--force');

const OUTPUTS = types
  ? ['index.d.ts', 'index.d.cts', 'model.d.ts', 'model.d.cts', 'node.d.ts', 'node.d.cts']
  : ['index.js', 'index.cjs', 'model.js', 'model.cjs', 'node.js', 'node.cjs', 'cli.cjs'];

function walk(dir, out) {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

export function inputsHash() {
  const h = createHash('sha256');
  const files = [...walk(join(root, 'src'), []), join(root, 'tsconfig.json'), join(root, 'tsup.config.ts'), join(root, 'package.json')];
  if (types) files.push(join(root, 'scripts', 'shrink-dts.mjs'), join(root, 'scripts', 'root-dts.mjs'));
  for (const f of files) {
    h.update(relative(root, f) + '\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}

const stamp = join(root, 'dist', types ? '.build-types' : '.build-js');
const hash = inputsHash();
const upToDate = !force && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash && OUTPUTS.every((f) => existsSync(join(root, 'dist', f)));
if (upToDate) {
  console.log(`build${types ? ':types' : ''}: dist/ is up to date (sources unchanged since the last build)`);
  process.exit(0);
}

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const tsup = join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js');
if (types) {
  run(process.execPath, [tsup, '--silent'], { VIRTXML_DTS: 'only' });
  run(process.execPath, [join(root, 'scripts', 'shrink-dts.mjs')]);
  run(process.execPath, [join(root, 'scripts', 'root-dts.mjs')]);
} else {
  run(process.execPath, [tsup, '--silent']);
}
mkdirSync(dirname(stamp), { recursive: true });
writeFileSync(stamp, hash);
