/**
 * `<disk>` builders: file images, block devices, network storage and
 * cdroms, on a virtio, SATA, SCSI, IDE or USB bus, with libvirt's target
 * names (`vda`, `sdb`, `hdc`, …). Leave `dev` out and `domain()` names the
 * disks of each bus in order.
 *
 * ```ts
 * disk.file('/var/lib/libvirt/images/vm.qcow2');            // vda, virtio, qcow2
 * disk.cdrom('/isos/install.iso', { bootOrder: 1 });           // sda, sata, read-only
 * ```
 */
import { disk as diskDecl, type DiskDef } from '../domain/devices/disk.js';
import type { NetworkSource } from '../domain/devices/disk-network.js';
import { storageFormatNames, type StorageFormat } from '../domain/devices/storage-common.js';
import { builtDevice, type BuiltDevice } from './built.js';
import { builderError, nonEmpty, show } from './errors.js';
import { deviceInfo, type DeviceInfoOptions } from './info.js';

/** Buses a disk can sit on, and the target name prefix libvirt expects for each. */
export const diskBusPrefix = { virtio: 'vd', sata: 'sd', scsi: 'sd', usb: 'sd', ide: 'hd', fdc: 'fd', xen: 'xvd' } as const;
export type DiskBus = keyof typeof diskBusPrefix;

export interface DiskOptions extends DeviceInfoOptions {
  /** Default: virtio for disks, sata for cdroms, fdc for floppies. */
  bus?: DiskBus;
  /** Target name in the guest (`vda`, `sdb`, …); must fit the bus. Default: the next free one. */
  dev?: string;
  /** Image format. Default: from the file extension (`.qcow2` → qcow2), else raw. */
  format?: StorageFormat;
  /** How the guest sees it. Default `disk`. */
  device?: 'disk' | 'cdrom' | 'floppy' | 'lun';
  cache?: 'none' | 'writeback' | 'writethrough' | 'directsync' | 'unsafe';
  io?: 'threads' | 'native' | 'io_uring';
  discard?: 'unmap' | 'ignore';
  readonly?: boolean;
  shareable?: boolean;
  /** Serial number the guest sees. */
  serial?: string;
}

type FileDisk = Extract<DiskDef, { type: 'file' }>;
type BlockDisk = Extract<DiskDef, { type: 'block' }>;
type NetworkDisk = Extract<DiskDef, { type: 'network' }>;

/** Marks a disk whose target name the builder chose (`domain()` may rename it). */
export const AUTO_TARGET: unique symbol = Symbol.for('virtxml.builders.autoTarget');

/** libvirt's `virIndexToDiskName`: 0 → a, 25 → z, 26 → aa. */
export function diskName(prefix: string, index: number): string {
  let s = '';
  for (let i = index; i >= 0; i = Math.floor(i / 26) - 1) s = String.fromCharCode(97 + (i % 26)) + s;
  return prefix + s;
}

const TARGET = /^(fd|hd|vd|sd|xvd|ubd)([a-z]+)$/;

/** Checks that `dev` is a disk name that fits `bus`. */
export function checkTargetDev(dev: unknown, bus: DiskBus, path: string): string {
  const m = typeof dev === 'string' ? TARGET.exec(dev) : null;
  if (!m) throw builderError('invalid-value', `disk target ${show(dev)} is not a disk name like vda, sdb or hdc`, path);
  const want = diskBusPrefix[bus];
  if (m[1] !== want) throw builderError('invalid-value', `disk target '${dev}' does not fit bus '${bus}': names on that bus start with '${want}'`, path);
  return dev as string;
}

function checkBus(bus: unknown): DiskBus {
  if (typeof bus !== 'string' || !(bus in diskBusPrefix)) {
    throw builderError('invalid-value', `disk bus must be one of ${Object.keys(diskBusPrefix).join(', ')}, got ${show(bus)}`, '/disk/target/@bus');
  }
  return bus as DiskBus;
}

function oneOfOpt<T extends string>(v: T | undefined, allowed: readonly string[], what: string, path: string): T | undefined {
  if (v !== undefined && !allowed.includes(v)) throw builderError('invalid-value', `${what} must be one of ${allowed.join(', ')}, got ${show(v)}`, path);
  return v;
}

function formatFor(path: string | undefined, given: StorageFormat | undefined): StorageFormat {
  if (given !== undefined) return oneOfOpt(given, storageFormatNames, 'disk format', '/disk/driver/@type')!;
  if (path && /\.qcow2$/i.test(path)) return 'qcow2';
  if (path && /\.vmdk$/i.test(path)) return 'vmdk';
  return 'raw';
}

function absolute(p: unknown, what: string, path: string): string {
  if (typeof p !== 'string' || !p.startsWith('/')) throw builderError('invalid-value', `${what} must be an absolute path, got ${show(p)}`, path);
  return p;
}

/** The parts every disk has: device, driver, target, flags, device info. */
function common(options: DiskOptions, imagePath: string | undefined) {
  const device = oneOfOpt(options.device, ['disk', 'cdrom', 'floppy', 'lun'], 'disk device', '/disk/@device') ?? 'disk';
  const bus = checkBus(options.bus ?? (device === 'cdrom' ? 'sata' : device === 'floppy' ? 'fdc' : 'virtio'));
  if (device === 'cdrom' && bus === 'virtio') throw builderError('unsupported', 'a cdrom cannot sit on the virtio bus: use sata or scsi', '/disk/target/@bus');
  if (device === 'lun' && bus !== 'scsi') throw builderError('unsupported', "a device='lun' disk needs bus 'scsi'", '/disk/target/@bus');
  const auto = options.dev === undefined;
  const dev = auto ? diskName(diskBusPrefix[bus], 0) : checkTargetDev(options.dev, bus, '/disk/target/@dev');
  const driver: FileDisk['driver'] & object = { name: 'qemu', type: formatFor(imagePath, options.format) };
  const cache = oneOfOpt(options.cache, ['none', 'writeback', 'writethrough', 'directsync', 'unsafe'], 'cache', '/disk/driver/@cache');
  const io = oneOfOpt(options.io, ['threads', 'native', 'io_uring'], 'io', '/disk/driver/@io');
  const discard = oneOfOpt(options.discard, ['unmap', 'ignore'], 'discard', '/disk/driver/@discard');
  if (cache) driver.cache = cache;
  if (io) driver.io = io;
  if (discard) driver.discard = discard;
  const readonly = options.readonly ?? device === 'cdrom';
  const out = {
    device,
    driver,
    target: { dev, bus },
    ...(readonly ? { readonly: true } : {}),
    ...(options.shareable ? { shareable: true } : {}),
    ...(options.serial !== undefined ? { serial: nonEmpty(options.serial, 'serial', '/disk/serial') } : {}),
    ...deviceInfo(options, '/disk'),
  };
  return { out, auto };
}

function finish<T extends DiskDef>(def: T, auto: boolean): BuiltDevice<T, 'disk'> {
  const d = builtDevice(def, 'disk', diskDecl);
  if (auto) Object.defineProperty(d, AUTO_TARGET, { value: true, enumerable: false });
  return d;
}

/** A disk image file: `<disk type='file'>`. */
function file(path: string, options: DiskOptions = {}): BuiltDevice<FileDisk, 'disk'> {
  const p = absolute(path, 'disk image', '/disk/source/@file');
  const { out, auto } = common(options, p);
  return finish<FileDisk>({ type: 'file', ...out, source: { file: p } }, auto);
}

/** A host block device: `<disk type='block'>`. */
function block(dev: string, options: DiskOptions = {}): BuiltDevice<BlockDisk, 'disk'> {
  const p = absolute(dev, 'block device', '/disk/source/@dev');
  const { out, auto } = common({ format: 'raw', ...options }, undefined);
  return finish<BlockDisk>({ type: 'block', ...out, source: { dev: p } }, auto);
}

/** A host of a network disk: a name and port, or a unix socket. */
export type NetworkDiskHost = { name: string; port?: number } | { transport: 'unix'; socket: string };

export interface NetworkDiskSource {
  protocol: 'rbd' | 'nbd' | 'iscsi' | 'gluster' | 'http' | 'https' | 'nfs' | 'ssh';
  /** Image, volume or export name (`pool/image` for rbd, `iqn…/lun` for iscsi). */
  name?: string;
  hosts?: NetworkDiskHost[];
}

/** Network storage (Ceph RBD, NBD, iSCSI, Gluster, HTTP, NFS, SSH): `<disk type='network'>`. */
function network(source: NetworkDiskSource, options: DiskOptions = {}): BuiltDevice<NetworkDisk, 'disk'> {
  const protocols = ['rbd', 'nbd', 'iscsi', 'gluster', 'http', 'https', 'nfs', 'ssh'];
  if (typeof source !== 'object' || source === null || !protocols.includes(source.protocol)) {
    throw builderError('invalid-value', `network disk protocol must be one of ${protocols.join(', ')}, got ${show(source?.protocol)}`, '/disk/source/@protocol');
  }
  const needsName = source.protocol !== 'nbd';
  if (needsName || source.name !== undefined) nonEmpty(source.name, `${source.protocol} disk name`, '/disk/source/@name');
  const hosts = (source.hosts ?? []).map((h, i) => {
    const path = `/disk/source/host[${i + 1}]`;
    if ('socket' in h) return { transport: 'unix' as const, socket: absolute(h.socket, 'socket', `${path}/@socket`) };
    const host: { name: string; port?: number } = { name: nonEmpty(h.name, 'host name', `${path}/@name`) };
    if (h.port !== undefined) {
      if (!Number.isInteger(h.port) || h.port < 1 || h.port > 65535) throw builderError('invalid-value', `port must be 1-65535, got ${show(h.port)}`, `${path}/@port`);
      host.port = h.port;
    }
    return host;
  });
  if (hosts.length === 0 && source.protocol !== 'rbd') {
    throw builderError('missing-element', `a ${source.protocol} disk needs at least one host`, '/disk/source/host');
  }
  const src = { protocol: source.protocol, ...(source.name !== undefined ? { name: source.name } : {}), ...(hosts.length ? { hosts } : {}) } as NetworkSource;
  const { out, auto } = common(options, source.name);
  return finish<NetworkDisk>({ type: 'network', ...out, source: src }, auto);
}

/** A cdrom (read-only, SATA unless said otherwise); without a path, an empty drive. */
function cdrom(path?: string, options: Omit<DiskOptions, 'device'> = {}): BuiltDevice<FileDisk, 'disk'> {
  const p = path === undefined ? undefined : absolute(path, 'cdrom image', '/disk/source/@file');
  const { out, auto } = common({ format: 'raw', ...options, device: 'cdrom' }, p);
  const def: FileDisk = { type: 'file', ...out };
  if (p !== undefined) def.source = { file: p };
  return finish(def, auto);
}

/** Builders of `<disk>` devices. */
export const disk = { file, block, network, cdrom };
