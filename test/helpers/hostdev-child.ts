/**
 * Test-only child process for the multi-process hostdev tests (bundled by
 * test/helpers/bundle.ts, run with node):
 *
 *   lock                       prints "ready"; on a line "go T STATE" waits (spinning)
 *                              until time T (ms since the epoch), then takes that
 *                              store's lock: prints "held" (holds it) or "refused
 *                              REASON"; on "next" releases it and prints "ready"
 *   apply HOST STATE OP PAUSE [ADDRESS]
 *                              runs OP (prepare | reattach of the GPU group of vm1,
 *                              or of ADDRESS) on HOST ('sysfs:ROOT' or a persistent
 *                              host's JSON file); before every state save and
 *                              host write prints "event N"; at event PAUSE prints
 *                              "paused N" and blocks forever (the parent kills it);
 *                              prints "done EVENTS" at the end
 *   recover HOST STATE...      recovers each pair in this fresh process; prints
 *                              each report (a JSON line)
 */
import { writeSync } from 'node:fs';
import { FileStateStore } from '../../src/hostdev/file-store.js';
import { HostdevError } from '../../src/hostdev/errors.js';
import { HostdevManager } from '../../src/hostdev/manager.js';
import type { StateStore } from '../../src/hostdev/store.js';
import { GPU_HOSTDEV, persistentHost, withWriteHook } from './persistent-host.js';
import { SysfsHost } from '../../src/pci/sysfs.js';
import type { PciHost } from '../../src/pci/host.js';
import { parsePciAddressName } from '../../src/common/basictypes.js';

/** HOST: 'sysfs:ROOT' (a real sysfs) or a persistent host's JSON file. */
function hostOf(spec: string, beforeWrite: () => void = () => {}): PciHost {
  return spec.startsWith('sysfs:') ? withWriteHook(new SysfsHost({ root: spec.slice(6) }), beforeWrite) : persistentHost(spec, beforeWrite);
}

const say = (line: string) => writeSync(1, line + '\n');

function lockMode(): void {
  let unlock: (() => void) | undefined;
  let buf = '';
  say('ready');
  process.stdin.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line.startsWith('go ')) {
        const [, at, file] = /^go (\S+) (.*)$/.exec(line)!;
        const store = new FileStateStore(file!);
        // both racers spin to the same instant, so their takeovers overlap
        const start = Number(at);
        while (performance.timeOrigin + performance.now() < start);
        try {
          unlock = store.lock();
          say('held');
        } catch (e) {
          say(`refused ${e instanceof HostdevError ? e.reason : String(e)}`);
        }
      } else if (line === 'next') {
        unlock?.();
        unlock = undefined;
        say('ready');
      }
    }
  });
  process.stdin.on('end', () => {
    unlock?.();
    process.exit(0);
  });
}

function applyMode(hostFile: string, state: string, op: string, pauseAt: number, address?: string): void {
  let events = 0;
  const event = () => {
    const n = events++;
    if (n === pauseAt) {
      say(`paused ${n}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    }
    say(`event ${n}`);
  };
  const inner = new FileStateStore(state);
  const store: StateStore = {
    name: inner.name,
    load: () => inner.load(),
    save: (t) => {
      event();
      inner.save(t);
    },
    lock: () => inner.lock(),
  };
  const mgr = new HostdevManager(hostOf(hostFile, event), { store });
  const def = GPU_HOSTDEV();
  if (address !== undefined) def.source = { address: parsePciAddressName(address)! };
  if (op === 'prepare') mgr.prepare('QEMU', 'vm1', [def]);
  else mgr.reattach('QEMU', 'vm1', [def]);
  mgr.close();
  say(`done ${events}`);
}

/** Recovers each (host, state) pair in turn: a fresh process for every killed one. */
function recoverMode(pairs: string[]): void {
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const mgr = new HostdevManager(hostOf(pairs[i]!), { store: new FileStateStore(pairs[i + 1]!) });
    const report = mgr.recover();
    mgr.close();
    say(JSON.stringify(report));
  }
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'lock') lockMode();
else if (mode === 'apply') applyMode(args[0]!, args[1]!, args[2]!, Number(args[3]), args[4]);
else if (mode === 'recover') recoverMode(args);
else {
  say(`unknown mode ${mode}`);
  process.exit(2);
}
