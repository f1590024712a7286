/**
 * What every builder returns: the library's own def type (a `PciHostdev`, a
 * `DiskDef`, a `DomainDef`, …) with two methods that are not part of the
 * data (non-enumerable, so spreading, `JSON.stringify` and the formatter see
 * only the def):
 *
 * - `toXml()`: libvirt's canonical form of the def;
 * - `validate(profile?)`: `validateXml` on that XML, the same layers that
 *   check parsed XML.
 */
import { DEVICE_FIELDS, type DeviceKind } from '../domain/device-xml.js';
import { formatContext, formatElement } from '../xml/codec.js';
import type { Decl, FormatContext } from '../xml/decl.js';
import { validateXml } from '../validate/index.js';
import type { Profile, RootKind, ValidationResult } from '../validate/types.js';

/** Output flags of `toXml()` (the subset of the formatter's context a caller sets). */
export type ToXmlOptions = Partial<Pick<FormatContext, 'status' | 'inactive' | 'stripExtensions'>>;

/** The methods a built def carries. */
export interface BuiltMethods {
  /** libvirt's canonical XML of this def (ends with a newline). */
  toXml(options?: ToXmlOptions): string;
  /** Validates `toXml()` with `validateXml` (profile `virtxml` unless given). */
  validate(profile?: Profile): ValidationResult;
}

/** A def made by a builder: the def itself plus {@link BuiltMethods}. */
export type Built<T> = T & BuiltMethods;

/** Key of the device family a built device belongs to (where `domain()` puts it). */
export const DEVICE_FAMILY: unique symbol = Symbol.for('virtxml.builders.deviceFamily');

/** The device kinds the builders make. */
const BUILT_FAMILIES = ['disk', 'interface', 'hostdev', 'graphics', 'video', 'console', 'serial', 'channel', 'input', 'rng', 'tpm'] as const satisfies readonly DeviceKind[];

/** The `<devices>` list each builder family goes into (the domain model's own table, DEVICE_FIELDS). */
export const deviceLists = Object.fromEntries(BUILT_FAMILIES.map((k) => [k, DEVICE_FIELDS[k]])) as {
  readonly [K in (typeof BUILT_FAMILIES)[number]]: (typeof DEVICE_FIELDS)[K];
};

/** A device family the builders make. */
export type DeviceFamily = keyof typeof deviceLists;

/** A device made by a builder: its def, its methods and its family. */
export type BuiltDevice<T, F extends DeviceFamily = DeviceFamily> = Built<T> & { readonly [DEVICE_FAMILY]: F };

/** Attaches `toXml`/`validate` to a def written with `decl` and validated as `kind`. */
export function attachMethods<T extends object>(def: T, decl: Decl, kind: RootKind, format?: (def: T, options: ToXmlOptions) => string): Built<T> {
  const toXml = (options: ToXmlOptions = {}) => (format ? format(def, options) : formatElement(decl, def, formatContext(options), 0) + '\n');
  Object.defineProperties(def, {
    toXml: { value: toXml, enumerable: false, configurable: true, writable: true },
    validate: {
      value: (profile?: Profile) => validateXml(toXml(), { kind, ...(profile !== undefined ? { profile } : {}) }),
      enumerable: false,
      configurable: true,
      writable: true,
    },
  });
  return def as Built<T>;
}

/** Attaches the methods and the device family. */
export function builtDevice<T extends object, F extends DeviceFamily>(def: T, family: F, decl: Decl): BuiltDevice<T, F> {
  const d = attachMethods(def, decl, family);
  Object.defineProperty(d, DEVICE_FAMILY, { value: family, enumerable: false });
  return d as BuiltDevice<T, F>;
}

/** The family of a built device, if it is one. */
export function familyOf(v: unknown): DeviceFamily | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const f = (v as { [DEVICE_FAMILY]?: unknown })[DEVICE_FAMILY];
  return typeof f === 'string' && Object.hasOwn(deviceLists, f) ? (f as DeviceFamily) : undefined;
}
