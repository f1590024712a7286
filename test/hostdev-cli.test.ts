/**
 * `virtxml hostdev plan` on our fixtures (the GPU topology and the
 * group='auto' domain of test/fixtures).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cmdHostdev } from '../src/cli/hostdev.js';
import { FileStateStore } from '../src/hostdev/file-store.js';
import { HostdevManager } from '../src/hostdev/manager.js';
import { KillSwitch, KillableStore, hostOf, pciHostdev } from './hostdev-helpers.js';
import { loadFixtureTopology } from './helpers/pci-reads.js';
import { writeSysfsTree } from './helpers/sysfs-tree.js';

const fx = (name: string) => join(__dirname, 'fixtures', name);

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  const code = cmdHostdev(args);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

describe('virtxml hostdev plan', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints the steps, list moves and groups for a domain', () => {
    const r = run(['plan', fx('vm-group-auto.xml'), '--topology', fx('gpu-topology.json'), '--allow-missing']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("# domain 'gpu-guest' (driver QEMU): prepare plan, nothing written");
    expect(r.stdout).toMatch(/ 1\. detach\s+0000:01:00\.0  nouveau -> vfio-pci/);
    expect(r.stdout).toMatch(/ 2\. detach\s+0000:01:00\.1  snd_hda_intel -> vfio-pci/);
    expect(r.stdout).toContain('0000:01:00.0  (none) -> active  managed=yes  usedBy QEMU/gpu-guest');
    expect(r.stdout).toContain('group 1: manage');
    expect(r.stdout).toContain('note: PCI device 0000:05:00.0 is not on the host: skipped');
  });

  it('--json prints the plan as data', () => {
    const r = run(['plan', fx('vm-group-auto.xml'), '--topology', fx('gpu-topology.json'), '--json', '--allow-missing']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.domain).toBe('gpu-guest');
    expect(plan.steps.map((s: { device: string; action: string }) => [s.device, s.action])).toEqual([
      ['0000:01:00.0', 'detach'],
      ['0000:01:00.1', 'detach'],
    ]);
    expect(plan.moves).toHaveLength(2);
  });

  it('a refused plan exits 1 with the reason; --force plans it', () => {
    const r = run(['plan', fx('vm-sata-group.xml'), '--topology', fx('gpu-topology.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/: error: Refusing to detach IOMMU group 6 of PCI device 0000:00:1f\.2/);
    // the command line's way to force it
    expect(r.stderr).toMatch(/Pass --force to detach it anyway \[critical-group\]/);
    const json = run(['plan', fx('vm-sata-group.xml'), '--topology', fx('gpu-topology.json'), '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).error).toMatchObject({ reason: 'critical-group', remedy: { option: 'force' } });
    expect(JSON.parse(json.stdout).error.message).toMatch(/Pass --force to detach it anyway$/);
    const forced = run(['plan', fx('vm-sata-group.xml'), '--topology', fx('gpu-topology.json'), '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/detach\s+0000:00:1f\.0  lpc_ich -> vfio-pci/);
  });

  it('a device the host does not have is an error (exit 1) unless --allow-missing', () => {
    const r = run(['plan', fx('vm-group-auto.xml'), '--topology', fx('gpu-topology.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${fx('vm-group-auto.xml')}: error: PCI device 0000:05:00.0 is not on the host (pass --allow-missing to plan without it) [no-device]\n`);
    expect(r.stdout).toBe('');
  });

  it('skips devices the host does not have with --allow-missing; usage errors exit 2', () => {
    const r = run(['plan', fx('vm-group-auto.xml'), '--topology', fx('virpcimock-topology.json'), '--allow-missing']);
    // on the virpcimock host 0000:01:00.0 is an NVMe drive in its own group, 0000:01:00.1 does not exist
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('note: PCI device 0000:01:00.1 is not on the host: skipped');
    expect(run(['plan']).code).toBe(2);
    expect(run(['plan', 'x.xml', '--sysfs', '/', '--topology', 'y.json']).code).toBe(2);
    expect(run(['frobnicate']).code).toBe(2);
  });
});

describe('virtxml hostdev status and recover', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'virtxml-hostdev-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const GPU_DEF = () => pciHostdev('0000:01:00.0', { managed: true, group: true });

  /** A state file in which vm1 holds the GPU; with `killAt`, a prepare that died at that save instead. */
  function stateFile(killAt?: number): string {
    const file = join(dir, 'state.json');
    const host = hostOf('gpu');
    if (killAt === undefined) {
      const mgr = new HostdevManager(host, { store: new FileStateStore(file) });
      mgr.prepare('QEMU', 'vm1', [GPU_DEF()]);
      mgr.close();
      return file;
    }
    const store = new KillableStore(new FileStateStore(file), new KillSwitch(killAt));
    const mgr = new HostdevManager(host, { store });
    expect(() => mgr.prepare('QEMU', 'vm1', [GPU_DEF()])).toThrow();
    store.die();
    return file;
  }

  it('status prints what the state records and that the lock is free', () => {
    const file = stateFile();
    const r = run(['status', '--state', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`# hostdev state ${file} (generation 1)`);
    expect(r.stdout).toContain('lock: free');
    expect(r.stdout).toContain('active (1 device):');
    expect(r.stdout).toContain('  0000:01:00.0  QEMU/vm1  managed=yes  stubDriver=vfio-pci');
    expect(r.stdout).toContain('  group 1: detached 0000:01:00.1 (from snd_hda_intel)');
    expect(r.stdout).toContain('needs recovery: no');
    const j = run(['status', '--state', file, '--json']);
    expect(JSON.parse(j.stdout)).toMatchObject({ generation: 1, needsRecovery: false, lock: null, active: [{ device: '0000:01:00.0', domain: 'vm1' }] });
  });

  it('status of an unfinished operation exits 1 and names the recover command; recover finishes it', () => {
    const file = stateFile(1); // the journal is saved, no host write has happened
    const s = run(['status', '--state', file]);
    expect(s.code).toBe(1);
    expect(s.stdout).toContain(`needs recovery: an unfinished operation is in the journal; run: virtxml hostdev recover --state ${file}`);
    const sys = join(dir, 'root');
    writeSysfsTree(sys, loadFixtureTopology('gpu-topology.json'));
    const r = run(['recover', '--state', file, '--sysfs', sys]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`recovered ${file}: unfinished prepare of domain vm1 (QEMU) undone; 0 devices\n`);
    expect(run(['status', '--state', file]).code).toBe(0);
    expect(run(['recover', '--state', file, '--sysfs', sys]).stdout).toBe(`nothing to recover in ${file}\n`);
  });

  it.each([
    ['a missing state file', (f: string) => void f, /^virtxml hostdev: error: hostdev state file .*state\.json does not exist \[state-io\]\n$/],
    ['an empty state file', (f: string) => writeFileSync(f, ''), /^virtxml hostdev: error: .*state\.json is empty \(0 bytes\): refusing to read it as a fresh state \[bad-state\]\n$/],
    ['a corrupt state file', (f: string) => writeFileSync(f, '{"format":"virtxml-hostdev/1","generation":0,"lists":{"active":7,"inactive":[],"groups":[]},"journal":null}'), /^virtxml hostdev: error: .*state\.json is not a valid virtxml-hostdev\/1 state: \/lists\/active must be array \[bad-state\]\n$/],
  ])('%s: one line with its code, exit 2, for status, plan and recover', (_what, make, message) => {
    const file = join(dir, 'state.json');
    make(file);
    const sys = join(dir, 'root');
    writeSysfsTree(sys, loadFixtureTopology('gpu-topology.json'));
    for (const args of [
      ['status', '--state', file],
      ['plan', fx('vm-group-auto.xml'), '--topology', fx('gpu-topology.json'), '--allow-missing', '--state', file],
    ]) {
      const r = run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('recover: a lock held by another manager, a missing --sysfs root, a missing directory: exit 2, one line', () => {
    const file = stateFile();
    const held = new FileStateStore(file).lock();
    const r = run(['recover', '--state', file, '--sysfs', '/']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^virtxml hostdev: error: hostdev state is locked by process ${process.pid} on \\S+ since \\S+ \\(.*\\): another hostdev manager is running \\[locked\\]\\n$`));
    held();
    expect(run(['recover', '--state', file, '--sysfs', '/nonexistent']).stderr).toBe('virtxml hostdev: error: cannot read /nonexistent/sys/bus/pci: ENOENT (is /nonexistent the root of a sysfs tree?) [read-failed]\n');
    const nodir = run(['status', '--state', join(dir, 'nope', 'state.json')]);
    expect(nodir.code).toBe(2);
    expect(nodir.stderr).toMatch(/^virtxml hostdev: error: cannot use hostdev state file .*nope\/state\.json: directory .*nope: ENOENT \[state-io\]\n$/);
  });

  it('an empty or corrupt file is kept aside by recover, and then refused by every command', () => {
    const file = join(dir, 'state.json');
    writeFileSync(file, '');
    const sys = join(dir, 'root');
    writeSysfsTree(sys, loadFixtureTopology('gpu-topology.json'));
    const r = run(['recover', '--state', file, '--sysfs', sys]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: .* is empty .*; kept aside as .*state\.json\.corrupt-.* \[bad-state\]/);
    const s = run(['status', '--state', file]);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/does not exist but an invalid state was kept aside as/);
  });
});
