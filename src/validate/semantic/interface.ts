/**
 * `<interface>` rules beyond the parser (`virDomainNetDefParseXML`'s
 * post-checks, `virDomainNetDefValidate`): a bridge interface needs its
 * bridge, `<portForward>` only with passt, target names libvirt reserves
 * for the devices it creates, MAC addresses used twice; and the hostdev
 * interface rules of ./hostdev.ts.
 */
import type { InterfaceDef } from '../../domain/devices/interface.js';
import { childOf, type Reporter } from './context.js';
import { familyOf, type DeviceScope } from './devices.js';
import { checkHostdevInterface } from './hostdev.js';

/** Prefixes of the tap/macvtap names libvirt generates; a config may not claim them (they are dropped from inactive XML). */
const RESERVED_IFNAME = /^(vnet|macvtap|macvlan)/;

/** Interface types that take VLAN tags (besides a direct interface in passthrough mode), as libvirt 12.9 answers. */
const VLAN_TYPES: ReadonlySet<string> = new Set(['network', 'bridge', 'hostdev']);

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
    checkHostdevInterface(def, l, r);
  }
}
