/**
 * What libvirt keeps of a pool or volume it parses (`virStoragePoolDefParseXML`,
 * `virStorageVolDefParseXML`) and writes back (as `pool-define` /
 * `vol-create` then `*-dumpxml`, and libvirt's storagepoolxml2xmltest /
 * storagevolxml2xmltest): live data (sizes of a pool, extents, timestamps,
 * a volume's physical size) is not read, defaults of the pool type are
 * filled in, and a pool's source keeps only what its type uses
 * (`virStoragePoolOptions` flags). virtxml's parser keeps all of it: a
 * document read from `pool-dumpxml` carries its sizes. Content libvirt does
 * not know (kept in `$extra` by virtxml's parser) is not kept here either.
 */
import { VirtXmlError } from '../xml/errors.js';
import { sanitizePath, storageIdIsSet, type StoragePermissions } from './common.js';
import { STORAGE_POOL_NAMESPACES, type StoragePoolDef, type StoragePoolSource } from './pool.js';
import type { StorageVolDef } from './volume.js';

type SourceFlag = 'host' | 'device' | 'dir' | 'adapter' | 'name' | 'initiator';

interface PoolOptions {
  /** The source children the pool type uses (`VIR_STORAGE_POOL_SOURCE_*`). */
  source: SourceFlag[];
  /** The source format when none is given; absent: the type has no source format. */
  defaultFormat?: string;
  /** The volume format when none is given; absent: the type's volumes have no format. */
  volDefaultFormat?: string;
  /** No `<target>` (network pools). */
  noTarget?: boolean;
}

/** libvirt's `poolTypeInfo` (storage_conf.c), by pool type. */
const POOL_OPTIONS: Record<string, PoolOptions> = {
  dir: { source: [], volDefaultFormat: 'raw' },
  fs: { source: ['device'], defaultFormat: 'auto', volDefaultFormat: 'raw' },
  netfs: { source: ['host', 'dir'], defaultFormat: 'auto', volDefaultFormat: 'raw' },
  logical: { source: ['name', 'device'], defaultFormat: 'lvm2' },
  disk: { source: ['device'], defaultFormat: 'unknown', volDefaultFormat: 'none' },
  iscsi: { source: ['host', 'device', 'initiator'] },
  'iscsi-direct': { source: ['host', 'device', 'initiator'], noTarget: true },
  scsi: { source: ['adapter'] },
  mpath: { source: [] },
  rbd: { source: ['host', 'name'], volDefaultFormat: 'raw', noTarget: true },
  sheepdog: { source: ['host', 'name'], noTarget: true },
  gluster: { source: ['host', 'name', 'dir'], volDefaultFormat: 'raw', noTarget: true },
  zfs: { source: ['name', 'device'] },
  vstorage: { source: ['name'], volDefaultFormat: 'raw' },
};

const ZERO = { unit: 'bytes', value: 0 };

/** Permissions as libvirt keeps them: an unset owner or group ((uid_t)-1) is not written; nothing set, no element. */
function definedPermissions(p: StoragePermissions | undefined): StoragePermissions | undefined {
  if (!p) return undefined;
  const { owner, group, $extra: _extra, ...rest } = p;
  const out: StoragePermissions = { ...rest };
  if (storageIdIsSet(owner)) out.owner = owner;
  if (storageIdIsSet(group)) out.group = group;
  return out.mode === undefined && out.owner === undefined && out.group === undefined && out.label === undefined ? undefined : out;
}

/**
 * A pool as libvirt defines it from this XML (`virsh pool-define`, then
 * `pool-dumpxml --inactive`): sizes zero, the source's children the pool
 * type uses with its defaults (a logical pool's source name and format, a
 * gluster pool's dir `/`, a scsi_host adapter's type), paths sanitized, a
 * logical pool's target `/dev/<source name>`, no target for network pools.
 */
export function storagePoolAsDefined(def: StoragePoolDef): StoragePoolDef {
  const o = POOL_OPTIONS[def.type] ?? { source: ['host', 'device', 'dir', 'adapter', 'name', 'initiator'] };
  const has = (f: SourceFlag) => o.source.includes(f);
  const src: StoragePoolSource = def.source ?? {};
  const out: StoragePoolDef = { type: def.type };
  // the fs and rbd backends read their namespace's options (none: no namespace data, nothing written)
  const mountOpts = (def.type === 'fs' || def.type === 'netfs') && def.mountOpts?.options?.length ? def.mountOpts : undefined;
  const configOpts = def.type === 'rbd' && def.configOpts?.options?.length ? def.configOpts : undefined;
  if (mountOpts) out.xmlnsFs = STORAGE_POOL_NAMESPACES.fs;
  if (configOpts) out.xmlnsRbd = STORAGE_POOL_NAMESPACES.rbd;
  out.name = def.name ?? (has('name') ? src.name : undefined);
  if (def.uuid !== undefined) out.uuid = def.uuid;
  out.capacity = { ...ZERO };
  out.allocation = { ...ZERO };
  out.available = { ...ZERO };
  if (def.features) out.features = def.features;

  const s: StoragePoolSource = {};
  if (has('host') && src.hosts?.length) s.hosts = src.hosts;
  if (has('device') && src.devices?.length) s.devices = src.devices.map(({ freeExtents: _free, ...d }) => d);
  if (has('dir')) {
    const dir = src.dir?.path !== undefined ? sanitizePath(src.dir.path) : def.type === 'gluster' ? '/' : undefined;
    if (dir !== undefined) s.dir = { ...src.dir, path: dir };
  }
  if (has('adapter') && src.adapter) {
    const type = src.adapter.type ?? (src.adapter.name !== undefined ? 'scsi_host' : undefined);
    if (type === 'scsi_host' || type === 'fc_host') s.adapter = { ...src.adapter, type };
  }
  if (has('name')) {
    const name = src.name ?? def.name;
    if (name !== undefined) s.name = name;
  }
  if (has('initiator') && src.initiator) s.initiator = src.initiator;
  if (o.defaultFormat !== undefined) s.format = src.format ? { type: src.format.type } : { type: o.defaultFormat };
  if (src.auth) s.auth = src.auth;
  if (src.protocol) s.protocol = src.protocol;
  if (src.vendor) s.vendor = src.vendor;
  if (src.product) s.product = src.product;
  out.source = s;

  if (!o.noTarget) {
    const t = def.target ?? {};
    // libvirt names a logical pool's target after its volume group, a zfs pool's after its zvol directory
    const path =
      def.type === 'logical' && s.name !== undefined
        ? `/dev/${s.name}`
        : def.type === 'zfs' && s.name !== undefined
          ? `/dev/zvol/${s.name}`
          : t.path !== undefined
            ? sanitizePath(t.path)
            : undefined;
    const perms = definedPermissions(t.permissions);
    out.target = {};
    if (path !== undefined) out.target.path = path;
    if (perms) out.target.permissions = perms;
  }
  if (def.refresh?.volume?.allocation !== undefined) out.refresh = def.refresh;
  if (mountOpts) out.mountOpts = mountOpts;
  if (configOpts) out.configOpts = configOpts;
  return out;
}

export interface StorageVolDefinedOptions {
  /** The type of the pool the volume is created in (default `dir`): its volume formats and their default. */
  poolType?: string;
  /** `VIR_VOL_XML_PARSE_NO_CAPACITY` / `OPT_CAPACITY`: a missing `<capacity>` is 0 instead of refused. */
  noCapacity?: boolean;
}

/**
 * A volume as libvirt creates it from this XML in a pool of `poolType`
 * (`vol-create`, then `vol-dumpxml`; storagevolxml2xmltest): type `file` by
 * default, sizes in bytes with the allocation defaulting to the capacity,
 * the pool type's default format (none written for pools without volume
 * formats), no extents, physical size, timestamps or `<nocow/>` (read, not
 * written), unset owners and groups left out. Throws libvirt's error for a
 * volume without `<capacity>` (unless `noCapacity`).
 */
export function storageVolAsDefined(def: StorageVolDef, options: StorageVolDefinedOptions = {}): StorageVolDef {
  const o = POOL_OPTIONS[options.poolType ?? 'dir'];
  const volFormat = (f: { type: string } | undefined) => (o?.volDefaultFormat === undefined ? undefined : { type: f?.type ?? o.volDefaultFormat });
  if (!def.capacity && !options.noCapacity) throw new VirtXmlError('missing-element', 'XML error: missing capacity element', { path: '/volume' });
  const capacity = def.capacity ? { unit: def.capacity.unit ?? 'bytes', value: def.capacity.value } : { ...ZERO };
  const out: StorageVolDef = { type: def.type ?? 'file', name: def.name };
  if (def.key !== undefined) out.key = def.key;
  out.capacity = capacity;
  out.allocation = def.allocation ? { ...def.allocation } : { ...capacity };

  const t = def.target ?? {};
  const target: NonNullable<StorageVolDef['target']> = {};
  if (t.path !== undefined) target.path = t.path;
  const format = volFormat(t.format);
  if (format) target.format = format;
  const perms = definedPermissions(t.permissions);
  if (perms) target.permissions = perms;
  if (t.encryption) target.encryption = t.encryption;
  if (t.compat !== undefined) target.compat = t.compat;
  if (t.clusterSize) target.clusterSize = t.clusterSize;
  if (t.features && (t.features.lazyRefcounts || t.features.extendedL2)) target.features = t.features;
  out.target = target;

  const b = def.backingStore;
  if (b) {
    const backing: NonNullable<StorageVolDef['backingStore']> = {};
    if (b.path !== undefined) backing.path = b.path;
    const bf = volFormat(b.format);
    if (bf) backing.format = bf;
    const bp = definedPermissions(b.permissions);
    if (bp) backing.permissions = bp;
    out.backingStore = backing;
  }
  return out;
}
