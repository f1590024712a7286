/**
 * Guest addresses and aliases across devices: PCI address limits and
 * double use (qemu's PCI address set, `virDomainPCIAddressReserveAddrInternal`),
 * drive addresses (`virDomainDiskDefAssignAddress`,
 * `virDomainDefCheckDuplicateDriveAddresses`), the disk bus / address type
 * match (`virDomainDiskAddressDiskBusCompatibility`) and user aliases
 * (`virDomainDefValidateAliases`).
 */
import { pciAddressName } from '../../common/basictypes.js';
import { childOf, QEMU_TYPES, type Located, type Reporter } from './context.js';
import { devicesOf, familyOf, type DeviceEntry, type DeviceOf, type DeviceScope, type GuestAddress } from './devices.js';

type PciGuestAddress = Extract<GuestAddress, { type: 'pci' }>;
type DriveAddress = Extract<GuestAddress, { type: 'drive' }>;

const isZeroPci = (a: PciGuestAddress) => !a.domain && !a.bus && !a.slot && !a.function;

/** Devices whose `<address type='pci'>` is the guest address of a PCI device (pci-root/pcie-root have none). */
function pciDevices(def: DeviceScope): Array<{ dev: DeviceEntry; addr: PciGuestAddress }> {
  const out: Array<{ dev: DeviceEntry; addr: PciGuestAddress }> = [];
  for (const dev of devicesOf(def)) {
    const a = dev.info.address;
    if (dev.mirror || a?.type !== 'pci' || isZeroPci(a)) continue;
    out.push({ dev, addr: a });
  }
  return out;
}

export function checkPciAddresses(def: DeviceScope, r: Reporter): void {
  const qemu = QEMU_TYPES.has(def.type);
  const used = new Map<string, DeviceEntry>();
  for (const e of pciDevices(def)) {
    const { dev, addr } = e;
    const at = childOf(dev, 'address', addr);
    const domain = addr.domain ?? 0;
    if (domain > 0xffff) {
      r.at(at, 'libvirt-pci-address-domain', `Invalid PCI address domain='0x${domain.toString(16)}', must be <= 0xFFFF`, { attribute: 'domain' });
      continue;
    }
    if (qemu && domain !== 0 && addr.zpci === undefined) {
      r.at(at, 'libvirt-pci-address-domain', `Invalid PCI address ${pciAddressName(addr)}. Only PCI domain 0 is available`, { attribute: 'domain' });
      continue;
    }
    const name = pciAddressName(addr);
    if (used.has(name)) {
      r.at(at, 'libvirt-duplicate-address', `XML error: Attempted double use of PCI Address ${name}`);
      continue;
    }
    used.set(name, dev);
  }
}

// ---------------------------------------------------------------- drive addresses

type Disk = DeviceOf['disks'];

/** `virDiskNameToIndex`: sda → 0, sdz → 25, sdaa → 26 (the letters after the prefix). */
export function diskNameToIndex(name: string): number | undefined {
  const m = /^(?:fd|hd|vd|sd|xvd|ubd)([a-z]+)\d*$/.exec(name);
  if (!m) return undefined;
  // base 26 with a=1 in every place but the last (a=0 there): libvirt's formula
  let idx = 0;
  for (const ch of m[1]!) idx = idx * 26 + (ch.charCodeAt(0) - 97 + 1);
  return idx - 1;
}

/** The bus libvirt derives from a target name when `bus` is absent (`virDomainDiskDefParseXML`). */
export function diskBus(t: { dev: string; bus?: string } | undefined): string | undefined {
  if (!t) return undefined;
  if (t.bus) return t.bus;
  const d = t.dev;
  if (d.startsWith('hd')) return 'ide';
  if (d.startsWith('fd')) return 'fdc';
  if (d.startsWith('vd')) return 'virtio';
  if (d.startsWith('xvd')) return 'xen';
  if (d.startsWith('ubd')) return 'uml';
  if (d.startsWith('sd')) return 'scsi';
  if (d.startsWith('nvme')) return 'nvme';
  return 'ide';
}

/**
 * libvirt's disk list order (`virDomainDiskInsert`): each disk goes after the
 * last disk of its bus with a lower or equal drive index, before the first
 * with a higher one, or at the end. Duplicate checks walk this order.
 *
 * Done in O(n log n), not by libvirt's insertion (quadratic: 100,000 disks
 * are a denial of service for a validating service). The disks of one bus
 * stay sorted by (drive index, arrival) whatever the order they come in, so
 * the disk a new one goes before is the first already-placed disk of its bus
 * with a higher index: found with a Fenwick tree over those ranks. The list
 * itself is a linked list, so each insertion costs O(1).
 */
export function libvirtDiskOrder<T extends Located<{ target?: { dev: string; bus?: string } }>>(disks: T[]): T[] {
  const n = disks.length;
  const next = new Int32Array(n).fill(-1);
  const prev = new Int32Array(n).fill(-1);
  let head = -1;
  let tail = -1;
  const append = (i: number) => {
    prev[i] = tail;
    if (tail >= 0) next[tail] = i;
    else head = i;
    tail = i;
  };
  const insertBefore = (i: number, x: number) => {
    const p = prev[x]!;
    prev[i] = p;
    next[i] = x;
    prev[x] = i;
    if (p >= 0) next[p] = i;
    else head = i;
  };
  const insertAfter = (i: number, x: number) => {
    const nx = next[x]!;
    next[i] = nx;
    prev[i] = x;
    next[x] = i;
    if (nx >= 0) prev[nx] = i;
    else tail = i;
  };

  // the disks of each bus, in arrival order
  const byBus = new Map<string | undefined, number[]>();
  const idx = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = disks[i]!.obj.target;
    idx[i] = diskNameToIndex(t?.dev ?? '') ?? -1;
    const bus = diskBus(t);
    const list = byBus.get(bus);
    if (list) list.push(i);
    else byBus.set(bus, [i]);
  }
  // per bus: the rank of each disk in (index, arrival) order, and where each goes
  const anchor = new Int32Array(n).fill(-1); // the disk to go before (>= 0) or after (<= -2: -2 - disk)
  for (const members of byBus.values()) {
    const m = members.length;
    const order = Array.from({ length: m }, (_, k) => k).sort((a, b) => idx[members[a]!]! - idx[members[b]!]! || a - b);
    const rank = new Int32Array(m);
    order.forEach((k, r) => (rank[k] = r));
    const sortedIdx = order.map((k) => idx[members[k]!]!);
    const tree = new Int32Array(m + 1); // Fenwick tree of the ranks placed so far
    const add = (r: number) => {
      for (let j = r + 1; j <= m; j += j & -j) tree[j]!++;
    };
    const prefix = (count: number) => {
      let s = 0;
      for (let j = count; j > 0; j -= j & -j) s += tree[j]!;
      return s;
    };
    let top = 1;
    while (top * 2 <= m) top *= 2;
    /** The rank of the k-th (1-based) placed disk. */
    const kth = (k: number) => {
      let pos = 0;
      for (let step = top; step > 0; step >>= 1) {
        if (pos + step <= m && tree[pos + step]! < k) {
          pos += step;
          k -= tree[pos]!;
        }
      }
      return pos;
    };
    for (let k = 0; k < m; k++) {
      const v = idx[members[k]!]!;
      // how many ranks have an index <= v: every disk of this bus with index <= v comes first
      let lo = 0;
      let hi = m;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sortedIdx[mid]! <= v) lo = mid + 1;
        else hi = mid;
      }
      const notAfter = prefix(lo);
      if (notAfter < k) anchor[members[k]!] = members[order[kth(notAfter + 1)]!]!;
      else if (k > 0) anchor[members[k]!] = -2 - members[order[kth(k)]!]!;
      add(rank[k]!);
    }
  }
  for (let i = 0; i < n; i++) {
    const a = anchor[i]!;
    if (a >= 0) insertBefore(i, a);
    else if (a <= -2) insertAfter(i, -2 - a);
    else append(i);
  }
  const out: T[] = [];
  for (let i = head; i >= 0; i = next[i]!) out.push(disks[i]!);
  return out;
}

interface Drive {
  controller: number;
  bus: number;
  target: number;
  unit: number;
}

/** `virDomainDiskDefAssignAddress`: the drive address libvirt gives a disk without one. */
export function implicitDriveAddress(bus: string | undefined, dev: string, wideScsi: boolean): Drive | undefined {
  const idx = diskNameToIndex(dev);
  if (idx === undefined) return undefined;
  switch (bus) {
    case 'scsi': {
      if (wideScsi) {
        let unit = idx % 15;
        if (unit >= 7) unit++;
        return { controller: Math.floor(idx / 15), bus: 0, target: 0, unit };
      }
      return { controller: Math.floor(idx / 7), bus: 0, target: 0, unit: idx % 7 };
    }
    case 'fdc':
      return { controller: 0, bus: Math.floor(idx / 2), target: 0, unit: idx % 2 };
    case 'ide':
      return { controller: Math.floor(idx / 4), bus: Math.floor((idx % 4) / 2), target: 0, unit: idx % 2 };
    case 'sata':
      return { controller: Math.floor(idx / 6), bus: 0, target: 0, unit: idx % 6 };
    default:
      return undefined;
  }
}

const driveOf = (a: DriveAddress): Drive => ({ controller: a.controller ?? 0, bus: a.bus ?? 0, target: a.target ?? 0, unit: a.unit ?? 0 });
const driveKey = (d: Drive) => `${d.controller}:${d.bus}:${d.target}:${d.unit}`;
const driveText = (d: Drive) => `controller='${d.controller}' bus='${d.bus}' target='${d.target}' unit='${d.unit}'`;

/** The four disk buses that only take a drive address. */
const DRIVE_BUSES = new Set(['ide', 'fdc', 'scsi', 'sata']);

export function checkDriveAddresses(def: DeviceScope, r: Reporter): void {
  const wide = QEMU_TYPES.has(def.type);
  // SCSI hostdevs with a drive address
  const hostdevDrives = familyOf(def, 'hostdevs').flatMap((h) => {
    const a = h.obj.type === 'scsi' ? h.obj.address : undefined;
    return a?.type === 'drive' ? [{ h, a, drive: driveOf(a) }] : [];
  });

  const disks: Array<{ dev: Located<Disk>; bus: string | undefined; drive: Drive | undefined; explicit: boolean }> = [];
  for (const dev of libvirtDiskOrder(familyOf(def, 'disks'))) {
    const d = dev.obj;
    const bus = diskBus(d.target);
    const a = d.address;
    if (a && DRIVE_BUSES.has(bus ?? '') && a.type !== 'drive') {
      r.at(
        childOf(dev, 'address', a),
        'libvirt-disk-address-type',
        `unsupported configuration: Invalid address type '${a.type}' for the disk '${d.target?.dev ?? ''}' with the bus type '${bus}'`,
        { attribute: 'type' },
      );
      continue;
    }
    if (a?.type === 'drive') disks.push({ dev, bus, drive: driveOf(a), explicit: true });
    else if (!a && d.target) {
      const drive = implicitDriveAddress(bus, d.target.dev, wide);
      if (drive && bus === 'scsi') {
        const clash = hostdevDrives.find((h) => driveKey(h.drive) === driveKey(drive));
        if (clash) {
          r.at(
            childOf(dev, 'target', d.target),
            'libvirt-duplicate-drive-address',
            `unsupported configuration: using disk target name '${d.target.dev}' conflicts with SCSI host device address ${driveText(drive).slice(0, -1)}`, // sic: libvirt's message lacks the last quote
            { attribute: 'dev' },
          );
          continue;
        }
      }
      disks.push({ dev, bus, drive, explicit: false });
    }
  }
  for (let j = 0; j < disks.length; j++) {
    const dj = disks[j]!;
    if (!dj.drive) continue;
    for (let i = 0; i < j; i++) {
      const di = disks[i]!;
      if (!di.drive || di.bus !== dj.bus || driveKey(di.drive) !== driveKey(dj.drive)) continue;
      const target = di.dev.obj.target?.dev ?? '';
      const dv = dj.dev.obj;
      const at = dj.explicit ? childOf(dj.dev, 'address', dv.address) : childOf(dj.dev, 'target', dv.target);
      r.at(
        at,
        'libvirt-duplicate-drive-address',
        `unsupported configuration: Found duplicate drive address for disk with target name '${target}' ${driveText(di.drive)}`,
      );
      break;
    }
  }
  for (let j = 0; j < hostdevDrives.length; j++) {
    const hj = hostdevDrives[j]!;
    const dj = hj.drive;
    const at = childOf(hj.h, 'address', hj.a);
    if (hostdevDrives.slice(0, j).some((hi) => driveKey(hi.drive) === driveKey(dj))) {
      r.at(at, 'libvirt-duplicate-drive-address', `unsupported configuration: SCSI host address ${driveText(dj)} in use by another SCSI host device`);
      continue;
    }
    if (disks.some((d) => d.bus === 'scsi' && d.explicit && d.drive && driveKey(d.drive) === driveKey(dj))) {
      r.at(at, 'libvirt-duplicate-drive-address', `unsupported configuration: SCSI host address ${driveText(dj)} in use by a SCSI disk`);
    }
  }
}

// ---------------------------------------------------------------- boot order

/** `virDomainDeviceBootOrderIsUsed`: a boot order number belongs to one device. */
export function checkBootOrders(def: DeviceScope, r: Reporter): void {
  const seen = new Set<number>();
  for (const dev of devicesOf(def)) {
    const boot = dev.info.boot;
    if (!boot || dev.mirror) continue;
    if (seen.has(boot.order)) {
      r.at(childOf(dev, 'boot', boot), 'libvirt-boot-order', `unsupported configuration: boot order '${boot.order}' used for more than one device`, {
        attribute: 'order',
      });
    }
    seen.add(boot.order);
  }
}

// ---------------------------------------------------------------- aliases

const USER_ALIAS = /^ua-/;

export function checkAliases(def: DeviceScope, r: Reporter): void {
  const seen = new Set<string>();
  for (const dev of devicesOf(def)) {
    const alias = dev.info.alias;
    if (!alias || dev.mirror) continue;
    const at = childOf(dev, 'alias', alias);
    if (!USER_ALIAS.test(alias.name)) {
      r.at(
        at,
        'libvirt-alias-dropped',
        `alias '${alias.name}' is not a user alias (they start with 'ua-'): libvirt drops it from an inactive definition`,
        { attribute: 'name', severity: 'warning' },
      );
      continue;
    }
    if (seen.has(alias.name)) {
      r.at(at, 'libvirt-duplicate-alias', `unsupported configuration: non unique alias detected: ${alias.name}`, { attribute: 'name' });
    }
    seen.add(alias.name);
  }
}
