/**
 * Value types: how one attribute or text value is read, written and described
 * in JSON Schema. Reading follows libvirt (e.g. numbers through strtoul with
 * base 0, so `0x1f`, `31` and `037` are the same slot); writing follows
 * libvirt's formatter (e.g. `0x%02x` for a PCI bus).
 */

export type JsonSchema = Record<string, unknown>;

/** Returned by `parse` when the text is not a value of the type. */
export const INVALID: unique symbol = Symbol('invalid');

export interface ValueType<T> {
  /** Short name for docs and messages (`uint`, `yes|no`, …). */
  readonly name: string;
  /** Appended to libvirt's "Invalid value for attribute …" message. */
  readonly expected?: string;
  parse(text: string): T | typeof INVALID;
  format(value: T): string;
  /** Whether a value built in code is acceptable (used by the formatter's guards and JSON Schema). */
  is(value: unknown): value is T;
  /**
   * For open enums: whether a value read is one the declarations know (an
   * unknown one is kept, and reported by validation). Absent: every value
   * `parse` returns is known.
   */
  known?(value: T): boolean;
  readonly schema: JsonSchema;
}

/** Any string. */
export const str: ValueType<string> = {
  name: 'string',
  parse: (t) => t,
  format: (v) => v,
  is: (v): v is string => typeof v === 'string',
  schema: { type: 'string' },
};

/** A string matching a pattern (checked when read). */
export function pattern(name: string, re: RegExp, expected?: string): ValueType<string> {
  return {
    name,
    ...(expected !== undefined ? { expected } : {}),
    parse: (t) => (re.test(t) ? t : INVALID),
    format: (v) => v,
    is: (v): v is string => typeof v === 'string' && re.test(v),
    schema: { type: 'string', pattern: re.source },
  };
}

/**
 * A word the declarations do not know, in an enum's type: `'a' | 'b' |
 * Unknown` still offers the known words to an editor's completion, and
 * admits a newer libvirt's value.
 */
export type UnknownWord = string & {};

/**
 * One of a set of words libvirt knows. Forward compatible by construction: a
 * word the declarations do not know (a newer libvirt's value) is read and
 * written back unchanged, not refused; `known` tells it apart, so that
 * validation reports it with its place (libvirt's profile: the message
 * libvirt's parser gives), and the JSON Schema lists the known words.
 */
export function oneOf<const V extends string>(...values: V[]): ValueType<V | UnknownWord> {
  const set = new Set<string>(values);
  return {
    name: values.join('|'),
    parse: (t) => t,
    format: (v) => v,
    is: (v): v is V => typeof v === 'string',
    known: (v) => set.has(v as string),
    schema: values.length === 1 ? { const: values[0] } : { enum: [...values] },
  };
}

/** One of a closed set of words: anything else is refused when read (a union case's own tag). */
export function closedOneOf<const V extends string>(...values: V[]): ValueType<V> {
  const set = new Set<string>(values);
  return {
    name: values.join('|'),
    parse: (t) => (set.has(t) ? (t as V) : INVALID),
    format: (v) => v,
    is: (v): v is V => typeof v === 'string' && set.has(v),
    schema: values.length === 1 ? { const: values[0] } : { enum: [...values] },
  };
}

/** The fixed value of a union's discriminating attribute. */
export function literal<const V extends string>(value: V): ValueType<V> {
  return closedOneOf(value);
}

/** libvirt's `virTristateBool`: `yes` / `no`. */
export const yesNo: ValueType<boolean> = {
  name: 'yes|no',
  parse: (t) => (t === 'yes' ? true : t === 'no' ? false : INVALID),
  format: (v) => (v ? 'yes' : 'no'),
  is: (v): v is boolean => typeof v === 'boolean',
  schema: { type: 'boolean' },
};

/** libvirt's `virTristateSwitch`: `on` / `off`. */
export const onOff: ValueType<boolean> = {
  name: 'on|off',
  parse: (t) => (t === 'on' ? true : t === 'off' ? false : INVALID),
  format: (v) => (v ? 'on' : 'off'),
  is: (v): v is boolean => typeof v === 'boolean',
  schema: { type: 'boolean' },
};

const STRTOUL_BASE0 = /^\s*\+?(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))$/;

/**
 * Reads an unsigned number as C's `strtoul(text, &end, 0)` followed by
 * libvirt's "whole string consumed, no sign, fits" checks.
 */
export function parseUnsignedBase0(text: string): number | typeof INVALID {
  const m = STRTOUL_BASE0.exec(text);
  if (!m) return INVALID;
  const n = m[1] !== undefined ? parseInt(m[1], 16) : m[2] !== undefined ? parseInt(m[2], 8) : parseInt(m[3]!, 10);
  return n;
}

const DECIMAL = /^\s*\+?[0-9]+$/;
const HEX16 = /^\s*\+?(?:0[xX])?[0-9a-fA-F]+$/;

export interface UintOptions {
  /** Largest accepted value when reading (libvirt's type limit). Default 2^32-1. */
  max?: number;
  /** Read with base 0 (hex/octal/decimal, like strtoul(…, 0)). Default: decimal only. */
  base0?: boolean;
  /** Read as hexadecimal, with or without 0x (like strtoul(…, 16)). */
  base16?: boolean;
  /** Write as `0x` followed by at least this many hex digits. Default: decimal. */
  hexWidth?: number;
}

/** An unsigned integer; libvirt's "Expected non-negative integer value". */
export function uint(options: UintOptions = {}): ValueType<number> {
  const max = options.max ?? 0xffffffff;
  const width = options.hexWidth;
  return {
    name: width !== undefined ? 'hex-uint' : 'uint',
    expected: 'Expected non-negative integer value',
    parse(t) {
      let n: number | typeof INVALID;
      if (options.base16) n = HEX16.test(t) ? parseInt(t.trim().replace(/^\+?(0[xX])?/, ''), 16) : INVALID;
      else if (options.base0) n = parseUnsignedBase0(t);
      else n = DECIMAL.test(t) ? parseInt(t, 10) : INVALID;
      if (n === INVALID || !Number.isSafeInteger(n) || n > max) return INVALID;
      return n;
    },
    format: width !== undefined ? (v) => '0x' + v.toString(16).padStart(width, '0') : (v) => String(v),
    is: (v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max,
    schema: { type: 'integer', minimum: 0, maximum: max },
  };
}

const STRTOL_BASE0 = /^\s*([+-]?)(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))$/;

/** A signed integer, decimal (or, with `base0`, as strtol base 0 reads it: 0x hex, 0 octal). */
export function int(options: { min?: number; max?: number; base0?: boolean } = {}): ValueType<number> {
  const min = options.min ?? -0x80000000;
  const max = options.max ?? 0x7fffffff;
  return {
    name: 'int',
    expected: 'Expected integer value',
    parse(t) {
      let n: number;
      if (options.base0) {
        const m = STRTOL_BASE0.exec(t);
        if (!m) return INVALID;
        const abs = m[2] !== undefined ? parseInt(m[2], 16) : m[3] !== undefined ? parseInt(m[3], 8) : parseInt(m[4]!, 10);
        n = m[1] === '-' ? -abs : abs;
      } else {
        if (!/^\s*[+-]?[0-9]+$/.test(t)) return INVALID;
        n = parseInt(t, 10);
      }
      return n < min || n > max ? INVALID : n;
    },
    format: (v) => String(v),
    is: (v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max,
    schema: { type: 'integer', minimum: min, maximum: max },
  };
}

const UUID_LOOSE = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;
const UUID_CANON = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A UUID, read with or without dashes, written as libvirt does (lowercase, dashed). */
export const uuid: ValueType<string> = {
  name: 'uuid',
  parse(t) {
    const s = t.trim();
    if (!UUID_LOOSE.test(s)) return INVALID;
    const h = s.replace(/-/g, '').toLowerCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  },
  format: (v) => v,
  is: (v): v is string => typeof v === 'string' && UUID_CANON.test(v),
  schema: { type: 'string', pattern: UUID_CANON.source },
};

const MAC = /^[0-9a-fA-F]{1,2}(?::[0-9a-fA-F]{1,2}){5}$/;
const MAC_CANON = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;

/** A MAC address, written as libvirt does (two lowercase hex digits per byte). */
export const mac: ValueType<string> = {
  name: 'mac',
  parse(t) {
    if (!MAC.test(t)) return INVALID;
    return t
      .split(':')
      .map((b) => b.toLowerCase().padStart(2, '0'))
      .join(':');
  },
  format: (v) => v,
  is: (v): v is string => typeof v === 'string' && MAC_CANON.test(v),
  schema: { type: 'string', pattern: MAC_CANON.source },
};
