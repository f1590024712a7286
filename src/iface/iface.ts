/**
 * `<interface>`: a host network interface (interface.rng; `virsh
 * iface-define` / `iface-dumpxml`), as `virInterfaceDefDevFormat` writes it.
 * One case per `type`: ethernet, bridge, bond, vlan. A top-level interface
 * has `<start>`, `<mtu>` and `<protocol>`s; the interfaces inside a
 * `<bridge>` or a `<bond>` are "bare": libvirt reads only their name,
 * `<link>` and what their type needs (a bridge reads no `<link>` or `<mac>`
 * of its own). Element order is libvirt's: start, mtu, protocols, link,
 * then mac (ethernet), bridge, bond or vlan. libvirt writes `<interface>`,
 * `<bridge>`, `<bond>` and `<protocol>` with an end tag even when empty.
 *
 * The root `<interface>` is also a domain's device snippet; the registry
 * (src/kinds.ts) tells them apart by content (see `isHostInterface`).
 */
import { attr, child, element, EXTRA, list, tag, union, type Extra, type Infer } from '../xml/decl.js';
import { originOf } from '../xml/codec.js';
import { closedOneOf, literal, oneOf, str, uint } from '../xml/values.js';
import { ifaceProtocol } from './protocol.js';

/** `<start mode/>`: when the interface is brought up; libvirt reads past a `<start>` without mode. */
export const ifaceStart = element('start', {
  mode: attr(oneOf('onboot', 'none', 'hotplug'), { required: true, missing: 'ignore-element' }),
});

/** `<mtu size/>`; libvirt leaves out a size of 0. */
export const ifaceMtu = element('mtu', { size: attr(uint(), { required: true, omit: (v: number) => v === 0 }) });

/** `<link speed state/>` (virInterfaceLinkFormat): speed in Mbit/s, the operational state. */
export const ifaceLink = element('link', {
  speed: attr(uint(), { omit: (v: number) => v === 0 }),
  state: attr(oneOf('unknown', 'notpresent', 'down', 'lowerlayerdown', 'testing', 'dormant', 'up')),
});

export const ifaceMac = element('mac', { address: attr(str, { required: true, missing: 'ignore-element', doc: 'kept as written (libvirt does not check or normalise it)' }) });

const name = attr(str, { required: true, doc: 'the device name (eth0, br0, bond0, eth0.42)' });
const start = child(ifaceStart);
const mtu = child(ifaceMtu, { omitEmpty: true });
const protocols = list(ifaceProtocol);
const link = child(ifaceLink, { omitEmpty: true });
const mac = child(ifaceMac);
const endTag = { selfClose: false } as const;

// ---------------------------------------------------------------- vlan, bond, bridge

/** `<vlan tag>` with the `<interface name/>` it is on. libvirt keeps the tag as text. */
export const ifaceVlan = element('vlan', {
  tag: attr(str, { required: true, doc: 'the VLAN id' }),
  interface: child(element('interface', { name: attr(str, { required: true, doc: 'the device the VLAN is on' }) }), { required: true }),
});

export const ifaceMiimon = element('miimon', {
  freq: attr(uint(), { required: true, doc: 'MII link monitoring frequency (ms)' }),
  downdelay: attr(uint(), { omit: (v: number) => v === 0 }),
  updelay: attr(uint(), { omit: (v: number) => v === 0 }),
  carrier: attr(closedOneOf('ioctl', 'netif')),
});

export const ifaceArpmon = element('arpmon', {
  interval: attr(uint(), { required: true, doc: 'ARP monitoring interval (ms)' }),
  target: attr(str, { required: true }),
  validate: attr(closedOneOf('none', 'active', 'backup', 'all')),
});

/** An ethernet interface inside a bond or a bridge. */
export const bareEthernet = element('interface', { type: tag(literal('ethernet')), name, link, mac }, endTag);
export type BareEthernetDef = Infer<typeof bareEthernet>;

export const ifaceBond = element(
  'bond',
  {
    mode: attr(closedOneOf('balance-rr', 'active-backup', 'balance-xor', 'broadcast', '802.3ad', 'balance-tlb', 'balance-alb')),
    miimon: child(ifaceMiimon),
    arpmon: child(ifaceArpmon),
    interfaces: list(union('interface', 'type', { ethernet: bareEthernet }, { unknownMessage: "interface has unsupported type '%s'" })),
  },
  {
    ...endTag,
    // libvirt reads <arpmon> only without <miimon> (asked of 12.9): kept unread after it
    check: (b: { miimon?: object; arpmon?: object; [EXTRA]?: Extra }) => {
      if (b.miimon === undefined || b.arpmon === undefined) return undefined;
      const el = originOf(b.arpmon)?.el;
      delete b.arpmon;
      if (el) ((b[EXTRA] ??= {}).nodes ??= []).push({ after: 'miimon', node: el });
      return undefined;
    },
  },
);

const bareVlan = element('interface', { type: tag(literal('vlan')), name, link, vlan: child(ifaceVlan, { required: true }) }, endTag);
const bareBond = element('interface', { type: tag(literal('bond')), name, link, bond: child(ifaceBond, { required: true }) }, endTag);

/** An interface inside a `<bridge>`: ethernet, vlan or bond. */
export const bridgeMember = union('interface', 'type', { ethernet: bareEthernet, vlan: bareVlan, bond: bareBond }, { unknownMessage: "interface has unsupported type '%s'" });

export const ifaceBridge = element(
  'bridge',
  {
    // libvirt reads past another word (asked of 12.9): kept unread
    stp: attr(closedOneOf('on', 'off'), { doc: 'spanning tree protocol', readIf: (a) => a('stp') === 'on' || a('stp') === 'off' }),
    delay: attr(str, { doc: 'forward delay (s), kept as written' }),
    interfaces: list(bridgeMember),
  },
  endTag,
);

// ---------------------------------------------------------------- the document

export const ifaceEthernet = element('interface', { type: tag(literal('ethernet')), name, start, mtu, protocols, link, mac }, endTag);
export const ifaceBridgeInterface = element('interface', { type: tag(literal('bridge')), name, start, mtu, protocols, bridge: child(ifaceBridge, { required: true }) }, endTag);
export const ifaceBondInterface = element('interface', { type: tag(literal('bond')), name, start, mtu, protocols, link, bond: child(ifaceBond, { required: true }) }, endTag);
export const ifaceVlanInterface = element('interface', { type: tag(literal('vlan')), name, start, mtu, protocols, link, vlan: child(ifaceVlan, { required: true }) }, endTag);

/** A host interface document (`virsh iface-dumpxml`). */
export const interfaceDef = union(
  'interface',
  'type',
  { ethernet: ifaceEthernet, bridge: ifaceBridgeInterface, bond: ifaceBondInterface, vlan: ifaceVlanInterface },
  { unknownMessage: "Invalid value for attribute 'type' in element 'interface': '%s'." },
);
export type HostInterfaceDef = Infer<typeof interfaceDef>;


const HOST_TYPES = new Set(['ethernet', 'bridge', 'bond', 'vlan']);
const DOMAIN_ONLY = new Set(['source', 'model', 'target', 'driver', 'address', 'alias', 'backend', 'boot', 'rom', 'virtualport', 'filterref', 'guest', 'ip', 'route', 'script', 'tune', 'bandwidth', 'coalesce', 'teaming', 'acpi', 'portForward', 'downscript', 'port']);
const HOST_ONLY = new Set(['start', 'protocol', 'bridge', 'bond']);

/**
 * Whether a root `<interface>` is a host interface (interface.rng) rather
 * than a domain's device snippet (domaincommon.rng's `<interface>`): its
 * `type` is one a host interface has (ethernet, bridge, bond or vlan —
 * bond and vlan are no domain interface type), it has no child only a
 * domain interface has (`<source>`, `<model>`, `<target>`, `<driver>`,
 * `<address>`, …), and it has what only a host interface has: a `name`
 * attribute (a domain interface has none), or a `<start>`, `<protocol>`,
 * `<bridge>` or `<bond>` child. Everything else is a device snippet.
 */
export function isHostInterface(root: { name: string; attributes: ReadonlyArray<{ name: string; value: string }>; children: ReadonlyArray<{ type: string; name?: string }> }): boolean {
  if (root.name !== 'interface') return false;
  const type = root.attributes.find((a) => a.name === 'type')?.value;
  if (type === undefined || !HOST_TYPES.has(type)) return false;
  const kids = root.children.filter((c) => c.type === 'element').map((c) => c.name!);
  if (kids.some((k) => DOMAIN_ONLY.has(k))) return false;
  return type === 'bond' || type === 'vlan' || root.attributes.some((a) => a.name === 'name') || kids.some((k) => HOST_ONLY.has(k));
}
