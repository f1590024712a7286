/**
 * `SysfsHost`: the `PciHost` over a real `/sys` (Node only), reading and
 * writing the files libvirt uses (libvirt-semantics.md §4). Every path is
 * under `root` ('/' for the running kernel; a directory shaped like /sys for
 * tests), and the file-system calls can be replaced (`fs`) to put a test
 * kernel behind the files.
 */
import * as nodeFs from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { PciHostError, type PciDeviceInfo, type PciHeaderType, type PciHost, type PciHostErrorCode, type PciSriovInfo } from './host.js';
import { canonicalPciName, comparePciNames, headerTypeOfClass } from './topology.js';

/** The file-system calls SysfsHost makes (node:fs satisfies it). */
export interface SysfsFs {
  readFileSync(path: string): Uint8Array;
  writeFileSync(path: string, data: string): void;
  readlinkSync(path: string): string;
  readdirSync(path: string): string[];
  existsSync(path: string): boolean;
  lstatSync(path: string): { isSymbolicLink(): boolean };
  /** Resolves symlinks (node:fs's); when absent, node:fs's is used on the same paths. */
  realpathSync?(path: string): string;
}

export interface SysfsHostOptions {
  /** Directory holding `sys/` and `dev/`; default '/'. */
  root?: string;
  fs?: SysfsFs;
}

const HEADER_TYPES: Record<number, PciHeaderType> = { 0: 'endpoint', 1: 'bridge', 2: 'cardbus' };

function errnoOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

export class SysfsHost implements PciHost {
  readonly root: string;
  readonly #fs: SysfsFs;
  readonly #realpath: (path: string) => string;
  #realRoot: string | undefined;

  constructor(options: SysfsHostOptions = {}) {
    this.root = options.root ?? '/';
    this.#fs = options.fs ?? nodeFs;
    this.#realpath = options.fs?.realpathSync?.bind(options.fs) ?? nodeFs.realpathSync.native;
  }

  // ---------------------------------------------------------------- confinement

  /** The root with its symlinks resolved ('/' confines nothing). */
  #rootReal(): string {
    if (this.#realRoot === undefined) {
      try {
        this.#realRoot = this.#realpath(resolve(this.root));
      } catch (e) {
        this.#fail('read-failed', 'cannot resolve the sysfs root', this.root, e);
      }
    }
    return this.#realRoot;
  }

  #inside(real: string): boolean {
    const r = this.#rootReal();
    return r === sep || real === r || real.startsWith(r + sep);
  }

  #outside(path: string, real: string): never {
    throw new PciHostError('outside-root', `${path} resolves to ${real}, outside the sysfs root ${this.root}: refused`);
  }

  /**
   * Refuses a path that leads out of the root through symlinks: the path
   * resolved, or (when it does not exist) its directory resolved; a
   * dangling symlink is followed by its text.
   */
  #confine(path: string): void {
    if (this.#rootReal() === sep) return;
    let real: string;
    try {
      real = this.#realpath(path);
    } catch (e) {
      if (!this.#isMissing(e)) this.#fail('read-failed', 'cannot resolve', path, e);
      const parent = dirname(path);
      if (parent === path) return;
      this.#confine(parent);
      let isLink = false;
      try {
        isLink = this.#fs.lstatSync(path).isSymbolicLink();
      } catch {
        return; // missing: the call itself reports it
      }
      if (!isLink) return;
      let target: string;
      try {
        target = this.#fs.readlinkSync(path);
      } catch (e2) {
        this.#fail('read-failed', 'cannot read link', path, e2);
      }
      real = resolve(this.#realpath(parent), target);
    }
    if (!this.#inside(real)) this.#outside(path, real);
  }

  // ---------------------------------------------------------------- paths

  #path(...parts: string[]): string {
    return join(this.root, ...parts);
  }
  #bus(...parts: string[]): string {
    return this.#path('sys/bus/pci', ...parts);
  }
  #dev(address: string, ...parts: string[]): string {
    return this.#bus('devices', address, ...parts);
  }

  // ---------------------------------------------------------------- fs with errors

  #fail(code: PciHostErrorCode, what: string, path: string, e: unknown): never {
    throw new PciHostError(code, `${what} ${path}: ${errnoOf(e)}`);
  }

  #isMissing(e: unknown): boolean {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR';
  }

  #readText(path: string): string | undefined {
    this.#confine(path);
    try {
      return new TextDecoder().decode(this.#fs.readFileSync(path));
    } catch (e) {
      if (this.#isMissing(e)) return undefined;
      this.#fail('read-failed', 'cannot read', path, e);
    }
  }

  /** Basename of a symlink's target; undefined when the link is absent; error when not a link. */
  #linkName(path: string): string | undefined {
    this.#confine(dirname(path));
    let isLink: boolean;
    try {
      isLink = this.#fs.lstatSync(path).isSymbolicLink();
    } catch (e) {
      if (this.#isMissing(e)) return undefined;
      this.#fail('read-failed', 'cannot stat', path, e);
    }
    if (!isLink) throw new PciHostError('read-failed', `${path} is not a symlink`);
    let target: string;
    try {
      target = this.#fs.readlinkSync(path);
    } catch (e) {
      this.#fail('read-failed', 'cannot read link', path, e);
    }
    if (this.#rootReal() !== sep) {
      const real = resolve(this.#realpath(dirname(path)), target);
      if (!this.#inside(real)) this.#outside(path, real);
    }
    return basename(target);
  }

  #exists(path: string): boolean {
    this.#confine(path);
    return this.#fs.existsSync(path);
  }

  #list(path: string): string[] {
    this.#confine(path);
    try {
      return this.#fs.readdirSync(path);
    } catch (e) {
      if (this.#isMissing(e)) return [];
      this.#fail('read-failed', 'cannot list', path, e);
    }
  }

  #name(address: string): string {
    const name = canonicalPciName(address);
    if (name === undefined || !this.#exists(this.#dev(name, 'config'))) {
      throw new PciHostError('no-device', `Device ${address} not found: could not access ${this.#dev(address, 'config')}`);
    }
    return name;
  }

  #pciNames(entries: string[], where: string): string[] {
    return entries
      .map((n) => {
        if (canonicalPciName(n) !== n) throw new PciHostError('read-failed', `Found invalid device link '${n}' in ${where}`);
        return n;
      })
      .sort(comparePciNames);
  }

  // ---------------------------------------------------------------- reads

  listDevices(): string[] {
    return this.#list(this.#bus('devices'))
      .filter((n) => canonicalPciName(n) === n)
      .sort(comparePciNames);
  }

  exists(address: string): boolean {
    const name = canonicalPciName(address);
    return name !== undefined && this.#exists(this.#dev(name, 'config'));
  }

  /**
   * Vendor, device and class from the kernel's `vendor`, `device` and
   * `class` files, as libvirt reads them (an SR-IOV VF's config space reads
   * 0xffff for vendor and device: the kernel takes them from the PF's SR-IOV
   * capability); config space when those files are missing. Header type
   * from config byte 0x0e (without the multifunction bit), from the class
   * when config space is short.
   */
  info(address: string): PciDeviceInfo {
    const name = this.#name(address);
    const path = this.#dev(name, 'config');
    this.#confine(path);
    let config: Uint8Array;
    try {
      config = this.#fs.readFileSync(path);
    } catch (e) {
      this.#fail('read-failed', 'cannot read', path, e);
    }
    const full = config.length >= 0x0f;
    const le16 = (o: number) => config[o]! | (config[o + 1]! << 8);
    const num = (file: string, fromConfig: () => number) => {
      const p = this.#dev(name, file);
      const text = this.#readText(p)?.trim();
      if (text === undefined && full) return fromConfig();
      if (!text || !/^0x[0-9a-fA-F]+$/.test(text)) throw new PciHostError('read-failed', `${p}: expected a hex number, read '${text ?? ''}'`);
      return parseInt(text, 16);
    };
    const vendor = num('vendor', () => le16(0));
    const device = num('device', () => le16(2));
    const cls = num('class', () => (config[0x0b]! << 16) | (config[0x0a]! << 8) | config[0x09]!);
    if (!full) return { address: name, vendor, device, class: cls, headerType: headerTypeOfClass(cls) };
    const headerType = HEADER_TYPES[config[0x0e]! & 0x7f];
    if (!headerType) throw new PciHostError('read-failed', `${path}: unknown header type 0x${(config[0x0e]! & 0x7f).toString(16)}`);
    return { address: name, vendor, device, class: cls, headerType };
  }

  driver(address: string): string | undefined {
    return this.#linkName(this.#dev(this.#name(address), 'driver'));
  }

  /** The kernel prints "(null)" for an empty override. */
  driverOverride(address: string): string | undefined {
    const text = this.#readText(this.#dev(this.#name(address), 'driver_override'))?.trim();
    return text === undefined || text === '' || text === '(null)' ? undefined : text;
  }

  hasVfioDev(address: string): boolean {
    return this.#exists(this.#dev(this.#name(address), 'vfio-dev'));
  }

  driverLoaded(name: string): boolean {
    return !name.includes('/') && this.#exists(this.#bus('drivers', name));
  }

  iommuGroup(address: string): number | undefined {
    const path = this.#dev(this.#name(address), 'iommu_group');
    const n = this.#linkName(path);
    if (n === undefined) return undefined;
    if (!/^\d+$/.test(n)) throw new PciHostError('read-failed', `${path}: link to '${n}' is not an IOMMU group number`);
    return parseInt(n, 10);
  }

  iommuGroupMembers(group: number): string[] {
    const path = this.#path('sys/kernel/iommu_groups', String(group), 'devices');
    return this.#pciNames(this.#list(path), path);
  }

  iommuGroups(): number[] {
    return this.#list(this.#path('sys/kernel/iommu_groups'))
      .filter((n) => /^\d+$/.test(n))
      .map((n) => parseInt(n, 10))
      .sort((a, b) => a - b);
  }

  physicalFunction(address: string): string | undefined {
    return this.#linkName(this.#dev(this.#name(address), 'physfn'));
  }

  virtualFunctions(address: string): string[] {
    const name = this.#name(address);
    return this.#list(this.#dev(name))
      .map((e) => /^virtfn(\d+)$/.exec(e))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ n: parseInt(m[1]!, 10), entry: m[0] }))
      .sort((a, b) => a.n - b.n)
      .map(({ entry }) => this.#linkName(this.#dev(name, entry))!);
  }

  /** `sriov_totalvfs` and `sriov_numvfs`; undefined when the device has no SR-IOV capability (no such files). */
  sriov(address: string): PciSriovInfo | undefined {
    const name = this.#name(address);
    const read = (file: string) => {
      const p = this.#dev(name, file);
      const text = this.#readText(p)?.trim();
      if (text === undefined) return undefined;
      if (!/^\d+$/.test(text)) throw new PciHostError('read-failed', `${p}: expected a number, read '${text}'`);
      return parseInt(text, 10);
    };
    const totalVfs = read('sriov_totalvfs');
    if (totalVfs === undefined) return undefined;
    return { totalVfs, numVfs: read('sriov_numvfs') ?? 0 };
  }

  netdevs(address: string): string[] {
    return this.#list(this.#dev(this.#name(address), 'net')).sort();
  }

  netdevAddress(ifname: string): string | undefined {
    if (ifname.includes('/') || ifname === '' || ifname === '.' || ifname === '..') return undefined;
    const target = this.#linkName(this.#path('sys/class/net', ifname, 'device'));
    return target !== undefined && canonicalPciName(target) === target ? target : undefined;
  }

  vfioGroupNode(group: number): boolean {
    return this.#exists(this.#path('dev/vfio', String(group)));
  }

  // ---------------------------------------------------------------- writes

  #write(path: string, value: string): void {
    this.#confine(path);
    try {
      this.#fs.writeFileSync(path, value);
    } catch (e) {
      this.#fail('write-failed', `cannot write ${JSON.stringify(value)} to`, path, e);
    }
  }

  setDriverOverride(address: string, driver: string | undefined): void {
    this.#write(this.#dev(this.#name(address), 'driver_override'), driver ?? '\n');
  }

  unbind(address: string): void {
    const name = this.#name(address);
    const link = this.#dev(name, 'driver');
    if (this.#linkName(link) === undefined) throw new PciHostError('write-failed', `cannot unbind ${name}: not bound to a driver (${link} does not exist)`);
    this.#write(join(link, 'unbind'), name);
  }

  bind(address: string, driver: string): void {
    const name = this.#name(address);
    if (!this.driverLoaded(driver)) throw new PciHostError('no-driver', `cannot bind ${name}: driver ${driver} is not loaded (${this.#bus('drivers', driver)} does not exist)`);
    this.#write(this.#bus('drivers', driver, 'bind'), name);
  }

  probe(address: string): void {
    this.#write(this.#bus('drivers_probe'), this.#name(address));
  }

  reset(address: string): void {
    this.#write(this.#dev(this.#name(address), 'reset'), '1');
  }
}
