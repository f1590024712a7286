/**
 * Pieces of libvirt's storagecommon.rng (and the domain schema's storage
 * defines) shared by disks, SCSI hostdevs, filesystems and controllers:
 * `<encryption>`, `<auth>`, `<initiator>`, `<reconnect>`, `<reservations>`,
 * the storage format names, slices, and sizes in bytes (`<max_size unit='bytes'>`).
 */
import { attr, child, element, list, text, type Infer } from '../../xml/decl.js';
import { literal, oneOf, str, uint, uuid, yesNo } from '../../xml/values.js';
import { beyondSafeBytes, scaledHooks, scaledNumber, scaledNumber64, scaledUnit } from '../scaled.js';

/** A 64-bit unsigned number (`unsignedLong`), as far as JavaScript numbers are exact. */
export const ulong = scaledNumber;

/** libvirt's `virStorageFileFormat` names (storagecommon.rng `storageFormat`). */
export const storageFormatNames = [
  'raw',
  'dir',
  'bochs',
  'cloop',
  'dmg',
  'iso',
  'vpc',
  'vdi',
  'fat',
  'vhd',
  'ploop',
  'luks',
  'cow',
  'qcow',
  'qcow2',
  'qed',
  'vmdk',
] as const;
export const storageFormat = oneOf(...storageFormatNames);
export type StorageFormat = (typeof storageFormatNames)[number];

/** An enum attribute whose `default` (the enum's zero) libvirt reads but does not write. */
export function defaultEnum<const V extends string>(...values: V[]) {
  return attr(oneOf<'default' | V>('default', ...values), { omit: (v: string) => v === 'default' });
}

/** `startupPolicy` of a disk source (cdrom/floppy media may be missing). */
export const startupPolicy = oneOf('mandatory', 'requisite', 'optional');

/** `index` of a disk source: libvirt's id of the image in the chain, live XML only. */
export const sourceIndex = attr(uint(), { when: (ctx) => !ctx.inactive, doc: 'Backing-chain index (live XML only)' });

const slice = element('slice', {
  type: attr(literal('storage'), { required: true }),
  offset: attr(ulong, { required: true }),
  size: attr(ulong, { required: true }),
});

/** `<slices>`: the part of the image the guest sees. */
export const slices = element('slices', { slices: list(slice) });

// ---------------------------------------------------------------- sizes in bytes

/**
 * An element holding a size libvirt keeps in bytes and writes with
 * `unit='bytes'` (`<max_size>`, `<space_hard_limit>`): read in any unit
 * (bytes when none) through src/domain/scaled.ts, written as libvirt does.
 */
export function bytesElement(name: string, doc?: string) {
  const hooks = scaledHooks('value', { write: 'B', defaultUnit: 'B' });
  const spelled = <T extends { unit?: unknown }>(v: T): T => (v.unit === 'B' ? { ...v, unit: 'bytes' } : v);
  return element(
    name,
    { unit: attr(scaledUnit), value: text(scaledNumber64, { required: true }) },
    {
      ...(doc !== undefined ? { doc } : {}),
      check(v: Record<string, unknown>) {
        // libvirt keeps these in an unsigned long long: a size beyond 2^53 bytes is valid there but
        // not exact in a number; it is kept unread and written back as it came
        if (typeof v.value === 'number' && !Number.isSafeInteger(v.value)) return { code: 'invalid-value', message: 'size beyond 2^53', unread: true };
        const failure = hooks.check(v);
        if (failure && typeof v.value === 'number' && beyondSafeBytes(v.value, typeof v.unit === 'string' ? v.unit : undefined)) return { ...failure, unread: true };
        if (!failure && v.unit === 'B') v.unit = 'bytes';
        return failure;
      },
      beforeFormat: (v: Record<string, unknown>) => spelled(hooks.beforeFormat(v)),
    },
  );
}

// ---------------------------------------------------------------- auth, initiator

const authSecret = element('secret', {
  type: attr(oneOf('ceph', 'iscsi'), { required: true }),
  uuid: attr(uuid),
  usage: attr(str),
});

/** `<auth username><secret type uuid|usage/></auth>`: credentials of a network disk or iSCSI hostdev. */
export const diskAuth = element('auth', {
  username: attr(str, { required: true }),
  secret: child(authSecret, { required: true }),
});
export type DiskAuth = Infer<typeof diskAuth>;

/** `<initiator><iqn name/></initiator>`: the iSCSI initiator name. */
export const initiator = element('initiator', {
  iqn: child(element('iqn', { name: attr(str, { required: true, missing: 'ignore-element' }) }), { required: true, missing: 'ignore-element' }),
});

// ---------------------------------------------------------------- encryption

const encryptionSecret = element('secret', {
  type: attr(literal('passphrase'), { required: true }),
  uuid: attr(uuid),
  usage: attr(str),
});

/** `<cipher name size mode hash/>` of LUKS encryption (virStorageEncryptionInfoDefFormat). */
export const encryptionCipher = element('cipher', {
  name: attr(str, { required: true }),
  size: attr(uint(), { required: true }),
  mode: attr(str),
  hash: attr(str),
});

export const encryptionIvgen = element('ivgen', {
  name: attr(str, { required: true }),
  hash: attr(str),
});

/**
 * `<encryption format engine>`: the volume's encryption and its secrets.
 * libvirt always writes it with an end tag (`virStorageEncryptionFormat`).
 */
export const encryption = element(
  'encryption',
  {
    format: attr(oneOf('default', 'qcow', 'luks', 'luks2', 'luks-any'), { required: true }),
    engine: attr(oneOf('default', 'qemu', 'librbd'), { omit: (v: string) => v === 'default' }),
    secrets: list(encryptionSecret),
    cipher: child(encryptionCipher),
    ivgen: child(encryptionIvgen),
  },
  { selfClose: false, doc: 'Encryption of a storage volume' },
);
export type Encryption = Infer<typeof encryption>;

// ---------------------------------------------------------------- reconnect, reservations

/**
 * `<reconnect>`: `enabled`/`timeout` for vhost-user and chardev sockets,
 * `delay` for NBD disks. `timeout` is written only when enabled.
 */
export const reconnect = element('reconnect', {
  enabled: attr(yesNo),
  timeout: attr(uint(), { omit: (_v: number, r: { enabled?: boolean }) => r.enabled !== true }),
  delay: attr(uint()),
});
export type Reconnect = Infer<typeof reconnect>;

/** `<source type='unix' path mode>` of a helper socket (storagecommon.rng `unixSocketSource`). */
export const unixSocketSource = element('source', {
  type: attr(literal('unix'), { required: true }),
  path: attr(str, { required: true }),
  mode: attr(oneOf('server', 'client'), { required: true }),
  reconnect: child(reconnect),
});

/** `<reservations managed>`: SCSI persistent reservations through qemu-pr-helper. */
export const reservations = element('reservations', {
  managed: attr(yesNo),
  migration: attr(yesNo, { doc: 'migrate the reservation with the guest' }),
  source: child(unixSocketSource),
});
