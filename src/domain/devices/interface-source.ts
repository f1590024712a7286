/**
 * The host side of `<interface>`: the `<source>` of every interface type and
 * the host-side link settings that follow it (vlan, virtualport, bandwidth,
 * port), shared with `<actual>`.
 *
 * Attribute order is libvirt's formatter (`virDomainNetDefFormat`,
 * `virDomainActualNetDefContentsFormat`, `virDomainHostdevDefFormatSubsys`).
 * In live XML an interface of type network shows its actual connection in
 * place, so a network `<source>` may also carry `bridge`/`macTableManager`,
 * and bridge/direct sources may carry the network's name, portgroup and
 * port id first: `<source network='n' portid='…' bridge='virbr0'/>`.
 */
import { checkPciAddress, pciAddressFields } from '../../common/basictypes.js';
import { bandwidth, portOptions, virtualPort, vlan } from '../../common/networkcommon.js';
import { attr, child, element, list, tag, union, type CheckFailure, type FormatContext, type Infer } from '../../xml/decl.js';
import { int, literal, oneOf, str, uint, uuid, yesNo } from '../../xml/values.js';
import { origStates, usbProduct, usbVendor } from './hostdev.js';
import { interfaceIp, interfaceRoute } from './ipinfo.js';

/** portid is run-time state: not written in inactive XML. */
const notInactive = (ctx: FormatContext) => !ctx.inactive;

const NETWORK_DOC = 'Name of the libvirt network';
const networkName = { required: attr(str, { required: true, doc: NETWORK_DOC }), optional: attr(str, { doc: NETWORK_DOC }) };
const portgroup = attr(str, { doc: 'Port group of the network' });
const portid = attr(uuid, { when: notInactive, doc: "Network port's UUID (running domains)" });
const BRIDGE_DOC = 'Host bridge device';
const bridgeName = { required: attr(str, { required: true, doc: BRIDGE_DOC }), optional: attr(str, { doc: BRIDGE_DOC }) };
export const macTableManager = attr(oneOf('kernel', 'libvirt'), { doc: 'Who manages the bridge MAC table' });

/** `virNetDevMacVLanMode`; absent reads as vepa (the enum's zero) and is always written. */
export const macvlanMode = attr(oneOf('vepa', 'private', 'bridge', 'passthrough'), { default: 'vepa' as const, doc: 'macvtap mode' });

// ---------------------------------------------------------------- config sources

/** type='network': `<source network [portgroup] [portid] [bridge macTableManager]/>`. */
export const networkSource = element('source', {
  network: networkName.required,
  portgroup,
  portid,
  bridge: bridgeName.optional,
  macTableManager,
});

/** type='bridge': `<source [network portgroup portid] bridge [macTableManager]/>`. */
export const bridgeSource = element('source', {
  network: networkName.optional,
  portgroup,
  portid,
  bridge: bridgeName.required,
  macTableManager,
});

/** type='direct' (macvtap): `<source [network portgroup portid] dev mode/>`. */
export const directSource = element('source', {
  network: networkName.optional,
  portgroup,
  portid,
  dev: attr(str, { required: true, doc: 'Host network device the macvtap sits on' }),
  mode: macvlanMode,
});

/** type='user' (passt): the host interface passt binds to. */
export const userSource = element('source', {
  // without dev libvirt reads past the <source> (12.9 drops it)
  dev: attr(str, { required: true, missing: 'ignore-element' }),
});

/** type='ethernet': IP addresses and routes of the host side of the tap device. */
export const ethernetSource = element('source', {
  ips: list(interfaceIp),
  routes: list(interfaceRoute),
});

const reconnect = element('reconnect', {
  enabled: attr(yesNo),
  timeout: attr(uint()),
  delay: attr(uint()),
});

/** type='vhostuser': a unix socket. */
export const vhostuserSource = element('source', {
  // a bare <source/> is a unix socket, QEMU the client, no path (libvirt 12.9 writes type='unix' mode='client')
  type: attr(literal('unix'), { required: true, default: 'unix' }),
  path: attr(str),
  mode: attr(oneOf('server', 'client'), { required: true, default: 'client', doc: 'server: QEMU listens; client: QEMU connects' }),
  reconnect: child(reconnect),
});

const socketPort = int({ min: -1, max: 65535 });

/** type='server': address optional. */
export const serverSource = element('source', {
  address: attr(str),
  port: attr(socketPort, { required: true }),
});

/** type='client' and type='mcast'. */
export const socketSource = element('source', {
  address: attr(str, { required: true }),
  port: attr(socketPort, { required: true }),
});

/** type='udp': remote address and port, then the `<local>` end. */
export const udpSource = element('source', {
  address: attr(str, { required: true }),
  port: attr(socketPort, { required: true }),
  local: child(element('local', { address: attr(str, { required: true }), port: attr(socketPort, { required: true }) }), { required: true }),
});

/** type='internal'. */
export const internalSource = element('source', {
  name: attr(str, { required: true }),
});

/** type='vdpa': the vhost-vdpa character device. */
export const vdpaSource = element('source', {
  dev: attr(str, { required: true }),
});

const long = int({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

/** type='vds' (vSphere distributed switch); portid and connectionid are always written. */
export const vdsSource = element('source', {
  switchid: attr(uuid, { required: true }),
  portid: attr(long, { default: 0 }),
  portgroupid: attr(str),
  connectionid: attr(long, { default: 0 }),
});

// ---------------------------------------------------------------- hostdev source

const usbAddr = uint({ base0: true });

/** `<address type='pci' domain bus slot function/>`: type first, then the PCI numbers, written in hex. */
export const interfacePciAddress = element(
  'address',
  {
    type: tag(literal('pci')),
    domain: pciAddressFields.domain,
    bus: pciAddressFields.bus,
    slot: pciAddressFields.slot,
    function: pciAddressFields.function,
  },
  { check: checkPciAddress },
);

/** `<address [type='usb'] bus device/>`; written with `type='usb'`. */
export const interfaceUsbAddress = element('address', {
  type: attr(literal('usb'), { default: 'usb' as const }),
  bus: attr(usbAddr, { required: true }),
  device: attr(usbAddr, { required: true }),
});

export const interfaceHostdevAddress = union(
  'address',
  'type',
  { pci: interfacePciAddress, usb: interfaceUsbAddress },
  { defaultCase: 'usb', unknownMessage: "unknown host device source address type '%s'" },
);

/** libvirt's checks of a hostdev source (`virDomainHostdevDefParseXMLSubsys`). */
function checkHostdevSource(s: { vendor?: unknown; product?: unknown; address?: unknown }): CheckFailure | undefined {
  if (s.vendor !== undefined && s.product === undefined) return { code: 'missing-element', message: 'missing product' };
  if (s.product !== undefined && s.vendor === undefined) return { code: 'missing-element', message: 'missing vendor' };
  if (s.vendor === undefined && s.address === undefined) return { code: 'missing-element', message: 'missing source address type' };
  return undefined;
}

/**
 * type='hostdev' (and `<actual type='hostdev'>`): a PCI address, or a USB
 * device by vendor/product and/or bus/device.
 */
export const hostdevInterfaceSource = element(
  'source',
  {
    missing: attr(yesNo, { omit: (v: boolean) => !v, when: notInactive, doc: 'USB device not present on the host' }),
    vendor: child(usbVendor),
    product: child(usbProduct),
    address: child(interfaceHostdevAddress),
    origstates: child(origStates, { when: (ctx) => ctx.status, doc: 'status XML only' }),
  },
  { check: checkHostdevSource },
);
export type HostdevInterfaceSource = Infer<typeof hostdevInterfaceSource>;

// ---------------------------------------------------------------- host-side link settings

/** `trustGuestRxFilters` of `<interface>` and `<actual>`: written whenever set. */
export const trustGuestRxFilters = attr(yesNo, { doc: "Trust the guest's RX filter changes (MAC/multicast)" });

/** vlan, virtualport, bandwidth, port: written right after `<source>`, in this order. */
export const hostLinkFields = {
  vlan: child(vlan),
  virtualport: child(virtualPort),
  bandwidth: child(bandwidth),
  port: child(portOptions),
} as const;

const { virtualport: _virtualport, ...withoutVirtualPort } = hostLinkFields;
/** The same without `<virtualport>` (only bridge, network, direct and hostdev take one). */
export const hostLinkFieldsNoVirtualPort = withoutVirtualPort;
