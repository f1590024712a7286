/**
 * The seed's own scenario on a real kernel: a network whose hostdev pool is
 * the SR-IOV virtual functions of a PF (`<pf dev='ethN'/>`) with
 * `<driver name='vfio' group='auto'/>`, end to end on SysfsHost. Run:
 *
 *   RK_SRIOV=1 RK_QEMU_CHROOT=/opt/libvirt-chroot \
 *     bash ../shared/tools/real-kernel-vfio.sh node_modules/.bin/vitest run test/real-kernel
 *
 * (the chroot from `libvirt-chroot.sh setup --with-qemu`: QEMU >= 8 has the
 * igb NIC, an 82576 PF with up to 7 VFs). `.ci/run` sets that up.
 *
 * Steps: enable 2 VFs (igbvf) → identity and links as the kernel shows them
 * → `virtxml iommu` → allocate two interfaces → `virtxml hostdev plan
 * --network` → prepare and apply (each VF on vfio-pci, its group viable by
 * the kernel's VFIO_GROUP_GET_STATUS) → status XML with `<origstates>` →
 * release (VFs back on igbvf) → a kill during apply, then recover() → pool
 * exhaustion. If the guest was booted with
 * `RK_APPEND=pci=disable_acs_redir=0000:00:07.0`, the root port above the
 * PF loses ACS and the PF and its VFs share one IOMMU group: that case is
 * checked instead of the per-VF groups (group='auto' refuses to detach the
 * PF, because unbinding igb removes the VFs).
 *
 * Like test/real-kernel/sysfs.test.ts it changes the host, so it runs only
 * in that guest (RK_GUEST=1) or with VIRTXML_REAL_KERNEL=1; it says why when
 * it cannot run (not requested, no SR-IOV PF, not root). Addresses, groups
 * and netdev names are read from /sys.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cmdHostdev } from '../../src/cli/hostdev.js';
import { cmdIommu } from '../../src/cli/iommu.js';
import { pciAddressName } from '../../src/common/basictypes.js';
import { domainHostdevs } from '../../src/domain/hostdevs.js';
import { formatDomainXml, parseDomainXml, type NetworkInterface } from '../../src/domain/index.js';
import { FileStateStore } from '../../src/hostdev/file-store.js';
import { HostdevError } from '../../src/hostdev/errors.js';
import { HostdevManager } from '../../src/hostdev/manager.js';
import { NetworkAllocator, parseNetworkXml, pciNetworkHost } from '../../src/network/index.js';
import { groupViability } from '../../src/pci/groups.js';
import { SysfsHost } from '../../src/pci/sysfs.js';
import { VirtXmlError } from '../../src/xml/errors.js';
import { PYTHON, kernelViable, modprobe, waitFor } from './helpers/kernel.js';

const requested = process.env.RK_GUEST === '1' || process.env.VIRTXML_REAL_KERNEL === '1';
const SYS = '/sys/bus/pci/devices';
const host = new SysfsHost();
const root = process.getuid?.() === 0;

/** An SR-IOV PF driven by igb with a netdev (QEMU's igb in the RK_SRIOV=1 guest). */
function findPf(): string | undefined {
  if (!requested || !existsSync(SYS)) return undefined;
  return host.listDevices().find((a) => host.sriov(a) !== undefined && host.driver(a) === 'igb' && host.netdevs(a).length > 0);
}
const PF = findPf();
/** The PF shares its IOMMU group (booted with pci=disable_acs_redir on its root port): its VFs will too. */
const MATED = PF !== undefined && host.iommuGroupMembers(host.iommuGroup(PF)!).length > 1;
const why = !requested
  ? 'not requested (run it through ../shared/tools/real-kernel-vfio.sh with RK_SRIOV=1 RK_QEMU_CHROOT=/opt/libvirt-chroot, or set VIRTXML_REAL_KERNEL=1 on a disposable machine)'
  : !PF
    ? 'no SR-IOV PF on igb in this kernel (boot the guest with RK_SRIOV=1 RK_QEMU_CHROOT=DIR: QEMU >= 8 in the libvirt chroot, `libvirt-chroot.sh setup --with-qemu`)'
    : !root
      ? 'not root (it writes sriov_numvfs and rebinds PCI devices)'
      : undefined;
if (why) console.log(`test/real-kernel/sriov: cannot run: ${why}`);

// ------------------------------------------------------------------ steps and timings
const timings: Array<[string, number]> = [];
async function step<T>(name: string, f: () => T | Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await f();
  } finally {
    const ms = performance.now() - t0;
    timings.push([name, ms]);
    console.log(`[sriov] ${name}: ${(ms / 1000).toFixed(2)} s`);
  }
}

async function capture(f: () => number | Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  try {
    return { code: await f(), stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

const write = (path: string, value: string) => writeFileSync(path, value);
const numVfs = () => Number(readFileSync(`${SYS}/${PF}/sriov_numvfs`, 'utf8').trim());
const onIgbvf = (vfs: string[]) => vfs.every((v) => host.driver(v) === 'igbvf' && host.driverOverride(v) === undefined && host.netdevs(v).length === 1);

const networkXml = (pfDev: string, group: boolean) => `<network>
  <name>vfnet</name>
  <forward mode='hostdev' managed='yes'>
    <driver name='vfio'${group ? " group='auto'" : ''}/>
    <pf dev='${pfDev}'/>
  </forward>
</network>
`;
const domainXml = (n: number) => `<domain type='kvm'>
  <name>vf-guest</name>
  <uuid>7c0d9a52-3b1e-4f6a-8e21-0a9b8c7d6e5f</uuid>
  <devices>
${Array.from({ length: n }, (_, i) => `    <interface type='network'>
      <mac address='52:54:00:16:00:0${i + 1}'/>
      <source network='vfnet'/>
    </interface>
`).join('')}  </devices>
</domain>
`;
const nics = (dom: ReturnType<typeof parseDomainXml>) => (dom.devices?.interfaces ?? []) as NetworkInterface[];
const actualAddress = (iface: NetworkInterface) => {
  const a = iface.actual;
  return a?.type === 'hostdev' && a.source.address?.type === 'pci' ? pciAddressName(a.source.address) : undefined;
};

describe.skipIf(why !== undefined)('SR-IOV VFs of a real PF, group=auto, end to end', () => {
  let dir = '';
  let pfDev = '';
  let vfs: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'virtxml-sriov-'));
    await step('enable 2 VFs on the PF (modprobe vfio-pci igbvf; sriov_numvfs 0 -> 2; igbvf binds them)', () => {
      modprobe('vfio-pci', 'igbvf');
      if (numVfs() !== 0) write(`${SYS}/${PF}/sriov_numvfs`, '0');
      write(`${SYS}/${PF}/sriov_numvfs`, '2');
      vfs = host.virtualFunctions(PF!);
      expect(vfs).toHaveLength(2);
      expect(waitFor(() => onIgbvf(vfs)), `VFs ${vfs.join(' ')} not on igbvf with a netdev`).toBe(true);
    });
    pfDev = host.netdevs(PF!)[0]!;
    const g = host.iommuGroup(vfs[0]!)!;
    console.log(`[sriov] PF ${PF} (${pfDev}, group ${host.iommuGroup(PF!)}), VFs ${vfs.map((v) => `${v} (${host.netdevs(v)[0]}, group ${host.iommuGroup(v)})`).join(', ')}${MATED ? `; group ${g} has mates: ${host.iommuGroupMembers(g).join(' ')}` : ''}`);
  }, 300_000);

  afterAll(() => {
    // whatever happened, the host gets its VFs back on igbvf, then SR-IOV off
    for (const v of vfs) {
      if (!host.exists(v) || (host.driver(v) === 'igbvf' && host.driverOverride(v) === undefined)) continue;
      host.setDriverOverride(v, undefined);
      if (host.driver(v) !== undefined) host.unbind(v);
      host.probe(v);
    }
    if (PF && host.exists(PF) && host.driver(PF) === 'igb') write(`${SYS}/${PF}/sriov_numvfs`, '0');
    if (dir) rmSync(dir, { recursive: true, force: true });
    console.log('[sriov] steps and timings:\n' + timings.map(([n, ms]) => `  ${(ms / 1000).toFixed(2).padStart(7)} s  ${n}`).join('\n'));
  });

  it('VF identity and links as the kernel shows them: 8086:10ca from the vendor/device files (config space reads 0xffff), physfn, virtfnN, sriov_totalvfs/numvfs', async () => {
    await step('identity and links', () => {
      expect(host.sriov(PF!)).toEqual({ totalVfs: Number(readFileSync(`${SYS}/${PF}/sriov_totalvfs`, 'utf8')), numVfs: 2 });
      expect(host.sriov(PF!)!.totalVfs).toBe(7);
      expect(host.info(PF!)).toMatchObject({ vendor: 0x8086, device: 0x10c9, class: 0x020000, headerType: 'endpoint' });
      for (const v of vfs) {
        const config = readFileSync(`${SYS}/${v}/config`);
        expect([...config.subarray(0, 4)], 'a VF config space reads 0xffff for vendor and device').toEqual([0xff, 0xff, 0xff, 0xff]);
        expect(host.info(v)).toEqual({ address: v, vendor: 0x8086, device: 0x10ca, class: 0x020000, headerType: 'endpoint' });
        expect(host.physicalFunction(v)).toBe(PF);
        expect(host.sriov(v)).toBeUndefined();
        expect(host.netdevAddress(host.netdevs(v)[0]!)).toBe(v);
      }
      expect(host.netdevAddress(pfDev)).toBe(PF);
    });
  });

  it('virtxml iommu lists the VFs as 8086:10ca under their PF, free', async () => {
    const r = await step('virtxml iommu', () => capture(() => cmdIommu([])));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    console.log(r.stdout.slice(r.stdout.indexOf('SR-IOV:')));
    const pfLine = `  PF ${PF}  8086:10c9  group ${host.iommuGroup(PF!)}  igb  ${pfDev}  2 of 7 VFs enabled\n`;
    const vfLines = vfs.map((v) => `    VF ${v}  8086:10ca  group ${host.iommuGroup(v)}  igbvf  ${host.netdevs(v)[0]}  free\n`);
    expect(r.stdout).toContain('SR-IOV:\n' + pfLine + vfLines.join(''));
    for (const v of vfs) expect(r.stdout).toContain(`  ${v}  8086:10ca  0x020000  igbvf\n`);
  });

  it("pool exhaustion and a netdev that is no PF give libvirt's errors", async () => {
    await step('allocate 3 interfaces from a pool of 2; a VF netdev as <pf>', () => {
      const allocator = new NetworkAllocator({ host: pciNetworkHost(host) });
      allocator.addNetwork(parseNetworkXml(networkXml(pfDev, true)));
      const dom = parseDomainXml(domainXml(3));
      const [a, b, c] = nics(dom);
      allocator.allocate(dom, a!);
      allocator.allocate(dom, b!);
      expect([actualAddress(a!), actualAddress(b!)]).toEqual(vfs);
      const e = (() => {
        try {
          allocator.allocate(dom, c!);
        } catch (err) {
          return err;
        }
      })();
      expect(e).toBeInstanceOf(VirtXmlError);
      expect([(e as VirtXmlError).code, (e as VirtXmlError).detail]).toEqual(['network-exhausted', "network 'vfnet' requires exclusive access to interfaces, but none are available"]);
      expect(c!.actual).toBeUndefined();
      allocator.release(dom, a!);
      allocator.allocate(dom, c!);
      expect(actualAddress(c!)).toBe(vfs[0]);

      const vfDev = host.netdevs(vfs[0]!)[0]!;
      const notPf = new NetworkAllocator({ host: pciNetworkHost(host) });
      notPf.addNetwork(parseNetworkXml(networkXml(vfDev, true)));
      expect(() => notPf.allocate(dom, nics(parseDomainXml(domainXml(1)))[0]!)).toThrow(`No usable Vf's present on SRIOV PF ${vfDev}`);
    });
  });

  it.skipIf(MATED)('allocate → plan → prepare/apply on SysfsHost → status XML with <origstates> → release → back on igbvf', async () => {
    const netFile = join(dir, 'vfnet.xml');
    const domFile = join(dir, 'vm.xml');
    writeFileSync(netFile, networkXml(pfDev, true));
    writeFileSync(domFile, domainXml(2));

    const plan = await step('virtxml hostdev plan --network (sysfs /)', () => capture(() => cmdHostdev(['plan', domFile, '--network', netFile])));
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    console.log(plan.stdout);
    vfs.forEach((v, i) => expect(plan.stdout).toMatch(new RegExp(` ${i + 1}\\. detach\\s+${v.replace(/\./g, '\\.')}  igbvf -> vfio-pci`)));
    for (const v of vfs) expect(plan.stdout).toContain(`group ${host.iommuGroup(v)}: manage`);

    const allocator = new NetworkAllocator({ host: pciNetworkHost(host) });
    allocator.addNetwork(parseNetworkXml(readFileSync(netFile, 'utf8')));
    const dom = parseDomainXml(readFileSync(domFile, 'utf8'));
    await step('allocate two interfaces', () => {
      for (const iface of nics(dom)) allocator.allocate(dom, iface);
    });
    expect(nics(dom).map(actualAddress)).toEqual(vfs);
    expect(nics(dom).map((i) => i.actual?.type === 'hostdev' && i.actual.driver)).toEqual([
      { name: 'vfio', groupMgmt: 'auto' },
      { name: 'vfio', groupMgmt: 'auto' },
    ]);

    const store = new FileStateStore(join(dir, 'hostdev-state.json'));
    const mgr = new HostdevManager(host, { store });
    try {
      await step('prepare + apply (SysfsHost)', () => mgr.prepare('QEMU', dom.name, domainHostdevs(dom)));
      await step('check: vfio-pci, /dev/vfio/N, kernel VFIO_GROUP_GET_STATUS', () => {
        for (const v of vfs) {
          const g = host.iommuGroup(v)!;
          expect(host.driver(v)).toBe('vfio-pci');
          expect(host.netdevs(v)).toEqual([]);
          expect(host.vfioGroupNode(g)).toBe(true);
          expect(groupViability(host, g)).toEqual({ viable: true, reasons: [] });
          if (PYTHON) expect(kernelViable(g), `kernel: group ${g} viable`).toBe(true);
        }
        if (!PYTHON) console.log('[sriov] no python3: the kernel was not asked (VFIO_GROUP_GET_STATUS)');
        expect(mgr.activeDevices().map((d) => [d.name, d.usedBy])).toEqual(vfs.map((v) => [v, { driver: 'QEMU', domain: 'vf-guest' }]));
      });

      // the status XML: prepare wrote the origstates through domainHostdevs' views into each <actual>
      const status = formatDomainXml(dom, { status: true });
      console.log(status);
      for (const [i, v] of vfs.entries()) {
        const [, bus, slotFn] = v.split(':');
        const [slot, fn] = slotFn!.split('.');
        expect(status).toContain(`      <actual type='hostdev' managed='yes'>
        <driver name='vfio' group='auto'/>
        <source>
          <address type='pci' domain='0x0000' bus='0x${bus}' slot='0x${slot}' function='0x${fn}'/>
          <origstates>
            <unbind/>
          </origstates>
        </source>
      </actual>`);
        expect(status).toContain(`<mac address='52:54:00:16:00:0${i + 1}'/>`);
      }
      // read back, the status XML gives the same devices with their origstates
      expect(domainHostdevs(parseDomainXml(status, {})).map((h) => h.type === 'pci' && h.source.origstates)).toEqual([{ unbind: true }, { unbind: true }]);

      const iommu = await capture(() => cmdIommu(['--state', store.path]));
      for (const v of vfs) expect(iommu.stdout).toContain(`    VF ${v}  8086:10ca  group ${host.iommuGroup(v)}  vfio-pci  assigned to QEMU/vf-guest\n`);

      await step('release: reattach + release the ports', () => {
        mgr.reattach('QEMU', dom.name, domainHostdevs(dom));
        for (const iface of nics(dom)) allocator.release(dom, iface);
      });
      await step('check: VFs back on igbvf with a netdev', () => {
        expect(waitFor(() => onIgbvf(vfs)), `VFs back on igbvf: ${vfs.map((v) => `${v} ${host.driver(v)}`).join(', ')}`).toBe(true);
        for (const v of vfs) expect(host.vfioGroupNode(host.iommuGroup(v)!)).toBe(false);
        expect(mgr.counts()).toEqual({ active: 0, inactive: 0 });
        expect(mgr.managedGroups()).toEqual([]);
        expect(allocator.connections('vfnet')).toBe(0);
      });
    } finally {
      mgr.close();
    }
  }, 300_000);

  it.skipIf(MATED)('a kill during apply, then recover(): every VF on its original driver', async () => {
    const { buildSync } = await import('esbuild');
    const child = join(dir, 'prepare-and-die.mjs');
    await step('bundle the child (esbuild)', () => {
      buildSync({ entryPoints: [join(__dirname, 'helpers/prepare-and-die.ts')], bundle: true, platform: 'node', format: 'esm', outfile: child, logLevel: 'error' });
    });
    const allocator = new NetworkAllocator({ host: pciNetworkHost(host) });
    allocator.addNetwork(parseNetworkXml(networkXml(pfDev, true)));
    const dom = parseDomainXml(domainXml(2));
    for (const iface of nics(dom)) allocator.allocate(dom, iface);
    const statusFile = join(dir, 'status.xml');
    writeFileSync(statusFile, formatDomainXml(dom, { status: true }));

    // writes per VF: driver_override, driver/unbind, drivers_probe. Killed after the 2nd: the first
    // VF unbound from igbvf, not yet on vfio-pci; after the 4th: the first on vfio-pci, the second
    // has its override set
    for (const killAt of [2, 4]) {
      const state = join(dir, `state-kill-${killAt}.json`);
      const r = await step(`child: prepare, SIGKILL after sysfs write #${killAt}`, () =>
        spawnSync(process.execPath, [child, state, String(killAt), statusFile], { encoding: 'utf8', timeout: 120_000 }),
      );
      expect(r.signal, `child output: ${r.stdout}${r.stderr}`).toBe('SIGKILL');
      const left = vfs.map((v) => `${v} ${host.driver(v) ?? '(no driver)'} override=${host.driverOverride(v) ?? '-'}`);
      console.log(`[sriov] killed after write #${killAt}: ${left.join(', ')}`);
      expect(onIgbvf(vfs), 'the kill left a VF off igbvf').toBe(false);

      const mgr = new HostdevManager(host, { store: new FileStateStore(state) });
      try {
        expect(mgr.needsRecovery).toBe(true);
        expect(() => mgr.prepare('QEMU', dom.name, domainHostdevs(dom))).toThrow(HostdevError);
        const report = await step(`recover() after the kill at write #${killAt}`, () => mgr.recover());
        expect(report).toMatchObject({ recovered: true, op: 'prepare', mode: 'undo', domain: 'vf-guest' });
        expect(waitFor(() => onIgbvf(vfs)), `after recover: ${vfs.map((v) => `${v} ${host.driver(v)}`).join(', ')}`).toBe(true);
        expect(mgr.counts()).toEqual({ active: 0, inactive: 0 });
        expect(mgr.needsRecovery).toBe(false);
      } finally {
        mgr.close();
      }
    }
  }, 300_000);

  it.runIf(MATED)("a VF whose IOMMU group has mates (the PF, the root port): group='auto' refuses to detach the PF; without it the kernel says not viable", async () => {
    const g = host.iommuGroup(vfs[0]!)!;
    expect(host.iommuGroupMembers(g)).toEqual(expect.arrayContaining([PF, ...vfs]));
    const dom = parseDomainXml(domainXml(2));
    const allocator = new NetworkAllocator({ host: pciNetworkHost(host) });
    allocator.addNetwork(parseNetworkXml(networkXml(pfDev, true)));
    for (const iface of nics(dom)) allocator.allocate(dom, iface);
    const mgr = new HostdevManager(host, { store: new FileStateStore(join(dir, 'mated-state.json')) });
    try {
      await step("group='auto' with the PF in the group: refused, nothing written", () => {
        const e = (() => {
          try {
            mgr.prepare('QEMU', dom.name, domainHostdevs(dom));
          } catch (err) {
            return err;
          }
        })();
        expect(e).toBeInstanceOf(HostdevError);
        expect((e as HostdevError).reason).toBe('sriov-pf');
        expect((e as HostdevError).detail).toContain(`Refusing to detach PCI device ${PF} for IOMMU group ${g}`);
        expect(onIgbvf(vfs)).toBe(true);
        expect(host.driver(PF!)).toBe('igb');
      });
      // without group='auto' (upstream libvirt): the VFs go to vfio-pci and the kernel refuses the group
      const plain = parseDomainXml(domainXml(2));
      const upstream = new NetworkAllocator({ host: pciNetworkHost(host) });
      upstream.addNetwork(parseNetworkXml(networkXml(pfDev, false)));
      for (const iface of nics(plain)) upstream.allocate(plain, iface);
      await step('without group=auto: prepare, the kernel says not viable, release', () => {
        mgr.prepare('QEMU', plain.name, domainHostdevs(plain));
        expect(vfs.map((v) => host.driver(v))).toEqual(['vfio-pci', 'vfio-pci']);
        expect(groupViability(host, g)).toEqual({ viable: false, reasons: [`${PF} is bound to host driver igb`] });
        if (PYTHON) expect(kernelViable(g)).toBe(false);
        mgr.reattach('QEMU', plain.name, domainHostdevs(plain));
        expect(waitFor(() => onIgbvf(vfs))).toBe(true);
      });
    } finally {
      mgr.close();
    }
  }, 300_000);
});
