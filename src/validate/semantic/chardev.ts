/**
 * Character devices (source paths, target ports), filesystems, TPMs, shared
 * memory, memory devices and USB addresses
 * (`virDomainChrSourceDefValidate`, `virDomainShmemDefValidate`,
 * `virDomainMemoryDefValidate`, `virDomainMemoryDefCheckConflict`,
 * `virDomainDeviceUSBAddressParsePort`).
 */
import type { DomainDef } from '../../domain/domain.js';
import { unitBytes } from '../../domain/scaled.js';
import { childOf, type Located, type Reporter } from './context.js';
import { devicesOf, familyOf } from './devices.js';

const PATH_TYPES = new Set(['dev', 'file', 'pipe', 'unix']);
const MISSING_PATH = 'internal error: Missing source path attribute for char device';

interface Chr {
  type?: string;
  source?: { path?: string };
  sources?: Array<{ path?: string }>;
  target?: { type?: string };
}

/** A chardev needs a source path, except unix sockets of virtio and xen channels (libvirt generates those). */
function checkChrPath(l: Located<Chr>, r: Reporter, isChannel: boolean): void {
  const c = l.obj;
  if (!c.type || !PATH_TYPES.has(c.type)) return;
  const path = c.source?.path ?? c.sources?.find((s) => s.path !== undefined)?.path;
  if (path !== undefined) return;
  if (c.type === 'unix' && isChannel && (c.target?.type === 'virtio' || c.target?.type === 'xen')) return;
  const src = c.source ?? c.sources?.[0];
  r.at(src ? childOf(l, 'source', src) : l, 'libvirt-chardev-source', MISSING_PATH);
}

export function checkChardevs(def: DomainDef, r: Reporter): void {
  for (const fam of ['serials', 'parallels', 'consoles', 'channels']) {
    for (const l of familyOf<Chr>(def, fam)) checkChrPath(l, r, fam === 'channels');
  }
  // ISA serial ports: one device a port (libvirt's test driver refuses two isa-serial targets on
  // one port, and accepts two serials without a target type on one port)
  {
    const ports = new Set<number>();
    for (const l of familyOf<Chr & { target?: { port?: number } }>(def, 'serials')) {
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
  for (const l of familyOf<{ target?: { dir: string }; driver?: { type?: string } }>(def, 'filesystems')) {
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
  const tpms = familyOf<{ model?: string }>(def, 'tpms');
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
  for (const l of familyOf<{ backend?: Chr & { model?: string } }>(def, 'rngs')) {
    const b = l.obj.backend;
    if (b?.model === 'egd') checkChrPath(childOf(l, 'backend', b), r, false);
  }
  for (const l of familyOf<{ msi?: object; server?: object }>(def, 'shmems')) {
    if (l.obj.msi && !l.obj.server) {
      r.at(childOf(l, 'msi', l.obj.msi), 'libvirt-shmem-msi', 'XML error: msi option is only supported with a server');
    }
  }
  const cells = (def.cpu?.numa?.cells ?? []).length;
  for (const l of familyOf<{ target?: { node?: number } }>(def, 'memories')) {
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
    const a = dev.obj.address;
    if (a?.type === 'usb' && typeof a['port'] === 'string' && a['port'].split('.').length > 4) {
      r.at(childOf(dev, 'address', a), 'libvirt-usb-port', "internal error: Cannot parse <address> 'port' attribute", { attribute: 'port' });
    }
  }
}

interface MemoryDevice {
  target?: { size?: { value: number; unit?: string }; address?: { base?: number } };
  address?: Record<string, unknown>;
}

/** Guest addresses equal as libvirt compares device infos (both absent counts as equal). */
function sameInfoAddress(a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined): boolean {
  if (!a || !b) return !a && !b;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => k !== '$extra' && k !== 'multifunction'));
  return [...keys].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
}

/**
 * `virDomainMemoryDefCheckConflict`: a memory device's range must not hold
 * another one's base address. libvirt tells "the other device" from the
 * device itself by its guest address, so two devices without one (or with
 * the same) are not compared — as libvirt's test driver shows.
 */
function checkMemoryOverlap(def: DomainDef, r: Reporter): void {
  const mems = familyOf<MemoryDevice>(def, 'memories').filter((l) => l.obj.target?.address?.base);
  for (const l of mems) {
    const t = l.obj.target!;
    const start = BigInt(t.address!.base!);
    const end = start + BigInt(t.size?.value ?? 0) * (unitBytes(t.size?.unit ?? 'KiB') ?? 1024n);
    for (const o of mems) {
      const other = BigInt(o.obj.target!.address!.base!);
      if (o === l || sameInfoAddress(o.obj.address, l.obj.address) || other < start || other >= end) continue;
      r.at(
        childOf(childOf(l, 'target', t), 'address', t.address),
        'libvirt-memory-overlap',
        `unsupported configuration: memory device address [0x${start.toString(16)}:0x${end.toString(16)}] overlaps with other memory device (0x${other.toString(16)})`,
        { attribute: 'base' },
      );
      break;
    }
  }
}
