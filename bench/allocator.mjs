// Allocator benchmark: 100,000 allocate/release operations on pools of
// 256, 4,096 and 65,536 devices — hostdev VFs (first free entry) and macvtap
// netdevs (least used entry) — with the pool half full (hostdev) or holding
// twice as many ports as devices (macvtap), releasing a random port and
// allocating a new one each time, so that the free entries are scattered.
//
//   npm run build && node bench/allocator.mjs
//
// Next to it, the same choice made as libvirt makes it (a scan of the pool
// for each allocation), on the same sequence, to show what growing with the
// pool looks like; ours should stay flat.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const vx = await import(join(here, '..', 'dist', 'index.js'));

const OPS = 100_000;
const SIZES = [256, 4096, 65536];
/** Rounds of OPS operations per pool; the median is reported (the machine is shared). */
const ROUNDS = 3;

/** mulberry32: a small seeded PRNG, so every run makes the same choices. */
function rng(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function network(kind, size) {
  if (kind === 'hostdev') {
    const addresses = Array.from({ length: size }, (_, i) => ({ type: 'pci', domain: 1 + (i >> 16), bus: (i >> 8) & 0xff, slot: (i >> 3) & 0x1f, function: i & 7 }));
    return { name: 'pool', forward: { mode: 'hostdev', managed: true, driver: { name: 'vfio', groupMgmt: 'auto' }, addresses } };
  }
  return { name: 'pool', forward: { mode: 'vepa', interfaces: Array.from({ length: size }, (_, i) => ({ dev: `eth${i}` })) } };
}

const domain = { name: 'bench', uuid: 'd54df46f-1ab5-4a22-8618-4560ef5fac2c' };
const iface = { type: 'network', mac: { address: '52:54:00:00:00:01' }, source: { network: 'pool' } };

/** µs per operation (an allocate or a release) over OPS operations. */
function measure(kind, size) {
  let n = 0;
  const allocator = new vx.NetworkAllocator({ newUuid: () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}` });
  allocator.addNetwork(network(kind, size));
  const held = [];
  const target = kind === 'hostdev' ? size / 2 : size * 2;
  for (let i = 0; i < target; i++) held.push(allocator.allocatePort(domain, iface).uuid);
  const random = rng(42);
  const churn = (ops) => {
    for (let i = 0; i < ops; i += 2) {
      const j = Math.floor(random() * held.length);
      allocator.releasePort('pool', held[j]);
      held[j] = allocator.allocatePort(domain, iface).uuid;
    }
  };
  churn(10_000); // warm-up
  const samples = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    churn(OPS);
    samples.push(Number(process.hrtime.bigint() - t0) / 1000 / OPS);
  }
  if (allocator.connections('pool') !== target) throw new Error('connection count drifted');
  return samples.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
}

/** The same sequence with libvirt's choice: a scan of the pool per allocation (first free / least used). */
function measureScan(kind, size) {
  const counts = new Int32Array(size);
  const pick =
    kind === 'hostdev'
      ? () => counts.indexOf(0)
      : () => {
          let best = 0;
          for (let i = 1; i < size; i++) if (counts[i] < counts[best]) best = i;
          return best;
        };
  const held = [];
  const target = kind === 'hostdev' ? size / 2 : size * 2;
  for (let i = 0; i < target; i++) {
    const e = pick();
    counts[e]++;
    held.push(e);
  }
  const random = rng(42);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < OPS; i += 2) {
    const j = Math.floor(random() * held.length);
    counts[held[j]]--;
    const e = pick();
    counts[e]++;
    held[j] = e;
  }
  return Number(process.hrtime.bigint() - t0) / 1000 / OPS;
}

const rows = [];
for (const kind of ['hostdev', 'macvtap']) {
  for (const size of SIZES) {
    rows.push({
      pool: kind === 'hostdev' ? 'hostdev VFs (first free)' : 'macvtap vepa (least used)',
      devices: size,
      ports: kind === 'hostdev' ? size / 2 : size * 2,
      operations: OPS,
      'virtxml µs/op (median of 3)': measure(kind, size).toFixed(2),
      'pool scan µs/op (libvirt-style, choice only)': measureScan(kind, size).toFixed(3),
    });
  }
}
console.log(`\nallocator — ${OPS} operations (allocatePort/releasePort, half each), node ${process.version}`);
console.table(rows);
