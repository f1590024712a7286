/**
 * Character device builders: a serial port, a console and the QEMU guest
 * agent channel.
 *
 * ```ts
 * serial.pty();                      // <serial type='pty'> on the guest's first serial port
 * console.pty();                     // <console type='pty'> on that serial port
 * channel.guestAgent();              // org.qemu.guest_agent.0 over virtio-serial
 * ```
 */
import { channelDevice, consoleDevice, serialDevice, type ChannelDef, type ConsoleDef, type SerialDef } from '../domain/devices/chardev.js';
import { builtDevice, type BuiltDevice } from './built.js';
import { builderError, show } from './errors.js';

type PtySerial = Extract<SerialDef, { type: 'pty' }>;
type UnixSerial = Extract<SerialDef, { type: 'unix' }>;
type PtyConsole = Extract<ConsoleDef, { type: 'pty' }>;
type UnixChannel = Extract<ChannelDef, { type: 'unix' }>;
type SpicevmcChannel = Extract<ChannelDef, { type: 'spicevmc' }>;

/** Marks a serial port whose number the builder chose: `domain()` gives each such port the first free number. */
export const AUTO_PORT: unique symbol = Symbol.for('virtxml.builders.autoPort');

function autoPort<T extends object>(def: T, given: unknown): T {
  if (given === undefined) Object.defineProperty(def, AUTO_PORT, { value: true, enumerable: false });
  return def;
}

function port(v: unknown, path: string): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 3) throw builderError('invalid-value', `serial port must be 0-3, got ${show(v)}`, path);
  return v;
}

/** Builders of `<serial>` devices. */
export const serial = {
  /** A serial port on a host pty (`virsh console` reads it). */
  pty(options: { port?: number } = {}): BuiltDevice<PtySerial, 'serial'> {
    const def: PtySerial = { type: 'pty', target: { type: 'isa-serial', port: port(options.port, '/serial/target/@port'), model: { name: 'isa-serial' } } };
    return builtDevice(autoPort(def, options.port), 'serial', serialDevice);
  },
  /** A serial port on a unix socket libvirt listens on. */
  unix(path: string, options: { port?: number } = {}): BuiltDevice<UnixSerial, 'serial'> {
    if (typeof path !== 'string' || !path.startsWith('/')) throw builderError('invalid-value', `socket path must be absolute, got ${show(path)}`, '/serial/source/@path');
    const def = {
      type: 'unix',
      source: { mode: 'bind', path },
      target: { type: 'isa-serial', port: port(options.port, '/serial/target/@port'), model: { name: 'isa-serial' } },
    } as UnixSerial;
    return builtDevice(autoPort(def, options.port), 'serial', serialDevice);
  },
};

/** Builders of `<console>` devices. */
export const console = {
  /**
   * A console on a host pty: `serial` (default) is the guest's first serial
   * port (pair it with `serial.pty()`), `virtio` a virtio console (hvc0).
   */
  pty(options: { target?: 'serial' | 'virtio' } = {}): BuiltDevice<PtyConsole, 'console'> {
    const type = options.target ?? 'serial';
    if (type !== 'serial' && type !== 'virtio') throw builderError('invalid-value', `console target must be serial or virtio, got ${show(type)}`, '/console/target/@type');
    return builtDevice({ type: 'pty', target: { type, port: 0 } } as PtyConsole, 'console', consoleDevice);
  },
};

/** Builders of `<channel>` devices. */
export const channel = {
  /** The QEMU guest agent channel (`org.qemu.guest_agent.0`), on a socket libvirt creates. */
  guestAgent(): BuiltDevice<UnixChannel, 'channel'> {
    const def = { type: 'unix', target: { type: 'virtio', name: 'org.qemu.guest_agent.0' } } as UnixChannel;
    return builtDevice(def, 'channel', channelDevice);
  },
  /** The SPICE agent channel (`com.redhat.spice.0`): clipboard, resolution. */
  spiceAgent(): BuiltDevice<SpicevmcChannel, 'channel'> {
    const def = { type: 'spicevmc', target: { type: 'virtio', name: 'com.redhat.spice.0' } } as SpicevmcChannel;
    return builtDevice(def, 'channel', channelDevice);
  },
};
