/**
 * IP address arithmetic for DHCP ranges: libvirt's `virNetworkIPDefPrefix`
 * and `virSocketAddrGetRange` (a range must lie inside the network, not
 * start on its network address nor end on its broadcast address, not be
 * reversed, and stay within 65536 addresses).
 */
import { canonicalIp, type IpFamily } from '../common/networkcommon.js';

export interface IpBytes {
  family: IpFamily;
  /** 4 or 16 bytes. */
  bytes: number[];
}

/** The bytes of an address (any form libvirt reads), or undefined. */
export function ipBytes(text: string): IpBytes | undefined {
  const c = canonicalIp(text);
  if (!c) return undefined;
  if (c.family === 'ipv4') return { family: 'ipv4', bytes: c.text.split('.').map(Number) };
  let t = c.text.replace(/%.*$/, '');
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(t);
  if (quad) t = t.slice(0, quad.index) + ((+quad[1]! << 8) | +quad[2]!).toString(16) + ':' + ((+quad[3]! << 8) | +quad[4]!).toString(16);
  const [head, tail] = t.includes('::') ? t.split('::') : [t, undefined];
  const words = (s: string | undefined) => (s ? s.split(':').map((w) => parseInt(w, 16)) : []);
  const h = words(head);
  const tl = words(tail);
  const all = tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - tl.length).fill(0), ...tl];
  return { family: 'ipv6', bytes: all.flatMap((w) => [w >> 8, w & 0xff]) };
}

export function sameIp(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const x = ipBytes(a);
  const y = ipBytes(b);
  return !!x && !!y && x.family === y.family && x.bytes.every((v, i) => v === y.bytes[i]);
}

/** Prefix length of a mask, or -1 when its ones are not contiguous. */
function maskBits(mask: IpBytes): number {
  let n = 0;
  let ended = false;
  for (const b of mask.bytes) {
    for (let i = 7; i >= 0; i--) {
      if (b & (1 << i)) {
        if (ended) return -1;
        n++;
      } else ended = true;
    }
  }
  return n;
}

/** `virSocketAddrGetIPPrefix`: explicit prefix, else the netmask's bits, else the IPv4 class (A 8, B 16, C 24) or 64 for IPv6. */
export function ipPrefixOf(ip: { address?: string; netmask?: string; prefix?: number }): number {
  if (ip.prefix) return ip.prefix;
  const mask = ip.netmask !== undefined ? ipBytes(ip.netmask) : undefined;
  if (mask) return maskBits(mask);
  const a = ip.address !== undefined ? ipBytes(ip.address) : undefined;
  if (!a) return 0;
  if (a.family === 'ipv6') return a.bytes.every((b) => b === 0) ? 0 : 64;
  const o = a.bytes[0]!;
  if (a.bytes.every((b) => b === 0)) return 0;
  if ((o & 0x80) === 0) return 8;
  if ((o & 0xc0) === 0x80) return 16;
  if ((o & 0xe0) === 0xc0) return 24;
  return -1;
}

/** The address with host bits set to `fill` (0: network address, 1: broadcast). */
function masked(a: IpBytes, prefix: number, fill: 0 | 1): number[] {
  return a.bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    const m = (0xff << (8 - keep)) & 0xff;
    return fill ? (b & m) | (~m & 0xff) : b & m;
  });
}

const equal = (x: number[], y: number[]) => x.every((v, i) => v === y[i]);

/**
 * `virSocketAddrGetRange(start, end, network, prefix)`: libvirt's message
 * for a range that does not fit the network, or undefined when it does.
 */
export function rangeProblem(start: string, end: string, network: { address?: string; netmask?: string; prefix?: number }): string | undefined {
  const s = ipBytes(start)!;
  const e = ipBytes(end)!;
  const S = canonicalIp(start)!.text;
  const E = canonicalIp(end)!.text;
  if (s.family !== e.family) return `mismatch of address family in range ${S} - ${E}`;
  const n = network.address !== undefined ? ipBytes(network.address) : undefined;
  if (n) {
    const N = canonicalIp(network.address!)!.text;
    if (n.family !== s.family) return `mismatch of address family in range ${S} - ${E} for network ${N}`;
    const prefix = ipPrefixOf(network);
    if (prefix < 0) return `bad prefix ${prefix} for network ${N} when  checking range ${S} - ${E}`;
    const net = masked(n, prefix, 0);
    if (!equal(masked(s, prefix, 0), net) || !equal(masked(e, prefix, 0), net)) {
      return `range ${S} - ${E} is not entirely within network ${N}/${prefix}`;
    }
    if (s.family === 'ipv4') {
      if (equal(s.bytes, net)) return `start of range ${S} - ${E} in network ${N}/${prefix} is the network address`;
      if (equal(e.bytes, masked(n, prefix, 1))) return `end of range ${S} - ${E} in network ${N}/${prefix} is the broadcast address`;
    }
  }
  const len = s.bytes.length;
  for (let i = 0; i < len - 2; i++) if (s.bytes[i] !== e.bytes[i]) return `range ${S} - ${E} too large`;
  const size = (e.bytes[len - 2]! - s.bytes[len - 2]!) * 256 + (e.bytes[len - 1]! - s.bytes[len - 1]!);
  if (size < 0) return `range ${S} - ${E} is reversed `;
  return undefined;
}
