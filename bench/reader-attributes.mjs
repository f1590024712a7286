// Reader scale in attributes per element: one element with 25,000 … 200,000 attributes, read by
// readXml (the fast reader, with its duplicate check beyond the linear search). Growth must be
// linear: the ns-per-attribute column stays flat. (Was a time limit inside
// test/xml-fast-reader.test.ts; a loaded machine must not fail a unit test.)
//   node bench/reader-attributes.mjs   (on the built package in dist/; run by `npm run bench`)
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const here = dirname(fileURLToPath(import.meta.url));
// the reader is behind the second entry (virtxml/model)
const vx = await import(process.env.VIRTXML_DIST ?? join(here, '..', 'dist', 'model.js'));

const rows = [];
for (const n of [25_000, 50_000, 100_000, 200_000]) {
  const doc = `<a ${Array.from({ length: n }, (_, m) => `a${m}="${m}"`).join(' ')}/>`;
  vx.readXml(doc); // warm-up
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = vx.readXml(doc);
    times.push(performance.now() - t0);
    if (r.root.attributes.length !== n) throw new Error(`expected ${n} attributes`);
  }
  times.sort((a, b) => a - b);
  const ms = times[2];
  rows.push({ attributes: n, 'median ms': ms.toFixed(1), 'ns / attribute': ((ms * 1e6) / n).toFixed(0) });
}
console.log('\nreader — one element with many attributes (readXml, median of 5)');
console.table(rows);
