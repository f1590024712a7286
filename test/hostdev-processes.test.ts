/**
 * The hostdev manager across real processes (issue 14, items 1 and 7):
 * - two processes race to take over a stale lock (left by a process killed
 *   with SIGKILL while holding it): exactly one gets it, every trial;
 * - a process applying a plan is killed with SIGKILL at every state save
 *   and host write, and at random points; `recover()` in a fresh process
 *   brings the host and the state file to before or after the operation.
 * Children are test/helpers/hostdev-child.ts bundled with esbuild. Counts
 * are bounded; nothing is timed.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStateStore } from '../src/hostdev/file-store.js';
import { HostdevManager } from '../src/hostdev/manager.js';
import { MemoryPciHost } from '../src/pci/memory-host.js';
import { bundle } from './helpers/bundle.js';
import { GPU_HOSTDEV, loadHost, persistentHost, saveHost } from './helpers/persistent-host.js';
import { bindings, fixtureTopology } from './hostdev-helpers.js';

const LOCK_TRIALS = Number(process.env.VIRTXML_LOCK_TRIALS ?? 200);
const RANDOM_KILLS = Number(process.env.VIRTXML_RANDOM_KILLS ?? 6);

let work: string;
let child: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'virtxml-hostdev-proc-'));
  child = bundle(join(__dirname, 'helpers', 'hostdev-child.ts'), work);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A child process with its stdout as lines. */
class Child {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly lines: string[] = [];
  private waiters: Array<() => void> = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr = '';

  constructor(args: string[]) {
    this.proc = spawn(process.execPath, [child, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let buf = '';
    this.proc.stdout.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        this.lines.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
      for (const w of this.waiters.splice(0)) w();
    });
    this.proc.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => {
      for (const w of this.waiters.splice(0)) w();
      resolve({ code, signal });
    }));
  }

  private cursor = 0;

  /** The next unread line matching `re` (waits for it; lines before it are consumed); undefined if the process exits first. */
  async line(re: RegExp, onEach?: (l: string) => boolean): Promise<string | undefined> {
    for (;;) {
      while (this.cursor < this.lines.length) {
        const l = this.lines[this.cursor++]!;
        if (onEach?.(l)) return l;
        if (re.test(l)) return l;
      }
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) return undefined;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
}

const LONG = { timeout: 900_000 };

describe('the lock between processes', () => {
  it(`two processes taking over a stale lock at once: exactly one holds it, every trial (${LOCK_TRIALS} trials)`, LONG, async () => {
    // a stale lock, left by a holder killed with SIGKILL
    const template = join(work, 'lock-template');
    mkdirSync(template);
    const holder = new Child(['lock']);
    await holder.line(/^ready$/);
    holder.proc.stdin.write(`go 0 ${join(template, 'state.json')}\n`);
    expect(await holder.line(/^(held|refused)/)).toBe('held');
    holder.proc.kill('SIGKILL');
    await holder.exited;

    // two long-lived racers: each trial, both are told to take over a copy of the stale lock at once
    const racers = Array.from({ length: Number(process.env.VIRTXML_LOCK_RACERS ?? 2) }, () => new Child(['lock']));
    let both = 0;
    let one = 0;
    for (let t = 0; t < LOCK_TRIALS; t++) {
      const d = join(work, `lock-${t}`);
      cpSync(template, d, { recursive: true });
      await Promise.all(racers.map((r) => r.line(/^ready$/)));
      // both spin until the same instant (a few ms ahead), then take over the lock
      const at = performance.timeOrigin + performance.now() + 5;
      for (const r of racers) r.proc.stdin.write(`go ${at} ${join(d, 'state.json')}\n`);
      const outcomes = await Promise.all(racers.map((r) => r.line(/^(held|refused)/)));
      const held = outcomes.filter((o) => o === 'held').length;
      if (held > 1) both++;
      if (held === 1) one++;
      for (const r of racers) r.proc.stdin.write('next\n');
    }
    for (const r of racers) r.proc.stdin.end();
    await Promise.all(racers.map((r) => r.exited));
    console.log(`hostdev lock race: ${LOCK_TRIALS} trials of ${racers.length} processes taking over a stale lock left by a SIGKILLed holder at the same instant; both held it: ${both}; exactly one held it: ${one}/${LOCK_TRIALS}`);
    expect(both).toBe(0);
    expect(one).toBe(LOCK_TRIALS);
  });
});

interface Outcome {
  bindings: ReturnType<typeof bindings>;
  lists: unknown;
}

describe('kill -9 during apply, recover in a fresh process', () => {
  const GPU = '0000:01:00.0';
  const tally = { exact: 0, random: 0, finished: 0, consistent: 0 };
  afterAll(() => {
    const kills = tally.exact + tally.random;
    if (kills) {
      console.log(
        `hostdev kill -9: ${kills} processes killed mid-apply (${tally.exact} at every save and host write of 2 operations, ${tally.random} at random points; ${tally.finished} more random runs finished first), consistent after recover in a fresh process: ${tally.consistent}/${kills} (${Math.round((100 * tally.consistent) / kills)}%)`,
      );
    }
  });

  /** A trial directory: the host before the operation and the state file (the GPU given to vm1 first for reattach). */
  function setup(name: string, op: 'prepare' | 'reattach'): { dir: string; hostFile: string; state: string } {
    const dir = join(work, name);
    mkdirSync(dir);
    const hostFile = join(dir, 'host.json');
    const state = join(dir, 'state.json');
    saveHost(hostFile, new MemoryPciHost(fixtureTopology('gpu')));
    if (op === 'reattach') {
      const mgr = new HostdevManager(persistentHost(hostFile), { store: new FileStateStore(state) });
      mgr.prepare('QEMU', 'vm1', [GPU_HOSTDEV()]);
      mgr.close();
    }
    return { dir, hostFile, state };
  }

  function outcome(hostFile: string, state: string): Outcome {
    const mgr = new HostdevManager(persistentHost(hostFile), { store: new FileStateStore(state) });
    expect(mgr.needsRecovery).toBe(false);
    const lists = { active: mgr.activeDevices().map((d) => [d.name, d.usedBy]), inactive: mgr.inactiveDevices().map((d) => d.name), groups: mgr.managedGroups() };
    mgr.close();
    return { bindings: bindings(loadHost(hostFile)), lists };
  }

  /** One fresh process recovers every killed trial in turn. */
  async function recoverFresh(trials: Array<{ dir: string; hostFile: string; state: string }>): Promise<void> {
    const r = new Child(['recover', ...trials.flatMap((t) => [t.hostFile, t.state])]);
    const { code } = await r.exited;
    expect(code, r.stderr).toBe(0);
    expect(r.lines.filter((l) => l.startsWith('{'))).toHaveLength(trials.length);
    // the killed saves' temp files of the state store are gone (the test's own host file may
    // leave one of its temp files when a child is killed mid-way through saving it: not the store's)
    for (const t of trials) expect(readdirSync(t.dir).filter((n) => n.startsWith('.state.json') && n.endsWith('.tmp'))).toEqual([]);
  }

  it.each(['prepare', 'reattach'] as const)('%s: killed at every event and at random points; recover() restores before or after', LONG, async (op) => {
    // reference: before, and after a clean run in a child
    const ref = setup(`ref-${op}`, op);
    const before = outcome(ref.hostFile, ref.state);
    const clean = new Child(['apply', ref.hostFile, ref.state, op, '-1']);
    const done = await clean.line(/^done \d+$/);
    expect((await clean.exited).code, clean.stderr).toBe(0);
    const events = Number(done!.split(' ')[1]);
    expect(events).toBe(14); // 8 saves and 6 host writes
    const after = outcome(ref.hostFile, ref.state);
    expect(after).not.toEqual(before);
    if (op === 'prepare') expect(after.lists).toMatchObject({ active: [[GPU, { driver: 'QEMU', domain: 'vm1' }]] });

    const killed: Array<{ dir: string; hostFile: string; state: string }> = [];
    const check = (t: { dir: string; hostFile: string; state: string }) => {
      const got = outcome(t.hostFile, t.state);
      // an unfinished prepare goes back; an unfinished give-back is finished once the journal holds it
      expect([before, after]).toContainEqual(got);
      if (op === 'prepare') expect(got).toEqual(before);
      tally.consistent++;
    };

    for (let at = 0; at < events; at++) {
      const t = setup(`${op}-at-${at}`, op);
      const c = new Child(['apply', t.hostFile, t.state, op, String(at)]);
      expect(await c.line(/^paused \d+$/), c.stderr).toBe(`paused ${at}`);
      c.proc.kill('SIGKILL');
      expect((await c.exited).signal).toBe('SIGKILL');
      tally.exact++;
      killed.push(t);
    }

    for (let i = 0; i < RANDOM_KILLS; i++) {
      const t = setup(`${op}-random-${i}`, op);
      const k = Math.floor(Math.random() * events);
      const c = new Child(['apply', t.hostFile, t.state, op, '-1']);
      await c.line(/^done/, (l) => {
        if (l === `event ${k}`) {
          c.proc.kill('SIGKILL');
          return true;
        }
        return false;
      });
      const { signal } = await c.exited;
      if (signal === 'SIGKILL' && !c.lines.some((l) => l.startsWith('done'))) tally.random++;
      else {
        // the child got to the end before the kill took effect (a loaded machine): it finished
        expect(c.lines.some((l) => l.startsWith('done')), c.stderr).toBe(true);
        tally.finished++;
        expect(outcome(t.hostFile, t.state)).toEqual(after);
        continue;
      }
      killed.push(t);
    }
    await recoverFresh(killed);
    for (const t of killed) check(t);
    expect(readFileSync(ref.state, 'utf8')).toContain('"journal":null');
  });
});
