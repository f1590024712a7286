/**
 * `<domainbackup mode>` (libvirt's backup_conf.c): virDomainBackupDefParse
 * and virDomainBackupDefFormat. A union on `mode`: push (the default; each
 * disk's copy goes to its `<target>`) and pull (an NBD `<server>` exports the
 * disks; `<scratch>` holds what the guest changes meanwhile).
 */
import { blockSource, fileSource } from '../domain/devices/disk-source.js';
import { storageFormat } from '../domain/devices/storage-common.js';
import { attr, child, element, list, tag, union, value, type CheckFailure, type Decl, type Fields, type Infer } from '../xml/decl.js';
import { literal, oneOf, str, uint, yesNo } from '../xml/values.js';

interface BackupDiskLike {
  backup?: boolean;
}
/** libvirt reads and writes nothing else of a disk left out of the backup (`backup='no'`). */
const backedUp = (_ctx: unknown, d: BackupDiskLike) => d.backup !== false;

/** `<driver type>`: the format of the target (push) or scratch (pull, qcow2 only) image. */
export const backupDriver = element('driver', { type: attr(storageFormat, { required: true, doc: 'Image format' }) });

/** Pull mode's scratch image must be qcow2 (virDomainBackupDiskDefParseXML). */
function checkPullDisk(d: { backup?: boolean; driver?: { type: string } }): CheckFailure | undefined {
  if (d.backup !== false && d.driver !== undefined && d.driver.type !== 'qcow2') {
    return { code: 'unsupported', message: `pull mode requires qcow2 driver, not '${d.driver.type}'`, at: d.driver };
  }
  return undefined;
}

/**
 * One disk of a backup, of storage type `type` (file when absent), its image
 * element `target` (push) or `scratch` (pull). Attributes as libvirt writes
 * them: name, backup, state (libvirt's own status), type, backupmode,
 * incremental, exportname, exportbitmap (pull).
 */
// one field object each for every case: a disk of a type the declarations do not know keeps them (unknownCaseOf)
const diskFields = {
  name: attr(str, { required: true, doc: "The domain disk's target (vda)" }),
  backup: attr(yesNo, { default: true, doc: 'Whether the disk is backed up (yes when absent)' }),
  state: attr(oneOf('none', 'running', 'complete', 'failed', 'cancelling', 'cancelled'), { when: backedUp, doc: "Job state (libvirt's own status XML)" }),
};
const modeFields = {
  backupmode: attr(oneOf('full', 'incremental'), { when: backedUp, doc: 'full, or incremental since a checkpoint' }),
  incremental: attr(str, { when: backedUp, doc: 'The checkpoint an incremental backup of this disk starts from' }),
};
const driverField = child(backupDriver, { when: backedUp });

function backupDiskCase<const T extends 'file' | 'block', const S extends Decl, const X extends Fields>(type: T, store: S, exports: X) {
  const opts = { when: backedUp, doc: 'Storage type of the backup image' };
  return element(
    'disk',
    {
      ...diskFields,
      type: type === 'file' ? attr(literal(type), { default: type, ...opts }) : attr(literal(type), { required: true, ...opts }),
      ...modeFields,
      ...exports,
      driver: driverField,
      store: child(store, { omitEmpty: true, when: backedUp }),
    },
    store.name === 'scratch' ? { check: checkPullDisk } : {},
  );
}

const pullExports = {
  exportname: attr(str, { when: backedUp, doc: 'NBD export name' }),
  exportbitmap: attr(str, { when: backedUp, doc: 'NBD dirty-bitmap export name' }),
};

/** A disk of a push backup: a union on `type` (file, block). */
const pushFile = element('target', fileSource.fields, { doc: 'The file the copy goes to' });
const pushBlock = element('target', blockSource.fields, { doc: 'The block device the copy goes to' });
const pullFile = element('scratch', fileSource.fields, { doc: 'The file the guest writes go to during the backup' });
const pullBlock = element('scratch', blockSource.fields, { doc: 'The block device the guest writes go to during the backup' });

export const pushBackupDisk = union('disk', 'type', { file: backupDiskCase('file', pushFile, {}), block: backupDiskCase('block', pushBlock, {}) }, {
  defaultCase: 'file',
  unknownMessage: "unsupported disk backup type '%s'",
});
/** A disk of a pull backup: a union on `type` (file, block). */
export const pullBackupDisk = union(
  'disk',
  'type',
  { file: backupDiskCase('file', pullFile, pullExports), block: backupDiskCase('block', pullBlock, pullExports) },
  { defaultCase: 'file', unknownMessage: "unsupported disk backup type '%s'" },
);
export type PushBackupDisk = Infer<typeof pushBackupDisk>;
export type PullBackupDisk = Infer<typeof pullBackupDisk>;

/**
 * `<server transport tls name port socket fdgroup/>` of a pull backup: where
 * the NBD server listens (tcp: name and port; unix: socket; fd: a file
 * descriptor group). libvirt always writes the transport.
 */
export const backupServer = element(
  'server',
  {
    transport: attr(oneOf('tcp', 'unix', 'rdma', 'fd'), { default: 'tcp' as 'tcp' | 'unix' | 'rdma' | 'fd' }),
    tls: attr(yesNo),
    name: attr(str),
    port: attr(uint({ max: 65535 }), { omit: (v: number) => v === 0 }),
    socket: attr(str),
    fdgroup: attr(str),
  },
  { check: checkServer, doc: 'NBD server of a pull backup' },
);

function checkServer(s: { transport: string; socket?: string }): CheckFailure | undefined {
  if (s.transport === 'rdma') return { code: 'unsupported', message: 'transport rdma is not supported for <server>', attribute: 'transport' };
  if (s.transport === 'unix' && s.socket !== undefined && !s.socket.startsWith('/')) {
    return { code: 'invalid-value', message: `backup socket path '${s.socket}' must be absolute`, attribute: 'socket' };
  }
  return undefined;
}

const incremental = value('incremental', str, { doc: 'The checkpoint an incremental backup starts from' });

export const domainBackup = union(
  'domainbackup',
  'mode',
  {
    push: element('domainbackup', {
      mode: attr(literal('push'), { default: 'push' as const, doc: 'push (the default): libvirt copies the disks' }),
      incremental,
      disks: child(element('disks', { disks: list(pushBackupDisk) }), { omitEmpty: true }),
    }),
    pull: element('domainbackup', {
      mode: tag(literal('pull'), { doc: 'pull: an NBD server exports the disks' }),
      incremental,
      server: child(backupServer),
      disks: child(element('disks', { disks: list(pullBackupDisk) }), { omitEmpty: true }),
    }),
  },
  { defaultCase: 'push', doc: 'A libvirt domain backup job', unknownMessage: "unknown backup mode '%s'" },
);
export type DomainBackupDef = Infer<typeof domainBackup>;
