/**
 * `<graphics>`, `<video>` and `<input>` builders: a VNC or SPICE display
 * (automatic port, local listen unless said otherwise), a video adapter, a
 * tablet for absolute pointing.
 *
 * ```ts
 * graphics.vnc();                               // autoport, listen 127.0.0.1
 * graphics.spice({ listen: '0.0.0.0', passwd: 'secret' });
 * video.virtio();
 * input.tablet();
 * ```
 */
import { graphics as graphicsDecl, type GraphicsDef } from '../domain/devices/graphics.js';
import { input as inputDecl } from '../domain/devices/input.js';
import { video as videoDecl, type VideoDef } from '../domain/devices/video.js';
import type { Infer } from '../xml/decl.js';
import { builtDevice, type BuiltDevice } from './built.js';
import { builderError, isIpv4, nonEmpty, show } from './errors.js';
import { deviceInfo, type DeviceInfoOptions } from './info.js';

export interface GraphicsOptions {
  /** Address to listen on. Default 127.0.0.1 (local only; tunnel over SSH). */
  listen?: string;
  /** TCP port, or `'auto'` (default) for libvirt to pick one from 5900 up. */
  port?: number | 'auto';
  /** Password for the console (libvirt stores it in the config: protect the file). */
  passwd?: string;
  /** Keyboard layout, e.g. `en-us`. */
  keymap?: string;
}

type VncGraphics = Extract<GraphicsDef, { type: 'vnc' }>;
type SpiceGraphics = Extract<GraphicsDef, { type: 'spice' }>;

const IPV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:.]*$/;

function listenAddress(v: unknown): string {
  if (typeof v !== 'string' || !(isIpv4(v) || IPV6.test(v))) {
    throw builderError('invalid-value', `graphics listen must be an IP address (127.0.0.1, 0.0.0.0, ::1), got ${show(v)}`, '/graphics/listen/@address');
  }
  return v;
}

function ports(o: GraphicsOptions, path: string): { port?: number; autoport: boolean } {
  if (o.port === undefined || o.port === 'auto') return { autoport: true };
  if (!Number.isInteger(o.port) || o.port < 5900 || o.port > 65535) {
    throw builderError('invalid-value', `graphics port must be 5900-65535 or 'auto', got ${show(o.port)}`, `${path}/@port`);
  }
  return { port: o.port, autoport: false };
}

function common(o: GraphicsOptions, path: string) {
  const out: { listens: Array<{ type: 'address'; address: string }>; passwd?: string; keymap?: string } = {
    listens: [{ type: 'address', address: listenAddress(o.listen ?? '127.0.0.1') }],
  };
  if (o.passwd !== undefined) out.passwd = nonEmpty(o.passwd, 'passwd', `${path}/@passwd`);
  if (o.keymap !== undefined) {
    if (!/^[a-z]{2}(-[a-z]{2,})?$/.test(o.keymap)) throw builderError('invalid-value', `keymap must look like en-us or de, got ${show(o.keymap)}`, `${path}/@keymap`);
    out.keymap = o.keymap;
  }
  return out;
}

/** A VNC display: `<graphics type='vnc'>`. */
function vnc(options: GraphicsOptions & { websocket?: number } = {}): BuiltDevice<VncGraphics, 'graphics'> {
  const def: VncGraphics = { type: 'vnc', ...ports(options, '/graphics'), ...common(options, '/graphics') };
  if (options.websocket !== undefined) {
    if (!Number.isInteger(options.websocket) || options.websocket < 1 || options.websocket > 65535) {
      throw builderError('invalid-value', `websocket port must be 1-65535, got ${show(options.websocket)}`, '/graphics/@websocket');
    }
    def.websocket = options.websocket;
  }
  return builtDevice(def, 'graphics', graphicsDecl);
}

/** A SPICE display: `<graphics type='spice'>`; `gl` turns on OpenGL (local displays). */
function spice(options: GraphicsOptions & { gl?: boolean } = {}): BuiltDevice<SpiceGraphics, 'graphics'> {
  const def: SpiceGraphics = { type: 'spice', ...ports(options, '/graphics'), ...common(options, '/graphics') };
  if (options.gl !== undefined) def.gl = { enable: options.gl };
  return builtDevice(def, 'graphics', graphicsDecl);
}

/** Builders of `<graphics>` devices. */
export const graphics = { vnc, spice };

type VideoModelType = 'virtio' | 'qxl' | 'vga' | 'bochs' | 'ramfb' | 'none';

function videoOf(type: VideoModelType, options: DeviceInfoOptions & { heads?: number } = {}): BuiltDevice<VideoDef, 'video'> {
  const model = { type } as NonNullable<VideoDef['model']>;
  if (options.heads !== undefined) {
    if (!Number.isInteger(options.heads) || options.heads < 1 || options.heads > 16) throw builderError('invalid-value', `heads must be 1-16, got ${show(options.heads)}`, '/video/model/@heads');
    (model as { heads?: number }).heads = options.heads;
  }
  return builtDevice({ model, ...deviceInfo(options, '/video') }, 'video', videoDecl);
}

/** Builders of `<video>` devices. */
export const video = {
  virtio: (options?: DeviceInfoOptions & { heads?: number }) => videoOf('virtio', options),
  qxl: (options?: DeviceInfoOptions & { heads?: number }) => videoOf('qxl', options),
  vga: (options?: DeviceInfoOptions) => videoOf('vga', options),
  bochs: (options?: DeviceInfoOptions) => videoOf('bochs', options),
  /** No video adapter at all (headless guests that still have `<graphics>` for other uses). */
  none: () => videoOf('none'),
};

type InputDef = Infer<typeof inputDecl>;
/** Buses an emulated input device can sit on. */
export type InputBus = 'usb' | 'virtio' | 'ps2';

function inputOf(type: 'tablet' | 'mouse' | 'keyboard', bus: InputBus): BuiltDevice<InputDef, 'input'> {
  if (!['usb', 'virtio', 'ps2'].includes(bus)) throw builderError('invalid-value', `input bus must be usb, virtio or ps2, got ${show(bus)}`, '/input/@bus');
  if (type === 'tablet' && bus === 'ps2') throw builderError('unsupported', 'a tablet cannot sit on the ps2 bus', '/input/@bus');
  return builtDevice({ type, bus } as InputDef, 'input', inputDecl);
}

/** Builders of `<input>` devices. */
export const input = {
  /** An absolute pointer (the mouse follows the VNC/SPICE client's cursor). Default bus usb. */
  tablet: (bus: InputBus = 'usb') => inputOf('tablet', bus),
  mouse: (bus: InputBus = 'usb') => inputOf('mouse', bus),
  keyboard: (bus: InputBus = 'usb') => inputOf('keyboard', bus),
};
