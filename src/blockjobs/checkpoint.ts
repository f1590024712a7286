/**
 * `<domaincheckpoint>` (libvirt's checkpoint_conf.c):
 * virDomainCheckpointDefParse and virDomainCheckpointDefFormatInternal.
 * Order as libvirt writes it: name, description, parent, creationTime,
 * disks, domain.
 */
import { ulong } from '../domain/devices/storage-common.js';
import { domain } from '../domain/domain.js';
import { attr, child, element, list, type Infer } from '../xml/decl.js';
import { oneOf, str } from '../xml/values.js';
import { creationTime, momentDescription, momentDiskName, momentName, momentParent } from './moment.js';

/**
 * `<disk name checkpoint bitmap size>`: whether a disk's changes are tracked
 * (a bitmap, the default) and in which bitmap; `size` is what the bitmap
 * holds (libvirt writes it on request, VIR_DOMAIN_CHECKPOINT_XML_SIZE).
 */
export const checkpointDisk = element(
  'disk',
  {
    name: momentDiskName,
    checkpoint: attr(oneOf('no', 'bitmap'), { default: 'bitmap' as 'no' | 'bitmap', doc: 'bitmap (the default) or no' }),
    bitmap: attr(str, { doc: 'Name of the bitmap (libvirt fills in the checkpoint name)' }),
    size: attr(ulong, { omit: (_v: number, d: { bitmap?: string }) => d.bitmap === undefined, doc: 'Bytes changed since the checkpoint (on request)' }),
  },
  { doc: 'How one disk is checkpointed' },
);
export type CheckpointDisk = Infer<typeof checkpointDisk>;

/** `<disks>` of a checkpoint (libvirt writes it when it lists a disk). */
export const checkpointDisks = element('disks', { disks: list(checkpointDisk) });

export const domainCheckpoint = element(
  'domaincheckpoint',
  {
    name: momentName,
    description: momentDescription,
    parent: child(momentParent, { omitEmpty: true }),
    creationTime,
    disks: child(checkpointDisks, { omitEmpty: true }),
    domain: child(domain, { doc: 'The domain the checkpoint was taken of (written inactive)' }),
  },
  { doc: 'A libvirt domain checkpoint' },
);
export type DomainCheckpointDef = Infer<typeof domainCheckpoint>;

/**
 * What libvirt keeps of a checkpoint given to `virDomainCheckpointCreateXML`
 * without REDEFINE: the parent, creation time and domain are not read
 * (libvirt fills in its own). A shallow copy; `def` is unchanged.
 */
export function checkpointDefAsCreated(def: DomainCheckpointDef): DomainCheckpointDef {
  const { parent, creationTime: _t, domain: _d, ...kept } = def;
  void parent;
  return kept;
}
