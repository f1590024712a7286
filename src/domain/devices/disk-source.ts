/**
 * The `<source>` of a storage source, one declaration per storage type
 * (file, block, dir, network, volume, nvme, vhostuser, vhostvdpa), as
 * libvirt's virDomainDiskSourceFormat writes it: the type's own attributes,
 * then startupPolicy and index; children: the type's own, slices, seclabels,
 * auth, encryption, reservations, dataStore, privateData.
 */
import { checkPciAddress, pciAddressFields } from '../../common/basictypes.js';
import { attr, child, element, list, union, type Decl, type Fields, type Infer } from '../../xml/decl.js';
import { literal, oneOf, str, uint, yesNo } from '../../xml/values.js';
import { deviceSeclabel } from '../seclabel.js';
import { networkSource } from './disk-network.js';
import { sourcePrivateDataField } from './disk-private.js';
import { bytesElement, encryption, reconnect, reservations, slices, sourceIndex, startupPolicy, storageFormat } from './storage-common.js';

/** `<metadata_cache><max_size unit='bytes'>N</max_size></metadata_cache>` (qcow2 metadata cache). */
export const metadataCache = element('metadata_cache', {
  max_size: child(bytesElement('max_size', 'Largest metadata cache, in bytes')),
});

/** `<format type>` of a backing store, mirror or data store. */
export const diskFormat = element('format', {
  type: attr(storageFormat, { required: true }),
  metadata_cache: child(metadataCache),
});
export type DiskFormat = Infer<typeof diskFormat>;

const encryptionField = { encryption: child(encryption) } as const;
/** Per-device security labels of local storage (file, block, volume). */
const seclabels = list(deviceSeclabel);

function fileSourceFields<const D extends Fields>(dataStore: D) {
  return {
    file: attr(str, { doc: 'Image path' }),
    fdgroup: attr(str, { doc: 'Passed file descriptors (virDomainFDAssociate)' }),
    startupPolicy: attr(startupPolicy),
    index: sourceIndex,
    slices: child(slices),
    seclabels,
    ...encryptionField,
    ...dataStore,
    ...sourcePrivateDataField,
  };
}

function blockSourceFields<const D extends Fields>(dataStore: D) {
  return {
    dev: attr(str, { doc: 'Block device path' }),
    startupPolicy: attr(startupPolicy),
    index: sourceIndex,
    slices: child(slices),
    seclabels,
    ...encryptionField,
    reservations: child(reservations),
    ...dataStore,
    ...sourcePrivateDataField,
  };
}


export const dirSource = element('source', {
  dir: attr(str, { doc: 'Host directory (exposed as a FAT image)' }),
  startupPolicy: attr(startupPolicy),
  index: sourceIndex,
  slices: child(slices),
  ...encryptionField,
  ...sourcePrivateDataField,
});

export const volumeSource = element('source', {
  pool: attr(str, { doc: 'Storage pool name' }),
  volume: attr(str, { doc: 'Volume name in the pool' }),
  mode: attr(oneOf('host', 'direct'), { doc: 'iSCSI pools: use the host path or connect directly' }),
  startupPolicy: attr(startupPolicy),
  index: sourceIndex,
  slices: child(slices),
  seclabels,
  ...encryptionField,
  ...sourcePrivateDataField,
});

export const nvmeSource = element('source', {
  type: attr(literal('pci'), { required: true }),
  managed: attr(yesNo),
  namespace: attr(uint({ max: Number.MAX_SAFE_INTEGER }), { required: true }),
  startupPolicy: attr(startupPolicy),
  index: sourceIndex,
  address: child(element('address', pciAddressFields, { check: checkPciAddress, doc: 'Host PCI address of the NVMe controller' }), { required: true }),
  slices: child(slices),
  ...encryptionField,
  ...sourcePrivateDataField,
});

export const vhostUserSource = element('source', {
  type: attr(literal('unix'), { required: true }),
  path: attr(str, { required: true }),
  index: sourceIndex,
  reconnect: child(reconnect),
  ...sourcePrivateDataField,
});

export const vhostVdpaSource = element('source', {
  dev: attr(str, { required: true, doc: 'vhost-vdpa character device' }),
  index: sourceIndex,
  ...sourcePrivateDataField,
});

/**
 * `<dataStore type>` (libvirt 10.10+, not in the 10.7 schema): the external
 * data file of a qcow2 image, `<format>` then its own `<source>` of any
 * storage type (file and block from 11.x, the others in 12.x).
 */
function dataStoreCase<const T extends string, const S extends Decl>(type: T, source: S) {
  return element('dataStore', { type: attr(literal(type), { required: true }), format: child(diskFormat), source: child(source) });
}

export const dataStore = union(
  'dataStore',
  'type',
  {
    file: element('dataStore', {
      type: attr(literal('file'), { default: 'file' as const }),
      format: child(diskFormat),
      source: child(element('source', fileSourceFields({})), { omitEmpty: true }),
    }),
    block: element('dataStore', {
      type: attr(literal('block'), { required: true }),
      format: child(diskFormat),
      source: child(element('source', blockSourceFields({})), { omitEmpty: true }),
    }),
    dir: dataStoreCase('dir', dirSource),
    network: dataStoreCase('network', networkSource),
    volume: dataStoreCase('volume', volumeSource),
    nvme: dataStoreCase('nvme', nvmeSource),
    vhostuser: dataStoreCase('vhostuser', vhostUserSource),
    vhostvdpa: dataStoreCase('vhostvdpa', vhostVdpaSource),
  },
  { defaultCase: 'file', unknownMessage: "unknown disk type '%s'" },
);
export type DataStore = Infer<typeof dataStore>;

const dataStoreField = { dataStore: child(dataStore) } as const;

export const fileSource = element('source', fileSourceFields(dataStoreField), { doc: 'Source of a file-backed storage' });
export const blockSource = element('source', blockSourceFields(dataStoreField), { doc: 'Source of a block device' });

/** The `<source>` declaration of each storage type. */
export const storageSources = {
  file: fileSource,
  block: blockSource,
  dir: dirSource,
  network: networkSource,
  volume: volumeSource,
  nvme: nvmeSource,
  vhostuser: vhostUserSource,
  vhostvdpa: vhostVdpaSource,
} as const;
export type StorageType = keyof typeof storageSources;
