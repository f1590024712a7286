/**
 * `<storagepoolCapabilities>` (storagepoolcaps.rng): which pool types the
 * host's storage driver supports and their source and volume formats, as
 * `virsh pool-capabilities` prints it (`virStoragePoolCapsFormat`). libvirt
 * writes `<pool>` and `<enum>` with an end tag even when empty.
 */
import { attr, child, element, list, text, type Infer, type InferFields } from '../xml/decl.js';
import { str, yesNo } from '../xml/values.js';

/** `<enum name>` of format names. */
export const storagePoolCapsEnum = element(
  'enum',
  {
    name: attr(str, { required: true }),
    values: list(element('value', { value: text(str, { required: true }) })),
  },
  { selfClose: false },
);

const defaultFormat = element('defaultFormat', { type: attr(str, { required: true }) });

const options = (name: string) =>
  element(name, {
    defaultFormat: child(defaultFormat),
    enums: list(storagePoolCapsEnum),
  });

/** One pool type: whether supported, its source formats and volume formats. */
export const storagePoolCapsPool = element(
  'pool',
  {
    type: attr(str, { required: true }),
    supported: attr(yesNo, { required: true }),
    poolOptions: child(options('poolOptions')),
    volOptions: child(options('volOptions')),
  },
  { selfClose: false },
);
export type StoragePoolCapsPool = Infer<typeof storagePoolCapsPool>;

const storagePoolCapabilitiesFields = {
  pools: list(storagePoolCapsPool),
} as const;
export type StoragePoolCapabilitiesDef = InferFields<typeof storagePoolCapabilitiesFields>;

export const storagePoolCapabilitiesDef = element('storagepoolCapabilities', storagePoolCapabilitiesFields, {
  selfClose: false,
  doc: 'libvirt storage pool capabilities (virsh pool-capabilities)',
});
