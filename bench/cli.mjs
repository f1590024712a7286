// Cold CLI: `virtxml validate` as CI runs it — a fresh process over the 2,016 qemuxmlconfdata files —
// against one `xmllint --noout --relaxng domain.rng` process over the same files. Runs alternate
// (virtxml, xmllint, virtxml, …) so drift hits both; median wall times, and the ratios.
// Goal (issue 15): virtxml at least 2× faster than xmllint (stretch 3×). Run by `npm run bench`.
//   VIRTXML_BENCH_CLI_RUNS=N   runs of each command (default 5, after one warm-up)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const corpus = process.env.VIRTXML_CORPUS ?? join(root, '..', 'shared', 'libvirt-corpus');
const dir = join(corpus, 'tests', 'qemuxmlconfdata');
const runs = Number(process.env.VIRTXML_BENCH_CLI_RUNS ?? 5);

if (!existsSync(dir)) {
  console.log(`\ncold CLI: libvirt corpus not found at ${corpus}; nothing to measure.`);
  process.exit(0);
}
const files = readdirSync(dir).filter((f) => f.endsWith('.xml')).sort();
const haveXmllint = spawnSync('xmllint', ['--version'], { stdio: 'ignore' }).status === 0;

/** Wall ms of one run. */
function once(cmd, args, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: dir, stdio: ['ignore', 'ignore', 'ignore'], maxBuffer: 1 << 26, env: { ...process.env, ...env } });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  return { wall, status: r.status };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const cli = join(root, 'bin', 'virtxml.cjs');
// threads: as the CLI chooses (one per idle core: cores less the load average when the run starts),
// and one thread (VIRTXML_THREADS=1), the figure that does not depend on how busy the machine is
const ONE = { VIRTXML_THREADS: '1' };
const commands = {
  'virtxml validate --profile rng': [process.execPath, [cli, 'validate', '--profile', 'rng', '.']],
  'virtxml validate --profile rng, one thread': [process.execPath, [cli, 'validate', '--profile', 'rng', '.'], ONE],
  'virtxml validate (default profile)': [process.execPath, [cli, 'validate', '.']],
  'virtxml validate (default profile), one thread': [process.execPath, [cli, 'validate', '.'], ONE],
};
if (haveXmllint) commands['xmllint --noout --relaxng domain.rng (one process)'] = ['xmllint', ['--noout', '--relaxng', join(corpus, 'schemas', 'domain.rng'), ...files]];

const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
for (let i = 0; i <= runs; i++) {
  for (const [name, [cmd, args, env]] of Object.entries(commands)) {
    const { wall } = once(cmd, args, env);
    if (i > 0) times[name].push(wall);
  }
}
const rows = Object.entries(times).map(([name, t]) => ({ command: name, files: files.length, 'median wall ms': median(t).toFixed(0), 'min ms': Math.min(...t).toFixed(0), 'max ms': Math.max(...t).toFixed(0) }));
console.log(
  `\ncold CLI over ${files.length} qemuxmlconfdata files (a fresh process each run, ${runs} runs each, alternating; ` +
    `${availableParallelism()} cores, load average ${loadavg()[0].toFixed(1)} at the end)`,
);
console.table(rows);
if (haveXmllint) {
  const x = median(times['xmllint --noout --relaxng domain.rng (one process)']);
  const summary = Object.keys(commands)
    .filter((k) => k.startsWith('virtxml'))
    .map((k) => ({ comparison: `xmllint / ${k}`, speed: (x / median(times[k])).toFixed(2) + '×', goal: k === 'virtxml validate --profile rng' ? '≥ 2× (stretch 3×)' : '' }));
  console.table(summary);
} else {
  console.log('xmllint not installed (apt-get install libxml2-utils): no comparison');
}
