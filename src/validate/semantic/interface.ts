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

/** Prefixes of the tap/macvtap names libvirt generates; a config may not claim them (they are dropped from inactive XML). */
const RESERVED_IFNAME = /^(vnet|macvtap|macvlan)/;

/** Interface types that take VLAN tags (besides a direct interface in passthrough mode), as libvirt 12.9 answers. */
const VLAN_TYPES: ReadonlySet<string> = new Set(['network', 'bridge', 'hostdev']);

type IpInfo = { ips?: Array<{ address: string; family?: string }>; routes?: Array<{ family?: string; address?: string; gateway: string }> };

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
    const fam = canonicalIp(ip.address)?.family;
    if (ip.family !== undefined && fam !== undefined && fam !== ip.family) {
      r.at({ obj: ip, path: itemPath(l.path, 'ip', ips, i) }, 'libvirt-ip-address', `XML error: Invalid address '${ip.address}' in <ip>`, { attribute: 'address' });
    }
  });
  const routes = info.routes ?? [];
  routes.forEach((rt, i) => {
    if (rt.family !== undefined) return;
    // the address first, then the gateway
    const v6 = ([['address', rt.address], ['gateway', rt.gateway]] as const).find(([, a]) => a !== undefined && canonicalIp(a)?.family === 'ipv6');
    if (v6 !== undefined) {
      r.at(
        { obj: rt, path: itemPath(l.path, 'route', routes, i) },
        'libvirt-route-family',
        // (libvirt names the route's address in both messages: '(null)' when it has none)
        `XML error: ${what}: No family specified for non-IPv4 ${v6[0]} '${rt.address ?? '(null)'}' in route definition`,
        { attribute: v6[0] },
      );
    }
  });
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
    if (bw?.classID !== undefined) {
      r.at(childOf(l, 'bandwidth', bw), 'libvirt-interface-bandwidth', 'classID attribute not supported on <bandwidth> in this usage context', { attribute: 'classID' });
    }
    checkGuestIps(l, 'guest interface', r);
    checkHostdevInterface(def, l, r);
  }
  // a capabilities hostdev of type net (a container's host interface) has the same IP information
  for (const l of familyOf(def, 'hostdevs')) {
    if (l.obj.mode === 'capabilities' && l.obj.type === 'net') checkGuestIps(l, 'Domain hostdev device', r);
  }
}
