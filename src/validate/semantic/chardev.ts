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

/** The chardevs whose source libvirt checks: the four chardev families, an `<rng>`'s egd backend, a passthrough smartcard, a redirdev. */
type Chardev =
  | DeviceOf['serials' | 'parallels' | 'consoles' | 'channels' | 'redirdevs']
  | Extract<DeviceOf['rngs']['backend'], { model: 'egd' }>
  | Extract<DeviceOf['smartcards'], { mode: 'passthrough' }>;

/** The fields of a chardev `<source>` the rules read (each source type declares some of them). */
interface SourceView {
  mode?: string;
  path?: string;
  host?: string;
  service?: string;
  channel?: string;
  master?: string;
  slave?: string;
  reconnect?: { enabled?: boolean };
}

function sourcesOf(c: Chardev): SourceView[] {
  const one: unknown[] = 'source' in c && c.source ? [c.source] : [];
  const many: unknown[] = 'sources' in c && Array.isArray(c.sources) ? c.sources : [];
  return [...one, ...many].filter((s): s is SourceView => typeof s === 'object' && s !== null);
}

/**
 * `virDomainChrSourceDefValidate`: what each chardev type needs of its
 * `<source>` — a path (dev, file, pipe, unix; a unix socket of a virtio or
 * xen channel excepted: libvirt generates it), a host then a service (tcp), a
 * connect service (udp), a channel (spiceport, dbus), both nmdm paths or
 * none, and no reconnect on a listening tcp socket. The message is libvirt's.
 */
function chrSourceProblem(c: Chardev, isChannel: boolean): string | undefined {
  const sources = sourcesOf(c);
  const first = <K extends keyof SourceView>(k: K) => sources.map((s) => s[k]).find((v) => v !== undefined);
  switch (c.type) {
    case 'dev':
    case 'file':
    case 'pipe':
    case 'unix': {
      if (first('path') !== undefined) return undefined;
      const target = 'target' in c && c.target && 'type' in c.target ? c.target.type : undefined;
      if (c.type === 'unix' && isChannel && (target === 'virtio' || target === 'xen')) return undefined;
      return MISSING_PATH;
    }
    case 'tcp': {
      const s = sources[0];
      if (s?.host === undefined) return 'internal error: Missing source host attribute for char device';
      if (s.service === undefined) return 'internal error: Missing source service attribute for char device';
      if (s.mode === 'bind' && s.reconnect?.enabled === true) return 'internal error: chardev reconnect is possible only for connect mode';
      return undefined;
    }
    case 'udp':
      // the connect end (a source without mode='bind') must name a service
      return sources.some((s) => s.mode !== 'bind' && s.service !== undefined) ? undefined : 'internal error: Missing source service attribute for char device';
    case 'spiceport':
    case 'dbus':
      return first('channel') !== undefined ? undefined : 'unsupported configuration: Missing source channel attribute for char device';
    case 'nmdm':
      return (first('master') === undefined) !== (first('slave') === undefined)
        ? 'internal error: Should define both master and slave path attributes for nmdm device'
        : undefined;
    default:
      return undefined;
  }
}

function checkChrSource(l: Located<Chardev>, r: Reporter, isChannel: boolean): void {
  const message = chrSourceProblem(l.obj, isChannel);
  if (message === undefined) return;
  const src = sourcesOf(l.obj)[0];
  r.at(src ? childOf(l, 'source', src) : l, 'libvirt-chardev-source', message);
}

/**
 * libvirt's chardev parser (`virDomainChrDefParseXML`): a spicevmc chardev
 * must have the target type whose number is the virtio channel's
 * (VIR_DOMAIN_CHR_CHANNEL_TARGET_TYPE_VIRTIO = 2). libvirt compares the
 * number whatever the device, so a usb-serial serial and a xen console pass
 * too, and a parallel port (no target types) never does.
 */
const SPICEVMC_TARGET: Record<'serials' | 'parallels' | 'consoles' | 'channels', string | undefined> = {
  channels: 'virtio',
  serials: 'usb-serial',
  consoles: 'xen',
  parallels: undefined,
};

export function checkChardevs(def: DeviceScope, r: Reporter): void {
  // the first console standing for the first serial gets the serial's source (libvirt copies it before validating)
  const mirrors = new Set(devicesOf(def).flatMap((d) => (d.mirror ? [d.obj] : [])));
  for (const fam of ['serials', 'parallels', 'consoles', 'channels'] as const) {
    for (const l of familyOf(def, fam)) {
      const target = l.obj.target && 'type' in l.obj.target ? l.obj.target.type : undefined;
      if (l.obj.type === 'spicevmc' && (target === undefined || target !== SPICEVMC_TARGET[fam])) {
        r.at(l, 'libvirt-chardev-spicevmc', 'unsupported configuration: spicevmc device type only supports virtio', { attribute: 'type' });
        continue;
      }
      if (!mirrors.has(l.obj)) checkChrSource(l, r, fam === 'channels');
    }
  }
  // (a dbus redirdev gets libvirt's channel org.qemu.usbredir when it names none)
  for (const l of familyOf(def, 'redirdevs')) if (l.obj.type !== 'dbus') checkChrSource(l, r, false);
  for (const l of familyOf(def, 'smartcards')) {
    const s = l.obj;
    if (s.mode === 'passthrough') checkChrSource({ obj: s, path: l.path }, r, false);
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
    if (b?.model === 'egd') checkChrSource(childOf(l, 'backend', b), r, false);
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
