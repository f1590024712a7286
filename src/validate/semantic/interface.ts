/**
 * `<interface>` rules beyond the parser (`virDomainNetDefParseXML`'s
 * post-checks, `virDomainNetDefValidate`): a bridge interface needs its
 * bridge, `<portForward>` only with passt, target names libvirt reserves
 * for the devices it creates, MAC addresses used twice; and the hostdev
 * interface rules of ./hostdev.ts.
 */
import type { InterfaceDef } from '../../domain/devices/interface.js';
import { canonicalIp } from '../../common/networkcommon.js';
import { childOf, itemPath, type Located, type Reporter } from './context.js';
import { familyOf, type DeviceScope } from './devices.js';
import { checkHostdevInterface } from './hostdev.js';
import { checkBandwidth } from './bandwidth.js';
import { ipBytes } from '../../network/ip-range.js';

/** Prefixes of the tap/macvtap names libvirt generates; a config may not claim them (they are dropped from inactive XML). */
const RESERVED_IFNAME = /^(vnet|macvtap|macvlan)/;

/** Interface types that take VLAN tags (besides a direct interface in passthrough mode), as libvirt 12.9 answers. */
const VLAN_TYPES: ReadonlySet<string> = new Set(['network', 'bridge', 'hostdev']);

/** Interface types whose `<virtualport>` must name its type (a network's may take it from the network). */
const VPORT_TYPE_NEEDED: ReadonlySet<string> = new Set(['bridge', 'direct', 'hostdev']);

type IpInfo = { ips?: Array<{ address: string; family?: string; prefix?: number; peer?: string }>; routes?: Route[] };

/**
 * A guest's IP addresses and routes (`virDomainNetIPInfoParseXML`,
 * `virNetDevIPRouteParseXML`): an `<ip>` of the family it names, and a
 * route without family only over IPv4. `what` is libvirt's name of the
 * device in its message.
 */
export function checkGuestIps(l: Located<object>, what: string, r: Reporter): void {
  const info: IpInfo = l.obj;
  const ips = info.ips ?? [];
  ips.forEach((ip, i) => {
    const at = { obj: ip, path: itemPath(l.path, 'ip', ips, i) };
    const fam = canonicalIp(ip.address)?.family;
    if (ip.family !== undefined && fam !== undefined && fam !== ip.family) {
      r.at(at, 'libvirt-ip-address', `XML error: Invalid address '${ip.address}' in <ip>`, { attribute: 'address' });
      return;
    }
    // the address's family (the one named, or the address's own) bounds the prefix and is the peer's
    const family = ip.family ?? fam;
    if (ip.prefix !== undefined && ((family === 'ipv4' && ip.prefix > 32) || (family === 'ipv6' && ip.prefix > 128))) {
      r.at(at, 'libvirt-ip-prefix', `XML error: Invalid prefix value '${ip.prefix}' in <ip>`, { attribute: 'prefix' });
      return;
    }
    const peer = ip.peer !== undefined ? canonicalIp(ip.peer)?.family : undefined;
    if (peer !== undefined && family !== undefined && peer !== family) {
      r.at(at, 'libvirt-ip-peer', `invalid argument: Invalid peer '${ip.peer}' in <ip>`, { attribute: 'peer' });
    }
  });
  checkRoutes(l.path, info.routes ?? [], what, r);
}

type Route = { family?: string; address?: string; netmask?: string; prefix?: number; gateway: string };

/**
 * Static routes (`virNetDevIPRouteParseXML`), of a guest interface or of a
 * network (`what` is then the network's name): a route without family only
 * over IPv4 (the address first, then the gateway), and its address a network
 * address (no bits set beyond the prefix or netmask; no prefix is prefix 0).
 */
export function checkRoutes(parent: string, routes: readonly Route[], what: string, r: Reporter): void {
  routes.forEach((rt, i) => {
    const at = { obj: rt, path: itemPath(parent, 'route', routes, i) };
    const af = rt.address !== undefined ? canonicalIp(rt.address)?.family : undefined;
    const gf = canonicalIp(rt.gateway)?.family;
    // a family named: the address, then the gateway, of that family (libvirt's words differ from one case to the next)
    if (rt.family === 'ipv4' && (af === 'ipv6' || gf === 'ipv6')) {
      const which = af === 'ipv6' ? 'address' : 'gateway';
      r.at(at, 'libvirt-route-family', `XML error: ${what}: IPv4 family specified for non-IPv4 ${which} '${rt.address ?? '(null)'}' in route definition`, { attribute: which });
      return;
    }
    if (rt.family === 'ipv6' && (af === 'ipv4' || gf === 'ipv4')) {
      r.at(
        at,
        'libvirt-route-family',
        af === 'ipv4'
          ? `XML error: ${what}: ipv6 family specified for non-IPv6 address '${rt.address}' in route definition`
          : `XML error: ${what}: ipv6 specified for non-IPv6 gateway address '${rt.gateway}' in route definition`,
        { attribute: af === 'ipv4' ? 'address' : 'gateway' },
      );
      return;
    }
    if (rt.family === undefined) {
      // the address first, then the gateway
      const v6 = ([['address', rt.address], ['gateway', rt.gateway]] as const).find(([, a]) => a !== undefined && canonicalIp(a)?.family === 'ipv6');
      if (v6 !== undefined) {
        // (libvirt names the route's address in both messages: '(null)' when it has none)
        r.at(at, 'libvirt-route-family', `XML error: ${what}: No family specified for non-IPv4 ${v6[0]} '${rt.address ?? '(null)'}' in route definition`, {
          attribute: v6[0],
        });
        return;
      }
    }
    if (rt.address !== undefined && !isNetworkAddress(rt)) {
      r.at(at, 'libvirt-route-address', `XML error: ${what}: Address '${rt.address}' in route definition is not a network address`, { attribute: 'address' });
    }
  });
}

/**
 * Whether a route's address has no bits beyond its prefix (or netmask).
 * Routes libvirt refuses for another reason first (mixed families, a netmask
 * beside a prefix or on IPv6, a prefix too long) count as network addresses:
 * this rule does not speak for them.
 */
function isNetworkAddress(rt: Route): boolean {
  const a = ipBytes(rt.address!);
  const g = ipBytes(rt.gateway);
  if (!a || !g || a.family !== g.family || (rt.family !== undefined && rt.family !== a.family)) return true;
  let mask: number[];
  if (rt.netmask !== undefined) {
    const m = ipBytes(rt.netmask);
    if (rt.prefix !== undefined || a.family !== 'ipv4' || !m || m.family !== 'ipv4') return true;
    const bits = m.bytes.map((b) => b.toString(2).padStart(8, '0')).join('');
    if (!/^1*0*$/.test(bits)) return true;
    mask = m.bytes;
  } else {
    const prefix = rt.prefix ?? 0;
    if (prefix > a.bytes.length * 8) return true;
    mask = a.bytes.map((_, i) => (0xff << (8 - Math.max(0, Math.min(8, prefix - 8 * i)))) & 0xff);
  }
  return a.bytes.every((b, i) => (b & ~mask[i]!) === 0);
}

export function checkInterfaces(def: DeviceScope, r: Reporter): void {
  const macs = new Map<string, string>();
  for (const l of familyOf(def, 'interfaces')) {
    const iface = l.obj;
    if (iface.type === 'bridge' && iface.source === undefined) {
      r.at(l, 'libvirt-interface-source', "XML error: interface type='bridge' requires a 'source' element");
    }
    const fwd = 'portForwards' in iface ? iface.portForwards : undefined;
    if (fwd?.length) {
      const passt = 'backend' in iface && iface.backend?.type === 'passt';
      if (!passt || (iface.type !== 'user' && iface.type !== 'vhostuser')) {
        r.at(
          childOf(l, 'portForward', fwd[0]!),
          'libvirt-interface-portforward',
          "unsupported configuration: The <portForward> element can only be used with the 'passt' backend of interface type='user' or type='vhostuser'",
        );
      }
    }
    const target = 'target' in iface ? iface.target : undefined;
    if (target?.dev !== undefined && RESERVED_IFNAME.test(target.dev) && target.managed !== false) {
      r.at(
        childOf(l, 'target', target),
        'libvirt-interface-reserved-ifname',
        `target dev '${target.dev}' uses a prefix libvirt reserves for the devices it creates (vnet, macvtap, macvlan): libvirt drops it from an inactive definition and picks its own name`,
        { attribute: 'dev', severity: 'warning' },
      );
    }
    const mac = iface.mac?.address?.toLowerCase();
    if (mac !== undefined) {
      const first = macs.get(mac);
      if (first !== undefined) {
        r.at(
          childOf(l, 'mac', iface.mac),
          'virtxml-duplicate-mac',
          `MAC address ${mac} is also used by ${first}: libvirt accepts it, but two guest NICs with one MAC address collide on a network`,
          { attribute: 'address', severity: 'warning', source: 'virtxml' },
        );
      } else macs.set(mac, l.path);
    }
    // virDomainActualNetDefValidate: VLAN tags only where libvirt (or the network) can set them up
    const vlan = 'vlan' in iface ? iface.vlan : undefined;
    if (vlan?.tags?.length && !VLAN_TYPES.has(iface.type) && !(iface.type === 'direct' && iface.source?.mode === 'passthrough')) {
      r.at(
        childOf(l, 'vlan', vlan),
        'libvirt-interface-vlan',
        `unsupported configuration: interface ${iface.mac?.address?.toLowerCase() ?? '(its MAC address)'} - vlan tag not supported for this connection type`,
      );
    }
    const bw = 'bandwidth' in iface ? iface.bandwidth : undefined;
    if (bw) checkBandwidth(childOf(l, 'bandwidth', bw), { allowFloor: iface.type === 'network', code: 'libvirt-interface-bandwidth' }, r);
    // virDomainNetBackendParseXML (the passt-only attributes), virNetDevVPortProfileParse (a type where no network gives it)
    const backend = 'backend' in iface ? iface.backend : undefined;
    if (backend && backend.type !== 'passt' && (backend.hostname !== undefined || backend.fqdn !== undefined)) {
      r.at(childOf(l, 'backend', backend), 'libvirt-interface-backend', "unsupported configuration: The 'fqdn' attribute of the <backend> element can only be used with the <backend> type='passt'", {
        attribute: backend.fqdn !== undefined ? 'fqdn' : 'hostname',
      });
    }
    const vport = 'virtualport' in iface ? iface.virtualport : undefined;
    if (vport && vport.type === undefined && VPORT_TYPE_NEEDED.has(iface.type)) {
      r.at(childOf(l, 'virtualport', vport), 'libvirt-interface-virtualport', 'XML error: missing required virtualport type');
    }
    checkGuestIps(l, 'guest interface', r);
    checkHostdevInterface(def, l, r);
  }
  // a capabilities hostdev of type net (a container's host interface) has the same IP information
  for (const l of familyOf(def, 'hostdevs')) {
    if (l.obj.mode === 'capabilities' && l.obj.type === 'net') checkGuestIps(l, 'Domain hostdev device', r);
  }
}
