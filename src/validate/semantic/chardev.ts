/**
 * Character devices (source paths, target ports), filesystems, TPMs, shared
 * memory, memory devices and USB addresses
 * (`virDomainChrSourceDefValidate`, `virDomainShmemDefValidate`,
 * `virDomainMemoryDefValidate`, `virDomainMemoryDefCheckConflict`,
 * `virDomainDeviceUSBAddressParsePort`).
 */
import { unitBytes } from '../../domain/scaled.js';
import { childOf, type Located, type Reporter } from './context.js';
import { devicesOf, familyOf, infoOf, type DeviceOf, type GuestAddress, type DeviceScope } from './devices.js';

const PATH_TYPES = new Set(['dev', 'file', 'pipe', 'unix']);
const MISSING_PATH = 'internal error: Missing source path attribute for char device';

/** The chardevs whose source may need a path: the four chardev families and an `<rng>`'s egd backend. */
type Chardev = DeviceOf['serials' | 'parallels' | 'consoles' | 'channels'] | Extract<DeviceOf['rngs']['backend'], { model: 'egd' }>;

/** A chardev needs a source path, except unix sockets of virtio and xen channels (libvirt generates those). */
function checkChrPath(l: Located<Chardev>, r: Reporter, isChannel: boolean): void {
  const c = l.obj;
  if (!c.type || !PATH_TYPES.has(c.type)) return;
  // one <source>, or a list of them (the egd backend)
  const sources = [...('source' in c && c.source ? [c.source] : []), ...('sources' in c ? (c.sources ?? []) : [])];
  const path = sources.map((s) => (typeof s === 'object' && s !== null && 'path' in s ? s.path : undefined)).find((p) => p !== undefined);
  if (path !== undefined) return;
  const target = 'target' in c && c.target && 'type' in c.target ? c.target.type : undefined;
  if (c.type === 'unix' && isChannel && (target === 'virtio' || target === 'xen')) return;
  const src = sources[0];
  r.at(src ? childOf(l, 'source', src) : l, 'libvirt-chardev-source', MISSING_PATH);
}

export function checkChardevs(def: DeviceScope, r: Reporter): void {
  for (const fam of ['serials', 'parallels', 'consoles', 'channels'] as const) {
    for (const l of familyOf(def, fam)) checkChrPath(l, r, fam === 'channels');
  }
  // ISA serial ports: one device a port (libvirt's test driver refuses two isa-serial targets on
  // one port, and accepts two serials without a target type on one port)
  {
    const ports = new Set<number>();
    for (const l of familyOf(def, 'serials')) {
      const port = l.obj.target?.port;
      if (port === undefined || l.obj.target?.type !== 'isa-serial') continue;
      if (ports.has(port)) {
        r.at(childOf(l, 'target', l.obj.target), 'libvirt-chardev-port', `internal error: target port '${port}' already allocated`, { attribute: 'port' });
      }
      ports.add(port);
    }
  }
  // virtiofs mount tags (libvirt's test driver accepts two 9p shares with one tag, and refuses two virtiofs ones)
  const fsTargets = new Set<string>();
  for (const l of familyOf(def, 'filesystems')) {
    const dir = l.obj.target?.dir;
    if (dir === undefined || l.obj.driver?.type !== 'virtiofs') continue;
    if (fsTargets.has(dir)) {
      r.at(childOf(l, 'target', l.obj.target), 'libvirt-filesystem-target', `unsupported configuration: filesystem target '${dir}' specified twice`, {
        attribute: 'dir',
      });
    }
    fsTargets.add(dir);
  }
  // at most two TPMs (the parser), and then one of them a TPM proxy (the QEMU driver: ppc64-tpm-double, a failing libvirt test)
  const tpms = familyOf(def, 'tpms');
  if (tpms.length > 2) {
    r.at(tpms[2]!, 'libvirt-tpm-count', 'XML error: a maximum of two TPM devices is supported, one of them being a TPM Proxy device');
  } else if (tpms.length === 2) {
    const proxies = tpms.filter((l) => l.obj.model === 'spapr-tpm-proxy').length;
    if (proxies !== 1) {
      r.at(
        tpms[1]!,
        'libvirt-tpm-single',
        proxies === 2 ? 'unsupported configuration: only a single TPM Proxy device is supported' : 'unsupported configuration: only a single TPM non-proxy device is supported',
      );
    }
  }
  for (const l of familyOf(def, 'rngs')) {
    const b = l.obj.backend;
    if (b?.model === 'egd') checkChrPath(childOf(l, 'backend', b), r, false);
  }
  for (const l of familyOf(def, 'shmems')) {
    if (l.obj.msi && !l.obj.server) {
      r.at(childOf(l, 'msi', l.obj.msi), 'libvirt-shmem-msi', 'XML error: msi option is only supported with a server');
    }
  }
  const cells = (def.cpu?.numa?.cells ?? []).length;
  for (const l of familyOf(def, 'memories')) {
    const node = l.obj.target?.node;
    if (node === undefined) continue;
    if (cells === 0) {
      r.at(childOf(l, 'target', l.obj.target), 'libvirt-memory-node', "can't add memory backend as guest has no NUMA nodes configured");
    } else if (node >= cells) {
      r.at(
        childOf(l, 'target', l.obj.target),
        'libvirt-memory-node',
        `can't add memory backend for guest node '${node}' as the guest has only '${cells}' NUMA nodes configured`,
      );
    }
  }
  checkMemoryOverlap(def, r);
  // USB port paths have at most 4 levels (VIR_DOMAIN_DEVICE_USB_MAX_PORT_DEPTH)
  for (const dev of devicesOf(def)) {
    const a = dev.info.address;
    if (a?.type === 'usb' && a.port !== undefined && a.port.split('.').length > 4) {
      r.at(childOf(dev, 'address', a), 'libvirt-usb-port', "internal error: Cannot parse <address> 'port' attribute", { attribute: 'port' });
    }
  }
}

/** Guest addresses equal as libvirt compares device infos (both absent counts as equal). */
function sameInfoAddress(a: GuestAddress | undefined, b: GuestAddress | undefined): boolean {
  if (!a || !b) return !a && !b;
  const x = new Map(Object.entries(a));
  const y = new Map(Object.entries(b));
  const keys = new Set([...x.keys(), ...y.keys()].filter((k) => k !== '$extra' && k !== 'multifunction'));
  return [...keys].every((k) => (x.get(k) ?? 0) === (y.get(k) ?? 0));
}

/**
 * `virDomainMemoryDefCheckConflict`: a memory device's range must not hold
 * another one's base address. libvirt tells "the other device" from the
 * device itself by its guest address, so two devices without one (or with
 * the same) are not compared — as libvirt's test driver shows.
 */
function checkMemoryOverlap(def: DeviceScope, r: Reporter): void {
  // the devices whose target has a guest physical base address (virtio-pmem, virtio-mem)
  const mems = familyOf(def, 'memories').flatMap((l) => {
    const t = l.obj.target;
    // (a def built in code may lack the required <target>)
    const addr = t && 'address' in t ? t.address : undefined;
    return addr?.base ? [{ l, t, addr, base: BigInt(addr.base), info: infoOf(l.obj).address }] : [];
  });
  for (const m of mems) {
    const { l, t, addr } = m;
    const start = m.base;
    const end = start + BigInt(t.size?.value ?? 0) * (unitBytes(t.size?.unit ?? 'KiB') ?? 1024n);
    for (const o of mems) {
      const other = o.base;
      if (o === m || sameInfoAddress(o.info, m.info) || other < start || other >= end) continue;
      r.at(
        childOf(childOf(l, 'target', t), 'address', addr),
        'libvirt-memory-overlap',
        `unsupported configuration: memory device address [0x${start.toString(16)}:0x${end.toString(16)}] overlaps with other memory device (0x${other.toString(16)})`,
        { attribute: 'base' },
      );
      break;
    }
  }
}
