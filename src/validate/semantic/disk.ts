/**
 * `<disk>` rules of libvirt's define-time validation (`virDomainDiskDefValidate`,
 * `virDomainDefCheckDuplicateDiskInfo`, `virDomainDiskDefValidateSource…`):
 * target names used twice, credentials or encryption given both on the disk
 * and on its source, secret types that do not fit the protocol, LUKS
 * parameters a domain disk must not carry, protocols no driver supports.
 */
import { childOf, type Located, type Reporter } from './context.js';
import { diskBus, libvirtDiskOrder } from './address.js';

const VIRTIO_MODELS: ReadonlySet<string | undefined> = new Set(['virtio', 'virtio-transitional', 'virtio-non-transitional']);
import { familyOf, type DeviceOf, type DeviceScope } from './devices.js';

type Disk = DeviceOf['disks'];
/** A disk's `<source>` (a union on the disk type, and on the protocol of network disks). */
type DiskSource = NonNullable<Disk['source']>;

/** `virDomainDiskGetSource`, as NULLSTR prints it. */
function sourceName(d: Disk): string {
  const s = d.source;
  if (!isObject(s)) return '<null>';
  return (
    ('file' in s ? s.file : undefined) ??
    ('dev' in s ? s.dev : undefined) ??
    ('dir' in s ? s.dir : undefined) ??
    ('name' in s ? s.name : undefined) ??
    ('volume' in s ? s.volume : undefined) ??
    '<null>'
  );
}

/** The `<auth>` and `<encryption>` a disk source may carry (network and some local sources). */
const sourceAuth = (s: DiskSource | undefined) => (isObject(s) && 'auth' in s ? s.auth : undefined);
const sourceEncryption = (s: DiskSource | undefined) => (isObject(s) && 'encryption' in s ? s.encryption : undefined);
/** An object (a def built in code may hold anything where a `<source>` belongs). */
const isObject = (s: DiskSource | undefined): s is DiskSource => typeof s === 'object' && s !== null;

const SECRET_FOR: Record<string, string> = { iscsi: 'iscsi', rbd: 'ceph' };

/**
 * A target name libvirt can number (`virDiskNameParse`): a prefix (fd, hd,
 * vd, sd, xvd, ubd), lowercase letters, digits; or an NVMe name
 * (nvme0n1, nvme0n1p2). libvirt drops a Xen-era `ioemu:` prefix first.
 */
export function isDiskName(dev: string): boolean {
  const name = dev.replace(/^ioemu:/, '');
  return /^(?:fd|hd|vd|sd|xvd|ubd)[a-z]+[0-9]*$/.test(name) || /^nvme[0-9]+n[0-9]+(?:p[0-9]+)?$/.test(name);
}

/** The types of a backing chain member, each to check (the chain's end, `<backingStore/>`, has none). */
function* backingChain(l: Located<Disk>): Generator<Located<NonNullable<Disk['backingStore']>>> {
  let at: Located<object> = l;
  let b = l.obj.backingStore;
  while (b) {
    const here = childOf(at, 'backingStore', b);
    yield here;
    at = here;
    b = 'backingStore' in b ? b.backingStore : undefined;
  }
}

/** Whether a disk names its storage (libvirt's `virStorageSourceIsEmpty` negated), for the local types and a network without source. */
function hasSource(d: Disk): boolean {
  const s = d.source;
  if (!s) return d.type !== 'file' && d.type !== 'block' && d.type !== 'dir' && d.type !== 'network';
  if (d.type === 'file') return ('file' in s && s.file !== undefined) || ('fdgroup' in s && s.fdgroup !== undefined);
  if (d.type === 'block') return 'dev' in s && s.dev !== undefined;
  if (d.type === 'dir') return 'dir' in s && s.dir !== undefined;
  return true;
}

export function checkDisks(def: DeviceScope, r: Reporter): void {
  for (const l of familyOf(def, 'disks')) {
    const d = l.obj;
    const dev = d.target?.dev;
    // virDomainDiskDefAssignAddress (a disk without address), then the test driver's naming of the disk
    if (dev !== undefined && !isDiskName(dev)) {
      r.at(
        childOf(l, 'target', d.target),
        'libvirt-disk-name',
        d.address ? `internal error: Invalid harddisk device name: ${dev}` : `XML error: Unknown disk name '${dev}' and no address specified`,
        { attribute: 'dev' },
      );
    }
    // virDomainDiskDefValidate: a virtio model on the virtio bus, a tray on a removable medium, removable
    // on USB and SCSI disks (the bus a floppy defaults to is fdc, others take it from the target name)
    const bus = d.target?.bus ?? (d.device === 'floppy' ? 'fdc' : diskBus(d.target));
    if (VIRTIO_MODELS.has(d.model) && bus !== undefined && bus !== 'virtio') {
      r.at(l, 'libvirt-disk-model', `unsupported configuration: disk model '${d.model}' not supported for bus '${bus}'`, { attribute: 'model' });
    }
    if (d.target?.tray !== undefined && d.device !== 'cdrom' && d.device !== 'floppy') {
      r.at(childOf(l, 'target', d.target), 'libvirt-disk-tray', 'unsupported configuration: tray is only valid for cdrom and floppy', { attribute: 'tray' });
    }
    if (d.target?.removable !== undefined && bus !== 'usb' && bus !== 'scsi') {
      r.at(childOf(l, 'target', d.target), 'libvirt-disk-removable', 'XML error: removable is only valid for usb or scsi disks', { attribute: 'removable' });
    }
    // virDomainDiskDefValidate: a disk (not a removable medium) has a source
    if (d.device !== 'cdrom' && d.device !== 'floppy' && d.device !== 'lun' && dev !== undefined && !hasSource(d)) {
      r.at(l, 'libvirt-disk-source', `missing source information for device ${dev}`);
    }
    // virDomainDiskDataStoreParse: the data file has a source
    const ds = d.source && 'dataStore' in d.source ? d.source.dataStore : undefined;
    if (ds && !ds.source) r.at(childOf(childOf(l, 'source', d.source), 'dataStore', ds), 'libvirt-disk-datastore', 'XML error: missing disk data file store source');
    // the backing chain (virDomainDiskBackingStoreParse): each member with a type has a format and a source
    for (const b of backingChain(l)) {
      const m = b.obj;
      if (m.type === undefined) continue;
      if (!('format' in m) || !m.format) r.at(b, 'libvirt-disk-backing', 'XML error: missing disk backing store format');
      else if (!('source' in m) || !m.source) r.at(b, 'libvirt-disk-backing', 'XML error: missing disk backing store source');
    }
    // virDomainDiskDefValidate: a LUN is a local block device (with a path), a network (iSCSI) or a pool volume
    const blockPath = d.type === 'block' && d.source && 'dev' in d.source && d.source.dev !== undefined;
    if (d.device === 'lun' && !blockPath && d.type !== 'network' && d.type !== 'volume') {
      r.at(l, 'libvirt-disk-lun', "unsupported configuration: disk device='lun' is only valid for block type disk source", { attribute: 'device' });
    }
  }
  const ordered = libvirtDiskOrder(familyOf(def, 'disks'));
  const targets = new Map<string, Located<Disk>>();
  for (const l of ordered) {
    const t = l.obj.target;
    if (!t) continue;
    const first = targets.get(t.dev);
    if (first) {
      r.at(
        childOf(l, 'target', t),
        'libvirt-duplicate-disk-target',
        `XML error: target '${t.dev}' duplicated for disk sources '${sourceName(first.obj)}' and '${sourceName(l.obj)}'`,
        { attribute: 'dev' },
      );
    } else targets.set(t.dev, l);
  }
  for (const l of familyOf(def, 'disks')) {
    const d = l.obj;
    const src = d.source ? childOf(l, 'source', d.source) : undefined;
    const srcAuth = sourceAuth(d.source);
    const srcEncryption = sourceEncryption(d.source);
    if (d.auth && srcAuth && src) {
      r.at(childOf(src, 'auth', srcAuth), 'libvirt-disk-auth-twice', 'unsupported configuration: an <auth> definition already found for disk source');
    }
    if (d.encryption && srcEncryption && src) {
      r.at(
        childOf(src, 'encryption', srcEncryption),
        'libvirt-disk-encryption-twice',
        'unsupported configuration: an <encryption> definition already found for disk source',
      );
    }
    const auth = d.auth ?? srcAuth;
    const want = d.type === 'network' && d.source?.protocol ? SECRET_FOR[d.source.protocol] : undefined;
    if (auth && want !== undefined && auth.secret.type !== want) {
      const at = d.auth ? childOf(childOf(l, 'auth', d.auth), 'secret', d.auth.secret) : childOf(childOf(src!, 'auth', auth), 'secret', auth.secret);
      r.at(at, 'libvirt-disk-secret-type', `unsupported configuration: invalid secret type '${auth.secret.type}'`, { attribute: 'type' });
    }
    for (const [enc, parent] of [
      [d.encryption, l],
      [srcEncryption, src],
    ] as const) {
      if (!enc || !parent || (enc.cipher === undefined && enc.ivgen === undefined)) continue;
      const which = enc.cipher !== undefined ? 'cipher' : 'ivgen';
      const e = childOf(parent, 'encryption', enc);
      r.at(
        childOf(e, which, (enc.cipher ?? enc.ivgen)!),
        'libvirt-disk-encryption-params',
        `unsupported configuration: supplying <${which}> for domain disk definition is unnecessary`,
      );
    }
    if (d.type === 'network' && d.source?.protocol === 'sheepdog' && src) {
      r.at(src, 'libvirt-disk-protocol', "unsupported configuration: 'sheepdog' protocol is no longer supported by any hypervisor driver", {
        attribute: 'protocol',
      });
    }
  }
}
