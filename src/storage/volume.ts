/**
 * `<volume>`: a libvirt storage volume (storagevol.rng), as `virsh
 * vol-dumpxml` prints it (`virStorageVolDefFormat`): name, key, source
 * extents, sizes in bytes, `<target>`, `<backingStore>`. Target children in
 * `virStorageVolTargetDefFormat`'s order (asked of libvirt 12.9).
 */
import { scaledHooks, scaledNumber, scaledUnit } from '../domain/scaled.js';
import { attr, child, element, flag, list, text, value, type Infer, type InferFields } from '../xml/decl.js';
import { oneOf, pattern, str, uint } from '../xml/values.js';
import { storageEncryption, storagePermissions, storageSize, storageTimestamps } from './common.js';

/** libvirt's volume types (`virStorageVolType`). */
export const storageVolTypeNames = ['file', 'block', 'dir', 'network', 'netdir', 'ploop'] as const;

/**
 * Volume formats (storagevol.rng `format`): a file format for file-based
 * pools, a file system (`formatdev`) or a partition type (disk pools).
 */
export const storageVolFormatNames = [
  'unknown', 'raw', 'dir', 'bochs', 'cloop', 'dmg', 'iso', 'vpc', 'vdi', 'fat', 'vhd', 'ploop', 'luks', 'cow', 'qcow', 'qcow2', 'qed', 'vmdk',
  'none', 'auto', 'ext2', 'ext3', 'ext4', 'ufs', 'iso9660', 'udf', 'gfs', 'gfs2', 'vfat', 'hfs+', 'xfs', 'ocfs2', 'vmfs',
  'linux', 'fat16', 'fat32', 'linux-swap', 'linux-lvm', 'linux-raid', 'extended',
] as const;

const ulong = uint({ max: Number.MAX_SAFE_INTEGER });

const extent = element('extent', { start: attr(ulong, { required: true }), end: attr(ulong, { required: true }) });

/** `<device path>` and its extents: where a logical or disk volume lives (live data). */
export const storageVolSourceDevice = element('device', { path: attr(str, { required: true }), extents: list(extent) });

const volSource = element('source', { devices: list(storageVolSourceDevice) }, { doc: 'Physical extents of the volume (read-only)' });

/** `<format type>` of a volume or its backing store. */
export const storageVolFormat = element('format', { type: attr(oneOf(...storageVolFormatNames), { required: true }) });

const clusterHooks = scaledHooks('value', { write: 'B', defaultUnit: 'B' });
/** `<clusterSize unit='B'>`: a qcow2 cluster size, kept in bytes and written with libvirt's `unit='B'`. */
export const storageClusterSize = element(
  'clusterSize',
  { unit: attr(scaledUnit), value: text(scaledNumber, { required: true }) },
  { check: clusterHooks.check, beforeFormat: clusterHooks.beforeFormat, doc: 'qcow2 cluster size' },
);

const fileFeatures = element('features', { lazyRefcounts: flag('lazy_refcounts'), extendedL2: flag('extended_l2') });

/** `<target>` of a volume. */
export const storageVolTarget = element('target', {
  path: value('path', str),
  format: child(storageVolFormat),
  permissions: child(storagePermissions),
  timestamps: child(storageTimestamps),
  encryption: child(storageEncryption),
  compat: value('compat', pattern('compat', /^[0-9]+\.[0-9]+$/)),
  clusterSize: child(storageClusterSize),
  features: child(fileFeatures),
  nocow: flag('nocow', { doc: 'Turn off copy-on-write (btrfs); libvirt reads it, never writes it' }),
});
export type StorageVolTarget = Infer<typeof storageVolTarget>;

/** `<backingStore>` of a volume. */
export const storageVolBackingStore = element('backingStore', {
  path: value('path', str),
  format: child(storageVolFormat),
  permissions: child(storagePermissions),
  timestamps: child(storageTimestamps),
});

const storageVolFields = {
  type: attr(oneOf(...storageVolTypeNames)),
  name: value('name', str, { required: true }),
  key: value('key', str),
  source: child(volSource, { omitEmpty: true }),
  capacity: child(storageSize('capacity', 'Logical size')),
  allocation: child(storageSize('allocation', 'Space allocated on the host')),
  physical: child(storageSize('physical', 'Physical size on the host (live)')),
  target: child(storageVolTarget),
  backingStore: child(storageVolBackingStore),
} as const;
export type StorageVolDef = InferFields<typeof storageVolFields>;

export const storageVolDef = element('volume', storageVolFields, { doc: 'libvirt storage volume (virsh vol-dumpxml)' });
