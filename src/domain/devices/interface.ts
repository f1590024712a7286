/**
 * `<interface>`: a guest network interface, every type of libvirt 10.7, a
 * union on `type` (absent reads as `user`, the enum's zero, like libvirt).
 *
 * libvirt's order (`virDomainNetDefFormat`): attributes type, managed
 * (hostdev, only when yes), trustGuestRxFilters; children
 *
 *   mac, [hostdev <driver>], source, vlan, virtualport, bandwidth, port,
 *   [actual: status XML], ip*, route*, portForward*, script, downscript,
 *   backenddomain, target, guest, model, [virtio <driver>], backend,
 *   [filterref], tune, teaming, link, mtu, coalesce,
 *   boot, alias, rom, acpi, address.
 *
 * `<virtualport>` is read only for bridge, network, direct and hostdev;
 * `<filterref>` only for ethernet, network and bridge (libvirt ignores it
 * elsewhere; here it is then kept as unknown content). Host-side pieces
 * live in ./interface-source.ts, guest-facing options in
 * ./interface-options.ts, NIC backend settings in ./interface-driver.ts,
 * `<actual>` in ./interface-actual.ts.
 */
import { hostdevDriver } from '../../common/basictypes.js';
import { attr, child, element, list, tag, union, type Infer } from '../../xml/decl.js';
import { literal, str, yesNo } from '../../xml/values.js';
import { teaming } from './hostdev.js';
import { deviceInfoFields } from './info.js';
import { interfaceActual } from './interface-actual.js';
import { netBackend, netCoalesce, netDriver, netTune } from './interface-driver.js';
import {
  filterRef,
  netGuest,
  netLink,
  netMac,
  netModel,
  netMtu,
  netTarget,
  nicBeforeFormat,
  pathElement,
  portForward,
} from './interface-options.js';
import {
  bridgeSource,
  directSource,
  ethernetSource,
  hostdevInterfaceSource,
  hostLinkFields,
  hostLinkFieldsNoVirtualPort,
  trustGuestRxFilters,
  internalSource,
  networkSource,
  serverSource,
  socketSource,
  udpSource,
  userSource,
  vdpaSource,
  vdsSource,
  vhostuserSource,
} from './interface-source.js';
import { interfaceIp, interfaceRoute } from './ipinfo.js';

// ---------------------------------------------------------------- shared field groups

/** First child of every interface. */
const macField = { mac: child(netMac) } as const;

/** Guest IPs through `<backend>`: everything between the host side and the filter. */
const nicFields = {
  ips: list(interfaceIp),
  routes: list(interfaceRoute),
  portForwards: list(portForward),
  script: child(pathElement('script')),
  downscript: child(pathElement('downscript')),
  backenddomain: child(element('backenddomain', { name: attr(str, { required: true, missing: 'ignore-element' }) })),
  target: child(netTarget, { omitEmpty: true }),
  guest: child(netGuest),
  model: child(netModel),
  driver: child(netDriver, { omitEmpty: true }),
  backend: child(netBackend, { omitEmpty: true }),
} as const;

/** The same without the virtio `<driver>` (type='hostdev' has the PCI hostdev driver). */
const { driver: _virtioDriver, ...hostdevNicFields } = nicFields;

const filterField = { filterref: child(filterRef) } as const;

/** Everything after the filter. */
const tailFields = {
  tune: child(netTune, { omitEmpty: true }),
  teaming: child(teaming),
  link: child(netLink),
  mtu: child(netMtu),
  coalesce: child(netCoalesce, { omitEmpty: true }),
  ...deviceInfoFields,
} as const;

// ---------------------------------------------------------------- the cases

export const networkInterface = element(
  'interface',
  {
    type: tag(literal('network')),
    trustGuestRxFilters,
    ...macField,
    source: child(networkSource, { required: true }),
    ...hostLinkFields,
    actual: child(interfaceActual, { when: (ctx) => ctx.status, doc: 'status XML only' }),
    ...nicFields,
    ...filterField,
    ...tailFields,
  },
  { doc: 'Connected to a libvirt virtual network', beforeFormat: nicBeforeFormat },
);
export type NetworkInterface = Infer<typeof networkInterface>;

export const bridgeInterface = element(
  'interface',
  {
    type: tag(literal('bridge')),
    trustGuestRxFilters,
    ...macField,
    source: child(bridgeSource),
    ...hostLinkFields,
    ...nicFields,
    ...filterField,
    ...tailFields,
  },
  { doc: 'Connected to a host bridge through a tap device', beforeFormat: nicBeforeFormat },
);

export const directInterface = element(
  'interface',
  {
    type: tag(literal('direct')),
    trustGuestRxFilters,
    ...macField,
    source: child(directSource, { required: true }),
    ...hostLinkFields,
    ...nicFields,
    ...tailFields,
  },
  { doc: 'macvtap on a host network device', beforeFormat: nicBeforeFormat },
);

export const hostdevInterface = element(
  'interface',
  {
    type: tag(literal('hostdev')),
    managed: attr(yesNo, { omit: (v: boolean) => !v, doc: 'libvirt detaches/re-attaches the device; written only when yes' }),
    trustGuestRxFilters,
    ...macField,
    driver: child(hostdevDriver, { omitEmpty: true }),
    source: child(hostdevInterfaceSource, { required: true }),
    ...hostLinkFields,
    ...hostdevNicFields,
    ...tailFields,
  },
  { doc: 'A host PCI/USB network device (SR-IOV VF) assigned to the guest' },
);
export type HostdevInterface = Infer<typeof hostdevInterface>;

export const userInterface = element(
  'interface',
  {
    type: attr(literal('user'), { default: 'user' as const }),
    trustGuestRxFilters,
    ...macField,
    source: child(userSource),
    ...hostLinkFieldsNoVirtualPort,
    ...nicFields,
    ...tailFields,
  },
  { doc: 'Userspace networking (SLIRP or passt)', beforeFormat: nicBeforeFormat },
);

export const ethernetInterface = element(
  'interface',
  {
    type: tag(literal('ethernet')),
    trustGuestRxFilters,
    ...macField,
    source: child(ethernetSource, { omitEmpty: true }),
    ...hostLinkFieldsNoVirtualPort,
    ...nicFields,
    ...filterField,
    ...tailFields,
  },
  { doc: 'A tap device configured by the host (scripts, IPs)', beforeFormat: nicBeforeFormat },
);

export const vhostuserInterface = element(
  'interface',
  {
    type: tag(literal('vhostuser')),
    trustGuestRxFilters,
    ...macField,
    // libvirt 12.9 fills in <source type='unix' mode='client'/> when there is none
    source: child(vhostuserSource),
    ...hostLinkFieldsNoVirtualPort,
    ...nicFields,
    ...tailFields,
  },
  { doc: 'vhost-user over a unix socket', beforeFormat: nicBeforeFormat },
);

export const serverInterface = element(
  'interface',
  {
    type: tag(literal('server')),
    trustGuestRxFilters,
    ...macField,
    source: child(serverSource, { required: true }),
    ...hostLinkFieldsNoVirtualPort,
    ...nicFields,
    ...tailFields,
  },
  { doc: 'QEMU socket backend, listening', beforeFormat: nicBeforeFormat },
);

export const clientInterface = element(
  'interface',
  {
    type: tag(literal('client')),
    trustGuestRxFilters,
    ...macField,
    source: child(socketSource, { required: true }),
    ...hostLinkFieldsNoVirtualPort,
    ...nicFields,
    ...tailFields,
  },
  { doc: 'QEMU socket backend, connecting', beforeFormat: nicBeforeFormat },
);

export const mcastInterface = element(
  'interface',
  {
    type: tag(literal('mcast')),
    trustGuestRxFilters,
    ...macField,
    source: child(socketSource, { required: true }),
    ...hostLinkFieldsNoVirtualPort,
    ...nicFields,
    ...tailFields,
  },
  { doc: 'QEMU socket backend, multicast', beforeFormat: nicBeforeFormat },
);

export const udpInterface = element(
  'interface',
  {
    type: tag(literal('udp')),
    trustGuestRxFilters,
    ...macField,
    source: child(udpSource, { required: true }),
    ...hostLinkFieldsNoVirtualPort,
    ...nicFields,
    ...tailFields,
  },
  { doc: 'QEMU socket backend, UDP', beforeFormat: nicBeforeFormat },
);

export const internalInterface = element(
  'interface',
  {
    type: tag(literal('internal')),
    trustGuestRxFilters,
    ...macField,
    source: child(internalSource, { required: true }),
    ...hostLinkFieldsNoVirtualPort,
    ...nicFields,
    ...tailFields,
  },
  { doc: 'An internal network (VirtualBox)', beforeFormat: nicBeforeFormat },
);

export const vdpaInterface = element(
  'interface',
  {
    type: tag(literal('vdpa')),
    trustGuestRxFilters,
    ...macField,
    source: child(vdpaSource, { required: true }),
    ...hostLinkFieldsNoVirtualPort,
    ...nicFields,
    ...tailFields,
  },
  { doc: 'A vhost-vdpa device', beforeFormat: nicBeforeFormat },
);

export const nullInterface = element(
  'interface',
  {
    type: tag(literal('null')),
    trustGuestRxFilters,
    ...macField,
    ...hostLinkFieldsNoVirtualPort,
    ...nicFields,
    ...tailFields,
  },
  { doc: 'No backend (not connected)', beforeFormat: nicBeforeFormat },
);

export const vdsInterface = element(
  'interface',
  {
    type: tag(literal('vds')),
    trustGuestRxFilters,
    ...macField,
    source: child(vdsSource, { required: true }),
    ...hostLinkFieldsNoVirtualPort,
    ...nicFields,
    ...tailFields,
  },
  { doc: 'vSphere Distributed Switch (ESX)', beforeFormat: nicBeforeFormat },
);

// ---------------------------------------------------------------- the union

export const netInterface = union(
  'interface',
  'type',
  {
    network: networkInterface,
    bridge: bridgeInterface,
    direct: directInterface,
    hostdev: hostdevInterface,
    user: userInterface,
    ethernet: ethernetInterface,
    vhostuser: vhostuserInterface,
    server: serverInterface,
    client: clientInterface,
    mcast: mcastInterface,
    udp: udpInterface,
    internal: internalInterface,
    vdpa: vdpaInterface,
    null: nullInterface,
    vds: vdsInterface,
  },
  {
    defaultCase: 'user',
    doc: 'A guest network interface',
    unknownMessage: "Invalid value for attribute 'type' in element 'interface': '%s'.",
  },
);
export type InterfaceDef = Infer<typeof netInterface>;

export { interfaceActual, type InterfaceActual } from './interface-actual.js';
