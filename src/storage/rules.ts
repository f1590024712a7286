/**
 * libvirt's define-time rules of storage pools and volumes
 * (`virStoragePoolDefParseXML`, `virStorageAdapterValidate`,
 * `virStorageVolDefParseXML`) that virtxml's lenient parser leaves to
 * validation: what each pool type needs in its source and target. Messages
 * are libvirt 12.9's (asked of its test driver); libvirt stops at the first,
 * these report every one, in libvirt's order.
 */
import { childOf, Reporter, type Located, type SemanticOptions } from '../validate/semantic/context.js';
import type { Diagnostic } from '../validate/types.js';
import type { StoragePoolDef } from './pool.js';
import type { StorageVolDef } from './volume.js';

const HOST = new Set(['netfs', 'iscsi', 'iscsi-direct', 'rbd', 'sheepdog', 'gluster']);
const NAME = new Set(['logical', 'rbd', 'sheepdog', 'gluster', 'zfs', 'vstorage']);
/** Types whose source device libvirt's parser requires (an iSCSI or logical pool's is checked when started). */
const DEVICE = new Set(['fs', 'disk']);
/** Types without a target, or whose target path libvirt computes (logical: /dev/<vg>, zfs: /dev/zvol/<pool>). */
const NO_TARGET_PATH = new Set(['rbd', 'sheepdog', 'gluster', 'iscsi-direct', 'logical', 'zfs']);

/** A pool's rules. */
export function storagePoolSemanticDiagnostics(def: StoragePoolDef, options: SemanticOptions): Diagnostic[] {
  const r = new Reporter(options);
  const pool: Located<object> = { obj: def, path: '/pool' };
  const src = def.source;
  const source = childOf(pool, 'source', src ?? def);
  const t = def.type;

  if (t === 'rbd' && src?.name === undefined) r.at(source, 'libvirt-pool-source', "XML error: element 'name' is mandatory for RBD pool");
  if (src?.adapter) {
    const a = src.adapter;
    const adapter = childOf(source, 'adapter', a);
    if (a.type === 'fc_host' && (a.wwnn === undefined || a.wwpn === undefined)) r.at(adapter, 'libvirt-pool-adapter', "XML error: 'wwnn' and 'wwpn' must be specified for adapter type 'fchost'");
    if (a.type === 'scsi_host' && a.parentaddr && a.name !== undefined) r.at(adapter, 'libvirt-pool-adapter', "XML error: Both 'name' and 'parent' cannot be specified for the 'scsi_host' adapter");
    if ((a.type ?? 'scsi_host') === 'scsi_host' && !a.parentaddr && a.name === undefined) r.at(adapter, 'libvirt-pool-adapter', "XML error: Either 'name' or 'parent' must be specified for the 'scsi_host' adapter");
    if (a.type === undefined && a.parentaddr) r.at(adapter, 'libvirt-pool-adapter', "XML error: Use of 'parentaddr' element requires use of the adapter 'type'");
  }
  if (def.name === undefined && !(NAME.has(t) && src?.name !== undefined)) r.at(pool, 'libvirt-pool-name', 'XML error: missing pool source name element');
  if (HOST.has(t) && !src?.hosts?.length) r.at(source, 'libvirt-pool-source', 'XML error: missing storage pool source host name');
  if (t === 'netfs' && src?.dir === undefined) r.at(source, 'libvirt-pool-source', 'XML error: missing storage pool source path');
  if (t === 'scsi' && !src?.adapter) r.at(source, 'libvirt-pool-source', 'XML error: missing storage pool source adapter');
  if (DEVICE.has(t) && !src?.devices?.length) r.at(source, 'libvirt-pool-source', 'XML error: missing storage pool source device name');
  if (!NO_TARGET_PATH.has(t) && def.target?.path === undefined) r.at(def.target ? childOf(pool, 'target', def.target) : pool, 'libvirt-pool-target', 'XML error: missing storage pool target path');
  if (t === 'iscsi-direct' && src?.initiator === undefined) r.at(source, 'libvirt-pool-source', 'unsupported configuration: missing initiator IQN');
  if (def.features?.cow && t !== 'fs' && t !== 'dir') r.at(childOf(pool, 'features', def.features), 'libvirt-pool-feature', "this function is not supported by the connection driver: cow feature may only be used for 'fs' and 'dir' pools");
  return r.diagnostics;
}

/** A volume's rules: libvirt's parser wants its capacity (vol-create; a clone or upload may leave it out). */
export function storageVolSemanticDiagnostics(def: StorageVolDef, options: SemanticOptions): Diagnostic[] {
  const r = new Reporter(options);
  if (!def.capacity) r.at({ obj: def, path: '/volume' }, 'libvirt-vol-capacity', 'XML error: missing capacity element');
  return r.diagnostics;
}
