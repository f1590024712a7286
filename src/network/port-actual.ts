/**
 * The domain side of network ports (libvirt's domain_conf.c), pure
 * functions between an `<interface type='network'>` and a `<networkport>`:
 *
 * - {@link interfaceToPort}: `virDomainNetDefToNetworkPort` — the request
 *   (owner, portgroup, MAC, the interface's own virtualport, bandwidth,
 *   vlan, isolated, trustGuestRxFilters), no plug yet;
 * - {@link portToActual}: `virDomainNetDefActualFromNetworkPort` (§2.5) —
 *   a plugged port as the interface's `<actual>`;
 * - {@link actualToPort}: `virDomainNetDefActualToNetworkPort` — an
 *   existing `<actual>` back into a port, for reclaiming after a restart (§2.6).
 */
import type { PciSourceAddress } from '../common/basictypes.js';
import type { Bandwidth } from '../common/networkcommon.js';
import type { InterfaceActual, NetworkInterface } from '../domain/devices/interface.js';
import type { UnknownWord } from '../xml/values.js';
import { VirtXmlError } from '../xml/errors.js';
import type { NetworkPortDef } from './port.js';

/** The domain an interface belongs to (a `DomainDef` will do). */
export interface DomainRef {
  name: string;
  uuid?: string;
}

/** JSON-safe deep copy (defs are plain data). */
export function copyDef<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function notNetwork(iface: { type: string }): VirtXmlError {
  return new VirtXmlError('unsupported', `Expected an interface of type 'network' not '${iface.type}'`);
}

/** Copies the link settings shared by interfaces, ports and actuals (libvirt copies the same five). */
function linkSettings(from: {
  virtualport?: NetworkPortDef['virtualport'];
  bandwidth?: Bandwidth;
  vlan?: NetworkPortDef['vlan'];
  port?: NetworkPortDef['port'];
}): Pick<NetworkPortDef, 'virtualport' | 'bandwidth' | 'vlan' | 'port'> {
  const out: Pick<NetworkPortDef, 'virtualport' | 'bandwidth' | 'vlan' | 'port'> = {};
  if (from.virtualport) out.virtualport = copyDef(from.virtualport);
  if (from.bandwidth) out.bandwidth = copyDef(from.bandwidth);
  if (from.vlan?.tags?.length) out.vlan = copyDef(from.vlan);
  if (from.port?.isolated !== undefined) out.port = { isolated: from.port.isolated };
  return out;
}

/**
 * Ids of a new port: its own uuid, and what libvirt's domain always has but
 * a def built here may lack (libvirt generates both when it reads a domain).
 */
export interface PortIds {
  uuid: string;
  /** Used when the domain has no uuid. */
  ownerUuid?: string;
  /** Used when the interface has no MAC address. */
  mac?: string;
}

/** `virDomainNetDefToNetworkPort`: the port an interface asks for. */
export function interfaceToPort(domain: DomainRef, iface: NetworkInterface, ids: PortIds): NetworkPortDef {
  if ((iface as { type: string }).type !== 'network') throw notNetwork(iface);
  const mac = iface.mac?.address ?? ids.mac;
  if (!mac) throw new VirtXmlError('missing-element', `interface on network '${iface.source.network}' has no MAC address`);
  const owner = domain.uuid ?? ids.ownerUuid;
  if (!owner) throw new VirtXmlError('missing-element', `domain '${domain.name}' has no UUID`);
  const port: NetworkPortDef = { uuid: ids.uuid, owner: { name: domain.name, uuid: owner }, mac: { address: mac } };
  if (iface.source.portgroup !== undefined) port.group = iface.source.portgroup;
  Object.assign(port, linkSettings(iface));
  if (iface.trustGuestRxFilters !== undefined) port.rxfilters = { trustGuest: iface.trustGuestRxFilters };
  return port;
}

/**
 * `virDomainNetDefActualFromNetworkPort` (§2.5): the `<actual>` of a plugged
 * port. The port's QoS class id becomes `<class id>` of a network actual.
 */
export function portToActual(port: NetworkPortDef): InterfaceActual {
  const plug = port.plug;
  if (!plug) throw new VirtXmlError('unsupported', `network port '${port.uuid}' has no plug`);
  let actual: InterfaceActual;
  switch (plug.type) {
    case 'network':
    case 'bridge': {
      const source: { bridge: string; macTableManager?: 'kernel' | 'libvirt' | UnknownWord } = { bridge: plug.bridge! };
      if (plug.macTableManager) source.macTableManager = plug.macTableManager;
      if (plug.type === 'bridge') actual = { type: 'bridge', source };
      else {
        actual = { type: 'network', source };
        if (port.bandwidth?.classID) actual.class = { id: port.bandwidth.classID };
      }
      break;
    }
    case 'direct':
      actual = { type: 'direct', source: { dev: plug.dev!, mode: plug.mode } };
      break;
    case 'hostdev-pci': {
      const a = plug.address!;
      const hostdev: Extract<InterfaceActual, { type: 'hostdev' }> = {
        type: 'hostdev',
        managed: plug.managed === true,
        source: { address: { type: 'pci', domain: a.domain ?? 0, bus: a.bus ?? 0, slot: a.slot ?? 0, function: a.function ?? 0 } },
      };
      if (plug.driver) hostdev.driver = copyDef(plug.driver);
      actual = hostdev;
      break;
    }
  }
  const link = linkSettings(port);
  if (link.bandwidth) delete link.bandwidth.classID;
  if (actual.type === 'network') delete link.virtualport;
  Object.assign(actual, link);
  if (port.rxfilters?.trustGuest !== undefined) actual.trustGuestRxFilters = port.rxfilters.trustGuest;
  return actual;
}

/**
 * `virDomainNetDefActualToNetworkPort`: the port an interface's `<actual>`
 * describes, with the interface's port id (or `ids.uuid` when it has none).
 */
export function actualToPort(domain: DomainRef, iface: NetworkInterface, ids: PortIds): NetworkPortDef {
  const actual = iface.actual;
  if (!actual) throw new VirtXmlError('missing-element', `Missing actual data for interface on network '${iface.source.network}'`);
  const port = interfaceToPort(domain, iface, { ...ids, uuid: iface.source.portid ?? ids.uuid });
  delete port.virtualport;
  delete port.bandwidth;
  delete port.vlan;
  delete port.port;
  delete port.rxfilters;
  switch (actual.type) {
    case 'network':
    case 'bridge': {
      const bridge = actual.source?.bridge;
      if (bridge === undefined) throw new VirtXmlError('missing-element', `actual ${actual.type} connection of network '${iface.source.network}' has no bridge`);
      const plug: Extract<NetworkPortDef['plug'], { type: 'network' | 'bridge' }> = { type: actual.type, bridge };
      if (actual.source?.macTableManager) plug.macTableManager = actual.source.macTableManager;
      port.plug = plug;
      break;
    }
    case 'direct':
      port.plug = { type: 'direct', dev: actual.source.dev, mode: actual.source.mode };
      break;
    case 'hostdev': {
      const a = actual.source.address;
      if (a?.type !== 'pci') throw new VirtXmlError('unsupported', `Actual interface on network '${iface.source.network}' hostdev was not a PCI device`);
      const address: PciSourceAddress = { domain: a.domain ?? 0, bus: a.bus ?? 0, slot: a.slot ?? 0, function: a.function ?? 0 };
      port.plug = { type: 'hostdev-pci', managed: actual.managed === true, address };
      if (actual.driver) port.plug.driver = copyDef(actual.driver);
      break;
    }
  }
  Object.assign(port, linkSettings(actual));
  if (actual.type === 'network' && actual.class?.id) port.bandwidth = { ...(port.bandwidth ?? {}), classID: actual.class.id };
  if (actual.trustGuestRxFilters !== undefined) port.rxfilters = { trustGuest: actual.trustGuestRxFilters };
  return port;
}
