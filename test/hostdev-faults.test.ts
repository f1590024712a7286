/**
 * Nothing lost: a failure at each host write rolls everything back; a kill
 * (the process dying) at each host write or state save is recovered by a
 * new manager on the same host and store; the lock keeps a second manager
 * out; a new manager continues from the store.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { HostdevError } from '../src/hostdev/errors.js';
import { FileStateStore } from '../src/hostdev/file-store.js';
import { parseState } from '../src/hostdev/journal.js';
import { HostdevManager } from '../src/hostdev/manager.js';
import { MemoryStateStore, type StateStore } from '../src/hostdev/store.js';
import type { HostdevDef } from '../src/domain/devices/hostdev.js';
import type { MemoryPciHost } from '../src/pci/memory-host.js';
import { KillSwitch, KillableStore, bindings, hostOf, killableHost, pciHostdev } from './hostdev-helpers.js';

const GPU = '0000:01:00.0';
const AUDIO = '0000:01:00.1';
const SATA = '0000:00:1f.2';
const gpu = () => pciHostdev(GPU, { managed: true, group: true });
const audio = () => pciHostdev(AUDIO, { managed: true, group: true });
const sata = () => pciHostdev(SATA, { managed: true, group: true });

/** Everything that must be unchanged: bindings, list contents, group records. */
function snapshot(host: MemoryPciHost, mgr: HostdevManager) {
  return {
    bindings: bindings(host),
    active: mgr.activeDevices().map((d) => [d.name, d.usedBy, d.managed, d.unbindFromStub, d.origDriver]),
    inactive: mgr.inactiveDevices().map((d) => [d.name, d.managed, d.unbindFromStub, d.origDriver]),
    groups: mgr.managedGroups(),
  };
}

interface Scenario {
  name: string;
  /** Brings the host and manager to the state before the operation. */
  setup(mgr: HostdevManager): void;
  op(mgr: HostdevManager): void;
  /** Host writes of the operation when nothing fails (checked, so the loops cover every write). */
  writes: number;
}

const scenarios: Scenario[] = [
  { name: 'group detach (GPU + HDMI audio mate)', setup: () => {}, op: (m) => void m.prepare('QEMU', 'vm1', [gpu()]), writes: 6 },
  { name: 'forced group detach (SATA + ISA bridge + SMBus mates)', setup: () => {}, op: (m) => void m.prepare('QEMU', 'vm1', [sata()], { force: true }), writes: 9 },
  { name: 'group re-attach (GPU + mate)', setup: (m) => void m.prepare('QEMU', 'vm1', [gpu()]), op: (m) => void m.reattach('QEMU', 'vm1', [gpu()]), writes: 6 },
  {
    name: 'group re-attach of the last member (held GPU + audio)',
    setup: (m) => {
      m.prepare('QEMU', 'vm1', [gpu(), audio()]);
      m.reattach('QEMU', 'vm1', [gpu()]);
    },
    op: (m) => void m.reattach('QEMU', 'vm1', [audio()]),
    writes: 6,
  },
  {
    name: 'forced group re-attach',
    setup: (m) => void m.prepare('QEMU', 'vm1', [sata()], { force: true }),
    op: (m) => void m.reattach('QEMU', 'vm1', [sata()]),
    writes: 9,
  },
];

describe.each(scenarios)('$name', (s) => {
  function fresh(store = new MemoryStateStore()) {
    const host = hostOf('gpu');
    const mgr = new HostdevManager(host, { store });
    s.setup(mgr);
    return { host, mgr, store };
  }

  it('a clean run makes the expected number of writes', () => {
    const { host, mgr } = fresh();
    const n = host.writes().length;
    s.op(mgr);
    expect(host.writes().length - n).toBe(s.writes);
  });

  it('a failure at each host write leaves every device where it was and the lists unchanged', () => {
    let failures = 0;
    for (let n = 0; n <= s.writes; n++) {
      const { host, mgr, store } = fresh();
      const before = snapshot(host, mgr);
      const base = host.writes().length;
      host.injectFault((_op, _a, i) => i === base + n);
      let error: unknown;
      try {
        s.op(mgr);
      } catch (e) {
        error = e;
      }
      host.injectFault(undefined);
      if (n === s.writes) {
        expect(error).toBeUndefined();
        break;
      }
      expect(error).toBeInstanceOf(HostdevError);
      expect((error as HostdevError).reason).toBe('host-failure');
      failures++;
      expect(snapshot(host, mgr)).toEqual(before);
      expect(parseState(store.load()).journal).toBeNull();
      // the manager is usable and the operation now succeeds
      s.op(mgr);
    }
    expect(failures).toBe(s.writes);
  });

  it('a kill at each host write or save is recovered by a new manager', () => {
    // reference: the states before and after a clean run
    const ref = fresh();
    const before = snapshot(ref.host, ref.mgr);
    s.op(ref.mgr);
    const after = snapshot(ref.host, ref.mgr);
    const undo = s.name.includes('detach');

    let kills = 0;
    for (let at = 0; ; at++) {
      const inner = new MemoryStateStore();
      const { host, mgr: setupMgr } = fresh(inner);
      setupMgr.close();
      const sw = new KillSwitch(at);
      const store = new KillableStore(inner, sw);
      const mgr = new HostdevManager(host, { store });
      killableHost(host, sw);
      let killed = false;
      try {
        s.op(mgr);
      } catch {
        killed = true;
      }
      host.injectFault(undefined);
      if (!killed) {
        expect(snapshot(host, mgr)).toEqual(after);
        break;
      }
      expect(sw.dead).toBe(true);
      kills++;
      store.die();
      const next = new HostdevManager(host, { store: inner });
      const report = next.recover();
      expect(next.needsRecovery).toBe(false);
      expect(parseState(inner.load()).journal).toBeNull();
      // an unfinished detach goes back; an unfinished give-back is finished (once the journal holds it)
      const want = undo || !report.recovered ? before : after;
      expect(snapshot(host, next)).toEqual(want);
      if (at === 0) expect(report.recovered).toBe(false);
      else expect(report).toMatchObject({ recovered: true, mode: undo ? 'undo' : 'redo' });
      next.close();
    }
    // begin save, then a journal save and the write itself for each write, then the commit save
    expect(kills).toBe(2 * s.writes + 2);
  });

  it('a failing save at every index, the last included, leaves a state recover() makes consistent', () => {
    const ref = fresh();
    const before = snapshot(ref.host, ref.mgr);
    const counter = new FailingStore(ref.store, Infinity);
    ref.mgr.close();
    const refMgr = new HostdevManager(ref.host, { store: counter });
    s.op(refMgr);
    const after = snapshot(ref.host, refMgr);
    const saves = counter.count;
    expect(saves).toBe(s.writes + 2); // begin, one per write, commit
    const undo = s.name.includes('detach');
    for (let at = 0; at < saves; at++) {
      const { host, mgr: setupMgr, store: inner } = fresh();
      setupMgr.close();
      const store = new FailingStore(inner, at);
      const mgr = new HostdevManager(host, { store });
      let error: unknown;
      try {
        s.op(mgr);
      } catch (e) {
        error = e;
      }
      expect(error, `save ${at} of ${saves}`).toBeDefined();
      let want = before;
      // the commit save failing leaves the whole operation in the journal (nothing to roll back from memory)
      if (at === saves - 1) expect(mgr.needsRecovery, 'the last save').toBe(true);
      if (mgr.needsRecovery) {
        expect((error as HostdevError).reason).toBe('needs-recovery');
        expect(() => s.op(mgr)).toThrow(/call recover\(\) first/);
        const report = mgr.recover();
        if (report.mode === 'redo') want = after;
        expect(report.mode).toBe(undo ? 'undo' : 'redo');
      }
      expect(mgr.needsRecovery).toBe(false);
      expect(snapshot(host, mgr), `save ${at} of ${saves}`).toEqual(want);
      // a new manager reads the same from the store
      mgr.close();
      const next = new HostdevManager(host, { store: inner });
      expect(next.needsRecovery).toBe(false);
      expect(snapshot(host, next)).toEqual(want);
      next.close();
      saveFaults.tried++;
      saveFaults.consistent++;
    }
  });
});

/** Counts of the save-fault suite, printed after it. */
const saveFaults = { tried: 0, consistent: 0 };
afterAll(() => {
  if (saveFaults.tried) {
    console.log(`hostdev save faults: ${saveFaults.tried} scenarios (a failing save at every index of ${scenarios.length} operations), consistent afterwards: ${saveFaults.consistent}/${saveFaults.tried} (${Math.round((100 * saveFaults.consistent) / saveFaults.tried)}%)`);
  }
});

/** A store whose save number `at` fails as a full disk would (0-based); counts saves. */
class FailingStore implements StateStore {
  count = 0;
  constructor(
    readonly inner: StateStore,
    readonly at: number,
  ) {}
  load(): string | undefined {
    return this.inner.load();
  }
  save(text: string): void {
    if (this.count++ === this.at) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    this.inner.save(text);
  }
  lock(): () => void {
    return this.inner.lock();
  }
}

describe('rollback failure', () => {
  it('leaves the operation in the journal; recover() puts the devices back', () => {
    const host = hostOf('gpu');
    const store = new MemoryStateStore();
    const mgr = new HostdevManager(host, { store });
    const before = snapshot(host, mgr);
    // the 4th write fails, and so does the first write of the rollback
    host.injectFault((_op, _a, i) => i === 3 || i === 4);
    let error: unknown;
    try {
      mgr.prepare('QEMU', 'vm1', [gpu()]);
    } catch (e) {
      error = e;
    }
    host.injectFault(undefined);
    expect((error as HostdevError).reason).toBe('needs-recovery');
    expect(mgr.needsRecovery).toBe(true);
    expect(() => mgr.prepare('QEMU', 'vm1', [gpu()])).toThrow(/call recover\(\) first/);
    expect(mgr.recover()).toMatchObject({ recovered: true, op: 'prepare', mode: 'undo', devices: [GPU, AUDIO] });
    expect(snapshot(host, mgr)).toEqual(before);
  });
});

describe('state store', () => {
  it('a second manager on the same store is refused while the first holds the lock', () => {
    const host = hostOf('gpu');
    const store = new MemoryStateStore();
    const a = new HostdevManager(host, { store });
    const e = (() => {
      try {
        new HostdevManager(host, { store });
      } catch (x) {
        return x as HostdevError;
      }
      return undefined;
    })();
    expect(e?.reason).toBe('locked');
    a.close();
    const b = new HostdevManager(host, { store });
    expect(b.counts()).toEqual({ active: 0, inactive: 0 });
  });

  it('a new manager on the same host and store continues: lists, usedBy, group records', () => {
    const host = hostOf('gpu');
    const store = new MemoryStateStore();
    const initial = bindings(host);
    const a = new HostdevManager(host, { store });
    const devs: HostdevDef[] = [gpu(), audio()];
    a.prepare('QEMU', 'vm1', devs);
    a.reattach('QEMU', 'vm1', [gpu()]);
    a.close();
    const b = new HostdevManager(host, { store });
    expect(b.counts()).toEqual({ active: 1, inactive: 1 });
    expect(b.usedBy(AUDIO)).toEqual({ driver: 'QEMU', domain: 'vm1' });
    expect(b.managedGroups()).toEqual([{ group: 1, detached: [], held: [GPU] }]);
    expect(() => b.prepare('QEMU', 'vm2', [gpu()])).toThrow(`PCI device ${AUDIO} is in use by driver QEMU, domain vm1`);
    b.reattach('QEMU', 'vm1', [audio()]);
    expect(bindings(host)).toEqual(initial);
  });

  it('refuses a state it cannot read', () => {
    const store = new MemoryStateStore('{"format":"something else"}');
    expect(() => new HostdevManager(hostOf('gpu'), { store })).toThrow(/not in format virtxml-hostdev\/1/);
    expect(store.locked).toBe(false);
  });
});

describe('FileStateStore', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const path = () => join((dir ??= mkdtempSync(join(tmpdir(), 'virtxml-hostdev-'))), 'state.json');

  it('saves atomically through a temp file and loads back', () => {
    const p = path();
    const store = new FileStateStore(p);
    expect(store.load()).toBeUndefined();
    const unlock = store.lock();
    store.save('{"a":1}');
    store.save('{"a":2}');
    expect(readFileSync(p, 'utf8')).toBe('{"a":2}');
    expect(readdirSync(dir!).sort()).toEqual(['state.json', 'state.json.lock']);
    unlock();
  });

  it('locks with a lock directory naming its holder, refuses a live holder, takes over a dead one', () => {
    const p = path();
    const unlock = new FileStateStore(p).lock();
    expect(readdirSync(p + '.lock')).toEqual(['1']);
    expect(JSON.parse(readFileSync(p + '.lock/1', 'utf8'))).toMatchObject({ pid: process.pid });
    expect(() => new FileStateStore(p).lock()).toThrow(new RegExp(`locked by process ${process.pid} on \\S+ since`));
    unlock();
    // released: the lock file stays, marked free; the next holder takes the next number
    expect(JSON.parse(readFileSync(p + '.lock/1', 'utf8'))).toMatchObject({ free: true });
    const again = new FileStateStore(p).lock();
    expect(readdirSync(p + '.lock')).toEqual(['2']);
    again();
    // a lock left by a process that no longer exists
    writeFileSync(p + '.lock/3', JSON.stringify({ pid: 2147483646, host: hostname(), token: 'x', since: 'then' }));
    const third = new FileStateStore(p).lock();
    expect(readdirSync(p + '.lock')).toEqual(['4']);
    third();
  });

  it('a manager on a file store: a crash mid-prepare is recovered by the next manager', () => {
    const p = path();
    const host = hostOf('gpu');
    const initial = bindings(host);
    const sw = new KillSwitch(4);
    const store = new KillableStore(new FileStateStore(p), sw);
    const mgr = new HostdevManager(host, { store });
    killableHost(host, sw);
    expect(() => mgr.prepare('QEMU', 'vm1', [gpu()])).toThrow();
    host.injectFault(undefined);
    expect(bindings(host)).not.toEqual(initial);
    store.die();
    const next = new HostdevManager(host, { store: new FileStateStore(p) });
    expect(next.needsRecovery).toBe(true);
    next.recover();
    expect(bindings(host)).toEqual(initial);
    next.close();
  });
});
