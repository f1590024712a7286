// Hostdev manager benchmark: plan and apply group='auto' for 64 devices on a
// simulated host (MemoryPciHost) of N devices in N/4 IOMMU groups, where
// each group holds the assigned device and three mates on host drivers
// (so every prepare detaches 4 devices per hostdev, every release gives 4
// back). Time per assigned device at 500, 2,000 and 8,000 host devices.
//   node bench/hostdev.mjs       (after npm run build; also run by bench/run.mjs)
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const vx = await import(process.env.VIRTXML_DIST ?? join(here, '..', 'dist', 'index.js'));
const { HostdevManager, MemoryStateStore, MemoryPciHost } = vx;

if (!HostdevManager || !MemoryPciHost) {
  console.log('hostdev bench: dist/index.js does not export HostdevManager and MemoryPciHost yet; skipped.');
} else {
  const ASSIGNED = 64;
  const REPEAT = 7;

  /** N devices, N/4 groups: function 0 (the one to assign, driver e1000e), functions 1–3 (audio, usb, serial drivers). */
  function topology(n) {
    const drivers = [
      { name: 'e1000e', ids: [[0x8086, 0x10d3]] },
      { name: 'snd_hda_intel', ids: [[0x8086, 0x2668]] },
      { name: 'xhci_hcd', ids: [[0x8086, 0x1e31]] },
      { name: 'serial', ids: [[0x8086, 0x1c3d]] },
      { name: 'vfio-pci' },
    ];
    const fns = [
      [0x10d3, 0x020000],
      [0x2668, 0x040300],
      [0x1e31, 0x0c0330],
      [0x1c3d, 0x070002],
    ];
    const devices = [];
    for (let g = 0; g < n / 4; g++) {
      const domain = g >> 13;
      const bus = (g >> 5) & 0xff;
      const slot = g & 0x1f;
      for (let f = 0; f < 4; f++) {
        const [device, cls] = fns[f];
        const address = `${domain.toString(16).padStart(4, '0')}:${bus.toString(16).padStart(2, '0')}:${slot.toString(16).padStart(2, '0')}.${f}`;
        devices.push({ address, vendor: 0x8086, device, class: cls, iommuGroup: g, driver: drivers[f].name });
      }
    }
    return { drivers, devices };
  }

  function hostdevs(n) {
    // spread the assigned devices over the host
    const step = Math.floor(n / 4 / ASSIGNED);
    return Array.from({ length: ASSIGNED }, (_, i) => {
      const g = i * step;
      return {
        mode: 'subsystem',
        type: 'pci',
        managed: true,
        driver: { name: 'vfio', groupMgmt: 'auto' },
        source: { address: { domain: g >> 13, bus: (g >> 5) & 0xff, slot: g & 0x1f, function: 0 } },
      };
    });
  }

  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const µs = (t0) => Number(process.hrtime.bigint() - t0) / 1000;

  const rows = [];
  // the first size runs twice: once to warm up the JIT, unreported
  for (const [i, n] of [500, 500, 2000, 8000].entries()) {
    const topo = topology(n);
    const devs = hostdevs(n);
    const plan = [];
    const apply = [];
    const release = [];
    let writes = 0;
    let saves = 0;
    for (let r = 0; r < REPEAT; r++) {
      const host = new MemoryPciHost(topo);
      const store = new MemoryStateStore();
      const mgr = new HostdevManager(host, { store });
      let t = process.hrtime.bigint();
      const p = mgr.plan({ op: 'prepare', driver: 'QEMU', domain: 'bench', hostdevs: devs });
      plan.push(µs(t));
      t = process.hrtime.bigint();
      mgr.apply(p);
      apply.push(µs(t));
      writes = host.writes().length;
      saves = store.saves;
      t = process.hrtime.bigint();
      mgr.reattach('QEMU', 'bench', devs);
      release.push(µs(t));
      mgr.close();
    }
    if (i === 0) continue;
    rows.push({
      'host devices': n,
      'IOMMU groups': n / 4,
      assigned: ASSIGNED,
      'devices detached': writes / 3,
      'host writes': writes,
      'journal saves': saves,
      'plan µs/dev': (median(plan) / ASSIGNED).toFixed(1),
      'apply µs/dev': (median(apply) / ASSIGNED).toFixed(1),
      'release µs/dev': (median(release) / ASSIGNED).toFixed(1),
    });
  }
  console.log(`hostdev manager — group='auto', ${ASSIGNED} hostdevs × 4-device groups, MemoryPciHost + MemoryStateStore, median of ${REPEAT}`);
  console.table(rows);
}
