/**
 * `FileStateStore`: the hostdev state in a file (Node adapter). Saves are
 * atomic (temp file, fsync, rename, fsync of the directory); the lock is a
 * `PATH.lock` file created exclusively and holding the owner's pid, taken
 * over when that process is dead.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { lockedError } from './lock.js';
import type { StateStore } from './store.js';

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
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

export class FileStateStore implements StateStore {
  readonly lockPath: string;

  constructor(readonly path: string) {
    this.lockPath = path + '.lock';
  }

  load(): string | undefined {
    try {
      return readFileSync(this.path, 'utf8');
    } catch (e) {
      if (errno(e) === 'ENOENT') return undefined;
      throw e;
    }
  }

  save(text: string): void {
    const tmp = join(dirname(this.path), `.${basename(this.path)}.${process.pid}.tmp`);
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    this.syncDir();
  }

  private syncDir(): void {
    let fd: number | undefined;
    try {
      fd = openSync(dirname(this.path), 'r');
      fsyncSync(fd);
    } catch {
      // some file systems cannot fsync a directory; the rename is still atomic
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /** The pid in the lock file, undefined when there is none (or it is unreadable). */
  lockOwner(): number | undefined {
    try {
      const pid = Number.parseInt(readFileSync(this.lockPath, 'utf8').trim(), 10);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** A lock file without a pid may be one being written right now. */
  private lockIsFresh(): boolean {
    try {
      return Date.now() - statSync(this.lockPath).mtimeMs < 10_000;
    } catch {
      return false;
    }
  }

  lock(): () => void {
    for (let attempt = 0; ; attempt++) {
      try {
        const fd = openSync(this.lockPath, 'wx', 0o600);
        try {
          writeSync(fd, `${process.pid}\n`);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        break;
      } catch (e) {
        if (errno(e) !== 'EEXIST') throw e;
        const owner = this.lockOwner();
        if (attempt > 0 || (owner !== undefined ? alive(owner) : this.lockIsFresh())) {
          throw lockedError(owner !== undefined ? `process ${owner} (${this.lockPath})` : this.lockPath);
        }
        // stale: its owner died (or never wrote its pid and the file is old)
        try {
          unlinkSync(this.lockPath);
        } catch (u) {
          if (errno(u) !== 'ENOENT') throw u;
        }
      }
    }
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      if (this.lockOwner() === process.pid) unlinkSync(this.lockPath);
    };
  }
}
