/**
 * Declarations shared by domain interfaces, networks and network ports
 * (libvirt's networkcommon.rng): virtualport, bandwidth, vlan, port options.
 */
import { attr, child, element, list, type CheckFailure, type Infer } from '../xml/decl.js';
import { INVALID, oneOf, pattern, uint, uuid, yesNo, type ValueType } from '../xml/values.js';

export const virtualPortType = oneOf('802.1Qbg', '802.1Qbh', 'openvswitch', 'midonet');

export const virtualPortParameters = element('parameters', {
  managerid: attr(uint({ max: 0xff })),
  typeid: attr(uint({ max: 0xffffff })),
  typeidversion: attr(uint({ max: 0xff })),
  instanceid: attr(uuid),
  interfaceid: attr(uuid),
  profileid: attr(pattern('virtualPortProfileID', /^.{0,39}$/)),
});

/**
 * `<virtualport>`: one element for every type (libvirt keeps one struct and
 * merges profiles field by field, §2.3), with the type optional.
 */
export const virtualPort = element(
  'virtualport',
  {
    type: attr(virtualPortType),
    parameters: child(virtualPortParameters),
  },
  { doc: 'Virtual port profile (802.1Qbg, 802.1Qbh, openvswitch, midonet)' },
);
export type VirtualPort = Infer<typeof virtualPort>;

const speed = uint({ max: Number.MAX_SAFE_INTEGER });
const bandwidthRate = (name: 'inbound' | 'outbound') =>
  element(name, {
    average: attr(speed),
    peak: attr(speed),
    floor: attr(speed),
    burst: attr(uint()),
  });

export const bandwidth = element('bandwidth', {
  classID: attr(uint(), { doc: 'Status XML: QoS class id' }),
  inbound: child(bandwidthRate('inbound')),
  outbound: child(bandwidthRate('outbound')),
});
export type Bandwidth = Infer<typeof bandwidth>;

export const vlanTag = element('tag', {
  id: attr(uint({ max: 4095 }), { required: true }),
  nativeMode: attr(oneOf('tagged', 'untagged')),
});

/**
 * `<vlan>` (libvirt's `virNetDevVlanParse`): more than one tag means a trunk
 * (written `trunk='yes'`); `trunk='no'` is kept only for a single tag.
 */
export const vlan = element(
  'vlan',
  {
    trunk: attr(yesNo, { omit: (v: boolean) => !v }),
    tags: list(vlanTag),
  },
  {
    check(v: { trunk?: boolean; tags?: Array<{ nativeMode?: string }> }): CheckFailure | undefined {
      const n = v.tags?.length ?? 0;
      if (n === 0) {
        return { code: 'missing-element', message: "missing tag id - each <vlan> must have at least one <tag id='N'/> subelement" };
      }
      if (v.trunk === false && n > 1) {
        return { code: 'invalid-value', message: `invalid "trunk='no'" in <vlan> - trunk='yes' is required for more than one vlan tag`, attribute: 'trunk' };
      }
      if (v.trunk === false && v.tags!.some((t) => t.nativeMode !== undefined)) {
        return { code: 'invalid-value', message: `invalid configuration in <vlan> - "trunk='no'" is not allowed with a native vlan id`, attribute: 'trunk' };
      }
      if (v.tags!.filter((t) => t.nativeMode !== undefined).length > 1) {
        return { code: 'invalid-value', message: 'duplicate native vlan setting' };
      }
      if (n > 1) v.trunk = true;
      return undefined;
    },
  },
);
export type Vlan = Infer<typeof vlan>;

export const portOptions = element('port', {
  isolated: attr(yesNo),
});
export type PortOptions = Infer<typeof portOptions>;

// ---------------------------------------------------------------- IP addresses and routes

/**
 * Reads an IPv4 address as glibc's numeric `getaddrinfo` does (inet_aton
 * forms: `10.1`, `0x0a.0.0.1`, octal `010.0.0.1`); undefined when invalid.
 */
function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length > 4) return undefined;
  const nums: number[] = [];
  for (const p of parts) {
    const m = /^(?:0[xX]([0-9a-fA-F]*)|(0[0-7]*)|([1-9][0-9]*))$/.exec(p);
    if (!m) return undefined;
    nums.push(m[1] !== undefined ? parseInt(m[1] || '0', 16) : m[2] !== undefined ? parseInt(m[2], 8) : parseInt(m[3]!, 10));
  }
  const last = nums.pop()!;
  if (nums.some((n) => n > 0xff) || last >= 2 ** (8 * (4 - nums.length))) return undefined;
  const bytes = [...nums];
  for (let i = 3 - nums.length; i >= 0; i--) bytes.push(Math.floor(last / 2 ** (8 * i)) % 256);
  return bytes;
}

/** Strict dotted quad (inet_pton), for the IPv4 tail of an IPv6 address. */
function parseDottedQuad(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^(?:0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255)) return undefined;
  return parts.map(Number);
}

/** Reads an IPv6 address (inet_pton) into eight 16-bit words; undefined when invalid. */
function parseIpv6(text: string): number[] | undefined {
  const dbl = text.indexOf('::');
  if (dbl >= 0 && text.indexOf('::', dbl + 1) >= 0) return undefined;
  const side = (s: string, quadTail: boolean): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const groups = s.split(':');
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      if (quadTail && i === groups.length - 1 && g.includes('.')) {
        const q = parseDottedQuad(g);
        if (!q) return undefined;
        out.push(q[0]! * 256 + q[1]!, q[2]! * 256 + q[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) out.push(parseInt(g, 16));
      else return undefined;
    }
    return out;
  };
  if (dbl < 0) {
    const w = side(text, true);
    return w && w.length === 8 ? w : undefined;
  }
  const head = side(text.slice(0, dbl), false);
  const tail = side(text.slice(dbl + 2), true);
  if (!head || !tail || head.length + tail.length > 7) return undefined;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** Writes eight words as glibc's inet_ntop does (longest zero run as `::`, IPv4 tail for mapped/compatible). */
function formatIpv6(w: number[]): string {
  let best = { base: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i >= 2 && j - i > best.len) best = { base: i, len: j - i };
    i = j;
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (best.base >= 0 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) s += ':';
      continue;
    }
    if (i !== 0) s += ':';
    if (i === 6 && best.base === 0 && (best.len === 6 || (best.len === 5 && w[5] === 0xffff))) {
      return s + [w[6]! >> 8, w[6]! & 0xff, w[7]! >> 8, w[7]! & 0xff].join('.');
    }
    s += w[i]!.toString(16);
  }
  if (best.base >= 0 && best.base + best.len === 8) s += ':';
  return s;
}

export type IpFamily = 'ipv4' | 'ipv6';

/** An IP address in libvirt's written form (`virSocketAddrFormat`), with its family; undefined when invalid. */
export function canonicalIp(text: string): { family: IpFamily; text: string } | undefined {
  let c = ipCache.get(text);
  if (c === undefined) {
    const r = readIp(text);
    c = r ? Object.freeze(r) : null;
    if (ipCache.size >= 4096) ipCache.clear(); // bounded: configs reuse a few addresses
    ipCache.set(text, c);
  }
  return c ?? undefined;
}

/** Parsed addresses by text (formatting a parsed def reads each address again). */
const ipCache = new Map<string, { family: IpFamily; text: string } | null>();

function readIp(text: string): { family: IpFamily; text: string } | undefined {
  if (text.includes(':')) {
    const pct = text.indexOf('%');
    const zone = pct >= 0 ? text.slice(pct) : '';
    const w = parseIpv6(pct >= 0 ? text.slice(0, pct) : text);
    if (!w || zone === '%') return undefined;
    return { family: 'ipv6', text: formatIpv6(w) + zone };
  }
  // the common case, already in libvirt's form (formatting a parsed def asks again)
  if (CANONICAL_IPV4.test(text)) return { family: 'ipv4', text };
  const b = parseIpv4(text);
  return b ? { family: 'ipv4', text: b.join('.') } : undefined;
}

const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
/** A dotted quad without leading zeros: what inet_ntop writes, so it reads back as itself. */
const CANONICAL_IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

function ipType(name: string, family?: IpFamily): ValueType<string> {
  const read = (t: string) => {
    const c = canonicalIp(t);
    return c && (!family || c.family === family) ? c.text : undefined;
  };
  return {
    name,
    parse: (t) => read(t) ?? INVALID,
    format: (v) => read(v) ?? v,
    is: (v): v is string => typeof v === 'string' && read(v) !== undefined,
    schema: { type: 'string', description: family === 'ipv4' ? 'IPv4 address' : 'IPv4 or IPv6 address' },
  };
}

/** An IPv4 or IPv6 address, read as libvirt reads it and written in canonical form (`2001:db8::1`). */
export const ipAddress = ipType('ipAddr');
/** An IPv4 address (netmasks, NAT ranges). */
export const ipv4Address = ipType('ipv4Addr', 'ipv4');
export const ipFamily = oneOf('ipv4', 'ipv6');
export const ipPrefix = uint({ max: 128 });

/**
 * `<route family address netmask|prefix gateway metric/>`: a static route
 * (libvirt's `virNetDevIPRoute`, shared by networks and domain interfaces).
 */
export const ipRoute = element(
  'route',
  {
    family: attr(ipFamily),
    address: attr(ipAddress, { required: true }),
    netmask: attr(ipv4Address),
    prefix: attr(ipPrefix),
    gateway: attr(ipAddress, { required: true }),
    metric: attr(uint(), { omit: (v: number) => v === 0, doc: 'written only when > 0' }),
  },
  { doc: 'Static route' },
);
export type IpRoute = Infer<typeof ipRoute>;
