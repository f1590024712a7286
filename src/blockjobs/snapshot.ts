/**
 * `<domainsnapshot>` (libvirt's snapshot_conf.c): virDomainSnapshotDefParse
 * and virDomainSnapshotDefFormatInternal. Order as libvirt writes it: name,
 * description, state, parent, creationTime, memory, disks, revertDisks,
 * domain, inactiveDomain, cookie, active.
 */
import { metadataCache, storageSources } from '../domain/devices/disk-source.js';
import { storageFormat } from '../domain/devices/storage-common.js';
import { attr, child, element, flag, list, raw, union, value, type CheckFailure, type Infer } from '../xml/decl.js';
import { literal, oneOf, str } from '../xml/values.js';
import { creationTime, inactiveDomain, momentDescription, momentDiskName, momentDomain, momentName, momentParent } from './moment.js';

/** libvirt's snapshot locations (`virDomainSnapshotLocation`; 'default' is not written). */
export const snapshotLocation = oneOf('no', 'internal', 'external', 'manual');

/** libvirt's snapshot states (`virDomainSnapshotState`). */
export const snapshotState = oneOf('nostate', 'running', 'blocked', 'paused', 'shutdown', 'shutoff', 'crashed', 'pmsuspended', 'disk-snapshot');

/** `<driver type>` of a disk snapshot: the new image's format and its qcow2 metadata cache. */
export const snapshotDiskDriver = element('driver', {
  type: attr(storageFormat, { doc: 'Format of the new image' }),
  metadata_cache: child(metadataCache),
});

interface SnapshotDiskLike {
  type?: string;
  driver?: { type?: string };
  source?: { file?: string; dev?: string; name?: string };
}

/** libvirt's `src->path`: the file, the block device, or a network source's name. */
function sourcePath(d: SnapshotDiskLike): string | undefined {
  const s = d.source;
  if (!s) return undefined;
  return d.type === 'block' ? s.dev : d.type === 'network' ? s.name : s.file;
}

/** libvirt writes type, driver and source only for a disk with a path or a format (virDomainSnapshotDiskDefFormat). */
const sourced = (_ctx: unknown, d: SnapshotDiskLike) => sourcePath(d) !== undefined || d.driver?.type !== undefined;

/**
 * libvirt's reading of a snapshot disk: a new image (a path or a format)
 * without `snapshot` is an external snapshot; a local image's path must be
 * absolute.
 */
function checkSnapshotDisk(d: SnapshotDiskLike & { snapshot?: string }): CheckFailure | undefined {
  const path = sourcePath(d);
  if (path !== undefined && d.type !== 'network' && !path.startsWith('/')) {
    return { code: 'invalid-value', message: `disk snapshot image path '${path}' must be absolute`, at: d.source };
  }
  if (d.snapshot === undefined && (path !== undefined || d.driver?.type !== undefined)) d.snapshot = 'external';
  return undefined;
}

const typeOpts = { when: sourced, doc: 'Storage type of the new image' };
// one field object each for every case: a disk of a type the declarations do not know keeps them (unknownCaseOf)
const snapshotAttr = attr(snapshotLocation, { doc: 'no, internal, external or manual' });
const deleteInProgress = flag('snapshotDeleteInProgress', { doc: 'Deletion of this external snapshot was interrupted' });
const driverField = child(snapshotDiskDriver, { omitEmpty: true, when: sourced });

function snapshotDiskCase<const T extends 'file' | 'block' | 'network'>(type: T) {
  return element(
    'disk',
    {
      name: momentDiskName,
      snapshot: snapshotAttr,
      type: type === 'file' ? attr(literal(type), { default: type, ...typeOpts }) : attr(literal(type), { required: true, ...typeOpts }),
      snapshotDeleteInProgress: deleteInProgress,
      driver: driverField,
      source: child(storageSources[type], { omitEmpty: true, when: sourced, doc: 'The new image (external snapshots)' }),
    },
    { check: checkSnapshotDisk, doc: 'How one disk is snapshotted' },
  );
}

/** `<disk name snapshot type>` of `<disks>` / `<revertDisks>`: a union on the new image's storage type (file when absent). */
export const snapshotDisk = union(
  'disk',
  'type',
  { file: snapshotDiskCase('file'), block: snapshotDiskCase('block'), network: snapshotDiskCase('network') },
  { defaultCase: 'file', unknownMessage: "unsupported disk snapshot type '%s'" },
);
export type SnapshotDisk = Infer<typeof snapshotDisk>;

/** `<disks>` of a snapshot (libvirt writes it when it lists a disk). */
export const snapshotDisks = element('disks', { disks: list(snapshotDisk) });
/** `<revertDisks>`: the disks' images a revert to an external snapshot created (libvirt 9.9+). */
export const snapshotRevertDisks = element('revertDisks', { disks: list(snapshotDisk) });

interface MemoryLike {
  snapshot?: string;
  file?: string;
}

/** virDomainSnapshotDefParse's reading of `<memory>`: a file means external; a file needs external and the reverse. */
function checkMemory(m: MemoryLike): CheckFailure | undefined {
  if (m.snapshot === undefined && m.file !== undefined) m.snapshot = 'external';
  if (m.file !== undefined && m.snapshot !== 'external') {
    return { code: 'invalid-value', message: `memory filename '${m.file}' requires external snapshot`, attribute: 'file' };
  }
  if (m.file === undefined && m.snapshot === 'external') {
    return { code: 'missing-attribute', message: 'external memory snapshots require a filename', attribute: 'snapshot' };
  }
  if (m.file !== undefined && !m.file.startsWith('/')) {
    return { code: 'invalid-value', message: `memory snapshot file path '${m.file}' must be absolute`, attribute: 'file' };
  }
  return undefined;
}

/** `<memory snapshot file>`: where the guest's memory goes (libvirt leaves out a `<memory/>` that says nothing). */
export const snapshotMemory = element(
  'memory',
  {
    snapshot: attr(snapshotLocation, { doc: 'no, internal or external' }),
    file: attr(str, { doc: 'Memory image (external)' }),
  },
  { check: checkMemory, doc: 'Memory state of the snapshot' },
);

/** `<active>` of libvirt's own snapshot metadata (VIR_DOMAIN_SNAPSHOT_PARSE_INTERNAL): 1 for the current snapshot. */
export const snapshotActive = value('active', oneOf('0', '1'), { doc: "1 when the domain's current snapshot (libvirt's own metadata files)" });

export const domainSnapshot = element(
  'domainsnapshot',
  {
    name: momentName,
    description: momentDescription,
    state: value('state', snapshotState, { doc: 'State of the domain when the snapshot was taken' }),
    parent: child(momentParent, { omitEmpty: true }),
    creationTime,
    memory: child(snapshotMemory, { omitEmpty: true }),
    disks: child(snapshotDisks, { omitEmpty: true }),
    revertDisks: child(snapshotRevertDisks, { omitEmpty: true }),
    domain: child(momentDomain),
    inactiveDomain: child(inactiveDomain),
    cookie: raw('cookie', { doc: "The hypervisor driver's own data (QEMU: the guest CPU as started)" }),
    active: snapshotActive,
  },
  { doc: 'A libvirt domain snapshot' },
);
export type DomainSnapshotDef = Infer<typeof domainSnapshot>;

/**
 * What libvirt keeps of a snapshot given to `virDomainSnapshotCreateXML`
 * without REDEFINE (virDomainSnapshotDefParse): the state, parent, creation
 * time, domain, cookie, revert disks and `<active>` are not read (libvirt
 * fills in its own). A shallow copy; `def` is unchanged.
 */
export function snapshotDefAsCreated(def: DomainSnapshotDef): DomainSnapshotDef {
  const { state, parent, creationTime: _t, domain, inactiveDomain: _i, cookie, active, revertDisks, ...kept } = def;
  void [state, parent, domain, cookie, active, revertDisks];
  return kept;
}
