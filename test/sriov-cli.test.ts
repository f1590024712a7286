/**
 * The seed's scenario on an in-memory host shaped like the real-kernel
 * guest (test/fixtures/sriov-topology.json: an igb PF eth3 with 2 of 7 VFs
 * enabled, each VF in its own group): a `<pf dev='eth3'/>` network with
 * group='auto' through `virtxml allocate`, `virtxml hostdev plan --network`
 * and `virtxml iommu`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cmdHostdev } from '../src/cli/hostdev.js';
import { cmdIommu } from '../src/cli/iommu.js';
import { main } from '../src/cli/main.js';
import { FileStateStore } from '../src/hostdev/file-store.js';
import { HostdevManager } from '../src/hostdev/manager.js';
import { MemoryPciHost } from '../src/pci/memory-host.js';
import { SysfsHost } from '../src/pci/sysfs.js';
import { listSriov } from '../src/pci/sriov.js';
import { loadFixtureTopology } from './helpers/pci-reads.js';
import { writeSysfsTree } from './helpers/sysfs-tree.js';

const fx = (name: string) => join(__dirname, 'fixtures', name);

async function run(f: () => number | Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
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

const tmp: string[] = [];
function tmpDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'virtxml-sriov-'));
  tmp.push(d);
  return d;
}
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of tmp.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('virtxml allocate with a <pf dev> pool', () => {
  it('gives the two interfaces the two VFs of eth3, read from a topology', async () => {
    const r = await run(() => main(['allocate', '--network', fx('net-vf-pf.xml'), '--topology', fx('sriov-topology.json'), fx('vm-two-vfs.xml')]));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`<actual type='hostdev' managed='yes'>
        <driver name='vfio' group='auto'/>
        <source>
          <address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x0'/>`);
    expect(r.stdout).toContain("<address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x2'/>");
    expect(r.stdout).toContain('0000:03:10.0  managed=yes  stubDriver=vfio-pci  attachGroup=true');
    expect(r.stdout).toContain('0000:03:10.2  managed=yes  stubDriver=vfio-pci  attachGroup=true');
    expect(r.stdout).toContain("# network 'vfnet' live XML (2 connections)");
  });

  it('reads the same from a sysfs tree (--sysfs ROOT)', async () => {
    const root = tmpDir();
    writeSysfsTree(root, loadFixtureTopology('sriov-topology.json'));
    const viaTopology = await run(() => main(['allocate', '--json', '--network', fx('net-vf-pf.xml'), '--topology', fx('sriov-topology.json'), fx('vm-two-vfs.xml')]));
    const viaSysfs = await run(() => main(['allocate', '--json', '--network', fx('net-vf-pf.xml'), '--sysfs', root, fx('vm-two-vfs.xml')]));
    expect(viaSysfs.code).toBe(0);
    const devices = (out: string) => JSON.parse(out).domains.map((d: { pciDevices: unknown }) => d.pciDevices);
    expect(devices(viaSysfs.stdout)).toEqual(devices(viaTopology.stdout));
    expect(devices(viaSysfs.stdout)[0].map((d: { name: string }) => d.name)).toEqual(['0000:03:10.0', '0000:03:10.2']);
  });

  it("libvirt's errors: a netdev that is no PF, one that does not exist, an exhausted pool", async () => {
    const dir = tmpDir();
    for (const [dev, name] of [['eth0', 'no-pf'], ['eth9', 'no-dev']]) {
      writeFileSync(join(dir, `${name}.xml`), `<network><name>vfnet</name><forward mode='hostdev' managed='yes'><pf dev='${dev}'/></forward></network>`);
      const r = await run(() => main(['allocate', '--network', join(dir, `${name}.xml`), '--topology', fx('sriov-topology.json'), fx('vm-two-vfs.xml')]));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`error: No usable Vf's present on SRIOV PF ${dev} [unsupported]`);
    }
    const three = join(dir, 'vm3.xml');
    writeFileSync(three, `<domain type='kvm'><name>vm3</name><devices>${[1, 2, 3].map(() => "<interface type='network'><source network='vfnet'/></interface>").join('')}</devices></domain>`);
    const r = await run(() => main(['allocate', '--network', fx('net-vf-pf.xml'), '--topology', fx('sriov-topology.json'), three]));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: network 'vfnet' requires exclusive access to interfaces, but none are available [network-exhausted]");
    expect((await run(() => main(['allocate', '--network', fx('net-vf-pf.xml'), '--sysfs', '/', '--topology', fx('sriov-topology.json'), three]))).code).toBe(2);
  });
});

describe('virtxml hostdev plan --network with a <pf dev> pool', () => {
  it('plans both VFs: detach from igbvf to vfio-pci, each group managed', async () => {
    const r = await run(() => cmdHostdev(['plan', fx('vm-two-vfs.xml'), '--network', fx('net-vf-pf.xml'), '--topology', fx('sriov-topology.json')]));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ 1\. detach\s+0000:03:10\.0  igbvf -> vfio-pci/);
    expect(r.stdout).toMatch(/ 2\. detach\s+0000:03:10\.2  igbvf -> vfio-pci/);
    expect(r.stdout).toContain('0000:03:10.0  (none) -> active  managed=yes  usedBy QEMU/vf-guest');
    expect(r.stdout).toContain('group 13: manage');
    expect(r.stdout).toContain('group 14: manage');
  });

  it("group='auto' refuses to detach the PF when it shares the VFs' group (as with pci=disable_acs_redir on the root port)", async () => {
    const t = loadFixtureTopology('sriov-topology.json');
    for (const d of t.devices) if (['0000:03:00.0', '0000:03:10.0', '0000:03:10.2'].includes(d.address)) d.iommuGroup = 5;
    const dir = tmpDir();
    writeFileSync(join(dir, 't.json'), JSON.stringify(t));
    const r = await run(() => cmdHostdev(['plan', fx('vm-two-vfs.xml'), '--network', fx('net-vf-pf.xml'), '--topology', join(dir, 't.json')]));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "error: Refusing to detach PCI device 0000:03:00.0 for IOMMU group 5 of 0000:03:10.0 (group='auto'): it is the SR-IOV physical function of 0000:03:10.0 0000:03:10.2, and unbinding its driver removes them [sriov-pf]",
    );
  });

  it('a PF without VFs is refused with libvirt message', async () => {
    const t = loadFixtureTopology('sriov-topology.json');
    t.devices = t.devices.filter((d) => d.physfn === undefined);
    const dir = tmpDir();
    writeFileSync(join(dir, 't.json'), JSON.stringify(t));
    const r = await run(() => cmdHostdev(['plan', fx('vm-two-vfs.xml'), '--network', fx('net-vf-pf.xml'), '--topology', join(dir, 't.json')]));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: No usable Vf's present on SRIOV PF eth3 [unsupported]");
  });
});

describe('virtxml iommu shows SR-IOV structure', () => {
  it('lists the PF with its VFs (8086:10ca), enabled/total, free or detached', async () => {
    const r = await run(() => cmdIommu(['--topology', fx('sriov-topology.json')]));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`SR-IOV:
  PF 0000:03:00.0  8086:10c9  group 12  igb  eth3  2 of 7 VFs enabled
    VF 0000:03:10.0  8086:10ca  group 13  igbvf  eth5  free
    VF 0000:03:10.2  8086:10ca  group 14  igbvf  eth6  free
`);
  });

  it('after prepare: detached VFs, and with --state assigned to their domain', async () => {
    const dir = tmpDir();
    writeSysfsTree(dir, loadFixtureTopology('sriov-topology.json'));
    const t = loadFixtureTopology('sriov-topology.json');
    const host = new MemoryPciHost(t);
    const state = join(dir, 'hostdev.json');
    const mgr = new HostdevManager(host, { store: new FileStateStore(state) });
    mgr.prepare('QEMU', 'vf-guest', [{ mode: 'subsystem', type: 'pci', managed: true, source: { address: { domain: 0, bus: 3, slot: 0x10, function: 0 } } }] as never);
    mgr.close();
    const topo = join(dir, 'after.json');
    writeFileSync(topo, JSON.stringify(host.snapshot()));
    const plain = await run(() => cmdIommu(['--topology', topo]));
    expect(plain.stdout).toContain('    VF 0000:03:10.0  8086:10ca  group 13  vfio-pci  detached\n');
    const withState = await run(() => cmdIommu(['--topology', topo, '--state', state, '--json']));
    const vfs = JSON.parse(withState.stdout).sriov[0].vfs;
    expect(vfs.map((v: { address: string; state: string }) => [v.address, v.state])).toEqual([
      ['0000:03:10.0', 'assigned'],
      ['0000:03:10.2', 'free'],
    ]);
    expect(vfs[0].usedBy).toEqual({ driver: 'QEMU', domain: 'vf-guest' });
    writeFileSync(state, '{"junk":1}');
    const bad = await run(() => cmdIommu(['--topology', topo, '--state', state]));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^virtxml iommu: error: .* \[bad-state\]\n$/);
  });

  it('listSriov agrees between a sysfs tree and the topology', () => {
    const dir = tmpDir();
    const t = loadFixtureTopology('sriov-topology.json');
    writeSysfsTree(dir, t);
    expect(listSriov(new SysfsHost({ root: dir }))).toEqual(listSriov(new MemoryPciHost(t)));
  });
});
