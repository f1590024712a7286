/**
 * libvirt storage documents: pools (`<pool>`), volumes (`<volume>`) and the
 * storage driver's `<storagepoolCapabilities>`. `parse…Xml` reads a
 * document into its typed def, `format…Xml` writes libvirt's canonical form;
 * `storagePoolAsDefined` / `storageVolAsDefined` give what libvirt keeps of
 * a definition it parses.
 */
import { formatContext, formatElement, parseDocument } from '../xml/codec.js';
import { storagePoolDef, type StoragePoolDef } from './pool.js';
import { storagePoolCapabilitiesDef, type StoragePoolCapabilitiesDef } from './poolcaps.js';
import { storageVolDef, type StorageVolDef } from './volume.js';
import type { ParseXmlOptions } from '../kinds.js';

export * from './common.js';
export * from './pool.js';
export * from './volume.js';
export * from './poolcaps.js';
export * from './defined.js';
export * from './rules.js';


/** Reads a `<pool>` document. Throws a VirtXmlError with line, column and path. */
export function parseStoragePoolXml(xml: string, options: Omit<ParseXmlOptions, 'kind'> = {}): StoragePoolDef {
  return parseDocument<StoragePoolDef>(storagePoolDef, xml, options);
}

/** Writes a storage pool in libvirt's canonical form, ending with a newline. */
export function formatStoragePoolXml(def: StoragePoolDef): string {
  return formatElement(storagePoolDef, def, formatContext(), 0) + '\n';
}

/** Reads a `<volume>` document. Throws a VirtXmlError with line, column and path. */
export function parseStorageVolXml(xml: string, options: Omit<ParseXmlOptions, 'kind'> = {}): StorageVolDef {
  return parseDocument<StorageVolDef>(storageVolDef, xml, options);
}

/** Writes a storage volume in libvirt's canonical form, ending with a newline. */
export function formatStorageVolXml(def: StorageVolDef): string {
  return formatElement(storageVolDef, def, formatContext(), 0) + '\n';
}

/** Reads a `<storagepoolCapabilities>` document. */
export function parseStoragePoolCapabilitiesXml(xml: string, options: Omit<ParseXmlOptions, 'kind'> = {}): StoragePoolCapabilitiesDef {
  return parseDocument<StoragePoolCapabilitiesDef>(storagePoolCapabilitiesDef, xml, options);
}

/** Writes storage pool capabilities as libvirt does, ending with a newline. */
export function formatStoragePoolCapabilitiesXml(def: StoragePoolCapabilitiesDef): string {
  return formatElement(storagePoolCapabilitiesDef, def, formatContext(), 0) + '\n';
}
