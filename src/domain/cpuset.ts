/**
 * libvirt's bitmaps written as text (`cpuset`, `nodeset`, `cpus`, `vcpus`):
 * read as `virBitmapParse` reads them (`0-3,^2,8`: ranges, exclusions with
 * `^`, blanks around numbers) and written as `virBitmapFormat` writes them
 * (ascending runs, `0-1,3,8-11`). libvirt keeps a bitmap, so every one of
 * these attributes comes back in that canonical form.
 */
import { INVALID, type ValueType } from '../xml/values.js';

type Run = [number, number];

/** Merges sorted-or-not runs into disjoint ascending runs (adjacent runs joined). */
function merge(runs: Run[]): Run[] {
  const sorted = runs.slice().sort((a, b) => a[0] - b[0]);
  const out: Run[] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** `runs` minus `holes`, both merged. */
function subtract(runs: Run[], holes: Run[]): Run[] {
  const out: Run[] = [];
  for (const [a0, b] of runs) {
    let a = a0;
    for (const [h0, h1] of holes) {
      if (h1 < a || h0 > b) continue;
      if (h0 > a) out.push([a, h0 - 1]);
      a = h1 + 1;
      if (a > b) break;
    }
    if (a <= b) out.push([a, b]);
  }
  return out;
}

const ITEM = /^\s*(\^)?\s*([0-9]+)\s*(?:-\s*([0-9]+)\s*)?$/;

/** The set bits of a bitmap text as disjoint ascending runs; undefined when malformed. */
export function parseBitmap(text: string): Array<[number, number]> | undefined {
  if (text.trim() === '') return undefined;
  const plus: Run[] = [];
  const minus: Run[] = [];
  for (const item of text.split(',')) {
    const m = ITEM.exec(item);
    if (!m) return undefined;
    const a = Number(m[2]);
    const b = m[3] !== undefined ? Number(m[3]) : a;
    // libvirt: a range must go upwards, and '^' takes single bits only
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || b < a || (m[1] && m[3] !== undefined)) return undefined;
    (m[1] ? minus : plus).push([a, b]);
  }
  return subtract(merge(plus), merge(minus));
}

/** `virBitmapFormat`: `0-3,5,8-9`. */
export function formatBitmap(runs: ReadonlyArray<readonly [number, number]>): string {
  return runs.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(',');
}

const CANONICAL = /^[0-9]+(?:-[0-9]+)?(?:,[0-9]+(?:-[0-9]+)?)*$/;

/**
 * A CPU or NUMA node set with at least one member. Reading gives the
 * canonical text (`'0,1,2,^1'` becomes `'0,2'`, `'0,1,2,3'` becomes
 * `'0-3'`), so two equal sets compare equal as strings; writing a set built
 * in code (`'3,1,2'`) writes its canonical form.
 */
export const cpuset: ValueType<string> = {
  name: 'cpuset',
  expected: 'Expected a list of numbers and ranges such as 0-3,^2,8',
  parse(t) {
    // libvirt refuses a set with no member ("Invalid value of 'cpuset'")
    const runs = parseBitmap(t);
    return runs && runs.length > 0 ? formatBitmap(runs) : INVALID;
  },
  format: (v) => formatBitmap(parseBitmap(v) ?? []),
  is: (v): v is string => typeof v === 'string' && (parseBitmap(v)?.length ?? 0) > 0,
  schema: { type: 'string', pattern: CANONICAL.source },
};

/** The members of a canonical set, ascending. */
export function bitmapMembers(set: string): number[] {
  const out: number[] = [];
  for (const [a, b] of parseBitmap(set) ?? []) for (let i = a; i <= b; i++) out.push(i);
  return out;
}
