/**
 * Every device of a domain with the path it sits at, in document family
 * order (libvirt's `virDomainDeviceInfoIterate` visits the same set), and the
 * device-info pieces the cross-device rules read: alias and guest address.
 *
 * Typed through and through: a family's devices have the type the
 * `<devices>` declaration gives them (`familyOf(def, 'hostdevs')` is a list
 * of `HostdevDef`), and the device info of any device is read off its own
 * fields — renaming a field in a declaration fails to compile here.
 */
import { devices as devicesDecl } from '../../domain/devices/devices.js';
import type { deviceInfoFields } from '../../domain/devices/info.js';
import type { DomainDef } from '../../domain/domain.js';
import type { InferFields } from '../../xml/decl.js';
import { itemPath, type Located } from './context.js';

/** A domain's `<devices>` def. */
export type Devices = NonNullable<DomainDef['devices']>;

/** The `<devices>` keys that hold a list of devices (`'disks'`, `'hostdevs'`, …). */
export type ListFamily = { [K in keyof Devices]-?: NonNullable<Devices[K]> extends ReadonlyArray<unknown> ? K : never }[keyof Devices];
/** The `<devices>` keys that hold one device (`'memballoon'`, `'iommu'`, …; not `<redirfilter>`, which is no device). */
export type SingleFamily = Exclude<
  { [K in keyof Devices]-?: NonNullable<Devices[K]> extends ReadonlyArray<unknown> ? never : NonNullable<Devices[K]> extends object ? K : never }[keyof Devices],
  '$extra' | 'redirfilter'
>;
export type DeviceFamily = ListFamily | SingleFamily;

/** The def type of one device of each family: `DeviceOf['hostdevs']` is `HostdevDef`. */
export type DeviceOf = { [K in ListFamily]: NonNullable<Devices[K]>[number] } & { [K in SingleFamily]: NonNullable<Devices[K]> };
/** Any device def. */
export type AnyDevice = DeviceOf[DeviceFamily];

/** The lists of `<devices>` by family, as the rules read them. */
type Lists = { readonly [K in ListFamily]?: ReadonlyArray<DeviceOf[K]> };
type Singles = { readonly [K in SingleFamily]?: DeviceOf[K] };

/** The device-info fields every device with a guest address carries (../../domain/devices/info.ts). */
export type DeviceInfo = InferFields<typeof deviceInfoFields>;
/** A guest address (`<address type=…>`). */
export type GuestAddress = NonNullable<DeviceInfo['address']>;

/**
 * `<devices>` list keys and the element each list holds, then the single
 * devices, in declaration order — read off the `<devices>` declaration, so a
 * new device family is walked without listing it here.
 */
const FIELDS = Object.entries(devicesDecl.fields);
const LISTS: ReadonlyArray<readonly [ListFamily, string]> = FIELDS.flatMap(([key, f]) => (f.kind === 'list' && isListFamily(key) ? [[key, f.decl.name] as const] : []));
const SINGLES: ReadonlyArray<readonly [SingleFamily, string]> = FIELDS.flatMap(([key, f]) =>
  f.kind === 'child' && isSingleFamily(key) ? [[key, f.decl.name] as const] : [],
);
const NAMES: ReadonlyMap<DeviceFamily, string> = new Map([...LISTS, ...SINGLES]);

/** A `<devices>` key the declaration declares as a list. */
function isListFamily(key: string): key is ListFamily {
  const f = Object.hasOwn(devicesDecl.fields, key) ? Reflect.get(devicesDecl.fields, key) : undefined;
  return f?.kind === 'list';
}
/** A `<devices>` key the declaration declares as one child device. */
function isSingleFamily(key: string): key is SingleFamily {
  const f = Object.hasOwn(devicesDecl.fields, key) ? Reflect.get(devicesDecl.fields, key) : undefined;
  return f?.kind === 'child' && key !== 'redirfilter';
}

export const DEVICES_PATH = '/domain/devices';

/**
 * What the device rules see of a domain: its devices, and the domain-level
 * fields some device rules depend on. A device snippet (hotplug XML) is
 * `{ devices }` alone — no domain type, as libvirt's generic parser sees it.
 */
export type DeviceScope = Pick<DomainDef, 'devices'> & Partial<Pick<DomainDef, 'type' | 'cpu' | 'os'>>;

export interface DeviceEntry extends Located<AnyDevice> {
  /** The `<devices>` key (`hostdevs`). */
  family: DeviceFamily;
  /** The element name (`hostdev`). */
  name: string;
  /** Its device info (empty for devices that have none, such as `<graphics>`). */
  info: DeviceInfo;
  /**
   * The first `<console>` of serial type stands for the first `<serial>`
   * (libvirt copies the serial's device info into it): not a device of its own.
   */
  mirror?: boolean;
}

export function devicesOf(def: DeviceScope): DeviceEntry[] {
  const devs = def.devices;
  if (!devs) return [];
  const lists: Lists = devs;
  const singles: Singles = devs;
  const out: DeviceEntry[] = [];
  for (const [family, name] of LISTS) {
    const list: ReadonlyArray<AnyDevice> | undefined = lists[family];
    if (!isList(list)) continue;
    list.forEach((obj: AnyDevice | null, i) => {
      if (!isDevice(obj)) return; // a def built in code may hold anything
      const e: DeviceEntry = { family, name, obj, info: infoOf(obj), path: itemPath(DEVICES_PATH, name, list, i) };
      if (family === 'consoles' && i === 0 && isSerialConsole(obj, devs.serials)) e.mirror = true;
      out.push(e);
    });
  }
  for (const [family, name] of SINGLES) {
    const obj: AnyDevice | null | undefined = singles[family];
    if (isDevice(obj)) out.push({ family, name, obj, info: infoOf(obj), path: `${DEVICES_PATH}/${name}` });
  }
  return out;
}

/** A device def (not null, not a primitive or array a def built in code may hold instead). */
function isDevice(v: AnyDevice | null | undefined): v is AnyDevice {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The device info of a device, read off its own fields. */
export function infoOf(obj: AnyDevice): DeviceInfo {
  const info: DeviceInfo = {};
  if ('boot' in obj && obj.boot) info.boot = obj.boot;
  if ('alias' in obj && obj.alias) info.alias = obj.alias;
  if ('rom' in obj && obj.rom) info.rom = obj.rom;
  if ('acpi' in obj && obj.acpi) info.acpi = obj.acpi;
  // (<graphics type='dbus'> has an address attribute, a string: not a guest address)
  if ('address' in obj && obj.address && typeof obj.address === 'object') info.address = obj.address;
  return info;
}

/** The devices of one family, with their def type (`familyOf(def, 'disks')` → disks). */
export function familyOf<K extends ListFamily>(def: DeviceScope, family: K): Array<Located<DeviceOf[K]>> {
  const lists: Lists = def.devices ?? {};
  const list = lists[family];
  if (!isList(list)) return [];
  const name = NAMES.get(family) ?? family;
  const out: Array<Located<DeviceOf[K]>> = [];
  list.forEach((obj: DeviceOf[K] | null, i) => {
    if (obj !== null && typeof obj === 'object') out.push({ obj, path: itemPath(DEVICES_PATH, name, list, i) });
  });
  return out;
}

/** A list (a def built in code may hold anything where a list belongs). */
function isList<T>(v: ReadonlyArray<T> | undefined): v is ReadonlyArray<T> {
  return Array.isArray(v);
}

function isSerialConsole(c: AnyDevice, serials: Devices['serials']): boolean {
  const t = 'target' in c && c.target && 'type' in c.target ? c.target.type : undefined;
  return Array.isArray(serials) && serials.length > 0 && (t === undefined || t === 'serial');
}
