/**
 * Pieces of libvirt's storagecommon.rng shared by storage pools and volumes:
 * `<permissions>` (virStoragePerms), volume `<timestamps>`, and sizes kept
 * in bytes (`<capacity unit='bytes'>`). A volume's `<encryption>` is the
 * domain disk's declaration (../domain/devices/storage-common.ts): libvirt
 * parses and writes both with virStorageEncryptionParseNode/Format.
 */
import { bytesElement } from '../domain/devices/storage-common.js';
import { element, value, type Infer } from '../xml/decl.js';
import { INVALID, pattern, str, type ValueType } from '../xml/values.js';

export { encryption as storageEncryption, type Encryption as StorageEncryption } from '../domain/devices/storage-common.js';

/**
 * A file mode read as libvirt reads it (`virStrToLong_i(…, 8)`: leading blanks
 * and a sign, nothing after the digits; at most 0777; asked of libvirt 12.9)
 * and written `0%o` (`<mode>0755</mode>`, `<mode>00</mode>` for zero).
 */
export const octalMode: ValueType<number> = {
  name: 'octal mode',
  expected: 'malformed octal mode',
  parse(t) {
    // strtol's sign: '-0' is 0 (libvirt 12.9 takes it), any other negative mode is malformed
    if (!/^\s*[+-]?[0-7]+$/.test(t)) return INVALID;
    const n = parseInt(t, 8);
    return n < 0 || n > 0o777 ? INVALID : Math.abs(n);
  },
  format: (v) => '0' + v.toString(8),
  is: (v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0o777,
  schema: { type: 'integer', minimum: 0, maximum: 0o777 },
};

/**
 * A uid or gid as libvirt 12.9 reads it (asked): decimal, leading blanks and
 * a sign allowed, nothing after the digits (`0744` is 744, ` +5` is 5);
 * -1, or an unsigned 32-bit number. -1 and 4294967295 are both "not set"
 * ((uid_t)-1), which libvirt does not write (see `storageIdIsSet`).
 */
export const storageId: ValueType<number> = {
  name: 'id',
  expected: 'malformed owner element',
  parse(t) {
    if (!/^\s*[+-]?[0-9]+$/.test(t)) return INVALID;
    const n = parseInt(t, 10);
    return n < -1 || n > 0xffffffff ? INVALID : n;
  },
  format: (v) => String(v),
  is: (v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= -1 && v <= 0xffffffff,
  schema: { type: 'integer', minimum: -1, maximum: 0xffffffff },
};

/** Whether a uid/gid is set: libvirt's `(uid_t)-1` is both -1 and 4294967295. */
export function storageIdIsSet(id: number | undefined): id is number {
  return id !== undefined && id !== -1 && id !== 0xffffffff;
}

/** `<permissions>`: mode, owner, group and SELinux label of a pool's or volume's target (virStoragePerms). */
export const storagePermissions = element(
  'permissions',
  {
    mode: value('mode', octalMode, { doc: 'File mode, octal' }),
    owner: value('owner', storageId, { doc: 'Owner uid (-1: not set)' }),
    group: value('group', storageId, { doc: 'Group gid (-1: not set)' }),
    label: value('label', str, { doc: 'SELinux label' }),
  },
  { doc: 'Permissions of the target' },
);
export type StoragePermissions = Infer<typeof storagePermissions>;

/** A timestamp `seconds[.nanoseconds]` (storagevol.rng `timestamp`). */
export const storageTimestamp = pattern('timestamp', /^[0-9]+(\.[0-9]{0,9})?$/);

/** `<timestamps>` of a volume or its backing store: live data libvirt writes from stat(2), never reads. */
export const storageTimestamps = element(
  'timestamps',
  {
    atime: value('atime', storageTimestamp),
    btime: value('btime', storageTimestamp),
    ctime: value('ctime', storageTimestamp),
    mtime: value('mtime', storageTimestamp),
  },
  { doc: 'Access, birth, change and modification times (read-only)' },
);
export type StorageTimestamps = Infer<typeof storageTimestamps>;

/** A size libvirt keeps in bytes: read in any unit (bytes when none), written `unit='bytes'`. */
export const storageSize = (name: string, doc?: string) => bytesElement(name, doc);
export type StorageSize = Infer<ReturnType<typeof storageSize>>;

/**
 * `virFileSanitizePath`: repeated slashes collapsed, a trailing slash
 * dropped; a leading `//` (and not `///`) kept, as POSIX allows.
 */
export function sanitizePath(path: string): string {
  let lead = '';
  let rest = path;
  if (path.startsWith('//') && path[2] !== '/') {
    lead = '/';
    rest = path.slice(1);
  }
  let out = rest.replace(/\/{2,}/g, '/');
  if (out.length > 1 && out.endsWith('/')) out = out.slice(0, -1);
  return lead + out;
}
