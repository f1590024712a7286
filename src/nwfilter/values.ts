/**
 * The values of a network filter rule's attributes (nwfilter_conf.c's
 * datatypes), read and written as libvirt does. Each is kept as text in the
 * def, in libvirt's written form: a variable (`$NAME`, `$NAME[2]`,
 * `$NAME[@1]`, spaces dropped, `[@0]` dropped), or a literal of the
 * attribute's datatype — numbers keep their base (`0x12` stays hexadecimal,
 * lowercase, without leading zeros; decimal stays decimal), MAC addresses
 * two lowercase digits a byte, IP masks as a prefix length (`255.255.0.0`
 * is `16`), words in libvirt's case. A value outside the datatype is refused
 * with libvirt's message ("dscp has illegal value 64").
 */
import { INVALID, type ValueType } from '../xml/values.js';

/**
 * A variable as libvirt reads it (virNWFilterVarAccessParse): `$`, a name,
 * then an optional `[N]` or `[@N]` (spaces inside the brackets; whatever
 * follows `]` is ignored); `$` alone is kept.
 */
const VAR = /^\$([a-zA-Z0-9_]*)(?:\[\s*(@?)\s*([0-9]+)\s*\].*|\s*)$/s;

/** A variable reference as libvirt writes it back (`virNWFilterVarAccessPrint`): `[@0]` dropped. */
export function normaliseVariable(t: string): string | undefined {
  const m = VAR.exec(t);
  if (!m) return undefined;
  if (m[3] === undefined) return `$${m[1]}`;
  const n = Number(m[3]);
  if (m[2] === '@') return n === 0 ? `$${m[1]}` : `$${m[1]}[@${n}]`;
  return `$${m[1]}[${n}]`;
}

/**
 * A number as libvirt's nwfilter parser reads it (strtol-like: leading
 * spaces and `+` taken; decimal, or hexadecimal after 0x when `hex`), kept
 * in its written base.
 */
function number(max: number, min = 0, hex = true): (t: string) => string | undefined {
  return (t) => {
    const s = t.replace(/^\s*\+?/, '');
    let n: number;
    let isHex = false;
    if (hex && /^0[xX][0-9a-fA-F]+$/.test(s)) ((n = parseInt(s.slice(2), 16)), (isHex = true));
    else if (/^[0-9]+$/.test(s)) n = parseInt(s, 10);
    else return undefined;
    if (n > max || n < min) return undefined;
    return isHex ? '0x' + n.toString(16) : String(n);
  };
}

const MAC = /^[0-9a-fA-F]{1,2}(?::[0-9a-fA-F]{1,2}){5}$/;
const MAC_CANON = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;
const macAddr = (t: string) => (MAC_CANON.test(t) ? t : MAC.test(t) ? t.split(':').map((b) => b.toLowerCase().padStart(2, '0')).join(':') : undefined);

/** A MAC mask: ones, then zeros (libvirt's checkValidMask). */
const macMask = (t: string) => {
  const m = macAddr(t);
  return m !== undefined && prefixOf(m.split(':').map((b) => parseInt(b, 16))) !== undefined ? m : undefined;
};

/**
 * An IPv4 address as libvirt reads it (getaddrinfo → inet_aton): one to four
 * parts, each decimal, octal (leading 0) or hexadecimal (0x), the last one
 * filling the remaining bytes ('010.1.2.3' is 8.1.2.3, '1.2.3' is 1.2.0.3);
 * written dotted-decimal.
 */
const ipv4 = (t: string): string | undefined => {
  const parts = t.split('.');
  if (parts.length > 4) return undefined;
  const nums: number[] = [];
  for (const p of parts) {
    let n: number;
    if (/^0[xX][0-9a-fA-F]*$/.test(p)) n = p.length > 2 ? parseInt(p.slice(2), 16) : 0;
    else if (/^0[0-7]*$/.test(p)) n = parseInt(p, 8);
    else if (/^[1-9][0-9]*$/.test(p)) n = parseInt(p, 10);
    else return undefined;
    nums.push(n);
  }
  const last = nums.pop()!;
  if (nums.some((n) => n > 255) || last >= 2 ** (8 * (4 - nums.length))) return undefined;
  const bytes = [...nums];
  for (let i = 4 - nums.length - 1; i >= 0; i--) bytes.push(Math.floor(last / 2 ** (8 * i)) & 255);
  return bytes.join('.');
};

/** An IPv6 address's 8 groups, or undefined. */
function ipv6Groups(t: string): number[] | undefined {
  let s = t;
  const v4 = /:(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  let tail: number[] = [];
  if (v4) {
    const a = ipv4(v4[1]!);
    if (!a) return undefined;
    const b = a.split('.').map(Number);
    tail = [(b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!];
    s = s.slice(0, -v4[1]!.length) + (s.endsWith('::' + v4[1]) ? '' : '0');
    if (!s.endsWith('::')) s = s.slice(0, -1).replace(/:$/, '');
  }
  const parts = s.split('::');
  if (parts.length > 2) return undefined;
  const hex = (p: string) => (p === '' ? [] : p.split(':'));
  const head = hex(parts[0]!);
  const rest = parts.length === 2 ? hex(parts[1]!) : [];
  if (![...head, ...rest].every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const want = 8 - tail.length;
  const fill = parts.length === 2 ? want - head.length - rest.length : 0;
  if (fill < (parts.length === 2 ? 1 : 0) || head.length + rest.length + fill !== want) return undefined;
  return [...head.map((g) => parseInt(g, 16)), ...new Array<number>(fill).fill(0), ...rest.map((g) => parseInt(g, 16)), ...tail];
}

/** An IPv6 address as inet_ntop writes it (RFC 5952). */
function ipv6(t: string): string | undefined {
  const g = ipv6Groups(t);
  if (!g) return undefined;
  // the first longest run of two or more zero groups becomes '::'
  let best = -1;
  let len = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > len && j - i >= 2) ((best = i), (len = j - i));
    i = j;
  }
  if (best === 0 && (len === 6 || (len === 5 && g[5] === 0xffff))) {
    const v4 = `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
    return len === 6 ? `::${v4}` : `::ffff:${v4}`;
  }
  const h = g.map((x) => x.toString(16));
  if (best < 0) return h.join(':');
  return h.slice(0, best).join(':') + '::' + h.slice(best + len).join(':');
}

/** Leading one bits of a mask, or undefined when not contiguous. */
function prefixOf(bytes: number[]): number | undefined {
  let n = 0;
  let done = false;
  for (const b of bytes) {
    for (let i = 7; i >= 0; i--) {
      const bit = (b >> i) & 1;
      if (bit && done) return undefined;
      if (bit) n++;
      else done = true;
    }
  }
  return n;
}

const mask4 = (t: string) => {
  if (/^[0-9]+$/.test(t)) return Number(t) <= 32 ? String(Number(t)) : undefined;
  const a = ipv4(t);
  const p = a !== undefined ? prefixOf(a.split('.').map(Number)) : undefined;
  return p === undefined ? undefined : String(p);
};

const mask6 = (t: string) => {
  if (/^[0-9]+$/.test(t)) return Number(t) <= 128 ? String(Number(t)) : undefined;
  const g = ipv6Groups(t);
  const p = g !== undefined ? prefixOf(g.flatMap((x) => [x >> 8, x & 255])) : undefined;
  return p === undefined ? undefined : String(p);
};

/** The names libvirt writes for Ethernet protocol ids (`<mac protocolid>`, `<vlan encap-protocol>`). */
const ETHER_PROTOCOLS: Record<string, number> = { arp: 0x0806, rarp: 0x8035, ipv4: 0x0800, ipv6: 0x86dd, vlan: 0x8100 };
/** An Ethernet protocol id: a name, or a number of at least `min` (0x600 for `<mac protocolid>`, 1 for `<vlan encap-protocol>`), a known one written by name. */
const etherProtocol = (min: number) => (t: string) => {
  const k = t.toLowerCase();
  if (Object.hasOwn(ETHER_PROTOCOLS, k)) return k;
  const n = number(0xffff, min)(t);
  if (n === undefined) return undefined;
  const v = Number(n);
  const name = Object.keys(ETHER_PROTOCOLS).find((w) => ETHER_PROTOCOLS[w] === v);
  return name ?? n;
};

const ARP_OPCODES = ['Request', 'Reply', 'Request_Reverse', 'Reply_Reverse', 'DRARP_Request', 'DRARP_Reply', 'DRARP_Error', 'InARP_Request', 'ARP_NAK'];
const arpOpcode = (t: string) => {
  const w = ARP_OPCODES.find((o) => o.toLowerCase() === t.toLowerCase());
  if (w) return w;
  const n = number(0xffff)(t);
  if (n === undefined) return undefined;
  const v = Number(n);
  return v >= 1 && v <= ARP_OPCODES.length ? ARP_OPCODES[v - 1] : n;
};

const IP_PROTOCOLS: Record<string, number> = { tcp: 6, udp: 17, udplite: 136, esp: 50, ah: 51, icmp: 1, igmp: 2, sctp: 132, icmpv6: 58 };
const ipProtocol = (t: string) => {
  const k = t.toLowerCase();
  if (Object.hasOwn(IP_PROTOCOLS, k)) return k;
  const n = number(255)(t);
  if (n === undefined) return undefined;
  const name = Object.keys(IP_PROTOCOLS).find((w) => IP_PROTOCOLS[w] === Number(n));
  return name ?? n;
};

const STATES = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'NONE'];
/** Connection states, upper case; empty items skipped (`NEW,,RELATED` is `NEW,RELATED`, `,` is empty). */
const stateFlags = (t: string) => {
  const words = t
    .split(',')
    .filter((w) => w !== '')
    .map((w) => w.trim().toUpperCase());
  return words.every((w) => STATES.includes(w)) ? words.join(',') : undefined;
};

const TCP_FLAGS = ['SYN', 'ACK', 'URG', 'PSH', 'FIN', 'RST', 'ALL', 'NONE'];
const tcpFlagSet = (s: string) => {
  const words = s
    .split(',')
    .filter((w) => w !== '')
    .map((w) => w.toUpperCase());
  if (words.length === 0) return 'NONE';
  return words.every((w) => TCP_FLAGS.includes(w)) ? words.join(',') : undefined;
};
const tcpFlags = (t: string) => {
  const [mask, set, more] = t.split('/');
  if (more !== undefined || set === undefined || mask === undefined) return undefined;
  const a = tcpFlagSet(mask);
  const b = tcpFlagSet(set);
  return a && b ? `${a}/${b}` : undefined;
};

const ipsetFlags = (t: string) => {
  const words = t.split(',').map((w) => w.toLowerCase());
  return words.length <= 6 && words.every((w) => w === 'src' || w === 'dst') ? words.join(',') : undefined;
};

/** A boolean: 'true', '1' or 'yes' is true, any other word false (asked of libvirt 12.9). */
const bool = (t: string) => (t === 'true' || t === '1' || t === 'yes' ? 'true' : 'false');

/** The datatypes, by name: how a literal is read into libvirt's written form (undefined: illegal). */
const DATATYPES = {
  mac: macAddr,
  macMask,
  ipv4,
  ipv6,
  mask4,
  mask6,
  uint8: number(0xff),
  uint16: number(0xffff),
  /** decimal only (`connlimit-above`) */
  uint16dec: number(0xffff, 0, false),
  uint32: number(0xffffffff),
  dscp: number(63),
  vlanid: number(4095),
  etherProtocol: etherProtocol(0x600),
  encapProtocol: etherProtocol(1),
  arpOpcode,
  ipProtocol,
  stateFlags,
  tcpFlags,
  ipsetFlags,
  /** at most 31 characters (any characters, asked of libvirt 12.9) */
  ipsetName: (t: string) => (t.length <= 31 ? t : undefined),
  bool,
  /** libvirt keeps the first 256 characters */
  comment: (t: string) => t.slice(0, 256),
} as const;
export type NwfilterDatatype = keyof typeof DATATYPES;

/** Datatypes that take no variable (libvirt reads them literally). */
const LITERAL_ONLY = new Set<NwfilterDatatype>(['comment', 'ipProtocol']);

const types = new Map<NwfilterDatatype, ValueType<string>>();

/** The value type of a rule attribute of `datatype`. */
export function nwValue(datatype: NwfilterDatatype): ValueType<string> {
  let t = types.get(datatype);
  if (t) return t;
  const read = DATATYPES[datatype];
  const parse = (s: string): string | undefined => (!LITERAL_ONLY.has(datatype) && s.trimStart().startsWith('$') ? normaliseVariable(s) : read(s));
  // values already in libvirt's form, known good (the formatter asks of every value it writes)
  const good = new Set<string>();
  t = {
    name: `nwfilter ${datatype}`,
    parse: (s) => parse(s) ?? INVALID,
    format: (v) => v,
    is: (v): v is string => {
      if (typeof v !== 'string') return false;
      if (good.has(v)) return true;
      if (parse(v) !== v) return false;
      if (good.size < 4096) good.add(v);
      return true;
    },
    schema: { type: 'string' },
  };
  types.set(datatype, t);
  return t;
}
