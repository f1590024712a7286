/**
 * The hostdev manager against a real Linux kernel: `apply` (a group='auto'
 * prepare of a multifunction group) is killed with SIGKILL mid-way, with one
 * device already on vfio-pci; `virtxml hostdev recover` in a fresh process
 * puts every device back on its original driver. Runs only where
 * test/real-kernel/sysfs.test.ts runs (see its header):
 *
 *   bash ../shared/tools/real-kernel-vfio.sh node_modules/.bin/vitest run test/real-kernel
 *
 * It uses the multifunction group (two endpoints bound to host drivers, no
 * bridge, not critical), not the group sysfs.test.ts rebinds, so the two
 * files can run in parallel. Group numbers and addresses are read from /sys.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SysfsHost } from '../../src/pci/sysfs.js';
import { criticalDevices } from '../../src/pci/groups.js';
import { bundle } from '../helpers/bundle.js';

const requested = process.env.RK_GUEST === '1' || process.env.VIRTXML_REAL_KERNEL === '1';
const SYS = '/sys/bus/pci/devices';
const host = new SysfsHost();

/** Driver and override of every device, read by the shell's means. */
function bindings(): Record<string, [string | undefined, string | undefined]> {
  const out: Record<string, [string | undefined, string | undefined]> = {};
  for (const a of host.listDevices()) {
    const driver = existsSync(`${SYS}/${a}/driver`) ? basename(readlinkSync(`${SYS}/${a}/driver`)) : undefined;
    const o = existsSync(`${SYS}/${a}/driver_override`) ? readFileSync(`${SYS}/${a}/driver_override`, 'utf8').trim() : '(null)';
    out[a] = [driver, o === '(null)' || o === '' ? undefined : o];
  }
  return out;
}

function run(file: string, args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    p.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe.skipIf(!requested)('hostdev apply killed mid-way in a real kernel, recovered by `virtxml hostdev recover`', () => {
  const work = requested ? mkdtempSync(join(tmpdir(), 'virtxml-rk-hostdev-')) : '';
  let initial: ReturnType<typeof bindings> | undefined;
  afterAll(() => {
    // whatever happened, give the devices back (the driver the kernel chooses)
    if (initial) {
      for (const [a, [driver]] of Object.entries(initial)) {
        if (host.driver(a) === driver && host.driverOverride(a) === undefined) continue;
        host.setDriverOverride(a, undefined);
        if (host.driver(a) !== undefined) host.unbind(a);
        host.probe(a);
      }
    }
    rmSync(work, { recursive: true, force: true });
  });

  it('every device is back on its original driver', { timeout: 600_000 }, async () => {
    expect(process.getuid?.(), 'must run as root').toBe(0);
    if (!host.driverLoaded('vfio-pci')) execFileSync('modprobe', ['vfio-pci']);
    const groups = host.iommuGroups().filter((g) => {
      const m = host.iommuGroupMembers(g);
      return m.length >= 2 && criticalDevices(host, g).length === 0 && m.every((a) => host.info(a).headerType === 'endpoint' && host.driver(a) !== undefined && host.driver(a) !== 'vfio-pci');
    });
    expect(groups.length, 'a multifunction group of endpoints on host drivers').toBeGreaterThan(0);
    const members = host.iommuGroupMembers(groups[0]!);
    const target = members.at(-1)!;
    initial = bindings();

    const child = bundle(join(__dirname, '..', 'helpers', 'hostdev-child.ts'), work);
    const cli = bundle(join(__dirname, '..', 'helpers', 'cli-entry.ts'), work, 'virtxml.cjs');
    const state = join(work, 'state.json');

    // events: 0 the journal, then a save and a write per host write; at 8 the first device
    // has had its override set, been unbound and been probed onto vfio-pci
    const p = spawn(process.execPath, [child, 'apply', 'sysfs:/', state, 'prepare', '8', target], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    await new Promise<void>((resolve, reject) => {
      p.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (/^paused 8$/m.test(out)) {
          p.kill('SIGKILL');
          resolve();
        }
      });
      p.on('exit', () => reject(new Error(`the child exited before event 8: ${out} ${err}`)));
    });
    await new Promise((r) => p.on('exit', r));
    expect(p.signalCode).toBe('SIGKILL');
    const mid = bindings();
    const moved = members.filter((a) => mid[a]![0] === 'vfio-pci');
    expect(moved.length, `killed with a device on vfio-pci: ${JSON.stringify(mid)}`).toBe(1);
    expect(mid).not.toEqual(initial);

    const status = await run(cli, ['hostdev', 'status', '--state', state]);
    expect(status.code, status.stderr).toBe(1);
    expect(status.stdout, status.stderr).toContain(`run: virtxml hostdev recover --state ${state}`);

    const recovered = await run(cli, ['hostdev', 'recover', '--state', state, '--sysfs', '/']);
    expect(recovered.stderr).toBe('');
    expect(recovered.code).toBe(0);
    expect(recovered.stdout).toMatch(new RegExp(`^recovered ${state}: unfinished prepare of domain vm1 \\(QEMU\\) undone; `));
    console.log(`test/real-kernel: killed mid-prepare of group ${groups[0]} (${members.join(' ')}) with ${moved.join(' ')} on vfio-pci; ${recovered.stdout.trim()}`);

    expect(bindings()).toEqual(initial);
    expect((await run(cli, ['hostdev', 'status', '--state', state])).code).toBe(0);
  });
});
