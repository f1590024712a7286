/**
 * `<disk>` rules of libvirt's define-time validation (`virDomainDiskDefValidate`,
 * `virDomainDefCheckDuplicateDiskInfo`, `virDomainDiskDefValidateSource…`):
 * target names used twice, credentials or encryption given both on the disk
 * and on its source, secret types that do not fit the protocol, LUKS
 * parameters a domain disk must not carry, protocols no driver supports.
 */
import { childOf, type Located, type Reporter } from './context.js';
import { libvirtDiskOrder } from './address.js';
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

export function checkDisks(def: DeviceScope, r: Reporter): void {
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
