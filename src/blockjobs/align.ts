/**
 * libvirt's virDomainBackupAlignDisks (backup_conf.c): a backup job's disks
 * checked against the domain's and completed as the job will run them —
 * every domain disk listed (those not asked for: `backup='no'`, or all of
 * them backed up when the job names none), a file image named after the
 * disk's for a backed-up disk without one (`<path>.<suffix>`), and each
 * disk's mode and checkpoint (incremental from the job's `<incremental>`,
 * full otherwise).
 */
import type { DiskDef } from '../domain/devices/disk.js';
import type { DomainDef } from '../domain/domain.js';
import { VirtXmlError } from '../xml/errors.js';
import type { DomainBackupDef, PullBackupDisk, PushBackupDisk } from './backup.js';

type BackupDisk = PushBackupDisk | PullBackupDisk;

const fail = (message: string) => new VirtXmlError('unsupported', message);

/** A domain disk's image path, when it has one (libvirt's `src->path`: a local file or block device, a network source's name). */
function diskPath(d: DiskDef): string | undefined {
  switch (d.type) {
    case 'file':
      return d.source?.file;
    case 'block':
      return d.source?.dev;
    case 'dir':
      return d.source?.dir;
    case 'network':
      return d.source?.name;
    default:
      return undefined;
  }
}

/** The image a backup disk names: a file or a block device. */
function storePath(d: BackupDisk): string | undefined {
  return d.type === 'block' ? d.store?.dev : d.store?.file;
}

/** virDomainBackupDefAssignStore: a backed-up disk of a domain disk with media gets a file image beside it when it names none. */
function assignStore(disk: BackupDisk, dom: DiskDef, suffix: string): BackupDisk {
  const path = diskPath(dom);
  if (path === undefined) {
    if (disk.store !== undefined) throw fail(`disk '${disk.name}' has no media`);
    return disk;
  }
  if (storePath(disk) !== undefined) return disk;
  if (dom.type !== 'file') throw fail(`refusing to generate file name for disk '${disk.name}'`);
  const { store, ...rest } = disk;
  return { ...rest, type: 'file', store: { ...store, file: `${path}.${suffix}` } };
}

/**
 * Aligns a backup job's disks with the domain's, as libvirt does before
 * running it (and as `virsh backup-dumpxml` then shows it). Returns a new def;
 * throws libvirt's refusal (`unsupported`) for a disk the domain lacks, one
 * named twice, an incremental disk without a checkpoint, or more disks than
 * the domain has.
 */
export function alignBackupDisks(def: DomainBackupDef, domain: DomainDef, suffix: string): DomainBackupDef {
  const domDisks = domain.devices?.disks ?? [];
  if (domDisks.length === 0) throw fail('domain must have at least one disk to perform backup');
  const asked: BackupDisk[] = def.disks?.disks ?? [];
  if (asked.length > domDisks.length) throw fail('too many disk backup requests for domain');
  const seen = new Set<string>();
  const disks: BackupDisk[] = [];
  for (const d of asked) {
    const dom = domDisks.find((x) => x.target.dev === d.name);
    if (!dom) throw fail(`no disk named '${d.name}'`);
    if (seen.has(d.name)) throw fail(`disk '${d.name}' specified twice`);
    seen.add(d.name);
    if (d.backupmode === 'incremental' && d.incremental === undefined && def.incremental === undefined) {
      throw fail(`'incremental' backup mode of disk '${d.name}' requires setting 'incremental' field for disk or backup`);
    }
    disks.push(d.backup !== false ? assignStore(d, dom, suffix) : d);
  }
  const all = asked.length === 0;
  for (const dom of domDisks) {
    if (seen.has(dom.target.dev)) continue;
    const path = diskPath(dom);
    if (all && path !== undefined && dom.readonly !== true) disks.push(assignStore({ name: dom.target.dev, backup: true, type: 'file' }, dom, suffix));
    else disks.push({ name: dom.target.dev, backup: false, type: 'file' });
  }
  const aligned = disks.map((d): BackupDisk => {
    if (d.backup === false) return d;
    const backupmode = d.backupmode ?? (def.incremental !== undefined || d.incremental !== undefined ? 'incremental' : 'full');
    const incremental = d.incremental ?? (backupmode === 'incremental' ? def.incremental : undefined);
    return { ...d, backupmode, ...(incremental !== undefined ? { incremental } : {}) };
  });
  return def.mode === 'pull' ? { ...def, disks: { ...def.disks, disks: aligned as PullBackupDisk[] } } : { ...def, disks: { ...def.disks, disks: aligned as PushBackupDisk[] } };
}
