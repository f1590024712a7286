/**
 * `<disk>` rules of libvirt's define-time validation (`virDomainDiskDefValidate`,
 * `virDomainDefCheckDuplicateDiskInfo`, `virDomainDiskDefValidateSource…`):
 * target names used twice, credentials or encryption given both on the disk
 * and on its source, secret types that do not fit the protocol, LUKS
 * parameters a domain disk must not carry, protocols no driver supports.
 */
import type { DomainDef } from '../../domain/domain.js';
import { childOf, type Located, type Reporter } from './context.js';
import { libvirtDiskOrder } from './address.js';
import { familyOf } from './devices.js';

interface Disk {
  type?: string;
  auth?: { secret: { type: string } };
  encryption?: { cipher?: object; ivgen?: object };
  source?: {
    file?: string;
    dev?: string;
    dir?: string;
    name?: string;
    protocol?: string;
    volume?: string;
    pool?: string;
    auth?: { secret: { type: string } };
    encryption?: { cipher?: object; ivgen?: object };
  };
  target?: { dev: string };
}

/** `virDomainDiskGetSource`, as NULLSTR prints it. */
function sourceName(d: Disk): string {
  const s = d.source;
  return s?.file ?? s?.dev ?? s?.dir ?? s?.name ?? s?.volume ?? '<null>';
}

const SECRET_FOR: Record<string, string> = { iscsi: 'iscsi', rbd: 'ceph' };

export function checkDisks(def: DomainDef, r: Reporter): void {
  const ordered = libvirtDiskOrder(familyOf<Disk>(def, 'disks'));
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
  for (const l of familyOf<Disk>(def, 'disks')) {
    const d = l.obj;
    const src = d.source ? childOf(l, 'source', d.source) : undefined;
    if (d.auth && d.source?.auth && src) {
      r.at(childOf(src, 'auth', d.source.auth), 'libvirt-disk-auth-twice', 'unsupported configuration: an <auth> definition already found for disk source');
    }
    if (d.encryption && d.source?.encryption && src) {
      r.at(
        childOf(src, 'encryption', d.source.encryption),
        'libvirt-disk-encryption-twice',
        'unsupported configuration: an <encryption> definition already found for disk source',
      );
    }
    const auth = d.auth ?? d.source?.auth;
    const want = d.type === 'network' && d.source?.protocol ? SECRET_FOR[d.source.protocol] : undefined;
    if (auth && want !== undefined && auth.secret.type !== want) {
      const at = d.auth ? childOf(childOf(l, 'auth', d.auth), 'secret', d.auth.secret) : childOf(childOf(src!, 'auth', auth), 'secret', auth.secret);
      r.at(at, 'libvirt-disk-secret-type', `unsupported configuration: invalid secret type '${auth.secret.type}'`, { attribute: 'type' });
    }
    for (const [enc, parent] of [
      [d.encryption, l],
      [d.source?.encryption, src],
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
