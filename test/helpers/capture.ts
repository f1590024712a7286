/**
 * Captures what a CLI command writes to stdout and stderr during each test, and gives each test a
 * fresh temporary directory (removed afterwards). Tests reset `out`/`err` between commands.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';

export interface Captured {
  out: string;
  err: string;
  dir: string;
}

export function captureStdio(prefix: string): Captured {
  const io: Captured = { out: '', err: '', dir: '' };
  beforeEach(() => {
    io.out = '';
    io.err = '';
    io.dir = mkdtempSync(join(tmpdir(), prefix));
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((io.out += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((io.err += String(s)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(io.dir, { recursive: true, force: true });
  });
  return io;
}
