/**
 * libvirt's scaled integers (`<memory unit='GiB'>4</memory>`,
 * `<page size='2' unit='M'/>`): a number and an optional unit, read with
 * `virScaleInteger` (`b`/`bytes`, `k`/`KiB` = 1024, `KB` = 1000, … up to
 * `E`) and kept by libvirt in one internal unit, so they come back written in
 * that unit whatever the input said: `<memory unit='KiB'>4194304</memory>`.
 *
 * The declarations here normalise the same way when reading (the parsed def
 * holds the value in libvirt's unit) and again before writing (a def built in
 * code with `{ unit: 'GiB', value: 4 }` is written as libvirt writes it).
 */
import { attr, element, text, type CheckFailure, type ElementDecl, type Fields } from '../xml/decl.js';
import { INVALID, pattern, uint, type ValueType } from '../xml/values.js';

const UNIT_RE = /^(?:[bB](?:[yY][tT][eE][sS]?)?|[kKmMgGtTpPeE](?:[iI]?[bB])?)$/;

/** The `unit` attribute (basictypes.rng `unit`). */
export const scaledUnit = pattern('unit', UNIT_RE);

/** A scaled number: 64-bit in libvirt, a safe integer here. */
export const scaledNumber = uint({ max: Number.MAX_SAFE_INTEGER });

const U64_MAX = (1n << 64n) - 1n;

/**
 * A scaled number read as libvirt reads it, up to 2^64 - 1: a value beyond
 * 2^53 comes out inexact, for the declaration to keep that element unread
 * (see `CheckFailure.unread`); defs built in code still hold safe integers.
 */
export const scaledNumber64: ValueType<number> = {
  ...scaledNumber,
  parse(t) {
    const safe = scaledNumber.parse(t);
    if (safe !== INVALID || !/^\s*\+?[0-9]+$/.test(t)) return safe;
    return BigInt(t.trim()) <= U64_MAX ? Number(t.trim()) : INVALID;
  },
};

/** Whether `value` `unit` is more bytes than 2^53 but no more than 2^64 - 1 (libvirt's range). */
export function beyondSafeBytes(value: number, unit: string | undefined, defaultUnit: 'B' | 'KiB' = 'B'): boolean {
  const scale = unitBytes(unit ?? defaultUnit);
  if (scale === undefined || !Number.isSafeInteger(value)) return false;
  const bytes = BigInt(value) * scale;
  return bytes > BigInt(Number.MAX_SAFE_INTEGER) && bytes <= U64_MAX;
}

const POWERS = 'kmgtpe';

/** Bytes per `unit` as `virScaleInteger` reads it; undefined for an unknown unit. */
export function unitBytes(unit: string): bigint | undefined {
  if (!UNIT_RE.test(unit)) return undefined;
  const u = unit.toLowerCase();
  if (u[0] === 'b') return 1n;
  const base = u.length === 2 ? 1000n : 1024n; // 'kb' is decimal; 'k' and 'kib' binary
  return base ** BigInt(POWERS.indexOf(u[0]!) + 1);
}

/** How libvirt keeps and writes a scaled value. */
export interface ScaledOptions {
  /** Unit of a number written without one (libvirt's `scale` argument). Default KiB. */
  defaultUnit?: 'B' | 'KiB' | 'MiB';
  /**
   * How libvirt writes it: in KiB rounded up (`virDomainParseMemory`, most
   * sizes), in bytes, in the largest unit that divides it exactly
   * (`virFormatIntPretty`: SMM TSEG, cache tuning), or as whole mebibytes
   * spelled `M` (bytes `>> 20`, truncated: shmem `<size unit='M'>`).
   */
  write: 'KiB' | 'B' | 'pretty' | 'M';
}

const PRETTY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;
const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** `virFormatIntPretty`: the largest binary unit that divides `bytes` exactly (bytes for 0). */
export function formatIntPretty(bytes: bigint): { value: bigint; unit: (typeof PRETTY)[number] } {
  let value = bytes;
  let i = 0;
  while (value !== 0n && value % 1024n === 0n && i < PRETTY.length - 1) {
    value /= 1024n;
    i++;
  }
  return { value, unit: PRETTY[i]! };
}

/** A value and unit in libvirt's written form, or libvirt's message. */
export function normaliseScaled(value: number, unit: string | undefined, opts: ScaledOptions): { value: number; unit: string } | string {
  const scale = unitBytes(unit ?? opts.defaultUnit ?? 'KiB');
  if (scale === undefined) return `unknown suffix '${unit}'`;
  const bytes = BigInt(value) * scale;
  let out: { value: bigint; unit: string };
  if (opts.write === 'KiB') out = { value: (bytes + 1023n) / 1024n, unit: 'KiB' };
  else if (opts.write === 'B') out = { value: bytes, unit: 'B' };
  else if (opts.write === 'M') out = { value: bytes >> 20n, unit: 'M' };
  else out = formatIntPretty(bytes);
  if (out.value > MAX) return 'size value too large';
  return { value: Number(out.value), unit: out.unit };
}

/**
 * `check` and `beforeFormat` hooks normalising a scaled value held in
 * `valueKey` with its unit in `unitKey` (attributes or text).
 */
export function scaledHooks(valueKey: string, opts: ScaledOptions, unitKey = 'unit', attribute?: string) {
  const canonical = (v: Record<string, unknown>) => {
    const n = v[valueKey];
    if (typeof n !== 'number') return undefined;
    const u = v[unitKey];
    return normaliseScaled(n, typeof u === 'string' ? u : undefined, opts);
  };
  return {
    check(v: Record<string, unknown>): CheckFailure | undefined {
      const r = canonical(v);
      if (r === undefined) return undefined;
      if (typeof r === 'string') return { code: 'invalid-value', message: r, ...(attribute ? { attribute } : {}) };
      v[valueKey] = r.value;
      v[unitKey] = r.unit;
      return undefined;
    },
    beforeFormat<T extends Record<string, unknown>>(v: T): T {
      const r = canonical(v);
      if (r === undefined || typeof r === 'string' || (r.value === v[valueKey] && r.unit === v[unitKey])) return v;
      return { ...v, [valueKey]: r.value, [unitKey]: r.unit };
    },
  };
}

/**
 * An element holding a scaled number as text: `<name unit='…'>n</name>`,
 * with `before` attributes written ahead of `unit` (libvirt writes
 * `<memory dumpCore='on' unit='KiB'>`, `<maxMemory slots='16' unit='KiB'>`).
 */
export function scaledElement<const F extends Fields = {}>(
  name: string,
  opts: ScaledOptions = { write: 'KiB' },
  before: F = {} as F,
  doc?: string,
) {
  const hooks = scaledHooks('value', opts);
  return element(
    name,
    { ...before, unit: attr(scaledUnit), value: text(scaledNumber, { required: true }) },
    { check: hooks.check, beforeFormat: hooks.beforeFormat, ...(doc ? { doc } : {}) },
  );
}

/** Combines a normalising check with a rule check (run after it). */
export function checks(...fns: Array<((v: never) => CheckFailure | undefined) | undefined>): ElementDecl['check'] {
  return (v) => {
    for (const f of fns) {
      const r = f?.(v as never);
      if (r) return r;
    }
    return undefined;
  };
}
