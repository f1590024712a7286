// Package benchmarks: cold import time of the published entries and the size of what a browser
// app or a TypeScript project pulls in. Run by `npm run bench` (after the build), prints a table.
//   VIRTXML_BENCH_RUNS=N   cold starts per measurement (default 15; the median is shown)
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { browserBundle, root } from '../scripts/check-package.mjs';

const runs = Number(process.env.VIRTXML_BENCH_RUNS ?? 15);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Wall time of a fresh `node` running `args`, median of `runs` (one warm-up run first, not counted). */
function coldStart(args) {
  const times = [];
  for (let i = 0; i <= runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed:\n${r.stderr}`);
    if (i > 0) times.push(ms);
  }
  return median(times);
}

const baseline = coldStart(['-e', '0']);
const importRows = [
  ['node -e 0 (baseline)', ['-e', '0']],
  ["import('virtxml')", ['--input-type=module', '-e', "await import('virtxml')"]],
  ["require('virtxml')", ['-e', "require('virtxml')"]],
  ["import('virtxml/node')", ['--input-type=module', '-e', "await import('virtxml/node')"]],
].map(([what, args]) => {
  const ms = what.startsWith('node -e 0') ? baseline : coldStart(args);
  return { 'cold start': what, 'median ms': ms.toFixed(1), 'over baseline ms': (ms - baseline).toFixed(1), runs };
});

const kib = (n) => (n / 1024).toFixed(1);
const b = await browserBundle();
const file = (p) => readFileSync(join(root, p));
const sizeRows = [
  { artifact: 'browser bundle of dist/index.js (esbuild, minified)', KiB: kib(b.code.length), 'gzip KiB': kib(gzipSync(b.code, { level: 9 }).length) },
  { artifact: 'dist/index.js (ESM, unminified, saxes external)', KiB: kib(statSync(join(root, 'dist/index.js')).size), 'gzip KiB': kib(gzipSync(file('dist/index.js'), { level: 9 }).length) },
  { artifact: 'dist/index.d.ts', KiB: kib(statSync(join(root, 'dist/index.d.ts')).size), 'gzip KiB': kib(gzipSync(file('dist/index.d.ts'), { level: 9 }).length) },
];
if (b.builtins.length) sizeRows.push({ artifact: `Node built-ins in the browser bundle: ${b.builtins.join(', ')}`, KiB: '-', 'gzip KiB': '-' });

console.log(`\npackage — import time (node ${process.version}) and sizes`);
console.table(importRows);
console.table(sizeRows);

// what a TypeScript consumer pays for the types: a program with one file importing the package
// (through its exports map, as a project depending on virtxml resolves it), type-checked
{
  const ts = (await import('typescript')).default;
  const { mkdirSync, writeFileSync, rmSync } = await import('node:fs');
  const dir = join(root, '.virtxml-tmp', `bench-consumer-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'consumer.ts');
  writeFileSync(
    file,
    "import { parseDomainXml, build } from 'virtxml';\n" +
      "const vm = parseDomainXml('<domain/>');\nconst h = vm.devices?.hostdevs?.[0];\n" +
      "export const group = h?.type === 'pci' ? h.driver?.groupMgmt : undefined;\n" +
      "export const xml = build.domain({ name: 'a', memory: '1 GiB', vcpus: 1 }).toXml();\n",
  );
  const baselineFile = join(dir, 'baseline.ts');
  writeFileSync(baselineFile, "export const xml = '<domain/>'.length;\n");
  const rows = [];
  for (const [what, f, skipLibCheck] of [['no import (baseline)', baselineFile, true], ['import virtxml, skipLibCheck true', file, true], ['import virtxml, skipLibCheck false', file, false]]) {
    const times = [];
    let errors = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const program = ts.createProgram([f], { strict: true, noEmit: true, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, target: ts.ScriptTarget.ES2022, skipLibCheck, types: [] });
      errors = ts.getPreEmitDiagnostics(program).length;
      times.push(performance.now() - t0);
    }
    rows.push({ 'consumer type-check': what, 'median ms': median(times).toFixed(0), errors });
  }
  rmSync(dir, { recursive: true, force: true });
  console.table(rows);
}
