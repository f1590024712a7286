/**
 * A domain's block-job documents: `<domainsnapshot>`, `<domaincheckpoint>`
 * and `<domainbackup>`. `parseXxxXml` reads one into its typed def,
 * `formatXxxXml` writes libvirt's canonical form (`virsh snapshot-dumpxml`,
 * `checkpoint-dumpxml`, `backup-dumpxml`); the domain inside a snapshot or a
 * checkpoint is written as libvirt does, inactive.
 */
import { formatContext, formatElement, parseDocument, parseWith, rootError, strictness } from '../xml/codec.js';
import { readXml, type ReadOptions } from '../xml/reader.js';
import { domainBackup, type DomainBackupDef } from './backup.js';
import { domainCheckpoint, type DomainCheckpointDef } from './checkpoint.js';
import { domainSnapshot, type DomainSnapshotDef } from './snapshot.js';

export * from './moment.js';
export * from './snapshot.js';
export * from './checkpoint.js';
export * from './backup.js';
export * from './align.js';

/** How the block-job documents are read. */
export interface ParseBlockJobOptions extends ReadOptions {
  /** Keep where each def object came from, for `originOf`. */
  keepOrigins?: boolean;
  /** Refuse a word or case the declarations do not know, as libvirt's parser does. */
  strict?: boolean;
}

/** How the block-job documents are written. */
export interface FormatBlockJobOptions {
  /** The libvirt release whose output to match byte for byte, where releases differ (default: the newest, 12.9). */
  libvirt?: string;
}

/** libvirt writes a moment's domain inactive (VIR_DOMAIN_DEF_FORMAT_INACTIVE). */
const ctxOf = (o: FormatBlockJobOptions) => formatContext({ inactive: true, ...(o.libvirt !== undefined ? { libvirt: o.libvirt } : {}) });

/** Reads a `<domainsnapshot>` document. Throws a VirtXmlError with line, column and path. */
export function parseDomainSnapshotXml(xml: string, options: ParseBlockJobOptions = {}): DomainSnapshotDef {
  return parseDocument<DomainSnapshotDef>(domainSnapshot, xml, options);
}

/** Writes a snapshot as libvirt does, ending with a newline. */
export function formatDomainSnapshotXml(def: DomainSnapshotDef, options: FormatBlockJobOptions = {}): string {
  return formatElement(domainSnapshot, def, ctxOf(options), 0) + '\n';
}

/** Reads a `<domaincheckpoint>` document. Throws a VirtXmlError with line, column and path. */
export function parseDomainCheckpointXml(xml: string, options: ParseBlockJobOptions = {}): DomainCheckpointDef {
  return parseDocument<DomainCheckpointDef>(domainCheckpoint, xml, options);
}

/** Writes a checkpoint as libvirt does, ending with a newline. */
export function formatDomainCheckpointXml(def: DomainCheckpointDef, options: FormatBlockJobOptions = {}): string {
  return formatElement(domainCheckpoint, def, ctxOf(options), 0) + '\n';
}

/** Reads a `<domainbackup>` document (push or pull). Throws a VirtXmlError with line, column and path. */
export function parseDomainBackupXml(xml: string, options: ParseBlockJobOptions = {}): DomainBackupDef {
  const doc = readXml(xml, options);
  if (doc.root.name !== domainBackup.name) throw rootError(doc, `<${domainBackup.name}>`);
  return parseWith<DomainBackupDef>(domainBackup, doc.root, doc.source, { keepOrigins: options.keepOrigins ?? false, document: doc, ...strictness(options.strict) });
}

/** Writes a backup job as libvirt does, ending with a newline. */
export function formatDomainBackupXml(def: DomainBackupDef, options: FormatBlockJobOptions = {}): string {
  return formatElement(domainBackup, def, ctxOf(options), 0) + '\n';
}
