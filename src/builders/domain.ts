/**
 * `domain()`: a whole `<domain>` from a few choices, with the devices made
 * by the device builders sorted into libvirt's lists, disk target names
 * assigned per bus, and libvirt's cross-device rules checked before the
 * config exists (duplicate host devices, duplicate targets, boot order).
 *
 * ```ts
 * const vm = domain({
 *   name: 'gpu-guest',
 *   memory: '8 GiB',
 *   vcpus: 4,
 *   os: { firmware: 'efi' },
 *   devices: [disk.file('/var/lib/libvirt/images/gpu-guest.qcow2'), iface.network('default'),
 *             hostdev.pci('0000:01:00.0', { driver: { name: 'vfio', group: 'auto' } })],
 * });
 * vm.toXml();        // libvirt's canonical XML
 * vm.validate();     // { valid, diagnostics }
 * ```
 */
import { domain as domainDecl, type DomainDef } from '../domain/domain.js';
import { devices as devicesDecl, type DevicesDef } from '../domain/devices/devices.js';
import type { SerialDef } from '../domain/devices/chardev.js';
import type { DiskDef } from '../domain/devices/disk.js';
import { formatDomainXml } from '../domain/index.js';
import { validateXml } from '../validate/index.js';
import { normaliseScaled, unitBytes } from '../domain/scaled.js';
import { uuid as uuidType } from '../xml/values.js';
import { attachMethods, deviceLists, familyOf, type Built, type BuiltDevice, type DeviceFamily } from './built.js';
import { AUTO_TARGET, diskBusPrefix, diskName } from './disk.js';
import { AUTO_PORT } from './console.js';
import { builderError, nonEmpty, positiveInt, show } from './errors.js';

/** A size with its unit: `'4 GiB'`, `'512MiB'`, `'2G'`, or `{ value: 4, unit: 'GiB' }`. */
export type MemorySize = string | { value: number; unit: string };

/** Reads a memory size into libvirt's unit (KiB). */
export function parseMemorySize(v: MemorySize, path: string): { value: number; unit: 'KiB' } {
  let value: number;
  let unit: string;
  if (typeof v === 'string') {
    const m = /^\s*(\d+)\s*([a-zA-Z]+)\s*$/.exec(v);
    if (!m) throw builderError('invalid-value', `memory size ${show(v)} needs a number and a unit, like '4 GiB' or '512 MiB'`, path);
    value = parseInt(m[1]!, 10);
    unit = m[2]!;
  } else if (typeof v === 'object' && v !== null && typeof v.value === 'number' && typeof v.unit === 'string') {
    ({ value, unit } = v);
  } else {
    throw builderError('invalid-value', `memory size ${show(v)} needs a unit: write '4 GiB' or { value: 4, unit: 'GiB' }`, path);
  }
  if (!Number.isSafeInteger(value) || value <= 0) throw builderError('invalid-value', `memory size must be a positive integer, got ${show(value)}`, path);
  if (unitBytes(unit) === undefined) throw builderError('invalid-value', `unknown memory unit '${unit}': use B, KiB, MiB, GiB, TiB (or KB, MB, GB, TB)`, path);
  const r = normaliseScaled(value, unit, { write: 'KiB' });
  if (typeof r === 'string') throw builderError('invalid-value', r, path);
  return { value: r.value, unit: 'KiB' };
}

/** Any device a device builder made. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyBuiltDevice = BuiltDevice<any, DeviceFamily>;

export type BootDevice = 'hd' | 'cdrom' | 'network' | 'fd';

export interface DomainOsOptions {
  /** Default x86_64. */
  arch?: 'x86_64' | 'aarch64' | 'i686' | 'ppc64le' | 's390x' | 'riscv64';
  /** Machine type; default `q35` on x86_64 (libvirt picks one elsewhere). */
  machine?: string;
  /** Let libvirt pick a firmware of this kind (`efi` for UEFI guests). */
  firmware?: 'efi' | 'bios';
  /** UEFI Secure Boot (needs `firmware: 'efi'`; turns on SMM). */
  secureBoot?: boolean;
  /** Boot order by device type; leave out to use per-device `bootOrder`. */
  boot?: BootDevice[];
}

export interface DomainOptions {
  name: string;
  /** Hypervisor. Default `kvm`. */
  type?: 'kvm' | 'qemu';
  uuid?: string;
  title?: string;
  description?: string;
  /** Memory at boot: `'4 GiB'`. */
  memory: MemorySize;
  /** Memory the balloon leaves the guest (default: all of `memory`). */
  currentMemory?: MemorySize;
  vcpus: number;
  /** Guest CPU: `host-passthrough` (default: libvirt's default CPU), with an optional topology. */
  cpu?: 'host-passthrough' | 'host-model' | { mode: 'host-passthrough' | 'host-model'; topology?: { sockets: number; cores: number; threads: number } };
  os?: DomainOsOptions;
  /** Default `utc`. */
  clock?: 'utc' | 'localtime';
  /** What libvirt does when the guest powers off, reboots or crashes (libvirt's defaults: destroy, restart, destroy). */
  lifecycle?: { poweroff?: 'destroy' | 'restart' | 'preserve'; reboot?: 'destroy' | 'restart' | 'preserve'; crash?: 'destroy' | 'restart' | 'preserve' | 'coredump-destroy' | 'coredump-restart' };
  /** Path of the QEMU binary (default: libvirt's choice for the arch and machine). */
  emulator?: string;
  /** Devices made by the device builders, in any order. */
  devices?: AnyBuiltDevice[];
  /** The memory balloon (default: libvirt adds a virtio one). */
  memballoon?: 'virtio' | 'none';
  /**
   * Devices no builder makes (controllers, watchdogs, filesystems, …) as
   * plain defs, by `<devices>` list; appended after the built ones and
   * checked with them.
   */
  extraDevices?: Omit<DevicesDef, 'emulator' | 'memballoon'>;
}

/** A built domain: a `DomainDef` with `toXml()` and `validate()`. */
export type BuiltDomain = Built<DomainDef>;

/** Names must be non-empty, without '/' or newlines (libvirt's virXMLCheckIllegalChars). */
export function checkName(v: unknown, what: string, path: string): string {
  const s = nonEmpty(v, what, path);
  if (/[/\n]/.test(s)) throw builderError('invalid-value', `${what} ${show(s)} must not contain '/' or a newline`, path);
  return s;
}

/** A UUID in libvirt's form (`uuid` value type), or a typed error. */
export function checkUuid(v: unknown, path: string): string {
  const u = typeof v === 'string' ? uuidType.parse(v) : undefined;
  if (typeof u !== 'string') throw builderError('invalid-value', `invalid UUID ${show(v)}`, path);
  return u;
}

/** Puts each built device into its `<devices>` list; renames disks whose target the builder chose. */
function sortDevices(list: readonly AnyBuiltDevice[]): DevicesDef {
  const out: Record<string, unknown[]> = {};
  list.forEach((d, i) => {
    const family = familyOf(d);
    if (!family) throw builderError('invalid-value', `devices[${i}] was not made by a device builder (disk.file(), iface.network(), hostdev.pci(), …): ${show(d)}`, '/domain/devices');
    (out[deviceLists[family]] ??= []).push(d);
  });
  const disks = out.disks as Array<DiskDef & { [AUTO_TARGET]?: boolean }> | undefined;
  if (disks) out.disks = nameDisks(disks);
  const serials = out.serials as Array<SerialDef & { [AUTO_PORT]?: boolean }> | undefined;
  if (serials) out.serials = numberSerials(serials);
  return out as DevicesDef;
}

/** Serial ports: given numbers must differ; the others get the first free ones (0-3), as libvirt numbers them. */
function numberSerials(serials: Array<SerialDef & { [AUTO_PORT]?: boolean }>): SerialDef[] {
  const used = new Map<number, number>();
  const portOf = (s: SerialDef) => (s.target as { port?: number } | undefined)?.port;
  serials.forEach((s, i) => {
    const p = portOf(s);
    if (s[AUTO_PORT] || p === undefined) return;
    const prev = used.get(p);
    if (prev !== undefined) throw builderError('duplicate', `serial port ${p} given twice (serials ${prev + 1} and ${i + 1})`, `${devicePath('serials', i, serials.length)}/target/@port`);
    used.set(p, i);
  });
  return serials.map((s, i) => {
    if (!s[AUTO_PORT]) return s;
    let n = 0;
    while (used.has(n)) n++;
    if (n > 3) throw builderError('invalid-value', 'more than 4 ISA serial ports', `${devicePath('serials', i, serials.length)}/target/@port`);
    used.set(n, i);
    return n === portOf(s) ? s : ({ ...s, target: { ...s.target, port: n } } as SerialDef);
  });
}

function nameDisks(disks: Array<DiskDef & { [AUTO_TARGET]?: boolean }>): DiskDef[] {
  const used = new Map<string, number>();
  disks.forEach((d, i) => {
    if (d[AUTO_TARGET]) return;
    const prev = used.get(d.target.dev);
    if (prev !== undefined) {
      throw builderError('duplicate', `target '${d.target.dev}' duplicated for disk sources (disks ${prev + 1} and ${i + 1})`, `${devicePath('disks', i, disks.length)}/target/@dev`);
    }
    used.set(d.target.dev, i);
  });
  return disks.map((d) => {
    if (!d[AUTO_TARGET]) return d;
    const prefix = diskBusPrefix[d.target.bus as keyof typeof diskBusPrefix];
    let n = 0;
    while (used.has(diskName(prefix, n))) n++;
    const dev = diskName(prefix, n);
    used.set(dev, -1);
    return dev === d.target.dev ? d : ({ ...d, target: { ...d.target, dev } } as DiskDef);
  });
}

/** Appends plain device defs to the built ones (lists concatenated; a single device only where there is none). */
function mergeExtra(devices: DevicesDef, extra: DomainOptions['extraDevices']): void {
  if (extra === undefined) return;
  if (typeof extra !== 'object' || extra === null) throw builderError('invalid-value', 'extraDevices must be an object of <devices> lists', '/domain/devices');
  const target = devices as Record<string, unknown>;
  for (const [key, v] of Object.entries(extra)) {
    if (v === undefined) continue;
    if (key === 'emulator' || key === 'memballoon') throw builderError('invalid-value', `extraDevices.${key}: use the ${key} option`, `/domain/devices/${key}`);
    const cur = target[key];
    if (Array.isArray(v)) target[key] = Array.isArray(cur) ? [...cur, ...v] : [...v];
    else if (cur !== undefined) throw builderError('duplicate', `extraDevices.${key} is already set by a built device`, `/domain/devices/${key}`);
    else target[key] = v;
  }
}

/** The element path of the `i`-th device of a `<devices>` list, as the parser writes paths (`disk`, `disk[2]`). */
function devicePath(listKey: string, i: number, count: number): string {
  const f = (devicesDecl.fields as Record<string, { kind: string; decl?: { name: string } }>)[listKey];
  const name = f?.decl?.name ?? listKey;
  return `/domain/devices/${name}${count > 1 ? `[${i + 1}]` : ''}`;
}

interface WithBoot {
  boot?: { order: number };
}

/** libvirt's boot-order rules: unique orders, and not together with `<os><boot>`. */
function checkBoot(devices: DevicesDef, osBoot: boolean): void {
  const seen = new Map<number, string>();
  for (const [key, list] of Object.entries(devices)) {
    if (!Array.isArray(list)) continue;
    list.forEach((d: WithBoot, i: number) => {
      if (!d.boot) return;
      const path = `${devicePath(key, i, list.length)}/boot`;
      if (osBoot) throw builderError('unsupported', 'per-device boot elements cannot be used together with os/boot elements', path);
      if (seen.has(d.boot.order)) throw builderError('duplicate', `boot order '${d.boot.order}' used for more than one device`, path);
      seen.set(d.boot.order, path);
    });
  }
}

/** A `<domain>` (KVM guest) from a few choices and built devices. Throws a `VirtXmlError` for anything libvirt would refuse. */
export function domain(options: DomainOptions): BuiltDomain {
  if (typeof options !== 'object' || options === null) throw builderError('invalid-value', 'domain() needs an options object', '/domain');
  const type = options.type ?? 'kvm';
  if (type !== 'kvm' && type !== 'qemu') throw builderError('invalid-value', `domain type must be kvm or qemu, got ${show(type)}`, '/domain/@type');
  const def: DomainDef = { type, name: checkName(options.name, 'domain name', '/domain/name') };
  if (options.uuid !== undefined) def.uuid = checkUuid(options.uuid, '/domain/uuid');
  if (options.title !== undefined) {
    if (typeof options.title !== 'string' || options.title.includes('\n')) throw builderError('invalid-value', 'title must be one line of text', '/domain/title');
    def.title = options.title;
  }
  if (options.description !== undefined) def.description = String(options.description);

  def.memory = parseMemorySize(options.memory, '/domain/memory');
  if (options.currentMemory !== undefined) {
    const cur = parseMemorySize(options.currentMemory, '/domain/currentMemory');
    if (cur.value > def.memory.value) throw builderError('invalid-value', 'currentMemory must not be larger than memory', '/domain/currentMemory');
    def.currentMemory = cur;
  }
  def.vcpu = { placement: 'static', count: positiveInt(options.vcpus, 'vcpus', '/domain/vcpu', 0xffff) };

  const cpu = typeof options.cpu === 'string' ? { mode: options.cpu } : options.cpu;
  if (cpu) {
    if (cpu.mode !== 'host-passthrough' && cpu.mode !== 'host-model') throw builderError('invalid-value', `cpu mode must be host-passthrough or host-model, got ${show(cpu.mode)}`, '/domain/cpu/@mode');
    def.cpu = { mode: cpu.mode, ...(cpu.mode === 'host-passthrough' ? { check: 'none' as const, migratable: true } : {}) };
    const t = 'topology' in cpu ? cpu.topology : undefined;
    if (t) {
      const p = '/domain/cpu/topology';
      const [s, c, th] = [positiveInt(t.sockets, 'sockets', `${p}/@sockets`), positiveInt(t.cores, 'cores', `${p}/@cores`), positiveInt(t.threads, 'threads', `${p}/@threads`)];
      if (s * c * th !== def.vcpu.count) throw builderError('invalid-value', `CPU topology (${s}×${c}×${th} = ${s * c * th}) must match vcpus (${def.vcpu.count})`, p);
      def.cpu.topology = { sockets: s, dies: 1, clusters: 1, cores: c, threads: th };
    }
  }

  const os = options.os ?? {};
  const arch = os.arch ?? 'x86_64';
  const machine = os.machine ?? (arch === 'x86_64' ? 'q35' : undefined);
  if (machine !== undefined && (typeof machine !== 'string' || !/^[a-zA-Z0-9._-]+$/.test(machine))) {
    throw builderError('invalid-value', `machine must be a machine type like q35 or virt, got ${show(machine)}`, '/domain/os/type/@machine');
  }
  def.os = { type: { arch, ...(machine !== undefined ? { machine } : {}), value: 'hvm' } };
  if (os.firmware !== undefined) {
    if (os.firmware !== 'efi' && os.firmware !== 'bios') throw builderError('invalid-value', `firmware must be efi or bios, got ${show(os.firmware)}`, '/domain/os/@firmware');
    def.os.firmware = os.firmware;
  }
  if (os.secureBoot) {
    if (os.firmware !== 'efi') throw builderError('unsupported', "secure boot needs firmware: 'efi'", '/domain/os/firmware');
    def.os.firmwareFeatures = { features: [{ enabled: true, name: 'enrolled-keys' }, { enabled: true, name: 'secure-boot' }] };
  }
  if (os.boot !== undefined) {
    def.os.boots = os.boot.map((dev, i) => {
      if (!['hd', 'cdrom', 'network', 'fd'].includes(dev)) throw builderError('invalid-value', `boot device must be hd, cdrom, network or fd, got ${show(dev)}`, `/domain/os/boot[${i + 1}]/@dev`);
      return { dev };
    });
  }
  if (arch === 'x86_64' || arch === 'i686') {
    def.features = { acpi: true, apic: {}, ...(os.secureBoot ? { smm: { state: true } } : {}) };
  } else if (os.secureBoot) {
    throw builderError('unsupported', 'secure boot is modelled for x86 guests only', '/domain/os/firmware');
  }
  const clock = options.clock ?? 'utc';
  if (clock !== 'utc' && clock !== 'localtime') throw builderError('invalid-value', `clock must be utc or localtime, got ${show(clock)}`, '/domain/clock/@offset');
  def.clock = { offset: clock };
  const lc = options.lifecycle ?? {};
  def.on_poweroff = lc.poweroff ?? 'destroy';
  def.on_reboot = lc.reboot ?? 'restart';
  def.on_crash = lc.crash ?? 'destroy';

  const devices = sortDevices(options.devices ?? []);
  mergeExtra(devices, options.extraDevices);
  if (options.emulator !== undefined) {
    if (typeof options.emulator !== 'string' || !options.emulator.startsWith('/')) throw builderError('invalid-value', `emulator must be an absolute path, got ${show(options.emulator)}`, '/domain/devices/emulator');
    devices.emulator = options.emulator;
  }
  if (options.memballoon !== undefined) {
    if (options.memballoon !== 'virtio' && options.memballoon !== 'none') throw builderError('invalid-value', `memballoon must be virtio or none, got ${show(options.memballoon)}`, '/domain/devices/memballoon/@model');
    devices.memballoon = { model: options.memballoon };
  }
  checkBoot(devices, os.boot !== undefined);
  def.devices = devices;

  // libvirt's schema, parse-time and define-time rules, as validateXml applies them to the
  // XML this def writes: a domain() that returns is one libvirt (with virtxml's extensions) accepts
  const xml = formatDomainXml(def);
  const problem = validateXml(xml, { profile: 'virtxml' }).diagnostics.find((d) => d.severity === 'error');
  if (problem) {
    const code = problem.code.includes('duplicate') ? 'duplicate' : problem.code === 'internal' ? 'internal' : 'invalid-value';
    throw builderError(code, `${problem.message} [${problem.code}]`, problem.path);
  }
  return attachMethods(def, domainDecl, 'domain', (d, o) => formatDomainXml(d, o));
}
