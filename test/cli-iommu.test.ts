/** `virtxml iommu` on a topology file and on a sysfs-shaped directory. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cmdIommu } from '../src/cli/iommu.js';
import { loadFixtureTopology } from './helpers/pci-reads.js';
import { writeSysfsTree } from './helpers/sysfs-tree.js';

const GPU = join(__dirname, 'fixtures', 'gpu-topology.json');
let dir: string;
let out: string;
let err: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'virtxml-iommu-cli-'));
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('virtxml iommu', () => {
  it('prints groups, members, viability and critical groups from a topology file', () => {
    expect(cmdIommu(['--topology', GPU])).toBe(0);
    expect(err).toBe('');
    const text = out.split('\n');
    expect(text).toContain('group 1: not viable');
    expect(text).toContain('  0000:01:00.0  10de:1b81  0x030000  nouveau');
    expect(text).toContain('  not viable: 0000:01:00.1 is bound to host driver snd_hda_intel');
    expect(text).toContain('group 0: viable, CRITICAL');
    expect(text).toContain('  0000:00:00.0  8086:191f  0x060000  (no driver)');
    expect(text).toContain('group 6: not viable, CRITICAL');
    expect(text).toContain('  critical: 0000:00:1f.4 is an SMBus controller (class 0x0c0500): the host needs it');
    expect(text).toContain('8 groups: 1 viable, 2 critical');
    // the SR-IOV section follows: the ixgbe PF and its VFs
    expect(out.slice(out.indexOf('8 groups'))).toContain('\nSR-IOV:\n  PF 0000:03:00.0  8086:10fb  group 2  ixgbe  enp3s0f0  3 of 3 VFs enabled\n    VF 0000:03:10.0  8086:10ed  group 3  ixgbevf  enp3s16  free\n');
  });

  it('reads a sysfs tree with --sysfs and prints the same report as the topology gives', () => {
    writeSysfsTree(dir, loadFixtureTopology('gpu-topology.json'));
    expect(cmdIommu(['--sysfs', dir, '--json'])).toBe(0);
    const fromSysfs = JSON.parse(out);
    out = '';
    expect(cmdIommu(['--topology', GPU, '--json'])).toBe(0);
    const fromTopology = JSON.parse(out);
    expect(fromSysfs.source).toBe(join(dir, 'sys'));
    expect(fromSysfs.groups).toEqual(fromTopology.groups);
    expect(fromSysfs.groups[3]).toEqual({
      group: 3,
      viable: false,
      reasons: ['0000:03:10.0 is bound to host driver ixgbevf'],
      critical: [],
      vfioNode: false,
      members: [{ address: '0000:03:10.0', id: '8086:10ed', class: '0x020000', headerType: 'endpoint', driver: 'ixgbevf', kind: 'host' }],
    });
  });

  it('says so when there are no IOMMU groups', () => {
    mkdirSync(join(dir, 'sys/bus/pci/devices'), { recursive: true });
    expect(cmdIommu(['--sysfs', dir])).toBe(0);
    expect(out).toBe(`no IOMMU groups in ${join(dir, 'sys')} (is the IOMMU enabled?)\n`);
  });

  it.each([
    [['--topology', '/nonexistent/t.json'], 'virtxml iommu: cannot read /nonexistent/t.json: ENOENT\n'],
    [['--topology', GPU, '--sysfs', '/'], 'virtxml iommu: --sysfs and --topology exclude each other\n'],
    [['extra'], "virtxml iommu: unexpected argument 'extra'\n"],
  ])('usage and I/O errors go to stderr with exit 2: %j', (args, message) => {
    expect(cmdIommu(args)).toBe(2);
    expect(err).toBe(message);
    expect(out).toBe('');
  });

  it('a --sysfs root that is not a sysfs tree is an error (exit 2), not "no IOMMU groups"', () => {
    expect(cmdIommu(['--sysfs', '/nonexistent'])).toBe(2);
    expect(err).toBe('virtxml iommu: error: cannot read /nonexistent/sys/bus/pci: ENOENT (is /nonexistent the root of a sysfs tree?) [read-failed]\n');
    expect(out).toBe('');
  });

  it('the --json report is accepted by --topology and gives the same report (round trip)', () => {
    expect(cmdIommu(['--topology', GPU, '--json'])).toBe(0);
    const first = JSON.parse(out);
    const report = join(dir, 'report.json');
    writeFileSync(report, out);
    out = '';
    expect(cmdIommu(['--topology', report, '--json'])).toBe(0);
    expect(err).toBe('');
    expect(JSON.parse(out).groups).toEqual(first.groups);
  });

  it('counts with the right plural', () => {
    const one = join(dir, 'one.json');
    writeFileSync(one, JSON.stringify({ drivers: [], devices: [{ address: '0000:00:01.0', vendor: 1, device: 2, class: 0x020000, iommuGroup: 4 }] }));
    expect(cmdIommu(['--topology', one])).toBe(0);
    expect(out.split('\n').at(-2)).toBe('1 group: 1 viable, 0 critical');
  });

  it('an invalid topology or an unknown option is exit 2 with the reason', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ drivers: [], devices: [{ address: '0000:00:01.0', vendor: 1, device: 2, class: 3, driver: 'igb' }] }));
    expect(cmdIommu(['--topology', bad])).toBe(2);
    expect(err).toBe(`virtxml iommu: ${bad}: invalid PCI topology:\n  device 0000:00:01.0: bound to unknown driver 'igb' (not in drivers)\n`);
    err = '';
    expect(cmdIommu(['--bogus'])).toBe(2);
    expect(err).toMatch(/^virtxml iommu: Unknown option '--bogus'/);
  });
});
