/**
 * A storage source as elements that carry one: `type` on the element and the
 * type's `<source>` inside (disk, backingStore, mirror). `storageCases`
 * builds one union case per storage type around an element's own fields;
 * the backing chain (`<backingStore>`, recursive) and the block-job
 * `<mirror>` are declared here.
 */
import {
  attr,
  child,
  element,
  lazy,
  tag,
  union,
  type AttrField,
  type ChildField,
  type ElementDecl,
  type Extra,
  type Fields,
  type Infer,
  type LazyDecl,
  type UnionDecl,
} from '../../xml/decl.js';
import { literal, oneOf, str, uint } from '../../xml/values.js';
import { diskFormat, storageSources, type StorageType } from './disk-source.js';
import { storageFormat } from './storage-common.js';

type Sources = typeof storageSources;

/** One case: `type`, the element's head fields, `<source>`, its tail fields. */
export type StorageCase<T extends StorageType, H extends Fields, Tail extends Fields> = ElementDecl<
  { type: AttrField<T, true> } & H & { source: ChildField<Sources[T], false> } & Tail
>;
export type StorageCases<H extends Fields, Tail extends Fields> = { [T in StorageType]: StorageCase<T, H, Tail> };

/**
 * The union cases of an element carrying a storage source: attributes are
 * `type` then `head`'s; children are `head`'s, `<source>`, then `tail`'s.
 * With `fileByDefault`, an absent `type` reads as `file` (libvirt's default
 * for disks and mirrors; the union's `defaultCase` must then be `file`).
 * `check` runs on every case.
 */
export function storageCases<const H extends Fields, const Tail extends Fields>(
  name: string,
  head: H,
  tail: Tail,
  fileByDefault: boolean,
  check?: ElementDecl['check'],
): StorageCases<H, Tail> {
  const cases: Record<string, ElementDecl> = {};
  for (const [t, source] of Object.entries(storageSources)) {
    const type = t === 'file' && fileByDefault ? attr(literal('file'), { default: 'file' as const }) : tag(literal(t));
    cases[t] = element(name, { type, ...head, source: child(source, { omitEmpty: true }), ...tail }, check ? { check } : {});
  }
  return cases as StorageCases<H, Tail>;
}

// ---------------------------------------------------------------- backingStore

const backingStoreHead = {
  index: attr(uint(), { doc: 'Backing-chain index of the image' }),
  format: child(diskFormat),
} as const;

/** `<backingStore/>`: the end of a backing chain (no type, nothing inside). */
export interface BackingStoreEnd {
  type?: undefined;
  $extra?: Extra;
}

/** A backing-chain member (a union on `type`) with the rest of the chain, or the chain's end. */
export type BackingStore = (Infer<UnionDecl<StorageCases<typeof backingStoreHead, {}>>> & { backingStore?: BackingStore }) | BackingStoreEnd;

const backingStoreRef: LazyDecl<BackingStore> = lazy<BackingStore>('backingStore', (): UnionDecl => backingStore as unknown as UnionDecl);
/** The `backingStore` field: the rest of the chain, typed {@link BackingStore}. */
export const backingChainField = { backingStore: child(backingStoreRef) } as const;

/** `<backingStore type index>`: `<format>`, `<source>`, then the next `<backingStore>`. */
export const backingStore = union(
  'backingStore',
  'type',
  {
    ...storageCases('backingStore', backingStoreHead, backingChainField, false),
    // the chain's end has no type; libvirt rejects an explicit type='none' like any unknown one
    none: element(
      'backingStore',
      { type: attr(literal('none')) },
      {
        doc: 'End of the backing chain',
        check: (b: { type?: string }) =>
          b.type === undefined ? undefined : { code: 'invalid-value', message: "unknown disk backing store type 'none'", attribute: 'type' },
      },
    ),
  },
  { defaultCase: 'none', unknownMessage: "unknown disk backing store type '%s'" },
);

// ---------------------------------------------------------------- mirror

export interface MirrorFileFields {
  file?: string;
  legacyFormat?: string;
  job?: string;
  format?: { type: string };
  source?: { file?: string };
}

/**
 * libvirt's reading of the old block-copy form `<mirror file format>`: the
 * file becomes the source and the format the `<format>`.
 */
function checkMirror(m: MirrorFileFields) {
  if (m.file !== undefined && m.source?.file === undefined) m.source = { ...m.source, file: m.file };
  if (m.legacyFormat !== undefined && m.format === undefined) m.format = { type: m.legacyFormat };
  return undefined;
}

/** libvirt writes the old form's `file` and `format` for every file copy job. */
function mirrorFileAttrs(m: MirrorFileFields): MirrorFileFields {
  if (m.job !== 'copy') return m;
  const file = m.source?.file ?? m.file;
  const legacyFormat = m.format?.type ?? m.legacyFormat;
  return { ...m, ...(file !== undefined ? { file } : {}), ...(legacyFormat !== undefined ? { legacyFormat } : {}) };
}

const mirrorCases = storageCases(
  'mirror',
  {
    file: attr(str, { doc: 'Old form: destination file (file copy jobs)' }),
    legacyFormat: attr(storageFormat, { xml: 'format', doc: 'Old form: destination format (file copy jobs)' }),
    job: attr(oneOf('copy', 'active-commit'), { default: 'copy' as 'copy' | 'active-commit', doc: 'Block job; copy when absent (old form)' }),
    ready: attr(oneOf('yes', 'abort', 'pivot')),
    format: child(diskFormat),
  },
  backingChainField,
  true,
);

/** `<mirror>` of a disk in a block job (live XML). */
export const mirror = union(
  'mirror',
  'type',
  { ...mirrorCases, file: { ...mirrorCases.file, check: checkMirror, beforeFormat: mirrorFileAttrs } },
  { defaultCase: 'file', unknownMessage: "unknown mirror backing store type '%s'" },
);
export type Mirror = Infer<typeof mirror>;
