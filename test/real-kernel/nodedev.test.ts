/**
 * `virtxml iommu --format nodedev` in a real kernel (../shared/tools/
 * real-kernel-vfio.sh): the node-device XML it prints for the live sysfs is
 * what the shell sees (devices, IDs, class, driver, bridges, IOMMU groups
 * with their members), libvirt's nodedev.rng accepts it, and read back with
 * `--nodedev` it gives the same IOMMU report as the live host. Read-only.
 * Runs where test/real-kernel/sysfs.test.ts runs (RK_GUEST=1 or VIRTXML_REAL_KERNEL=1).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { cmdIommu } from '../../src/cli/iommu.js';
import { parseNodeDeviceXml } from '../../src/nodedev/index.js';
import { validateXml } from '../../src/validate/index.js';

const requested = process.env.RK_GUEST === '1' || process.env.VIRTXML_REAL_KERNEL === '1';
const SYS = '/sys/bus/pci/devices';
const hexFile = (a: string, f: string) => parseInt(readFileSync(`${SYS}/${a}/${f}`, 'utf8').trim(), 16);
const shellDriver = (a: string) => (existsSync(`${SYS}/${a}/driver`) ? basename(readlinkSync(`${SYS}/${a}/driver`)) : undefined);
const shellGroup = (a: string) => (existsSync(`${SYS}/${a}/iommu_group`) ? Number(basename(readlinkSync(`${SYS}/${a}/iommu_group`))) : undefined);
const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
const SCHEMAS = ['/opt/libvirt-chroot/usr/share/libvirt/schemas', join(__dirname, '..', '..', '..', 'shared', 'libvirt-corpus', 'schemas')].find((d) => existsSync(join(d, 'nodedev.rng')));

function iommu(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: cmdIommu(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe.skipIf(!requested)('iommu --format nodedev on a live kernel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'virtxml-rk-nodedev-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints every PCI device as the shell sees it', () => {
    const r = iommu(['--sysfs', '/', '--format', 'nodedev']);
    expect(r.code, r.err).toBe(0);
    const all = r.out.split(/(?<=<\/device>\n)/).filter((d) => d.trim());
    const devices = readdirSync(SYS).sort();
    // the PCI devices first, then a net device for each interface the kernel shows under one
    const docs = all.slice(0, devices.length);
    expect(docs).toHaveLength(devices.length);
    const shellNets = devices.flatMap((a) => (existsSync(`${SYS}/${a}/net`) ? readdirSync(`${SYS}/${a}/net`).sort().map((n) => `${n} pci_${a.replace(/[:.]/g, '_')}`) : []));
    expect(all.slice(devices.length).map((d) => parseNodeDeviceXml(d)).map((d) => `${d.name.replace(/^net_/, '')} ${d.parent?.name}`)).toEqual(shellNets);
    docs.forEach((doc, i) => {
      const a = devices[i]!;
      const def = parseNodeDeviceXml(doc);
      expect(def.name).toBe('pci_' + a.replace(/[:.]/g, '_'));
      expect(def.driver?.name).toBe(shellDriver(a));
      const pci = def.capabilities?.[0];
      if (pci?.type !== 'pci') throw new Error(`${a}: no PCI capability`);
      expect(`${hex(pci.domain, 4)}:${hex(pci.bus, 2)}:${hex(pci.slot, 2)}.${pci.function}`).toBe(a);
      expect([pci.vendor.id, pci.product.id, pci.class]).toEqual([hexFile(a, 'vendor'), hexFile(a, 'device'), hexFile(a, 'class')]);
      const isBridge = hexFile(a, 'class') >> 8 === 0x0604;
      expect(pci.capabilities?.some((c) => c.type === 'pci-bridge') ?? false, a).toBe(isBridge);
      const group = shellGroup(a);
      expect(pci.iommuGroup?.number).toBe(group);
      if (group !== undefined) {
        const members = readdirSync(`/sys/kernel/iommu_groups/${group}/devices`).sort();
        expect((pci.iommuGroup?.addresses ?? []).map((m) => `${hex(m.domain, 4)}:${hex(m.bus, 2)}:${hex(m.slot, 2)}.${m.function}`)).toEqual(members);
      }
      expect(validateXml(doc, { profile: 'rng' }).diagnostics, doc).toEqual([]);
      writeFileSync(join(dir, `${String(i).padStart(3, '0')}.xml`), doc);
    });
  });

  it.skipIf(!SCHEMAS || spawnSync('xmllint', ['--version'], { stdio: 'ignore' }).status !== 0)("is valid for libvirt's nodedev.rng (xmllint)", () => {
    const files = readdirSync(dir).map((f) => join(dir, f));
    const res = spawnSync('xmllint', ['--noout', '--relaxng', join(SCHEMAS!, 'nodedev.rng'), ...files], { encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
  });

  it('read back with --nodedev, gives the live IOMMU report', () => {
    const live = iommu(['--sysfs', '/', '--json']);
    const back = iommu(['--nodedev', dir, '--json']);
    expect(back.code, back.err).toBe(0);
    const groups = (t: string) => (JSON.parse(t) as { groups: Array<Record<string, unknown>> }).groups.map(({ vfioNode: _v, ...g }) => g);
    // /dev/vfio/N is not in node-device XML: everything else is the same
    expect(groups(back.out)).toEqual(groups(live.out));
  });
});
