/**
 * `virtxml hostdev plan` on our fixtures (the GPU topology and the
 * group='auto' domain of test/fixtures).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cmdHostdev } from '../src/cli/hostdev.js';

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
    const r = run(['plan', fx('vm-group-auto.xml'), '--topology', fx('gpu-topology.json')]);
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
    const r = run(['plan', fx('vm-group-auto.xml'), '--topology', fx('gpu-topology.json'), '--json']);
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
    expect(r.stderr).toMatch(/ \[critical-group\]\n$/);
    const forced = run(['plan', fx('vm-sata-group.xml'), '--topology', fx('gpu-topology.json'), '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/detach\s+0000:00:1f\.0  lpc_ich -> vfio-pci/);
  });

  it('skips devices the host does not have; usage errors exit 2', () => {
    const r = run(['plan', fx('vm-group-auto.xml'), '--topology', fx('virpcimock-topology.json')]);
    // on the virpcimock host 0000:01:00.0 is an NVMe drive in its own group, 0000:01:00.1 does not exist
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('note: PCI device 0000:01:00.1 is not on the host: skipped');
    expect(run(['plan']).code).toBe(2);
    expect(run(['plan', 'x.xml', '--sysfs', '/', '--topology', 'y.json']).code).toBe(2);
    expect(run(['frobnicate']).code).toBe(2);
  });
});
