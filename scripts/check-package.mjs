#!/usr/bin/env node
// Package quality gate (npm run check:package; run in CI after the build):
//   1. `npm pack --dry-run --json`: what ships (dist, bin, schemas, README, package.json) and what
//      must not (tests, fixtures, conformance, bench, scripts, docs, examples, sources, tarballs);
//   2. publint --strict (package.json fields, exports map);
//   3. attw --pack (types for ESM and CJS consumers, node10/node16/bundler resolution);
//   4. the core entry (dist/index.js) bundled by esbuild for the browser: no `node:` import and no
//      Node built-in may be pulled in;
//   5. that bundle run in a VM context with only browser globals (no process, Buffer, require):
//      parse, format, validate and build must work;
//   6. the shrunk type declarations (scripts/shrink-dts.mjs) give the same types as tsup's:
//      every exported *Def type is assignable both ways between the two files.
// Exits 1 on any problem; prints what it checked.
import { execFileSync, spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createContext, runInContext } from 'node:vm';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const MUST_SHIP = [
  'package.json',
  'README.md',
  'bin/virtxml.cjs',
  'dist/index.js',
  'dist/index.cjs',
  'dist/index.d.ts',
  'dist/index.d.cts',
  'dist/model.js',
  'dist/model.cjs',
  'dist/model.d.ts',
  'dist/model.d.cts',
  'dist/node.js',
  'dist/node.cjs',
  'dist/node.d.ts',
  'dist/node.d.cts',
  'dist/cli.cjs',
  'schemas/domain.schema.json',
  'schemas/network.schema.json',
  'schemas/networkport.schema.json',
];
const MUST_NOT_SHIP = [
  [/^test\//, 'tests'],
  [/(^|\/)fixtures?\//, 'fixtures'],
  [/\.test\.[cm]?[jt]s$/, 'test files'],
  [/^conformance\//, 'conformance suite'],
  [/^bench\//, 'benchmarks'],
  [/^scripts\//, 'build scripts'],
  [/^docs\//, 'docs sources'],
  [/^examples\//, 'examples'],
  [/^src\//, 'TypeScript sources'],
  [/\.tgz$/, 'tarballs'],
  [/(^|\/)\.virtxml-tmp\//, 'scratch files'],
  [/libvirt-corpus/, "libvirt's test data"],
];

/** The files `npm pack` would ship. */
export function packFiles() {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const [info] = JSON.parse(out);
  return { files: info.files.map((f) => f.path), size: info.size, unpackedSize: info.unpackedSize };
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/**
 * dist/index.js bundled for the browser (esbuild, platform browser, minified).
 * Returns the code and the Node built-ins it tried to import (resolution
 * failures or externals), which must be none.
 */
export async function browserBundle(entry = join(root, 'dist', 'index.js')) {
  const { build } = await import('esbuild');
  const builtinsSeen = new Set();
  const plugin = {
    name: 'node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (BUILTINS.has(args.path)) {
          builtinsSeen.add(`${args.path} (imported by ${args.importer.replace(root + '/', '')})`);
          return { path: args.path, external: true };
        }
        return undefined;
      });
    },
  };
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [plugin],
  });
  return { code: result.outputFiles[0].contents, builtins: [...builtinsSeen], inputs: Object.keys(result.metafile.inputs) };
}

/** What a browser page has (and Node's `process`, `Buffer`, `require`, `global` are not among them). */
const BROWSER_GLOBALS = ['console', 'TextEncoder', 'TextDecoder', 'URL', 'URLSearchParams', 'queueMicrotask', 'setTimeout', 'clearTimeout', 'structuredClone', 'crypto', 'performance', 'atob', 'btoa'];

/**
 * Runs the browser bundle (as an IIFE) in a fresh VM context that has only
 * browser globals, and uses it: parse and format a domain, validate a broken
 * one with the RelaxNG profile, build a guest. Returns the problems found.
 */
export async function browserSmoke(entry = join(root, 'dist', 'index.js')) {
  const { build } = await import('esbuild');
  const out = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'iife', globalName: 'virtxml', write: false, logLevel: 'silent' });
  const sandbox = {};
  for (const g of BROWSER_GLOBALS) if (globalThis[g] !== undefined) sandbox[g] = globalThis[g];
  sandbox.window = sandbox;
  sandbox.globalThis = sandbox;
  const ctx = createContext(sandbox);
  const problems = [];
  try {
    runInContext(out.outputFiles[0].text, ctx, { filename: 'virtxml.browser.js' });
    const r = runInContext(
      `(() => {
        const xml = "<domain type='kvm'>\\n  <name>b</name>\\n  <memory unit='KiB'>1048576</memory>\\n  <vcpu placement='static'>1</vcpu>\\n  <os>\\n    <type arch='x86_64'>hvm</type>\\n  </os>\\n</domain>\\n";
        const roundTrip = virtxml.formatDomainXml(virtxml.parseDomainXml(xml)) === xml;
        const broken = virtxml.validateXml("<domain type='kvm'><name>b</name><bogus/></domain>", { profile: 'rng' });
        const vm = virtxml.build.domain({ name: 'b', memory: '1 GiB', vcpus: 1, devices: [virtxml.build.hostdev.pci('0000:01:00.0', { driver: { name: 'vfio', group: 'auto' } })] });
        return { roundTrip, brokenValid: broken.valid, brokenCode: broken.diagnostics[0] && broken.diagnostics[0].code, built: vm.validate().valid };
      })()`,
      ctx,
    );
    if (!r.roundTrip) problems.push('browser smoke: parse/format round trip changed the document');
    if (r.brokenValid !== false) problems.push('browser smoke: an invalid document validated as valid');
    if (!r.built) problems.push('browser smoke: a built domain did not validate');
  } catch (e) {
    const where = e && typeof e.stack === 'string' ? (e.stack.split('\n').find((l) => l.trim().startsWith('at ')) ?? '').trim() : '';
    problems.push(`browser smoke: ${e && e.name ? `${e.name}: ${e.message}` : String(e)}${where ? ` (${where})` : ''}`);
  }
  return problems;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

/** Step 6: tsc over a file that assigns each exported def type of one .d.ts to the other's, both ways. */
function sameTypes() {
  const originalDir = join(root, '.virtxml-tmp', 'dts-original');
  if (!existsSync(join(originalDir, 'model.d.ts'))) return ['types: no unshrunk declarations in .virtxml-tmp/dts-original (run npm run build)'];
  const shrunk = readFileSync(join(root, 'dist', 'index.d.ts'), 'utf8');
  // `export { type DomainDef, … }` or, with shared chunks, `export { _ as DomainDef, … } from './chunk.js'`
  // (KindDef<K> is generic: its cases are the other *Def types)
  const names = [...new Set([...shrunk.matchAll(/export \{([^}]*)\}/g)].flatMap((m) => [...m[1].matchAll(/(?:type|as) (\w+Def)\b/g)].map((x) => x[1])))].filter((n) => n !== 'KindDef');
  if (names.length < 20) return [`types: only ${names.length} exported def types found in dist/index.d.ts`];
  const dir = join(root, '.virtxml-tmp', 'dts-check');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'orig'), { recursive: true });
  mkdirSync(join(dir, 'shrunk'), { recursive: true });
  // every declaration file of the build (an entry may re-export from a shared chunk)
  // (dist/index.d.ts is a re-export list from model.d.ts, written by scripts/root-dts.mjs in both places)
  for (const f of readdirSync(join(root, 'dist')).filter((f) => f.endsWith('.d.ts'))) {
    writeFileSync(join(dir, 'orig', f), readFileSync(join(originalDir, f), 'utf8'));
    writeFileSync(join(dir, 'shrunk', f), readFileSync(join(root, 'dist', f), 'utf8'));
  }
  let src = "import type * as O from './orig/index.js';\nimport type * as S from './shrunk/index.js';\n";
  for (const n of names) src += `export const a_${n}: O.${n} = null as unknown as S.${n};\nexport const b_${n}: S.${n} = null as unknown as O.${n};\n`;
  writeFileSync(join(dir, 'check.ts'), src);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, module: 'ESNext', moduleResolution: 'Bundler', target: 'ES2022', noEmit: true, skipLibCheck: false, types: []}, files: ['check.ts'] }),
  );
  const r = run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir]);
  console.log(`types: ${names.length} exported def types the same in tsup's and the shrunk declarations${r.ok ? '' : ' — NOT'}`);
  return r.ok ? [] : [`types: the shrunk declarations differ:\n${r.output}`];
}

async function main() {
  const problems = [];
  if (!existsSync(join(root, 'dist', 'index.js'))) {
    console.error('dist/ is missing: run npm run build first');
    process.exit(1);
  }

  // 1. pack contents
  const pack = packFiles();
  for (const f of MUST_SHIP) if (!pack.files.includes(f)) problems.push(`npm pack: ${f} is not shipped`);
  for (const f of pack.files) for (const [re, what] of MUST_NOT_SHIP) if (re.test(f)) problems.push(`npm pack: ${f} ships ${what}`);
  if (!pack.files.some((f) => /^LICEN[CS]E/i.test(f))) problems.push('npm pack: no LICENSE file is shipped (package.json says LGPL-2.1-or-later)');
  console.log(`npm pack: ${pack.files.length} files, ${(pack.size / 1024).toFixed(0)} KiB packed, ${(pack.unpackedSize / 1024).toFixed(0)} KiB unpacked`);

  // 2. publint
  const pl = run(process.execPath, [join(root, 'node_modules', 'publint', 'src', 'cli.js'), '--strict']);
  if (!pl.ok) problems.push(`publint:\n${pl.output}`);
  else console.log('publint --strict: clean');

  // 3. are the types wrong
  const attwBin = join(root, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
  const at = run(process.execPath, [attwBin, '--pack', '.', '--format', 'ascii']);
  if (!at.ok) problems.push(`attw --pack:\n${at.output}`);
  else console.log('attw --pack: no problems (node10, node16 CJS/ESM, bundler)');

  // 4. browser bundle of the core
  const b = await browserBundle();
  if (b.builtins.length) problems.push(`browser bundle of dist/index.js pulls in Node built-ins: ${b.builtins.join(', ')}`);
  else console.log(`browser bundle: ${b.inputs.length} inputs, ${(b.code.length / 1024).toFixed(0)} KiB minified, no Node built-ins`);

  const smoke = await browserSmoke();
  if (smoke.length) problems.push(...smoke);
  else console.log('browser smoke: the bundle parses, formats, validates and builds in a context with only browser globals');

  // 6. shrunk declarations
  problems.push(...sameTypes());

  if (problems.length) {
    console.error(`\n${problems.length} package problem(s):\n- ${problems.join('\n- ')}`);
    process.exit(1);
  }
  console.log('package: ok');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
