// Validation scale: validateXml's cost against parseDomainXml's on the same generated documents,
// 1,000 / 10,000 / 100,000 devices (a mix, and disks only) and attributes (unknown ones on one
// element). Goal (issue 15): linear in the document — at 100,000 devices or attributes,
// validation (default profile) at most 10× parse. Run by `npm run bench`.
//   VIRTXML_SCALE_SIZES=1000,10000   other sizes
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diskName, generateDomain } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const vx = await import(process.env.VIRTXML_DIST ?? join(here, '..', 'dist', 'index.js'));
// the 100,000-attribute document is past the default limit of attributes per element (100,000)
const LIMITS = { maxAttributes: 1_000_000 };
const sizes = (process.env.VIRTXML_SCALE_SIZES ?? '1000,10000,100000').split(',').map(Number);

const HEAD = `<domain type='kvm'>\n  <name>scale</name>\n  <memory unit='KiB'>1048576</memory>\n  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n  </os>\n  <devices>\n`;
const TAIL = `  </devices>\n</domain>\n`;

function disks(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push(`    <disk type='file' device='disk'>\n      <source file='/var/lib/libvirt/images/d${i}.qcow2'/>\n      <target dev='${diskName(i)}' bus='virtio'/>\n    </disk>\n`);
  }
  return HEAD + out.join('') + TAIL;
}

function attributes(n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(` x${i}='${i}'`);
  return HEAD + `    <disk type='file' device='disk'${out.join('')}>\n      <target dev='vda' bus='virtio'/>\n    </disk>\n` + TAIL;
}

const DOCS = { 'devices (mixed)': generateDomain, 'disks': disks, 'unknown attributes': attributes };

/** Best of `rounds` runs, in ms (one warm-up run first at small sizes). */
function time(fn, rounds) {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const rows = [];
let worst = 0;
for (const [what, make] of Object.entries(DOCS)) {
  for (const n of sizes) {
    const xml = make(n);
    const rounds = n >= 100000 ? 2 : n >= 10000 ? 3 : 10;
    if (n < 100000) {
      vx.parseDomainXml(xml, LIMITS);
      vx.validateXml(xml, LIMITS);
    }
    const parse = time(() => vx.parseDomainXml(xml, LIMITS), rounds);
    let diagnostics = 0;
    const rng = time(() => vx.validateXml(xml, { profile: 'rng', ...LIMITS }), rounds);
    const def = time(() => (diagnostics = vx.validateXml(xml, LIMITS).diagnostics.length), rounds);
    const ratio = def / parse;
    if (n === Math.max(...sizes)) worst = Math.max(worst, ratio);
    rows.push({
      document: what,
      n,
      'XML KiB': Math.round(xml.length / 1024),
      'parse ms': parse.toFixed(1),
      'validate rng ms': rng.toFixed(1),
      'validate default ms': def.toFixed(1),
      'default / parse': ratio.toFixed(1) + '×',
      'µs per item (default)': ((def * 1000) / n).toFixed(2),
      diagnostics,
    });
  }
}
console.log('\nvalidation scale: validateXml against parseDomainXml on the same document (best of a few runs)');
console.table(rows);
console.log(`at ${Math.max(...sizes).toLocaleString('en')} items validation takes at most ${worst.toFixed(1)}× parse (goal: ≤ 10×); the µs per item column stays flat when the cost is linear`);
