/**
 * `<pool>`: a libvirt storage pool (storagepool.rng), as `virsh
 * pool-dumpxml` prints it (`virStoragePoolDefFormatBuf`): name, uuid, sizes
 * in bytes, features, `<source>`, `<target>`, `<refresh>`, then the
 * pool's namespace extensions (`<fs:mount_opts>`, `<rbd:config_opts>`).
 * Orders are libvirt's formatter's; the source's children are read whatever
 * the pool type (libvirt's parser does too) and written when present.
 */
import { sourceInfoAdapter } from '../common/basictypes.js';
import { initiator } from '../domain/devices/storage-common.js';
import { attr, child, element, list, value, type Infer, type InferFields } from '../xml/decl.js';
import { oneOf, str, uint, uuid, yesNo } from '../xml/values.js';
import { storagePermissions, storageSize } from './common.js';

/** libvirt's storage pool types (`virStoragePoolType`). */
export const storagePoolTypeNames = [
  'dir',
  'fs',
  'netfs',
  'logical',
  'disk',
  'iscsi',
  'iscsi-direct',
  'scsi',
  'mpath',
  'rbd',
  'sheepdog',
  'gluster',
  'zfs',
  'vstorage',
] as const;
export type StoragePoolType = (typeof storagePoolTypeNames)[number];

/** The namespaces of pool extensions, by the prefix libvirt writes. */
export const STORAGE_POOL_NAMESPACES = {
  fs: 'http://libvirt.org/schemas/storagepool/fs/1.0',
  rbd: 'http://libvirt.org/schemas/storagepool/rbd/1.0',
} as const;

const host = element('host', {
  name: attr(str, { required: true, doc: 'Host name or IP address' }),
  port: attr(uint({ max: 65535 }), { doc: 'Port (written when not 0)', omit: (v: number) => v === 0 }),
});

const freeExtent = element('freeExtent', {
  start: attr(uint({ max: Number.MAX_SAFE_INTEGER }), { required: true }),
  end: attr(uint({ max: Number.MAX_SAFE_INTEGER }), { required: true }),
});

/** `<device path part_separator>` of a pool source, with its free extents (live data of disk pools). */
export const storagePoolSourceDevice = element('device', {
  path: attr(str, { required: true }),
  part_separator: attr(yesNo, { doc: "disk pools: whether partition names get a 'p' separator" }),
  freeExtents: list(freeExtent),
});

const vendorName = (name: string) => element(name, { name: attr(str, { required: true }) });
const vendor = child(vendorName('vendor'));
const product = child(vendorName('product'));

/** `<format type>` of a pool source: a file system (fs, netfs) or partition table (disk, logical). */
export const storagePoolSourceFormat = element('format', {
  type: attr(
    oneOf('auto', 'ext2', 'ext3', 'ext4', 'ufs', 'iso9660', 'udf', 'gfs', 'gfs2', 'vfat', 'hfs+', 'xfs', 'ocfs2', 'vmfs', 'nfs', 'glusterfs', 'cifs', 'unknown', 'dos', 'dvh', 'gpt', 'mac', 'bsd', 'pc98', 'sun', 'lvm2'),
    { required: true },
  ),
  // storagepool.rng allows them here (sourcefmtdisk/sourcefmtlogical); libvirt reads them only as <source>'s children
  vendor,
  product,
});

const authSecret = element('secret', {
  type: attr(oneOf('iscsi', 'ceph'), { doc: 'Usage type (domain disks); pools leave it out' }),
  uuid: attr(str),
  usage: attr(str),
});

/** `<auth type username>` of an iSCSI or RBD pool (virStorageAuthDefFormat). */
export const storagePoolAuth = element('auth', {
  type: attr(oneOf('chap', 'ceph')),
  username: attr(str, { required: true }),
  secret: child(authSecret, { required: true }),
});

/** `<source>` of a pool: libvirt writes it with an end tag even when empty. */
export const storagePoolSource = element(
  'source',
  {
    hosts: list(host),
    devices: list(storagePoolSourceDevice),
    dir: child(element('dir', { path: attr(str, { required: true }) })),
    adapter: child(sourceInfoAdapter),
    name: value('name', str),
    initiator: child(initiator),
    format: child(storagePoolSourceFormat),
    auth: child(storagePoolAuth),
    protocol: child(element('protocol', { ver: attr(str, { required: true, doc: "NFS version ('3', '4.1')" }) })),
    vendor,
    product,
  },
  { selfClose: false, doc: 'Where the pool comes from' },
);
export type StoragePoolSource = Infer<typeof storagePoolSource>;

/** `<target>` of a pool: its path on the host and permissions. */
export const storagePoolTarget = element(
  'target',
  {
    path: value('path', str),
    permissions: child(storagePermissions),
  },
  { selfClose: false },
);
export type StoragePoolTarget = Infer<typeof storagePoolTarget>;

const features = element('features', {
  cow: child(element('cow', { state: attr(yesNo, { required: true }) })),
});

const refresh = element('refresh', {
  volume: child(element('volume', { allocation: attr(oneOf('default', 'capacity')) })),
});

const mountOpts = element('fs:mount_opts', {
  options: list(element('fs:option', { name: attr(str, { required: true }) })),
});

const configOpts = element('rbd:config_opts', {
  options: list(element('rbd:option', { name: attr(str, { required: true }), value: attr(str, { required: true }) })),
});

const storagePoolFields = {
  type: attr(oneOf(...storagePoolTypeNames), { required: true }),
  xmlnsFs: attr(str, { xml: 'xmlns:fs', doc: 'Declares the fs namespace (<fs:mount_opts>)' }),
  xmlnsRbd: attr(str, { xml: 'xmlns:rbd', doc: 'Declares the rbd namespace (<rbd:config_opts>)' }),
  name: value('name', str),
  uuid: value('uuid', uuid),
  capacity: child(storageSize('capacity', 'Size of the pool (live)')),
  allocation: child(storageSize('allocation', 'Space used (live)')),
  available: child(storageSize('available', 'Free space (live)')),
  features: child(features),
  source: child(storagePoolSource),
  target: child(storagePoolTarget),
  refresh: child(refresh),
  mountOpts: child(mountOpts, { doc: 'fs/netfs pools: extra mount options (fs namespace)' }),
  configOpts: child(configOpts, { doc: 'rbd pools: extra RADOS options (rbd namespace)' }),
} as const;
export type StoragePoolDef = InferFields<typeof storagePoolFields>;

/**
 * A `beforeFormat` hook for `<pool>`: a copy with the `xmlns:fs` / `xmlns:rbd`
 * declaration of an extension in use when the def lacks it (libvirt declares
 * the namespace whenever it writes the extension).
 */
export function declarePoolNamespaces(def: StoragePoolDef): StoragePoolDef {
  const fs = def.mountOpts !== undefined && def.xmlnsFs === undefined;
  const rbd = def.configOpts !== undefined && def.xmlnsRbd === undefined;
  if (!fs && !rbd) return def;
  return { ...def, ...(fs ? { xmlnsFs: STORAGE_POOL_NAMESPACES.fs } : {}), ...(rbd ? { xmlnsRbd: STORAGE_POOL_NAMESPACES.rbd } : {}) };
}

export const storagePoolDef = element('pool', storagePoolFields, { beforeFormat: declarePoolNamespaces, doc: 'libvirt storage pool (virsh pool-dumpxml)' });
