/**
 * `<filesystem>`: a host directory, file, block device, template, RAM or
 * pool volume shared with the guest; a union on `type` (mount when absent).
 * Order is libvirt's virDomainFSDefFormat: attributes type, accessmode,
 * model, multidevs, fmode, dmode; children driver, binary (virtiofsd),
 * idmap, source, target, readonly, device info, space_hard_limit,
 * space_soft_limit.
 */
import { attr, child, element, flag, tag, union, type Fields, type Infer } from '../../xml/decl.js';
import { INVALID, int, literal, onOff, str, type ValueType } from '../../xml/values.js';
import { idmap } from '../idmap.js';
import { scaledHooks, scaledUnit } from '../scaled.js';
import { deviceInfoFields } from './info.js';
import { virtioOptionFields } from './interface-driver.js';
import { bytesElement, defaultEnum, storageFormat, ulong } from './storage-common.js';

/** A file mode read in octal (`644`, `0644`) and written `%04o`, at most 0777. */
export const createMode: ValueType<number> = {
  name: 'octal mode',
  expected: 'Expected an octal file mode up to 0777',
  parse: (t) => (/^[0-7]{1,4}$/.test(t) && parseInt(t, 8) <= 0o777 ? parseInt(t, 8) : INVALID),
  format: (v) => v.toString(8).padStart(4, '0'),
  is: (v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0o777,
  schema: { type: 'integer', minimum: 0, maximum: 0o777 },
};

/** `<driver type format wrpolicy queue …/>`: the filesystem backend (9p path/handle, loop, nbd, ploop, virtiofs, mtp). */
export const fsDriver = element('driver', {
  type: defaultEnum('path', 'handle', 'loop', 'nbd', 'ploop', 'virtiofs', 'mtp'),
  format: attr(storageFormat),
  wrpolicy: defaultEnum('immediate'),
  queue: attr(ulong, { doc: 'virtiofs queue size' }),
  ...virtioOptionFields,
});

const mode = <const V extends string>(...values: V[]) => ({ mode: defaultEnum(...values) });

/** `<binary>`: the virtiofsd daemon and its options. */
export const fsBinary = element('binary', {
  path: attr(str, { doc: 'virtiofsd binary' }),
  xattr: attr(onOff),
  cache: child(element('cache', mode('none', 'always')), { omitEmpty: true }),
  sandbox: child(element('sandbox', mode('namespace', 'chroot')), { omitEmpty: true }),
  lock: child(element('lock', { posix: attr(onOff), flock: attr(onOff) }), { omitEmpty: true }),
  thread_pool: child(element('thread_pool', { size: attr(int({ min: -1 }), { omit: (v: number) => v < 0 }) }), { omitEmpty: true }),
  openfiles: child(element('openfiles', { max: attr(ulong, { omit: (v: number) => v === 0 }) }), { omitEmpty: true }),
});

const fsTarget = element('target', { dir: attr(str, { required: true, doc: 'Mount tag or guest directory' }) });

/** What every filesystem has after its `<source>`. */
const fsTail = {
  target: child(fsTarget, { required: true }),
  readonly: flag('readonly'),
  ...deviceInfoFields,
  space_hard_limit: child(bytesElement('space_hard_limit', 'Hard limit of the space, in bytes')),
  space_soft_limit: child(bytesElement('space_soft_limit', 'Soft limit of the space, in bytes')),
} as const;

const fsHead = {
  accessmode: defaultEnum('passthrough', 'mapped', 'squash'),
  model: defaultEnum('virtio', 'virtio-transitional', 'virtio-non-transitional'),
  multidevs: defaultEnum('remap', 'forbid', 'warn'),
  fmode: attr(createMode, { doc: 'Mode of files created by the guest (mapped)' }),
  dmode: attr(createMode, { doc: 'Mode of directories created by the guest (mapped)' }),
  driver: child(fsDriver, { omitEmpty: true }),
} as const;

function fsCase<const T extends string, const S extends Fields>(type: T, source: S) {
  return element('filesystem', {
    type: tag(literal(type)),
    ...fsHead,
    source: child(element('source', source), { required: true }),
    ...fsTail,
  });
}

/** libvirt keeps a RAM filesystem's size in KiB and writes `units='KiB'`. */
const ramUsage = scaledHooks('usage', { write: 'KiB', defaultUnit: 'KiB' }, 'units', 'units');

const ramSource = element(
  'source',
  { usage: attr(ulong, { required: true, doc: 'Size of the RAM filesystem' }), units: attr(scaledUnit) },
  { check: ramUsage.check, beforeFormat: ramUsage.beforeFormat },
);

export const filesystem = union(
  'filesystem',
  'type',
  {
    mount: element('filesystem', {
      type: attr(literal('mount'), { default: 'mount' as const }),
      ...fsHead,
      binary: child(fsBinary, { omitEmpty: true }),
      idmap: child(idmap),
      source: child(element('source', { dir: attr(str), socket: attr(str, { doc: 'Socket of an externally started virtiofsd' }) }), {
        required: true,
      }),
      ...fsTail,
    }),
    bind: fsCase('bind', { dir: attr(str, { required: true }) }),
    block: fsCase('block', { dev: attr(str, { required: true }) }),
    file: fsCase('file', { file: attr(str, { required: true }) }),
    template: fsCase('template', { name: attr(str, { required: true }) }),
    ram: element('filesystem', {
      type: tag(literal('ram')),
      ...fsHead,
      source: child(ramSource, { required: true }),
      ...fsTail,
    }),
    volume: fsCase('volume', { pool: attr(str, { required: true }), volume: attr(str, { required: true }) }),
  },
  { defaultCase: 'mount', doc: 'A filesystem shared with the guest', unknownMessage: "unknown filesystem type '%s'" },
);
export type FilesystemDef = Infer<typeof filesystem>;
