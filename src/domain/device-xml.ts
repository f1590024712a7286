/**
 * A single device element on its own, as `virsh attach-device` and
 * `virsh detach-device` take it (libvirt's `virDomainDeviceDefParse`):
 * `<disk>`, `<interface>`, `<hostdev>`, … parsed and written with the same
 * declarations `<devices>` uses (./devices/devices.ts), as a tagged value
 * `{ kind, def }` whose `kind` is the element name.
 */
import { resolveDecl, type Decl, type ListField, type ChildField } from '../xml/decl.js';
import { formatContext, formatElement, parseWith, rootError, strictness } from '../xml/codec.js';
import { VirtXmlError } from '../xml/errors.js';
import { readXml } from '../xml/reader.js';
import { indentOf } from '../xml/writer.js';
import { devices, type DevicesDef } from './devices/devices.js';
import type { FormatDomainOptions, ParseDomainOptions } from './index.js';

/**
 * Device kind (element name) → its field in `<devices>`. The declarations
 * come from that field, so there is one declaration per device element.
 */
export const DEVICE_FIELDS = {
  disk: 'disks',
  controller: 'controllers',
  lease: 'leases',
  filesystem: 'filesystems',
  interface: 'interfaces',
  smartcard: 'smartcards',
  serial: 'serials',
  parallel: 'parallels',
  console: 'consoles',
  channel: 'channels',
  input: 'inputs',
  tpm: 'tpms',
  graphics: 'graphics',
  sound: 'sounds',
  audio: 'audios',
  video: 'videos',
  hostdev: 'hostdevs',
  redirdev: 'redirdevs',
  redirfilter: 'redirfilter',
  hub: 'hubs',
  watchdog: 'watchdogs',
  memballoon: 'memballoon',
  rng: 'rngs',
  nvram: 'nvram',
  panic: 'panics',
  shmem: 'shmems',
  memory: 'memories',
  iommu: 'iommu',
  vsock: 'vsock',
  crypto: 'cryptos',
  pstore: 'pstore',
} as const satisfies Record<string, Exclude<keyof DevicesDef, 'emulator' | '$extra'>>;

export type DeviceKind = keyof typeof DEVICE_FIELDS;

type Item<T> = T extends ReadonlyArray<infer U> ? U : T;
/** The def of one device of a kind, e.g. `DeviceDefOf<'disk'>`. */
export type DeviceDefOf<K extends DeviceKind> = Item<NonNullable<DevicesDef[(typeof DEVICE_FIELDS)[K]]>>;

/** A device snippet: its kind (element name) and its def, narrowed by kind. */
export type DeviceXml = { [K in DeviceKind]: { kind: K; def: DeviceDefOf<K> } }[DeviceKind];

export const DEVICE_KINDS = Object.keys(DEVICE_FIELDS) as DeviceKind[];

/** The declaration of a device kind (from `<devices>`). */
export function deviceDecl(kind: DeviceKind): Decl {
  const f = devices.fields[DEVICE_FIELDS[kind]] as ListField | ChildField | undefined;
  if (!f) throw new VirtXmlError('internal', `no <devices> field for device kind '${kind}'`);
  return f.decl;
}

/** A `<devices>` def holding just this one device (in its list, or as the single device of its kind). */
export function devicesWith(kind: DeviceKind, def: unknown): DevicesDef {
  const f = devices.fields[DEVICE_FIELDS[kind]] as ListField | ChildField;
  return { [DEVICE_FIELDS[kind]]: f.kind === 'list' ? [def] : def } as DevicesDef;
}

function isDeviceKind(name: string): name is DeviceKind {
  return Object.prototype.hasOwnProperty.call(DEVICE_FIELDS, name);
}

export interface ParseDeviceOptions extends ParseDomainOptions {
  /** Expected device kind; the root element must then be that element. Default: any device element. */
  kind?: DeviceKind;
}

/**
 * Parses one device element (hotplug XML). Throws {@link VirtXmlError} with
 * a place on bad input, `xml-root` when the root is not a device element
 * (or not the `kind` asked for).
 */
export function parseDeviceXml(xml: string, options: ParseDeviceOptions = {}): DeviceXml {
  const doc = readXml(xml, options);
  const name = doc.root.name;
  if (!isDeviceKind(name) || (options.kind !== undefined && options.kind !== name)) {
    throw rootError(doc, options.kind !== undefined ? `<${options.kind}>` : 'a device element (<disk>, <interface>, <hostdev>, …)');
  }
  const def = parseWith(deviceDecl(name), doc.root, doc.source, { keepOrigins: options.keepOrigins ?? false, document: doc, ...strictness(options.strict) });
  return { kind: name, def } as DeviceXml;
}

export interface FormatDeviceOptions extends FormatDomainOptions {
  /**
   * Nesting level of the element (2 spaces each), as if it stood at that
   * depth in a domain: 0 (default) writes it at the left margin, 2 as
   * inside `<domain><devices>`.
   */
  level?: number;
}

/** Writes one device element in libvirt's canonical form, ending with a newline. */
export function formatDeviceXml(device: DeviceXml, options: FormatDeviceOptions = {}): string {
  if (device === null || typeof device !== 'object' || !isDeviceKind(String(device.kind))) {
    throw new VirtXmlError('invalid-value', `cannot format device: unknown kind ${JSON.stringify(device?.kind)}`);
  }
  const { level = 0, ...flags } = options;
  const decl = resolveDecl(deviceDecl(device.kind));
  return indentOf(level) + formatElement(decl, device.def as Record<string, unknown>, formatContext(flags), level) + '\n';
}
