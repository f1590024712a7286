/**
 * Errors of the builders: the same {@link VirtXmlError} values the parsers
 * throw, with a stable code and the element path the bad value would have
 * been written to (no line and column: the value was built in code).
 */
import { canonicalIp } from '../common/networkcommon.js';
import { VirtXmlError, type VirtXmlErrorCode } from '../xml/errors.js';

/** A builder's refusal of a value, placed at the element path it was meant for. */
export function builderError(code: VirtXmlErrorCode, message: string, path: string): VirtXmlError {
  return new VirtXmlError(code, message, { path });
}

/** `JSON.stringify` that never throws (for messages about arbitrary input). */
export function show(v: unknown): string {
  try {
    return typeof v === 'string' ? `'${v}'` : (JSON.stringify(v) ?? String(v));
  } catch {
    return String(v);
  }
}

/** A positive safe integer, or a typed error. */
export function positiveInt(v: unknown, what: string, path: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
    throw builderError('invalid-value', `${what} must be an integer from 1 to ${max}, got ${show(v)}`, path);
  }
  return v;
}

/** A non-empty string, or a typed error. */
export function nonEmpty(v: unknown, what: string, path: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw builderError('invalid-value', `${what} must be a non-empty string, got ${show(v)}`, path);
  return v;
}

/** `true`/`false` or left out, or a typed error. */
export function bool(v: unknown, what: string, path: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw builderError('invalid-value', `${what} must be true or false, got ${show(v)}`, path);
  return v;
}

/** An IPv4 address already in libvirt's written form (dotted quad, no leading zeros). */
export function isIpv4(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const c = canonicalIp(v);
  return c?.family === 'ipv4' && c.text === v;
}
