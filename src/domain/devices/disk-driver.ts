/**
 * A disk's `<driver>`: the backend (name, image format) and its I/O options,
 * in libvirt's order (virDomainDiskDefFormatDriver): name, type, cache,
 * error_policy, rerror_policy, io, ioeventfd, event_idx, copy_on_read,
 * discard, iothread, detect_zeroes, discard_no_unref, queues, queue_size,
 * the virtio options; children metadata_cache, iothreads.
 */
import { attr, child, element, list, type Infer } from '../../xml/decl.js';
import { oneOf, onOff, str, uint } from '../../xml/values.js';
import { metadataCache } from './disk-source.js';
import { virtioOptionFields } from './interface-driver.js';
import { defaultEnum, storageFormatNames, ulong } from './storage-common.js';

/** `<iothread id><queue id/>…</iothread>`: an iothread and the virtqueues it serves. */
export const diskIothread = element('iothread', {
  id: attr(uint(), { required: true }),
  queues: list(element('queue', { id: attr(uint(), { required: true }) })),
});

export const diskIothreads = element('iothreads', { iothreads: list(diskIothread) });

/** Disk image formats, plus Xen's `aio` which libvirt reads as `raw`. */
const driverFormat = oneOf(...storageFormatNames, 'aio');

/** `<statistics>`: block statistics QEMU collects (intervals in seconds, latency histograms). */
export const diskStatistics = element('statistics', {
  statistics: list(element('statistic', { interval: attr(uint(), { required: true }) })),
  latencyHistograms: list(
    element('latency-histogram', {
      type: attr(oneOf('read', 'write', 'zone', 'flush')),
      bins: list(element('bin', { start: attr(ulong, { required: true }) })),
    }),
  ),
});

export const diskDriver = element(
  'driver',
  {
    name: attr(str, { doc: 'Backend driver: qemu, tap, phy, file, …' }),
    type: attr(driverFormat, { doc: "Image format; 'aio' is read as 'raw'" }),
    cache: defaultEnum('none', 'writeback', 'writethrough', 'directsync', 'unsafe'),
    error_policy: defaultEnum('stop', 'report', 'ignore', 'enospace'),
    rerror_policy: defaultEnum('stop', 'report', 'ignore'),
    io: defaultEnum('threads', 'native', 'io_uring'),
    ioeventfd: attr(onOff),
    event_idx: attr(onOff),
    copy_on_read: attr(onOff),
    discard: defaultEnum('unmap', 'ignore'),
    iothread: attr(uint()),
    detect_zeroes: defaultEnum('off', 'on', 'unmap'),
    discard_no_unref: attr(onOff),
    queues: attr(uint()),
    queue_size: attr(uint()),
    ...virtioOptionFields,
    metadata_cache: child(metadataCache, { omitEmpty: true }),
    iothreads: child(diskIothreads),
    statistics: child(diskStatistics, { omitEmpty: true }),
  },
  {
    doc: 'Disk backend options',
    check(d: { type?: string }) {
      if (d.type === 'aio') d.type = 'raw'; // Xen back-compat, as libvirt reads it
      return undefined;
    },
  },
);
export type DiskDriver = Infer<typeof diskDriver>;
