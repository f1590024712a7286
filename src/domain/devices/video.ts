/**
 * `<video>`: a video adapter. Its `<model>` is a union on `type` (qxl has
 * its own memory bars).
 *
 * libvirt's order (`virDomainVideoDefFormat`): children driver, model,
 * device info. `<driver>`: the virtio options, vgaconf, name (vgaconf and
 * name together are not shown by the corpus: from libvirt's formatter).
 * `<model>` (a model without type reads as type='default', as in libvirt):
 * type, ram, vram, vram64, vgamem, heads, primary, blob; children
 * acceleration, resolution. Zero sizes and primary='no' are not written.
 */
import { attr, child, element, tag, union, type Infer } from '../../xml/decl.js';
import { literal, oneOf, onOff, str, uint, yesNo } from '../../xml/values.js';
import { deviceInfoFields } from './info.js';
import { virtioOptionFields } from './interface-driver.js';

export const videoDriver = element('driver', {
  ...virtioOptionFields,
  vgaconf: attr(oneOf('io', 'on', 'off'), { doc: 'bhyve VGA configuration' }),
  name: attr(oneOf('qemu', 'vhostuser'), { doc: 'vhostuser: an external vhost-user-gpu process' }),
});

export const videoAcceleration = element('acceleration', {
  accel3d: attr(yesNo),
  accel2d: attr(yesNo),
  rendernode: attr(str),
});

export const videoResolution = element('resolution', {
  x: attr(uint(), { required: true }),
  y: attr(uint(), { required: true }),
});

/** A size in KiB, not written when 0. */
const kib = (doc: string) => attr(uint(), { omit: (v: number) => v === 0, doc });

const modelTail = {
  heads: attr(uint(), { omit: (v: number) => v === 0 }),
  primary: attr(yesNo, { omit: (v: boolean) => !v, doc: 'the primary video device; written only when yes' }),
  blob: attr(onOff, { doc: 'virtio: blob resources' }),
  edid: attr(onOff),
  acceleration: child(videoAcceleration),
  resolution: child(videoResolution),
} as const;

export const videoModelTypes = ['vga', 'cirrus', 'vmvga', 'xen', 'vbox', 'virtio', 'gop', 'none', 'bochs', 'ramfb'] as const;

const plainModel = <const T extends (typeof videoModelTypes)[number]>(type: T) =>
  element('model', { type: tag(literal(type)), vram: kib('video memory (KiB)'), ...modelTail });

export const videoModel = union(
  'model',
  'type',
  {
    qxl: element('model', {
      type: tag(literal('qxl')),
      ram: kib('primary bar size (KiB)'),
      vram: kib('secondary bar size (KiB)'),
      vram64: kib('64-bit secondary bar size (KiB)'),
      vgamem: kib('VGA framebuffer size (KiB)'),
      ...modelTail,
    }),
    vga: plainModel('vga'),
    cirrus: plainModel('cirrus'),
    vmvga: plainModel('vmvga'),
    xen: plainModel('xen'),
    vbox: plainModel('vbox'),
    virtio: element('model', {
      type: tag(literal('virtio')),
      vram: kib('video memory (KiB)'),
      heads: modelTail.heads,
      primary: modelTail.primary,
      blob: modelTail.blob,
      edid: modelTail.edid,
      device: attr(oneOf('virtio-vga', 'virtio-vga-gl', 'virtio-gpu', 'virtio-gpu-gl', 'vhost-user-vga', 'vhost-user-gpu'), { doc: 'the QEMU device' }),
      acceleration: modelTail.acceleration,
      resolution: modelTail.resolution,
    }),
    gop: plainModel('gop'),
    none: plainModel('none'),
    bochs: plainModel('bochs'),
    ramfb: plainModel('ramfb'),
    // libvirt reads a model without type as 'default' (the hypervisor's choice) and writes it so
    default: element('model', { type: tag(literal('default'), { default: 'default' }), vram: kib('video memory (KiB)'), ...modelTail }),
  },
  { defaultCase: 'default', unknownMessage: "unknown video model '%s'" },
);
export type VideoModel = Infer<typeof videoModel>;

export const video = element(
  'video',
  {
    driver: child(videoDriver, { omitEmpty: true }),
    model: child(videoModel),
    ...deviceInfoFields,
  },
  { doc: 'Video adapter' },
);
export type VideoDef = Infer<typeof video>;
