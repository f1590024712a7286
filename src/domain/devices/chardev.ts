/**
 * Character devices: what `<serial>`, `<parallel>`, `<console>`, `<channel>`,
 * `<redirdev>`, `<smartcard mode='passthrough'>` and `<rng>`'s egd
 * `<backend>` share (libvirt's `virDomainChrSourceDef`).
 *
 * libvirt's order (`virDomainChrDefFormat`, `virDomainChrSourceDefFormat`):
 * attributes type [, tty]; children
 *
 *   source (two for udp: bind, then connect), protocol (tcp), log,
 *   target, boot, alias, rom, acpi, address.
 *
 * The element is a union on `type` (the source type; absent reads as pty,
 * as libvirt reads it) whose cases carry only the `<source>` that type has;
 * `<target>` depends on the device (serial, console, parallel, channel).
 * libvirt leaves `<source>` out when it would be empty (a pty in inactive
 * XML, a unix socket without a path).
 *
 * Per-device `<seclabel>`s (../seclabel.ts) are read and written for the
 * path types (pty, dev, file, pipe) and unix, as libvirt does.
 */
import { ipAddress } from '../../common/networkcommon.js';
import {
  attr,
  child,
  element,
  list,
  tag,
  union,
  type AttrField,
  type ElementDecl,
  type Fields,
  type Infer,
  type UnionDecl,
} from '../../xml/decl.js';
import { literal, oneOf, onOff, str, uint, yesNo } from '../../xml/values.js';
import { deviceSeclabel } from '../seclabel.js';
import { deviceInfoFields } from './info.js';

// ---------------------------------------------------------------- value types

/** libvirt's `virDomainChrType`, in its enum order. */
export const chardevTypes = [
  'null',
  'vc',
  'pty',
  'dev',
  'file',
  'pipe',
  'stdio',
  'udp',
  'tcp',
  'unix',
  'spicevmc',
  'spiceport',
  'nmdm',
  'qemu-vdagent',
  'dbus',
] as const;
export type ChardevType = (typeof chardevTypes)[number];
export const chardevType = oneOf(...chardevTypes);

const sourceMode = oneOf('bind', 'connect');

// ---------------------------------------------------------------- pieces of <source>

/** `<reconnect>` of a tcp/unix client: timeout is written only when enabled. */
export const chardevReconnect = element('reconnect', {
  enabled: attr(yesNo, { required: true, missing: 'ignore-element' }),
  timeout: attr(uint(), { omit: (_v: number, p: { enabled?: boolean }) => p.enabled !== true, doc: 'seconds; only with enabled=yes' }),
});

/** `<clipboard copypaste>`: spice agent / qemu-vdagent clipboard sharing. */
export const clipboard = element('clipboard', { copypaste: attr(yesNo, { required: true }) });

/** `<mouse mode>`: server (relative) or client (absolute, through the agent) mouse. */
export const mouseMode = element('mouse', { mode: attr(oneOf('server', 'client'), { required: true }) });

/**
 * Every field a chardev `<source>` can have, in libvirt's order; each
 * source type below takes its own subset.
 */
const sourceFields = {
  mode: attr(sourceMode, { doc: 'bind: listen; connect: connect to a listener' }),
  path: attr(str),
  append: attr(onOff, { doc: 'file: append instead of truncating' }),
  host: attr(str),
  service: attr(str, { doc: 'port number or service name' }),
  tls: attr(yesNo, { doc: 'tcp: TLS (chardev_tls in qemu.conf when absent)' }),
  channel: attr(str, { doc: 'spiceport / dbus channel name' }),
  master: attr(str, { doc: 'nmdm master device' }),
  slave: attr(str, { doc: 'nmdm slave device' }),
  seclabels: list(deviceSeclabel),
  reconnect: child(chardevReconnect),
  clipboard: child(clipboard),
  mouse: child(mouseMode),
} as const;
const f = sourceFields;

/** `mode` of a socket source: absent reads as connect, libvirt always writes it. */
const socketMode = attr(sourceMode, { default: 'connect' as const });

/** type='pty': the allocated pty and its labels, live XML only. */
export const chrPtySource = element('source', {
  path: attr(str, { when: (ctx) => !ctx.inactive, doc: 'allocated pty (live XML only)' }),
  seclabels: list(deviceSeclabel, { when: (ctx, p: { path?: string }) => !ctx.inactive && p.path !== undefined }),
});
/** type='dev' and type='pipe'. */
export const chrPathSource = element('source', { path: f.path, seclabels: f.seclabels });
/** type='file'. */
export const chrFileSource = element('source', { path: f.path, append: f.append, seclabels: f.seclabels });
/** type='unix': mode is written only with a path (libvirt generates the path of a bind socket without one). */
export const chrUnixSource = element('source', {
  mode: attr(sourceMode, { default: 'connect' as const, omit: (_v: string, p: { path?: string }) => p.path === undefined }),
  path: f.path,
  seclabels: list(deviceSeclabel, { when: (_ctx, p: { path?: string }) => p.path !== undefined }),
  reconnect: f.reconnect,
});
/** type='tcp'. */
export const chrTcpSource = element('source', { mode: socketMode, host: f.host, service: f.service, tls: f.tls, reconnect: f.reconnect });
/** type='udp': one `<source>` per end (bind, then connect). */
export const chrUdpSource = element('source', { mode: socketMode, host: f.host, service: f.service });
/** type='spiceport' and type='dbus'. */
export const chrChannelSource = element('source', { channel: f.channel });
/** type='nmdm'. */
export const chrNmdmSource = element('source', { master: f.master, slave: f.slave });
/** type='qemu-vdagent'. */
export const chrVdagentSource = element('source', { clipboard: f.clipboard, mouse: f.mouse });
/** Any source: the chardevs nested in another union (smartcard passthrough, rng egd). */
export const chrAnySource = element('source', sourceFields);

/** `<protocol type>` of a tcp chardev: absent reads as raw, always written. */
export const chardevProtocol = element('protocol', { type: attr(oneOf('raw', 'telnet', 'telnets', 'tls'), { default: 'raw' as const }) });

/** `<log file append>`: a copy of the device's output. */
export const chardevLog = element('log', { file: attr(str, { required: true, missing: 'ignore-element' }), append: attr(onOff) });

const logField = { log: child(chardevLog) } as const;
const src = <D extends ElementDecl>(d: D) => ({ source: child(d, { omitEmpty: true }) }) as const;

/** The source fields of each type (source, protocol, log). */
export const chardevSourceFields = {
  null: { ...logField },
  vc: { ...logField },
  pty: { ...src(chrPtySource), ...logField },
  dev: { ...src(chrPathSource), ...logField },
  file: { ...src(chrFileSource), ...logField },
  pipe: { ...src(chrPathSource), ...logField },
  stdio: { ...logField },
  udp: { sources: list(chrUdpSource), ...logField },
  tcp: { ...src(chrTcpSource), protocol: child(chardevProtocol), ...logField },
  unix: { ...src(chrUnixSource), ...logField },
  spicevmc: { ...logField },
  spiceport: { ...src(chrChannelSource), ...logField },
  nmdm: { ...src(chrNmdmSource), ...logField },
  'qemu-vdagent': { ...src(chrVdagentSource), ...logField },
  dbus: { ...src(chrChannelSource), ...logField },
} as const satisfies Record<ChardevType, Fields>;
type SourceFieldsOf = typeof chardevSourceFields;

/**
 * The chardev of a device that is itself a union on something else
 * (`<smartcard mode='passthrough' type=…>`, `<backend model='egd' type=…>`):
 * the type and any source (a list: udp has two).
 */
export const chardevAnyFields = {
  type: attr(chardevType, { required: true }),
  sources: list(chrAnySource),
  protocol: child(chardevProtocol),
  log: child(chardevLog),
} as const;

// ---------------------------------------------------------------- targets

const targetPort = attr(uint(), { doc: 'guest port; libvirt assigns one when absent' });

export const serialTargetTypes = [
  'isa-serial',
  'usb-serial',
  'pci-serial',
  'spapr-vio-serial',
  'system-serial',
  'sclp-serial',
  'isa-debug',
] as const;
export const serialTargetModelNames = [
  'isa-serial',
  'usb-serial',
  'pci-serial',
  'spapr-vty',
  'pl011',
  '16550a',
  'sclpconsole',
  'sclplmconsole',
  'isa-debugcon',
] as const;
export const consoleTargetTypes = ['serial', 'xen', 'uml', 'virtio', 'lxc', 'openvz', 'sclp', 'sclplm'] as const;

export const serialTargetModel = element('model', { name: attr(oneOf(...serialTargetModelNames), { required: true, missing: 'ignore-element' }) });

/** `<serial>`'s `<target type port>` with its `<model name>`. */
export const serialTarget = element('target', {
  type: attr(oneOf(...serialTargetTypes)),
  port: targetPort,
  model: child(serialTargetModel),
});

/** `<console>`'s `<target type port>`. */
export const consoleTarget = element('target', { type: attr(oneOf(...consoleTargetTypes)), port: targetPort });

/** `<parallel>`'s `<target port>` (libvirt accepts a `type` there and ignores it; kept as given). */
export const parallelTarget = element('target', { type: attr(str), port: targetPort });

/** The schema's target of any qemu chardev (smartcard passthrough accepts one; libvirt ignores it). */
export const anyChardevTarget = element('target', {
  type: attr(oneOf(...consoleTargetTypes, ...serialTargetTypes)),
  port: attr(str),
  model: child(serialTargetModel),
});

/** `<channel>`'s target, a union on `type`. */
export const channelTarget = union(
  'target',
  'type',
  {
    guestfwd: element('target', {
      type: tag(literal('guestfwd')),
      address: attr(ipAddress, { required: true, doc: 'guest-side IP address QEMU forwards' }),
      port: attr(uint({ max: 65535 }), { required: true }),
    }),
    virtio: element('target', {
      type: tag(literal('virtio')),
      name: attr(str, { doc: 'virtio-serial port name, e.g. org.qemu.guest_agent.0' }),
      state: attr(oneOf('connected', 'disconnected'), { when: (ctx) => !ctx.inactive, doc: 'guest side state (live XML only)' }),
    }),
    xen: element('target', { type: tag(literal('xen')), name: attr(str) }),
  },
  { unknownMessage: "unknown target type '%s' specified for character device" },
);
export type ChannelTarget = Infer<typeof channelTarget>;

// ---------------------------------------------------------------- the device unions

type TypeTag<K extends string> = AttrField<K, true>;
/** The cases of a chardev union: `before` attributes, type, the type's source fields, then `tail`. */
export type ChardevCases<N extends string, B extends Fields, T extends Fields> = {
  [K in ChardevType]: ElementDecl<B & { type: TypeTag<K> } & SourceFieldsOf[K] & T> & { name: N };
};

export interface ChardevUnionOptions<B extends Fields> {
  /** Attributes libvirt writes before `type` (redirdev's `bus`). */
  before?: B;
  /** Case used when `type` is absent (libvirt reads a chardev without type as a pty). */
  defaultCase?: ChardevType;
  beforeFormat?: ElementDecl['beforeFormat'];
  doc?: string;
}

/**
 * A chardev device element as a union on `type`: one case per source type,
 * with the device's own `tail` (target, device info) after the source.
 */
export function chardevUnion<const N extends string, const T extends Fields, const B extends Fields = {}>(
  name: N,
  tail: T,
  options: ChardevUnionOptions<B> = {},
): UnionDecl<ChardevCases<N, B, T>> {
  const cases: Record<string, ElementDecl> = {};
  for (const t of chardevTypes) {
    const type = options.defaultCase === t ? tag(literal(t), { default: t }) : tag(literal(t));
    cases[t] = element(name, { ...options.before, type, ...chardevSourceFields[t], ...tail } as Fields, {
      ...(options.beforeFormat ? { beforeFormat: options.beforeFormat } : {}),
      check: checkChardev,
      // virDomainChrDefFormat / virDomainRedirdevDefFormat: an open/close pair even when empty
      selfClose: false,
    });
  }
  return union(name, 'type', cases as ChardevCases<N, B, T>, {
    ...(options.defaultCase ? { defaultCase: options.defaultCase } : {}),
    ...(options.doc ? { doc: options.doc } : {}),
    unknownMessage: "unknown type presented to host for character device: %s",
  });
}

interface ChardevValue {
  type?: string;
  source?: unknown;
  sources?: unknown[];
  protocol?: { type?: string };
  $extra?: { nodes?: Array<{ node: { type: string; name?: string } }> };
}

/**
 * libvirt's parse-time rules of a chardev: one `<source>`, except for udp
 * (two; a second `<source>` of a single-source type is kept by the reader
 * as unknown content, so it is found there); a tcp chardev without
 * `<protocol>` speaks raw, and libvirt writes it.
 */
export function checkChardev(v: ChardevValue) {
  const extraSources = v.$extra?.nodes?.filter((n) => n.node.type === 'element' && n.node.name === 'source').length ?? 0;
  const sources = (v.source !== undefined ? 1 : 0) + (v.sources?.length ?? 0) + extraSources;
  if (v.type !== 'udp' && sources > 1) {
    return { code: 'invalid-value' as const, message: 'only one source element is allowed for character device' };
  }
  if (sources > 2) return { code: 'invalid-value' as const, message: 'only two source elements are allowed for character device' };
  if (v.type === 'tcp') v.protocol ??= { type: 'raw' };
  return undefined;
}

// ---------------------------------------------------------------- serial, parallel, console, channel

const tty = attr(str, { doc: 'pty path (console compatibility attribute)' });

/** `<serial>`. */
export const serialDevice = chardevUnion('serial', { tty, target: child(serialTarget), ...deviceInfoFields }, { defaultCase: 'pty', doc: 'Serial port' });
export type SerialDef = Infer<typeof serialDevice>;

/** `<parallel>`. */
export const parallelDevice = chardevUnion('parallel', { tty, target: child(parallelTarget), ...deviceInfoFields }, { defaultCase: 'pty', doc: 'Parallel port' });
export type ParallelDef = Infer<typeof parallelDevice>;

/**
 * libvirt's console compatibility: a pty console on port 0 carries its pty
 * path as `tty` in live XML (libvirt does not read `tty`, it derives it).
 */
function consoleTty<V extends { type: string; tty?: string; source?: { path?: string }; target?: { port?: number } }>(
  v: V,
  ctx: { inactive: boolean },
): V {
  const path = v.type === 'pty' && !ctx.inactive && v.target?.port === 0 ? v.source?.path : undefined;
  if (path === v.tty) return v;
  const copy = { ...v };
  if (path === undefined) delete copy.tty;
  else copy.tty = path;
  return copy;
}

/** `<console>`. */
export const consoleDevice = chardevUnion('console', { tty, target: child(consoleTarget), ...deviceInfoFields }, {
  defaultCase: 'pty',
  beforeFormat: consoleTty,
  doc: 'Console',
});
export type ConsoleDef = Infer<typeof consoleDevice>;

/** `<channel>`: a host/guest communication channel. */
export const channelDevice = chardevUnion('channel', { target: child(channelTarget), ...deviceInfoFields }, {
  defaultCase: 'pty',
  doc: 'Host/guest communication channel',
});
export type ChannelDef = Infer<typeof channelDevice>;
