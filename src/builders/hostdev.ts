/**
 * `<hostdev>` builders: host PCI devices (VFIO, with virtxml's
 * `group='auto'`), USB devices and mediated devices.
 *
 * ```ts
 * hostdev.pci('0000:03:00.0', { driver: { name: 'vfio', group: 'auto' } });
 * ```
 */
import { hostdevDriver as hostdevDriverDecl, type GroupMgmt, type HostdevDriver } from '../common/basictypes.js';
import { hostdev as hostdevDecl, type HostdevDef, type PciHostdev } from '../domain/devices/hostdev.js';
import { Reporter } from '../validate/semantic/context.js';
import { checkGroupMgmt } from '../validate/semantic/hostdev.js';
import { xmlNameOf } from '../xml/decl.js';
import { uuid as uuidType, type ValueType } from '../xml/values.js';
import { builtDevice, type BuiltDevice } from './built.js';
import { bool, builderError, show } from './errors.js';
import { deviceInfo, type DeviceInfoOptions } from './info.js';
import { parsePciAddress, type PciAddressInput } from './pci-address.js';

/** The PCI assignment backend (`<driver>`) of a hostdev, hostdev interface or hostdev network. */
export interface HostdevDriverOptions {
  /** Backend; `vfio` is the only one current libvirt/QEMU supports. */
  name?: 'vfio' | 'kvm' | 'xen';
  /** Explicit VFIO variant driver, e.g. `vfio-pci-igb` (libvirt 10.0+). */
  model?: string;
  /**
   * virtxml's extension: `'auto'` detaches and re-attaches the device's whole
   * IOMMU group (`groupMgmt`). Needs `managed` and the vfio backend.
   */
  group?: Exclude<GroupMgmt, 'default'>;
  /** Assign through IOMMUFD instead of a VFIO group container (`iommufd='yes'`, libvirt 12.x). */
  iommufd?: boolean;
}

export interface PciHostdevOptions extends DeviceInfoOptions {
  /** libvirt detaches the device from its host driver and re-attaches it (default true). */
  managed?: boolean;
  driver?: HostdevDriverOptions;
  /** The device's option ROM: `{ bar: false }` hides it, `{ file }` replaces it. */
  rom?: { bar?: boolean; file?: string; enabled?: boolean };
}

/** The `<driver>` declaration: its attributes' value types check the options (one place says what a backend name or model is). */
const DRIVER = hostdevDriverDecl.fields;

/** An option's value, if the value type its attribute declares accepts it (and knows it, for a word). */
function declared<T>(type: ValueType<T>, v: unknown, what: string, path: string): T {
  if (type.is(v) && type.known?.(v) !== false) return v;
  const words = type.schema['enum'] ?? (type.schema['const'] !== undefined ? [type.schema['const']] : undefined);
  const pattern = type.schema['pattern'];
  const expected = Array.isArray(words)
    ? words.map((w) => `'${String(w)}'`).join(', ').replace(/, ([^,]*)$/, ' or $1')
    : `a ${type.name}${typeof pattern === 'string' ? ` (${pattern})` : ''}`;
  throw builderError('invalid-value', `${what} must be ${expected}, got ${show(v)}`, path);
}

/**
 * Checks a driver option and maps `group` to the typed `groupMgmt`. The
 * options are the `<driver>` attributes under their XML names; a test holds
 * them to the declaration, so an attribute added there is offered here too.
 */
export function hostdevDriver(d: HostdevDriverOptions | undefined, managed: boolean, path: string): HostdevDriver | undefined {
  if (d === undefined) return undefined;
  if (typeof d !== 'object' || d === null) throw builderError('invalid-value', `driver must be an object, got ${show(d)}`, path);
  const out: HostdevDriver = {};
  if (d.name !== undefined) out.name = declared(DRIVER.name.type, d.name, 'driver name', `${path}/@name`);
  if (d.model !== undefined) out.model = declared(DRIVER.model.type, d.model, 'driver model', `${path}/@model`);
  if (d.iommufd !== undefined) out.iommufd = declared(DRIVER.iommufd.type, d.iommufd, 'driver iommufd', `${path}/@iommufd`);
  if (d.group !== undefined) {
    const group = xmlNameOf('groupMgmt', DRIVER.groupMgmt);
    out.groupMgmt = declared(DRIVER.groupMgmt.type, d.group, `driver ${group}`, `${path}/@${group}`);
    // the extension's rules exist once, in the semantic layer: the builder refuses what they report
    const r = new Reporter({ profile: 'virtxml' });
    checkGroupMgmt(r, { obj: out, path }, managed, { obj: {}, path: path.slice(0, path.lastIndexOf('/')) }, true);
    const [first] = r.diagnostics;
    if (first) throw builderError('unsupported', first.message, first.path);
  }
  return out;
}

/** A host PCI device for the guest: `<hostdev mode='subsystem' type='pci'>`. */
function pci(address: PciAddressInput, options: PciHostdevOptions = {}): BuiltDevice<PciHostdev, 'hostdev'> {
  const path = '/hostdev';
  const managed = bool(options.managed, 'managed', `${path}/@managed`) ?? true;
  const def: PciHostdev = {
    mode: 'subsystem',
    type: 'pci',
    managed,
    source: { address: parsePciAddress(address, `${path}/source/address`) },
  };
  const driver = hostdevDriver(options.driver, managed, `${path}/driver`);
  if (driver) def.driver = driver;
  Object.assign(def, deviceInfo(options, path));
  if (options.rom !== undefined) {
    const rom: NonNullable<PciHostdev['rom']> = {};
    const bar = bool(options.rom.bar, 'rom.bar', `${path}/rom/@bar`);
    const enabled = bool(options.rom.enabled, 'rom.enabled', `${path}/rom/@enabled`);
    if (bar !== undefined) rom.bar = bar;
    if (enabled !== undefined) rom.enabled = enabled;
    if (options.rom.file !== undefined) {
      if (typeof options.rom.file !== 'string' || !options.rom.file.startsWith('/')) throw builderError('invalid-value', `rom.file must be an absolute path, got ${show(options.rom.file)}`, `${path}/rom/@file`);
      rom.file = options.rom.file;
    }
    def.rom = rom;
  }
  return builtDevice(def, 'hostdev', hostdevDecl);
}

export interface UsbHostdevOptions extends DeviceInfoOptions {
  managed?: boolean;
}

type UsbHostdev = Extract<HostdevDef, { type: 'usb' }>;

function usbId(v: unknown, what: string, path: string): number {
  if (typeof v === 'string' && /^(0x)?[0-9a-fA-F]{4}$/.test(v)) return parseInt(v.replace(/^0x/, ''), 16);
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff) return v;
  throw builderError('invalid-value', `${what} must be a USB id like '046d' or 0x046d, got ${show(v)}`, path);
}

/**
 * A host USB device, by vendor and product id (`{ vendor: '046d', product: 'c52b' }`)
 * or by host bus and device number (`{ bus: 1, device: 3 }`).
 */
function usb(
  device: { vendor: string | number; product: string | number } | { bus: number; device: number },
  options: UsbHostdevOptions = {},
): BuiltDevice<UsbHostdev, 'hostdev'> {
  const path = '/hostdev/source';
  const def: UsbHostdev = { mode: 'subsystem', type: 'usb', managed: bool(options.managed, 'managed', '/hostdev/@managed') ?? false, source: {} };
  if ('vendor' in device) {
    def.source.vendor = { id: usbId(device.vendor, 'vendor', `${path}/vendor/@id`) };
    def.source.product = { id: usbId(device.product, 'product', `${path}/product/@id`) };
  } else if ('bus' in device) {
    const n = (v: unknown, k: string) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw builderError('invalid-value', `USB ${k} must be a non-negative integer, got ${show(v)}`, `${path}/address/@${k}`);
      return v;
    };
    def.source.address = { bus: n(device.bus, 'bus'), device: n(device.device, 'device') };
  } else {
    throw builderError('missing-element', 'a USB hostdev needs { vendor, product } or { bus, device }', path);
  }
  Object.assign(def, deviceInfo(options, '/hostdev'));
  return builtDevice(def, 'hostdev', hostdevDecl);
}

type MdevHostdev = Extract<HostdevDef, { type: 'mdev' }>;

export interface MdevHostdevOptions extends DeviceInfoOptions {
  /** Default `vfio-pci`. */
  model?: 'vfio-pci' | 'vfio-ccw' | 'vfio-ap';
  /** Use the device as the guest's display (vfio-pci mdevs such as vGPUs). */
  display?: boolean;
}

/** A mediated device (vGPU slice …) by its UUID. */
function mdev(uuid: string, options: MdevHostdevOptions = {}): BuiltDevice<MdevHostdev, 'hostdev'> {
  if (!uuidType.is(typeof uuid === 'string' ? uuid.toLowerCase() : uuid)) {
    throw builderError('invalid-value', `mdev UUID must look like 5b2a6c1e-0f7d-4c1a-9a52-3d1c8e0b7f11, got ${show(uuid)}`, '/hostdev/source/address/@uuid');
  }
  const model = options.model ?? 'vfio-pci';
  if (!['vfio-pci', 'vfio-ccw', 'vfio-ap'].includes(model)) throw builderError('invalid-value', `mdev model must be vfio-pci, vfio-ccw or vfio-ap, got ${show(model)}`, '/hostdev/@model');
  const def: MdevHostdev = { mode: 'subsystem', type: 'mdev', managed: false, model, source: { address: { uuid: uuid.toLowerCase() } } };
  const display = bool(options.display, 'display', '/hostdev/@display');
  if (display !== undefined) {
    if (model !== 'vfio-pci') throw builderError('unsupported', "display is only for model 'vfio-pci' mdevs", '/hostdev/@display');
    def.display = display;
  }
  Object.assign(def, deviceInfo(options, '/hostdev'));
  return builtDevice(def, 'hostdev', hostdevDecl);
}

/** Builders of `<hostdev>` devices. */
export const hostdev = { pci, usb, mdev };
