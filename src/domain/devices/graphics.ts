/**
 * `<graphics>`: a graphical framebuffer, a union on `type` (sdl, vnc, spice,
 * rdp, desktop, egl-headless, dbus).
 *
 * libvirt's order (`virDomainGraphicsDefFormat`), attributes:
 *
 *   vnc     socket | port autoport websocket listen; keymap sharePolicy
 *           powerControl passwd passwdValidTo connected
 *   spice   port tlsPort autoport listen keymap defaultMode passwd
 *           passwdValidTo connected
 *   rdp     port autoport replaceUser multiUser listen
 *   sdl / desktop   display xauth fullscreen
 *   dbus    p2p address
 *
 * children: listen*, then vnc: audio; spice: channel* image jpeg zlib
 * playback streaming mouse clipboard filetransfer gl; dbus: gl audio.
 * (keymap, and mouse before clipboard, are not shown by the corpus: from
 * libvirt's formatter.)
 *
 * The `listen` attribute mirrors the first `<listen>` of type address (or
 * network, in live XML): libvirt reads it into a `<listen type='address'>`
 * when there is no `<listen>` element, requires the two to agree, and writes
 * it from the listen element — so do we.
 */
import { attr, child, element, list, tag, union, type Infer } from '../../xml/decl.js';
import { int, literal, oneOf, onOff, str, yesNo } from '../../xml/values.js';
import { audioRef } from './audio.js';
import { clipboard, mouseMode } from './chardev.js';

// ---------------------------------------------------------------- <listen>

export const graphicsListen = union(
  'listen',
  'type',
  {
    address: element('listen', { type: tag(literal('address')), address: attr(str) }),
    network: element('listen', {
      type: tag(literal('network')),
      address: attr(str, { when: (ctx) => !ctx.inactive, doc: 'address the network resolved to (live XML only)' }),
      network: attr(str, { required: true }),
    }),
    socket: element('listen', { type: tag(literal('socket')), socket: attr(str) }),
    none: element('listen', { type: tag(literal('none')) }),
  },
  { unknownMessage: "unknown graphics listen type '%s'" },
);
export type GraphicsListen = Infer<typeof graphicsListen>;

// ---------------------------------------------------------------- spice children

export const spiceChannelNames = ['main', 'display', 'inputs', 'cursor', 'playback', 'record', 'smartcard', 'usbredir'] as const;
const secureMode = oneOf('any', 'secure', 'insecure');

export const spiceChannel = element('channel', {
  name: attr(oneOf(...spiceChannelNames), { required: true }),
  mode: attr(secureMode, { required: true }),
});

const autoNeverAlways = oneOf('auto', 'never', 'always');
export const spiceImage = element('image', { compression: attr(oneOf('auto_glz', 'auto_lz', 'quic', 'glz', 'lz', 'off'), { required: true }) });
export const spiceJpeg = element('jpeg', { compression: attr(autoNeverAlways, { required: true }) });
export const spiceZlib = element('zlib', { compression: attr(autoNeverAlways, { required: true }) });
export const spicePlayback = element('playback', { compression: attr(onOff, { required: true }) });
export const spiceStreaming = element('streaming', { mode: attr(oneOf('filter', 'all', 'off'), { required: true }) });
export const spiceFiletransfer = element('filetransfer', { enable: attr(yesNo, { required: true }) });

/** `<gl enable rendernode>` (spice, dbus). */
export const graphicsGl = element('gl', { enable: attr(yesNo, { required: true }), rendernode: attr(str) });

/**
 * libvirt keeps one mode per spice channel name and writes them in its enum
 * order, leaving out mode='any' (the default).
 */
function spiceChannels(channels: SpiceChannel[] | undefined): SpiceChannel[] | undefined {
  if (!channels) return channels;
  const byName = new Map<string, SpiceChannel>();
  for (const c of channels) byName.set(c.name, c);
  const out = spiceChannelNames.map((n) => byName.get(n)).filter((c): c is SpiceChannel => c !== undefined && c.mode !== 'any');
  const same = out.length === channels.length && out.every((c, i) => c === channels[i]);
  return same ? channels : out;
}
type SpiceChannel = Infer<typeof spiceChannel>;

// ---------------------------------------------------------------- the listen attribute

/** A port: libvirt reads any int (virStrToLong_i); -1 is the legacy "pick one". */
const port = () => attr(int());
const listenAttr = attr(str, { doc: 'address of the first listen (mirrors <listen type=address>)' });

interface WithListens {
  listen?: string;
  socket?: string;
  listens?: GraphicsListen[];
}

/**
 * libvirt's `virDomainGraphicsListensParseXML`: without `<listen>` elements,
 * the `listen` (or vnc `socket`) attribute becomes the first one; with them,
 * `listen` must agree with the first one's address.
 */
function checkListenAttr(v: WithListens) {
  const first = v.listens?.[0];
  if (!first) {
    if (v.listen !== undefined) v.listens = [{ type: 'address', address: v.listen }];
    else if (v.socket !== undefined) v.listens = [{ type: 'socket', socket: v.socket }];
    return undefined;
  }
  if (v.listen === undefined) return undefined;
  if ((first.type === 'address' || first.type === 'network') && first.address !== undefined && first.address !== v.listen) {
    return {
      code: 'invalid-value' as const,
      message: `graphics 'listen' attribute '${v.listen}' must match 'address' attribute of first listen element (found '${first.address}')`,
      attribute: 'listen',
    };
  }
  if (first.type === 'address' && first.address === undefined) first.address = v.listen;
  return undefined;
}

/**
 * libvirt's `virDomainGraphicsListenDefFormatAddr`: the `listen` attribute
 * (and vnc's `socket`) written from the first listen element.
 */
function attrsFromFirstListen(withSocket: boolean) {
  return <V extends WithListens>(v: V, ctx: { inactive: boolean }): V => {
    if (!v.listens) return v;
    const first = v.listens[0];
    const listen = first && (first.type === 'address' || (first.type === 'network' && !ctx.inactive)) ? first.address : undefined;
    const socket = withSocket ? (first?.type === 'socket' ? first.socket : undefined) : v.socket;
    if (listen === v.listen && socket === v.socket) return v;
    const copy = { ...v };
    if (listen === undefined) delete copy.listen;
    else copy.listen = listen;
    if (socket === undefined) delete copy.socket;
    else copy.socket = socket;
    return copy;
  };
}
const listenAttrs = attrsFromFirstListen(false);
const vncAttrs = attrsFromFirstListen(true);

interface VncPorts extends WithListens {
  port?: number;
  autoport?: boolean;
  websocket?: number;
  wait?: boolean;
}

/**
 * libvirt's `virDomainGraphicsDefParseXMLVNC`: no port, or the legacy
 * port='-1', means autoport unless autoport says otherwise (libvirt 12.9
 * reads autoport as a tristate: `port='-1' autoport='no'` stays manual, and
 * is written back with port='-1'; 10.7 ignored autoport='no').
 */
function checkVncPort(v: VncPorts) {
  v.autoport ??= v.port === undefined || v.port === -1;
  return undefined;
}

/**
 * libvirt writes port and autoport only for an address or network listen:
 * the port unless it is automatic in inactive XML (then -1), and autoport
 * always; for a socket or no listen, neither (nor websocket, nor wait:
 * libvirt 12.9 writes `wait` after websocket in that branch only).
 */
function vncPort<V extends VncPorts>(v: V, ctx: { inactive: boolean }): V {
  const first = v.listens?.[0];
  if (!first) return v;
  const copy = { ...v };
  if (first.type === 'socket' || first.type === 'none') {
    delete copy.port;
    delete copy.autoport;
    delete copy.websocket;
    delete copy.wait;
    return copy;
  }
  const autoport = v.autoport ?? (v.port === undefined || v.port === -1);
  if (v.port !== undefined && v.port !== 0 && (!autoport || !ctx.inactive)) copy.port = v.port;
  else if (autoport) copy.port = -1;
  else delete copy.port;
  copy.autoport = autoport;
  return copy;
}

const passwdFields = {
  passwd: attr(str),
  passwdValidTo: attr(str, { doc: 'YYYY-MM-DDTHH:MM:SS (UTC)' }),
} as const;

// ---------------------------------------------------------------- the cases

export const graphics = union(
  'graphics',
  'type',
  {
    sdl: element('graphics', {
      type: tag(literal('sdl')),
      display: attr(str),
      xauth: attr(str),
      fullscreen: attr(yesNo),
      gl: child(element('gl', { enable: attr(yesNo, { required: true }) })),
    }),
    vnc: element(
      'graphics',
      {
        type: tag(literal('vnc')),
        socket: attr(str),
        port: port(),
        autoport: attr(yesNo, { doc: 'libvirt picks the port; always written' }),
        websocket: port(),
        wait: attr(yesNo, { doc: 'QEMU waits for a VNC client before starting the guest (written with an address or network listen only, as libvirt does)' }),
        listen: listenAttr,
        keymap: attr(str),
        sharePolicy: attr(oneOf('allow-exclusive', 'force-shared', 'ignore')),
        powerControl: attr(yesNo),
        ...passwdFields,
        connected: attr(oneOf('keep')),
        listens: list(graphicsListen),
        audio: child(audioRef),
      },
      { check: (v) => checkListenAttr(v) ?? checkVncPort(v), beforeFormat: (v, ctx) => vncPort(vncAttrs(v, ctx), ctx) },
    ),
    spice: element(
      'graphics',
      {
        type: tag(literal('spice')),
        port: port(),
        tlsPort: port(),
        autoport: attr(yesNo),
        listen: listenAttr,
        keymap: attr(str),
        defaultMode: attr(secureMode),
        ...passwdFields,
        connected: attr(oneOf('fail', 'disconnect', 'keep')),
        listens: list(graphicsListen),
        channels: list(spiceChannel),
        image: child(spiceImage),
        jpeg: child(spiceJpeg),
        zlib: child(spiceZlib),
        playback: child(spicePlayback),
        streaming: child(spiceStreaming),
        mouse: child(mouseMode),
        clipboard: child(clipboard),
        filetransfer: child(spiceFiletransfer),
        gl: child(graphicsGl),
      },
      {
        check: checkListenAttr,
        beforeFormat: (v, ctx) => {
          const out = listenAttrs(v, ctx);
          const channels = spiceChannels(out.channels);
          return channels === out.channels ? out : { ...out, channels };
        },
      },
    ),
    rdp: element(
      'graphics',
      {
        type: tag(literal('rdp')),
        port: port(),
        autoport: attr(yesNo),
        replaceUser: attr(yesNo),
        multiUser: attr(yesNo),
        listen: listenAttr,
        username: attr(str),
        ...passwdFields,
        listens: list(graphicsListen),
      },
      { check: checkListenAttr, beforeFormat: listenAttrs },
    ),
    desktop: element('graphics', { type: tag(literal('desktop')), display: attr(str), fullscreen: attr(yesNo) }),
    'egl-headless': element('graphics', {
      type: tag(literal('egl-headless')),
      gl: child(element('gl', { rendernode: attr(str) }), { omitEmpty: true }),
    }),
    dbus: element('graphics', {
      type: tag(literal('dbus')),
      p2p: attr(yesNo, { doc: 'a peer-to-peer connection instead of a bus' }),
      address: attr(str, { doc: 'D-Bus address of the bus to use' }),
      gl: child(graphicsGl),
      audio: child(audioRef),
    }),
  },
  { doc: 'Graphical framebuffer', unknownMessage: "unknown graphics type '%s'" },
);
export type GraphicsDef = Infer<typeof graphics>;
