/**
 * `virtxml validate` over worker threads: how many threads a run takes, and
 * that the built CLI's answer over many files is the same, in the same
 * order, with workers as without (the worker protocol: batches from one
 * queue, results put back in file order).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_FILES, PARALLEL_MIN_FILES, threadCount } from '../src/cli/validate.js';

const root = join(__dirname, '..');
const corpus = join(root, '..', 'shared', 'libvirt-corpus', 'tests', 'qemuxmlconfdata');

describe('validate: threads', () => {
  it('VIRTXML_THREADS when set (at most the cores), else one per idle core, at most 8', () => {
    expect(threadCount('1', 4, 0)).toBe(1);
    expect(threadCount('3', 2, 0)).toBe(2);
    expect(threadCount('3', 8, 7.5)).toBe(3);
    expect(threadCount(undefined, 2, 0.1)).toBe(2);
    expect(threadCount(undefined, 2, 1.2)).toBe(1);
    expect(threadCount(undefined, 2, 9.4)).toBe(1);
    expect(threadCount(undefined, 4, 1)).toBe(3);
    expect(threadCount(undefined, 32, 0)).toBe(8);
    expect(threadCount('zero', 4, 0)).toBe(4);
    expect(threadCount('0', 1, 0)).toBe(1);
  });
});

describe.skipIf(!existsSync(corpus) || availableParallelism() < 2)('validate: the built CLI with workers answers as without', () => {
  let dir: string;
  beforeAll(() => {
    const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
    expect(b.status, b.stderr).toBe(0);
    dir = mkdtempSync(join(tmpdir(), 'virtxml-threads-'));
    // more files than one thread takes, a few batches' worth, the corpus's invalid ones among them
    const files = readdirSync(corpus).filter((f) => f.endsWith('.xml')).sort();
    const picked = files.filter((f, i) => i % 6 === 0 || f.includes('invalid')).slice(0, PARALLEL_MIN_FILES + 10 * BATCH_FILES);
    for (const f of picked) copyFileSync(join(corpus, f), join(dir, f));
  }, 300_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const validate = (threads: string, ...args: string[]) =>
    spawnSync(process.execPath, [join(root, 'bin', 'virtxml.cjs'), 'validate', ...args, '.'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, VIRTXML_THREADS: threads, VIRTXML_DEBUG: '1' },
    });

  it.each([['rng'], ['virtxml']])('--profile %s: the same diagnostics, files in order, exit code and summary', (profile) => {
    const one = validate('1', '--profile', profile, '--format', 'json');
    const two = validate('2', '--profile', profile, '--format', 'json');
    expect(two.stderr).toMatch(/ over 2 threads, /);
    expect(one.status).toBe(1);
    expect(two.status).toBe(one.status);
    const a = JSON.parse(one.stdout) as Array<{ file: string; valid: boolean }>;
    expect(a.length).toBeGreaterThan(PARALLEL_MIN_FILES);
    expect(a.some((r) => !r.valid)).toBe(true);
    expect(JSON.parse(two.stdout)).toEqual(a);
    expect(a.map((r) => r.file)).toEqual([...a.map((r) => r.file)].sort());
  }, 300_000);
});
