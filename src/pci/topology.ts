/**
 * A host's PCI devices as plain JSON: what `MemoryPciHost` is built from and
 * what its `snapshot()` returns. Test fixtures (libvirt's virpcimock model,
 * libvirt-semantics.md §6.3) and dry runs use it.
 *
 * Two optional fields go beyond the minimum: `driverOverride` on a device (so
 * a snapshot keeps a pending override) and `vfioVariant` on a driver (a VFIO
 * variant driver no device is bound to yet; otherwise a driver is a variant
 * when a device bound to it has `vfioDev`).
 */
import { parsePciAddressName, pciAddressName } from '../common/basictypes.js';
import type { PciHeaderType } from './host.js';

export interface PciTopologyDriver {
  name: string;
  /** vendor, device it claims by ID. */
  ids?: Array<[number, number]>;
  /** A VFIO variant driver (its devices get `vfio-dev/`, like vfio-pci's). */
  vfioVariant?: boolean;
}

export interface PciTopologyDevice {
  address: string;
  vendor: number;
  device: number;
  /** 24-bit class code. */
  class: number;
  /** Default from the class: PCI-to-PCI bridges 0x0604xx/0x0609xx 'bridge', CardBus 0x0607xx 'cardbus', else 'endpoint'. */
  headerType?: PciHeaderType;
  /** Bound driver; absent when unbound. */
  driver?: string;
  /** Pending `driver_override`. */
  driverOverride?: string;
  iommuGroup?: number;
  /**
   * PF address of an SR-IOV VF. As on real hardware, a VF's config space
   * reads 0xffff for vendor and device (SR-IOV spec); its `vendor`/`device`
   * (what the kernel and libvirt report) are these fields.
   */
  physfn?: string;
  /** An SR-IOV PF: `sriov_totalvfs`; its enabled VFs (`sriov_numvfs`) are the devices naming it as physfn. */
  sriovTotalVfs?: number;
  /** Interface names; present in sysfs while the device is bound to a host driver. */
  netdevs?: string[];
  /** `vfio-dev/` exists: bound to vfio-pci or a VFIO variant driver. */
  vfioDev?: boolean;
}

export interface PciTopology {
  drivers: PciTopologyDriver[];
  devices: PciTopologyDevice[];
}

export class PciTopologyError extends Error {
  override readonly name = 'PciTopologyError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid PCI topology:\n  ${problems.join('\n  ')}`);
  }
}

/** libvirt's stub name for VFIO; it claims devices only through driver_override. */
export const VFIO_PCI = 'vfio-pci';

const HEADER_TYPES: readonly PciHeaderType[] = ['endpoint', 'bridge', 'cardbus'];
const DRIVER_KEYS = new Set(['name', 'ids', 'vfioVariant']);
const DEVICE_KEYS = new Set(['address', 'vendor', 'device', 'class', 'headerType', 'driver', 'driverOverride', 'iommuGroup', 'physfn', 'sriovTotalVfs', 'netdevs', 'vfioDev']);

/** Header type implied by a class code (what config space says for ordinary devices). */
export function headerTypeOfClass(cls: number): PciHeaderType {
  const sub = cls >> 8;
  if (sub === 0x0604 || sub === 0x0609) return 'bridge';
  if (sub === 0x0607) return 'cardbus';
  return 'endpoint';
}

/** The canonical `DDDD:BB:SS.F` form of a PCI name, undefined when malformed. */
export function canonicalPciName(name: string): string | undefined {
  const a = parsePciAddressName(name);
  return a ? pciAddressName(a) : undefined;
}

/** Orders PCI names by domain, bus, slot, function. */
export function comparePciNames(a: string, b: string): number {
  const x = parsePciAddressName(a);
  const y = parsePciAddressName(b);
  if (!x || !y) return a < b ? -1 : a > b ? 1 : 0;
  return x.domain - y.domain || x.bus - y.bus || x.slot - y.slot || x.function - y.function;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isUint = (v: unknown, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
const hex = (n: number, w: number) => '0x' + n.toString(16).padStart(w, '0');
/** Linux interface names: 1-15 bytes, no '/', ':' or whitespace. */
const IFNAME = /^[^/:\s]{1,15}$/;

function unknownKeys(o: Record<string, unknown>, known: Set<string>, what: string, out: string[]): void {
  for (const k of Object.keys(o)) if (!known.has(k)) out.push(`${what}: unknown field '${k}'`);
}

function driverProblems(drivers: unknown[], out: string[]): Set<string> {
  const names = new Set<string>();
  drivers.forEach((d, i) => {
    if (!isObject(d)) return void out.push(`drivers[${i}]: not an object`);
    const what = typeof d.name === 'string' ? `driver '${d.name}'` : `drivers[${i}]`;
    unknownKeys(d, DRIVER_KEYS, what, out);
    if (typeof d.name !== 'string' || d.name === '' || d.name.includes('/')) return void out.push(`${what}: name must be a non-empty string without '/'`);
    if (names.has(d.name)) out.push(`${what}: defined twice`);
    names.add(d.name);
    if (d.vfioVariant !== undefined && typeof d.vfioVariant !== 'boolean') out.push(`${what}: vfioVariant must be a boolean`);
    if (d.ids === undefined) return;
    if (!Array.isArray(d.ids)) return void out.push(`${what}: ids must be an array of [vendor, device] pairs`);
    if (d.name === VFIO_PCI && d.ids.length) out.push(`${what}: vfio-pci claims devices only through driver_override, not by ID`);
    d.ids.forEach((id, j) => {
      if (!Array.isArray(id) || id.length !== 2 || !isUint(id[0], 0xffff) || !isUint(id[1], 0xffff)) out.push(`${what}: ids[${j}] must be [vendor, device] with 16-bit numbers`);
    });
  });
  return names;
}

function deviceProblems(d: Record<string, unknown>, what: string, drivers: Set<string>, out: string[]): void {
  unknownKeys(d, DEVICE_KEYS, what, out);
  for (const [key, bits] of [['vendor', 16], ['device', 16], ['class', 24]] as const) {
    if (isUint(d[key], 2 ** bits - 1)) continue;
    const hint = typeof d[key] === 'string' ? ' (hex strings are read by pciTopologyFromJson)' : '';
    out.push(`${what}: ${key} must be a ${bits}-bit number${hint}`);
  }
  if (d.headerType !== undefined && !HEADER_TYPES.includes(d.headerType as PciHeaderType)) out.push(`${what}: headerType must be one of ${HEADER_TYPES.join(', ')}`);
  if (d.driver !== undefined && (typeof d.driver !== 'string' || !drivers.has(d.driver))) out.push(`${what}: bound to unknown driver '${String(d.driver)}' (not in drivers)`);
  if (d.driverOverride !== undefined && (typeof d.driverOverride !== 'string' || d.driverOverride === '')) out.push(`${what}: driverOverride must be a non-empty string`);
  if (d.iommuGroup !== undefined && !isUint(d.iommuGroup, 0xffffffff)) out.push(`${what}: iommuGroup must be a non-negative integer`);
  if (d.vfioDev !== undefined && typeof d.vfioDev !== 'boolean') out.push(`${what}: vfioDev must be a boolean`);
  if (d.vfioDev === true && d.driver === undefined) out.push(`${what}: vfioDev without a driver (vfio-dev/ exists only while bound)`);
  if (d.physfn !== undefined && typeof d.physfn !== 'string') out.push(`${what}: physfn must be a PCI address`);
  if (d.sriovTotalVfs !== undefined && !isUint(d.sriovTotalVfs, 0xffff)) out.push(`${what}: sriovTotalVfs must be a 16-bit number`);
  if (d.sriovTotalVfs !== undefined && d.physfn !== undefined) out.push(`${what}: a VF cannot have sriovTotalVfs (VFs have no SR-IOV capability)`);
  if (d.netdevs !== undefined && (!Array.isArray(d.netdevs) || !d.netdevs.every((n) => typeof n === 'string' && IFNAME.test(n)))) {
    out.push(`${what}: netdevs must be interface names (1-15 characters, no '/', ':' or spaces)`);
  }
}

/** Every problem of a topology (empty when valid). */
export function pciTopologyProblems(value: unknown): string[] {
  const out: string[] = [];
  if (!isObject(value)) return ['not an object with drivers and devices'];
  if (!Array.isArray(value.drivers)) out.push('drivers must be an array');
  if (!Array.isArray(value.devices)) out.push('devices must be an array');
  if (out.length) return out;
  unknownKeys(value, new Set(['drivers', 'devices']), 'topology', out);
  const drivers = driverProblems(value.drivers as unknown[], out);
  const devices = new Map<string, Record<string, unknown>>();
  const netdevs = new Map<string, string>();
  (value.devices as unknown[]).forEach((d, i) => {
    if (!isObject(d)) return void out.push(`devices[${i}]: not an object`);
    const address = typeof d.address === 'string' ? d.address : undefined;
    const what = address !== undefined ? `device ${address}` : `devices[${i}]`;
    if (address === undefined || canonicalPciName(address) !== address) {
      out.push(`${what}: address must be a PCI name DDDD:BB:SS.F in lower case`);
    } else if (devices.has(address)) {
      out.push(`${what}: duplicate address`);
    } else devices.set(address, d);
    deviceProblems(d, what, drivers, out);
    if (Array.isArray(d.netdevs)) {
      for (const n of d.netdevs) {
        if (typeof n !== 'string') continue;
        const owner = netdevs.get(n);
        if (owner !== undefined) out.push(`${what}: interface ${n} already belongs to ${owner}`);
        else netdevs.set(n, address ?? what);
      }
    }
  });
  const vfCount = new Map<string, number>();
  for (const d of devices.values()) if (typeof d.physfn === 'string') vfCount.set(d.physfn, (vfCount.get(d.physfn) ?? 0) + 1);
  for (const [address, d] of devices) {
    const n = vfCount.get(address) ?? 0;
    if (typeof d.sriovTotalVfs === 'number' && n > d.sriovTotalVfs) out.push(`device ${address}: ${n} VFs name it as physfn, more than its sriovTotalVfs ${d.sriovTotalVfs}`);
    if (typeof d.physfn !== 'string') continue;
    const pf = devices.get(d.physfn);
    if (d.physfn === address) out.push(`device ${address}: physfn is the device itself`);
    else if (!pf) out.push(`device ${address}: VF whose physfn ${d.physfn} is missing`);
    else if (pf.physfn !== undefined) out.push(`device ${address}: physfn ${d.physfn} is itself a VF`);
  }
  return out;
}

/** Checks a topology (e.g. parsed JSON) and returns it typed; throws `PciTopologyError` listing every problem. */
export function validatePciTopology(value: unknown): PciTopology {
  const problems = pciTopologyProblems(value);
  if (problems.length) throw new PciTopologyError(problems);
  return value as PciTopology;
}

const hexString = /^0x[0-9a-fA-F]+$/;
const fromHex = (v: unknown): unknown => (typeof v === 'string' && hexString.test(v) ? parseInt(v, 16) : v);

/**
 * Reads a topology from JSON text or a parsed value, where vendor, device,
 * class and ids may be written as hex strings ("0x8086", as in the fixture
 * files); throws `PciTopologyError` listing every problem.
 */
export function pciTopologyFromJson(json: unknown): PciTopology {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new PciTopologyError([`not JSON: ${(e as Error).message}`]);
    }
  }
  if (!isObject(value)) return validatePciTopology(value);
  const drivers = Array.isArray(value.drivers)
    ? value.drivers.map((d) => (isObject(d) && Array.isArray(d.ids) ? { ...d, ids: d.ids.map((id) => (Array.isArray(id) ? id.map(fromHex) : id)) } : d))
    : value.drivers;
  const devices = Array.isArray(value.devices)
    ? value.devices.map((d) => (isObject(d) ? { ...d, vendor: fromHex(d.vendor), device: fromHex(d.device), class: fromHex(d.class) } : d))
    : value.devices;
  return validatePciTopology({ ...value, drivers, devices });
}

/** `vendor:device` as lspci prints it (`8086:10d3`). */
export function formatPciId(vendor: number, device: number): string {
  return `${vendor.toString(16).padStart(4, '0')}:${device.toString(16).padStart(4, '0')}`;
}

/** A class code as sysfs prints it (`0x020000`). */
export function formatPciClass(cls: number): string {
  return hex(cls, 6);
}
