/**
 * `FileStateStore`: the hostdev state in a file (Node adapter).
 *
 * Saves are atomic (temp file, fsync, rename, fsync of the directory).
 *
 * The lock is a directory `PATH.lock/` of numbered lock files, one per
 * holder in turn (the number is the holder's epoch, a fencing token). A
 * process takes the lock by creating the file numbered one above the
 * highest, with `link()` from a complete temp file, which fails if that
 * number exists: of two processes taking over the same stale or free lock
 * only one can create it. After creating it, the taker lists the directory
 * again and backs off if a higher number exists (its view was stale). The
 * highest file is never deleted (release rewrites it as free), so numbers
 * never go back. Every save checks that the highest file is still this
 * holder's (fencing). The highest file names its holder (pid, host, time)
 * for the error message; one that cannot be read or parsed is "held",
 * never "stale".
 */
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { HostdevError } from './errors.js';
import { lockedError } from './lock.js';
import type { StateStore } from './store.js';

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}
function why(e: unknown): string {
  return errno(e) ?? (e as Error).message;
}

/** Whether a process exists (signal 0; EPERM means it exists but is not ours). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errno(e) === 'EPERM';
  }
}

/** What a lock file says. */
interface LockRecord {
  pid: number;
  host: string;
  token: string;
  since: string;
  free?: true;
}

type LockView =
  | { kind: 'none' }
  | { kind: 'free'; epoch: number }
  | { kind: 'dead'; epoch: number; record: LockRecord }
  | { kind: 'held'; epoch: number; holder: string };

const EPOCH = /^[1-9]\d{0,15}$/;

/** Test seam: the file reads the lock makes (an unreadable lock file is simulated through it). */
export interface FileStateStoreOptions {
  readLockFile?: (path: string) => string;
}

export class FileStateStore implements StateStore {
  readonly lockPath: string;
  readonly #readLock: (path: string) => string;
  /** Epoch and token of the lock this store holds. */
  #held: { epoch: number; token: string } | undefined;

  constructor(
    readonly path: string,
    options: FileStateStoreOptions = {},
  ) {
    this.lockPath = path + '.lock';
    this.#readLock = options.readLockFile ?? ((p) => readFileSync(p, 'utf8'));
    const dir = dirname(path);
    let isDir: boolean;
    try {
      isDir = statSync(dir).isDirectory();
    } catch (e) {
      throw new HostdevError('state-io', `cannot use hostdev state file ${path}: directory ${dir}: ${why(e)}`);
    }
    if (!isDir) throw new HostdevError('state-io', `cannot use hostdev state file ${path}: ${dir} is not a directory`);
  }

  /** For messages: the file. */
  get name(): string {
    return this.path;
  }

  load(): string | undefined {
    try {
      return readFileSync(this.path, 'utf8');
    } catch (e) {
      if (errno(e) === 'ENOENT') return undefined;
      throw new HostdevError('state-io', `cannot read hostdev state file ${this.path}: ${why(e)}`);
    }
  }

  save(text: string): void {
    this.#checkFence();
    const tmp = join(dirname(this.path), `.${basename(this.path)}.${process.pid}.tmp`);
    try {
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.path);
    } catch (e) {
      try {
        unlinkSync(tmp);
      } catch {
        // already renamed or never created
      }
      throw new HostdevError('state-io', `cannot save hostdev state file ${this.path}: ${why(e)}`, { cause: e });
    }
    syncDir(dirname(this.path));
  }

  /**
   * Renames the file aside (`PATH.corrupt-TIME`) so that it is kept for
   * inspection and never overwritten; returns the new name.
   */
  setAside(): string {
    const aside = `${this.path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(this.path, aside);
    syncDir(dirname(this.path));
    return aside;
  }

  /** State files set aside earlier (the state is missing but one of these exists: refuse to start fresh). */
  setAsideFiles(): string[] {
    const prefix = basename(this.path) + '.corrupt-';
    return readdirSync(dirname(this.path))
      .filter((n) => n.startsWith(prefix))
      .map((n) => join(dirname(this.path), n))
      .sort();
  }

  // ---------------------------------------------------------------- lock

  #epochs(): number[] {
    try {
      return readdirSync(this.lockPath)
        .filter((n) => EPOCH.test(n))
        .map(Number)
        .sort((a, b) => a - b);
    } catch (e) {
      if (errno(e) === 'ENOENT') return []; // never locked yet (lock() creates it)
      throw lockedError(`${this.lockPath} (cannot list it: ${why(e)}; treated as held)`);
    }
  }

  #record(epoch: number): LockRecord | string {
    const file = join(this.lockPath, String(epoch));
    let text: string;
    try {
      text = this.#readLock(file);
    } catch (e) {
      return `lock file ${file} cannot be read (${why(e)})`;
    }
    try {
      const r = JSON.parse(text) as Partial<LockRecord>;
      if (r && Number.isSafeInteger(r.pid) && (r.pid as number) > 0 && typeof r.host === 'string' && typeof r.token === 'string' && typeof r.since === 'string') {
        return r as LockRecord;
      }
    } catch {
      // fall through
    }
    return `lock file ${file} is not a lock record`;
  }

  #view(): LockView {
    const epochs = this.#epochs();
    const epoch = epochs.at(-1);
    if (epoch === undefined) return { kind: 'none' };
    const r = this.#record(epoch);
    if (typeof r === 'string') return { kind: 'held', epoch, holder: `${r}: treated as held; remove ${this.lockPath} if no hostdev manager runs` };
    if (r.free) return { kind: 'free', epoch };
    if (r.host !== hostname() || alive(r.pid)) {
      return { kind: 'held', epoch, holder: `process ${r.pid} on ${r.host} since ${r.since} (${join(this.lockPath, String(epoch))})` };
    }
    return { kind: 'dead', epoch, record: r };
  }

  /** The holder of the lock as the error message names it, undefined when free or stale. */
  lockHolder(): string | undefined {
    const v = this.#view();
    return v.kind === 'held' ? v.holder : undefined;
  }

  #writeTemp(record: LockRecord): string {
    const tmp = join(this.lockPath, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, JSON.stringify(record) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return tmp;
  }

  lock(): () => void {
    if (this.#held) throw lockedError(`this FileStateStore (${this.lockPath})`);
    try {
      mkdirSync(this.lockPath, { mode: 0o700 });
    } catch (e) {
      if (errno(e) !== 'EEXIST') throw new HostdevError('state-io', `cannot create lock directory ${this.lockPath}: ${why(e)}`);
      let isDir = false;
      try {
        isDir = statSync(this.lockPath).isDirectory();
      } catch {
        // vanished: the next step reports it
      }
      if (!isDir) throw lockedError(`${this.lockPath}, which is not a directory (a lock of an earlier virtxml?): treated as held; remove it if no hostdev manager runs`);
    }
    const token = randomBytes(12).toString('hex');
    const record: LockRecord = { pid: process.pid, host: hostname(), token, since: new Date().toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
      const view = this.#view();
      if (view.kind === 'held') throw lockedError(view.holder);
      const mine = view.kind === 'none' ? 1 : view.epoch + 1;
      const file = join(this.lockPath, String(mine));
      const tmp = this.#writeTemp(record);
      try {
        linkSync(tmp, file);
      } catch (e) {
        if (errno(e) === 'EEXIST') continue; // another process took that epoch first: look again
        throw new HostdevError('state-io', `cannot create lock file ${file}: ${why(e)}`);
      } finally {
        unlinkSync(tmp);
      }
      if (this.#epochs().at(-1)! > mine) {
        // our view was stale: a later holder exists
        unlinkSync(file);
        continue;
      }
      syncDir(this.lockPath);
      this.#held = { epoch: mine, token };
      this.#cleanLock(mine);
      this.#cleanTemps();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        this.#release(mine, record);
      };
    }
    throw lockedError(this.lockHolder() ?? `${this.lockPath} (contended)`);
  }

  /** Whether this store still holds the lock it took (the highest lock file is ours). */
  #stillHeld(): boolean {
    const h = this.#held;
    if (!h) return false;
    if (this.#epochs().at(-1) !== h.epoch) return false;
    const r = this.#record(h.epoch);
    return typeof r !== 'string' && !r.free && r.token === h.token;
  }

  #checkFence(): void {
    if (!this.#held) throw new HostdevError('locked', `cannot save hostdev state file ${this.path}: the store does not hold its lock`);
    if (!this.#stillHeld()) {
      throw new HostdevError('locked', `cannot save hostdev state file ${this.path}: the lock ${this.lockPath} was taken over (epoch ${this.#held.epoch} is no longer the highest); another manager owns the state`);
    }
  }

  #release(epoch: number, record: LockRecord): void {
    const held = this.#stillHeld();
    this.#held = undefined;
    if (!held) return;
    const tmp = this.#writeTemp({ ...record, free: true });
    renameSync(tmp, join(this.lockPath, String(epoch)));
  }

  /** Lower-numbered lock files and dead processes' temp files: no one acts on them any more. */
  #cleanLock(mine: number): void {
    for (const n of readdirSync(this.lockPath)) {
      const tmp = /^\.tmp-(\d+)-/.exec(n);
      const old = EPOCH.test(n) && Number(n) < mine;
      if (old || (tmp && Number(tmp[1]) !== process.pid && !alive(Number(tmp[1])))) {
        try {
          unlinkSync(join(this.lockPath, n));
        } catch {
          // another process cleaned it
        }
      }
    }
  }

  /** Temp files of saves that never finished (a process killed mid-save); only the lock holder saves. */
  #cleanTemps(): void {
    const prefix = `.${basename(this.path)}.`;
    const dir = dirname(this.path);
    for (const n of readdirSync(dir)) {
      if (n.startsWith(prefix) && n.endsWith('.tmp')) {
        try {
          unlinkSync(join(dir, n));
        } catch {
          // gone already
        }
      }
    }
  }
}

function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // some file systems cannot fsync a directory; the rename is still atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
