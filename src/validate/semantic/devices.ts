/**
 * Every device of a domain with the path it sits at, in document family
 * order (libvirt's `virDomainDeviceInfoIterate` visits the same set), and the
 * device-info pieces the cross-device rules read: alias and guest address.
 */
import { devices as devicesDecl } from '../../domain/devices/devices.js';
import type { DomainDef } from '../../domain/domain.js';
import { itemPath, type Located } from './context.js';

/**
 * `<devices>` list keys and the element each list holds, then the single
 * devices, in declaration order — read off the `<devices>` declaration, so a
 * new device family is walked without listing it here. `<redirfilter>` is
 * not a device (no device info).
 */
const FIELDS = Object.entries(devicesDecl.fields);
const LISTS: ReadonlyArray<readonly [string, string]> = FIELDS.flatMap(([key, f]) => (f.kind === 'list' ? [[key, f.decl.name] as const] : []));
const SINGLES: ReadonlyArray<readonly [string, string]> = FIELDS.flatMap(([key, f]) =>
  f.kind === 'child' && key !== 'redirfilter' ? [[key, f.decl.name] as const] : [],
);

export const DEVICES_PATH = '/domain/devices';

/** Guest address as the rules read it (any `<address type=…>`). */
export interface AnyAddress {
  type: string;
  domain?: number;
  bus?: number;
  slot?: number;
  function?: number;
  multifunction?: boolean;
  controller?: number;
  target?: number;
  unit?: number;
  [k: string]: unknown;
}

export interface DeviceInfoView {
  alias?: { name: string };
  address?: AnyAddress;
  rom?: { enabled?: boolean; bar?: boolean; file?: string };
  boot?: { order: number };
}

export interface DeviceEntry extends Located<DeviceInfoView & Record<string, unknown>> {
  /** The `<devices>` key (`hostdevs`). */
  family: string;
  /** The element name (`hostdev`). */
  name: string;
  /**
   * The first `<console>` of serial type stands for the first `<serial>`
   * (libvirt copies the serial's device info into it): not a device of its own.
   */
  mirror?: boolean;
}

export function devicesOf(def: DomainDef): DeviceEntry[] {
  const devs: Readonly<Record<string, unknown>> | undefined = def.devices;
  if (!devs) return [];
  const out: DeviceEntry[] = [];
  for (const [family, name] of LISTS) {
    const list = devs[family];
    if (!Array.isArray(list)) continue;
    list.forEach((obj, i) => {
      if (!obj || typeof obj !== 'object') return;
      const e: DeviceEntry = { family, name, obj, path: itemPath(DEVICES_PATH, name, list, i) };
      if (family === 'consoles' && i === 0 && isSerialConsole(obj, devs['serials'])) e.mirror = true;
      out.push(e);
    });
  }
  for (const [family, name] of SINGLES) {
    const obj = devs[family];
    if (isDeviceObject(obj)) out.push({ family, name, obj, path: `${DEVICES_PATH}/${name}` });
  }
  return out;
}

/** A device def as the rules read it: an object (every field of DeviceInfoView is optional). */
function isDeviceObject(v: unknown): v is DeviceEntry['obj'] {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The entries of one family. */
export function familyOf<T>(def: DomainDef, family: string): Array<Located<T>> {
  return devicesOf(def)
    .filter((d) => d.family === family)
    .map((d) => ({ obj: d.obj as unknown as T, path: d.path }));
}

function isSerialConsole(c: { target?: { type?: string } }, serials: unknown): boolean {
  const t = c.target?.type;
  return Array.isArray(serials) && serials.length > 0 && (t === undefined || t === 'serial');
}
