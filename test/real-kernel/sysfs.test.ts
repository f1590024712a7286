/**
 * SysfsHost against a real Linux kernel with an IOMMU: the guest of
 * ../shared/tools/real-kernel-vfio.sh (q35 + emulated Intel IOMMU, e1000 NICs
 * behind a PCIe-to-PCI bridge, the ISA/SATA/SMBus group). Run:
 *
 *   cd /work/main && bash ../shared/tools/real-kernel-vfio.sh npx vitest run test/real-kernel
 *
 * It rebinds real devices, so it runs only where asked to: in that guest
 * (RK_GUEST=1, set by the script) or with VIRTXML_REAL_KERNEL=1; there it
 * needs root and IOMMU groups, and fails without them. Elsewhere it skips.
 * Group numbers and addresses are read from /sys, never hard-coded.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SysfsHost } from '../../src/pci/sysfs.js';
import { criticalDevices, groupViability } from '../../src/pci/groups.js';
import { PYTHON, kernelViable } from './helpers/kernel.js';

const requested = process.env.RK_GUEST === '1' || process.env.VIRTXML_REAL_KERNEL === '1';
if (!requested) console.log('test/real-kernel: skipped (run it through ../shared/tools/real-kernel-vfio.sh, or set VIRTXML_REAL_KERNEL=1 on a disposable machine)');

const SYS = '/sys/bus/pci/devices';
const host = new SysfsHost();
const sub = (address: string) => host.info(address).class >> 8;
const shellDriver = (a: string) => (existsSync(`${SYS}/${a}/driver`) ? basename(readlinkSync(`${SYS}/${a}/driver`)) : undefined);
const hexFile = (a: string, f: string) => parseInt(readFileSync(`${SYS}/${a}/${f}`, 'utf8').trim(), 16);

/** libvirt 10.7's detach and reattach (§4.2, §4.3), through SysfsHost. */
function toVfio(a: string): void {
  host.setDriverOverride(a, 'vfio-pci');
  if (host.driver(a) !== undefined) host.unbind(a);
  host.probe(a);
}
function toHost(a: string): void {
  host.setDriverOverride(a, undefined);
  if (host.driver(a) !== undefined) host.unbind(a);
  host.probe(a);
}

describe.skipIf(!requested)('SysfsHost in a real kernel', () => {
  const touched = new Map<string, string | undefined>();
  afterAll(() => {
    for (const [a, driver] of touched) if (host.driver(a) !== driver || host.driverOverride(a) !== undefined) toHost(a);
  });

  it('runs as root with IOMMU groups', () => {
    expect(process.getuid?.(), 'must run as root').toBe(0);
    expect(host.iommuGroups().length, 'no IOMMU groups: is the IOMMU enabled?').toBeGreaterThan(0);
  });

  it('lists the groups and devices the shell sees, with ids matching the kernel text files', () => {
    expect(host.iommuGroups()).toEqual(readdirSync('/sys/kernel/iommu_groups').map(Number).sort((a, b) => a - b));
    expect(host.listDevices()).toEqual(readdirSync(SYS).sort());
    for (const a of host.listDevices()) {
      const info = host.info(a);
      expect([info.vendor, info.device, info.class]).toEqual([hexFile(a, 'vendor'), hexFile(a, 'device'), hexFile(a, 'class')]);
      expect(info.headerType).toBe(sub(a) === 0x0604 ? 'bridge' : 'endpoint');
      expect(host.driver(a)).toBe(shellDriver(a));
      expect(host.iommuGroupMembers(host.iommuGroup(a)!)).toContain(a);
      expect(host.driverOverride(a)).toBeUndefined();
    }
    const nics = host.listDevices().filter((a) => host.netdevs(a).length);
    expect(nics.length).toBeGreaterThan(0);
    for (const a of nics) for (const n of host.netdevs(a)) expect(host.netdevAddress(n)).toBe(a);
  });

  it('the ISA/SATA/SMBus group and the host bridge are critical', () => {
    const isa = host.listDevices().find((a) => sub(a) === 0x0601)!;
    const group = host.iommuGroup(isa)!;
    const members = host.iommuGroupMembers(group);
    const smbus = members.find((a) => sub(a) === 0x0c05)!;
    const sata = members.find((a) => sub(a) === 0x0106)!;
    expect(smbus && sata, `group ${group}: ${members.join(' ')}`).toBeTruthy();
    expect(criticalDevices(host, group).map((c) => c.address)).toEqual([isa, smbus].sort());
    const hostBridge = host.listDevices().find((a) => sub(a) === 0x0600)!;
    expect(criticalDevices(host, host.iommuGroup(hostBridge)!).map((c) => c.address)).toEqual([hostBridge]);
  });

  it('two e1000 NICs share a group with the PCIe-to-PCI bridge; binding both to vfio-pci makes it viable, as the kernel says', () => {
    const groups = host.iommuGroups().filter((g) => {
      const m = host.iommuGroupMembers(g);
      return m.some((a) => sub(a) === 0x0604) && m.filter((a) => host.driver(a) === 'e1000').length >= 2;
    });
    expect(groups).toHaveLength(1);
    const group = groups[0]!;
    const [a, b] = host.iommuGroupMembers(group).filter((d) => host.driver(d) === 'e1000');
    expect(groupViability(host, group)).toEqual({ viable: false, reasons: [`${a} is bound to host driver e1000`, `${b} is bound to host driver e1000`] });

    if (!host.driverLoaded('vfio-pci')) execFileSync('modprobe', ['vfio-pci']);
    expect(host.driverLoaded('vfio-pci')).toBe(true);
    const netdevs = host.netdevs(a!);
    expect(netdevs.length).toBe(1);
    touched.set(a!, 'e1000').set(b!, 'e1000');

    toVfio(a!);
    expect(host.driver(a!)).toBe('vfio-pci');
    expect(host.driverOverride(a!)).toBe('vfio-pci');
    expect(host.hasVfioDev(a!)).toBe(true); // kernel >= 6.1: vfio-pci devices have vfio-dev/ too
    expect(host.netdevs(a!)).toEqual([]);
    expect(host.vfioGroupNode(group)).toBe(true);
    expect(statSync(`/dev/vfio/${group}`).isCharacterDevice()).toBe(true);
    expect(groupViability(host, group)).toEqual({ viable: false, reasons: [`${b} is bound to host driver e1000`] });
    if (PYTHON) expect(kernelViable(group)).toBe(false);

    toVfio(b!);
    expect(groupViability(host, group)).toEqual({ viable: true, reasons: [] });
    if (PYTHON) expect(kernelViable(group)).toBe(true);
    else console.log('test/real-kernel: no python3, the kernel was not asked (VFIO_GROUP_GET_STATUS); /dev/vfio/N checked only');

    toHost(a!);
    toHost(b!);
    for (const d of [a!, b!]) {
      expect(host.driver(d)).toBe('e1000');
      expect(host.driverOverride(d)).toBeUndefined();
      expect(host.hasVfioDev(d)).toBe(false);
    }
    expect(host.vfioGroupNode(group)).toBe(false);
    expect(existsSync(`/dev/vfio/${group}`)).toBe(false);
    expect(host.netdevs(a!)).toHaveLength(1); // a new interface (its name may differ)
    expect(groupViability(host, group).viable).toBe(false);
  });

  it('the kernel refuses: unbind of an unbound bridge, bind of a bound NIC, an unknown driver', () => {
    const bridge = host.listDevices().find((d) => sub(d) === 0x0604 && host.driver(d) === undefined)!;
    expect(() => host.unbind(bridge)).toThrow(/not bound to a driver/);
    const nic = host.listDevices().find((d) => host.driver(d) === 'e1000')!;
    expect(() => host.bind(nic, 'e1000')).toThrow(new RegExp(`cannot write "${nic}" to /sys/bus/pci/drivers/e1000/bind: E[A-Z]+`));
    expect(host.driver(nic)).toBe('e1000');
    expect(() => host.bind(nic, 'no-such-driver')).toThrow(/not loaded/);
  });
});
