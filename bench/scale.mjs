// Scale: generated domains with 100, 1,000 and 10,000 devices — parse time,
// format time and the heap the parsed def retains, per device. Growth must be
// linear: the per-device columns stay flat as the device count grows.
//   node bench/scale.mjs            (on the built package in dist/; run by `npm run bench`)
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { performance, PerformanceObserver } from 'node:perf_hooks';

const here = dirname(fileURLToPath(import.meta.url));
const vx = await import(process.env.VIRTXML_DIST ?? join(here, '..', 'dist', 'index.js'));

// retained heap needs a full GC; without --expose-gc, expose it here
let gc = globalThis.gc;
if (typeof gc !== 'function') {
  setFlagsFromString('--expose-gc');
  gc = runInNewContext('gc');
}

const hex = (n, w) => n.toString(16).padStart(w, '0');
/** Disk target names vda…vdz, vdaa…: libvirt's own scheme (virDiskNameToIndex's inverse). */
function diskName(i) {
  let s = '';
  for (i += 1; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(97 + ((i - 1) % 26)) + s;
  return 'vd' + s;
}

/**
 * A domain with n devices: a mix of disks, interfaces, PCI hostdevs,
 * serials, controllers and RNGs, each with its own PCI address (all distinct,
 * hostdev sources distinct too, as libvirt requires).
 */
export function generateDomain(n) {
  // by family, in the order libvirt writes them
  const fam = { disk: [], controller: [], interface: [], serial: [], hostdev: [], rng: [] };
  for (let i = 0; i < n; i++) {
    const bus = 1 + Math.floor(i / 32);
    const slot = i % 32;
    const addr = `<address type='pci' domain='0x${hex(Math.floor(i / 8192), 4)}' bus='0x${hex(bus % 256, 2)}' slot='0x${hex(slot, 2)}' function='0x0'/>`;
    const hb = Math.floor(i / 256);
    switch (i % 6) {
      case 0:
        fam.disk.push(`    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' cache='none'/>
      <source file='/var/lib/libvirt/images/d${i}.qcow2'/>
      <target dev='${diskName(i)}' bus='virtio'/>
      ${addr}
    </disk>`);
        break;
      case 1:
        fam.interface.push(`    <interface type='network'>
      <mac address='52:54:00:${hex((i >> 16) & 255, 2)}:${hex((i >> 8) & 255, 2)}:${hex(i & 255, 2)}'/>
      <source network='default'/>
      <model type='virtio'/>
      ${addr}
    </interface>`);
        break;
      case 2:
        fam.hostdev.push(`    <hostdev mode='subsystem' type='pci' managed='yes'>
      <driver name='vfio'/>
      <source>
        <address domain='0x${hex(1 + (hb >> 8), 4)}' bus='0x${hex(hb & 255, 2)}' slot='0x${hex(Math.floor(i / 8) % 32, 2)}' function='0x${i % 8}'/>
      </source>
      ${addr}
    </hostdev>`);
        break;
      case 3:
        fam.serial.push(`    <serial type='pty'>
      <target type='isa-serial' port='${i}'>
        <model name='isa-serial'/>
      </target>
    </serial>`);
        break;
      case 4:
        fam.controller.push(`    <controller type='pci' index='${i}' model='pcie-root-port'>
      <model name='pcie-root-port'/>
      <target chassis='${i % 256}' port='0x${(i % 256).toString(16)}'/>
      ${addr}
    </controller>`);
        break;
      default:
        fam.rng.push(`    <rng model='virtio'>
      <backend model='random'>/dev/urandom</backend>
      ${addr}
    </rng>`);
    }
  }
  return `<domain type='kvm'>
  <name>scale-${n}</name>
  <uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>
  <memory unit='KiB'>4194304</memory>
  <vcpu placement='static'>4</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
${Object.values(fam).flat().join('\n')}
  </devices>
</domain>
`;
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

export async function scaleRows(sizes = [100, 1000, 10000]) {
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
