// Scale: generated domains with 100, 1,000 and 10,000 devices — parse time,
// format time and the heap the parsed def retains, per device. Growth must be
// linear: the per-device columns stay flat as the device count grows.
//   node bench/scale.mjs            (on the built package in dist/; run by `npm run bench`)
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { generateDomain } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const vx = await import(process.env.VIRTXML_DIST ?? join(here, '..', 'dist', 'index.js'));

// retained heap needs a full GC; without --expose-gc, expose it here
let gc = globalThis.gc;
if (typeof gc !== 'function') {
  setFlagsFromString('--expose-gc');
  gc = runInNewContext('gc');
}

// GC pauses, as the runtime reports them, to tell the code's own growth from the collector's
const gcPauses = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcPauses.push([e.startTime, e.startTime + e.duration]);
});
gcObserver.observe({ entryTypes: ['gc'] });
const flushGc = () => new Promise((resolve) => setTimeout(resolve, 0));
const gcWithin = (t0, t1) => gcPauses.reduce((ms, [a, b]) => ms + Math.max(0, Math.min(b, t1) - Math.max(a, t0)), 0);

/** Best wall time of `rounds` runs, and the best time once the GC pauses inside each run are taken out. */
async function best(fn, rounds) {
  const runs = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    fn();
    runs.push([t0, performance.now()]);
  }
  await flushGc();
  let wall = Infinity;
  let noGc = Infinity;
  for (const [t0, t1] of runs) {
    wall = Math.min(wall, t1 - t0);
    noGc = Math.min(noGc, t1 - t0 - gcWithin(t0, t1));
  }
  return { wall, noGc };
}

/** Heap retained by `copies` parsed defs of xml, after full GCs, in bytes. */
function retained(xml, copies) {
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const defs = [];
  for (let i = 0; i < copies; i++) defs.push(vx.parseDomainXml(xml));
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  if (defs.some((d) => !d.devices)) throw new Error('no devices'); // keeps the defs alive past the measurement
  return (after - before) / copies;
}

async function scaleRows(sizes = [100, 1000, 10000]) {
  const rows = [];
  for (const n of sizes) {
    const xml = generateDomain(n);
    const def = vx.parseDomainXml(xml);
    const out = vx.formatDomainXml(def);
    if (out !== xml) throw new Error(`scale ${n}: the generated domain is not in libvirt's canonical form`);
    const rounds = n >= 10000 ? 7 : n >= 1000 ? 20 : 100;
    for (let i = 0; i < 3; i++) vx.formatDomainXml(vx.parseDomainXml(xml)); // warm-up
    const parse = await best(() => vx.parseDomainXml(xml), rounds);
    const format = await best(() => vx.formatDomainXml(def), rounds);
    // enough copies that the measured heap is some megabytes at every size
    const copies = Math.max(1, Math.round(10000 / n));
    const heap = Math.min(retained(xml, copies), retained(xml, copies));
    rows.push({
      devices: n,
      'XML KiB': Math.round(xml.length / 1024),
      'parse ms': parse.wall.toFixed(2),
      'format ms': format.wall.toFixed(2),
      'parse µs/device': ((parse.wall * 1000) / n).toFixed(2),
      'format µs/device': ((format.wall * 1000) / n).toFixed(2),
      'parse µs/device w/o GC': ((parse.noGc * 1000) / n).toFixed(2),
      'format µs/device w/o GC': ((format.noGc * 1000) / n).toFixed(2),
      'retained bytes/device': Math.round(heap / n),
    });
  }
  return rows;
}

const rows = await scaleRows();
gcObserver.disconnect();
console.log('\nscale: generated domains (time: best of several runs, and the same without the GC pauses inside the run; heap: retained by the parsed defs after full GCs)');
console.table(rows);
const first = rows[0];
const last = rows[rows.length - 1];
const growth = (k) => (Number(last[k]) / Number(first[k])).toFixed(2) + '×';
console.log(
  `per-device growth ${first.devices} → ${last.devices} devices (1× = linear): parse ${growth('parse µs/device')} ` +
    `(${growth('parse µs/device w/o GC')} without GC), format ${growth('format µs/device')} ` +
    `(${growth('format µs/device w/o GC')} without GC), retained heap ${growth('retained bytes/device')}`,
);
