/**
 * `<actual>`: the connection libvirt actually made for an `<interface
 * type='network'>` (status XML only). A union on `type` (libvirt parses only
 * bridge, direct, hostdev and network). Written after the config's
 * vlan/virtualport/bandwidth/port (`virDomainActualNetDefFormat`):
 *
 * ```xml
 * <actual type='hostdev' managed='yes'>
 *   <driver name='vfio'/>
 *   <source>
 *     <address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x1'/>
 *   </source>
 *   <vlan>…</vlan>
 * </actual>
 * ```
 */
import { hostdevDriver } from '../../common/basictypes.js';
import { attr, child, element, tag, union, type CheckFailure, type Infer } from '../../xml/decl.js';
import { literal, str, uint, yesNo } from '../../xml/values.js';
import {
  hostdevInterfaceSource,
  hostLinkFields,
  hostLinkFieldsNoVirtualPort,
  trustGuestRxFilters,
  macTableManager,
  macvlanMode,
} from './interface-source.js';

/** `<source bridge [macTableManager]/>` of an actual bridge/network connection. */
const actualBridgeSource = {
  required: element('source', { bridge: attr(str, { required: true }), macTableManager }),
  optional: element('source', { bridge: attr(str), macTableManager }),
};

/** Status XML: the QoS class of the interface on the network's bridge. */
export const actualClass = element('class', { id: attr(uint(), { required: true }) });

export const hostdevActual = element('actual', {
  type: tag(literal('hostdev')),
  managed: attr(yesNo, { omit: (v: boolean) => !v, doc: 'written only when true' }),
  trustGuestRxFilters,
  driver: child(hostdevDriver, { omitEmpty: true }),
  source: child(hostdevInterfaceSource, { required: true }),
  ...hostLinkFields,
});

function noVirtualPort(a: { $extra?: { nodes?: Array<{ node: { type: string; name?: string } }> } }): CheckFailure | undefined {
  const vp = a.$extra?.nodes?.some((e) => e.node.type === 'element' && e.node.name === 'virtualport');
  return vp
    ? { code: 'unsupported', message: "<virtualport> element unsupported for type='network' in interface's <actual> element" }
    : undefined;
}

export const networkActual = element(
  'actual',
  {
    type: tag(literal('network')),
    trustGuestRxFilters,
    source: child(actualBridgeSource.optional),
    class: child(actualClass, { when: (ctx) => ctx.status }),
    ...hostLinkFieldsNoVirtualPort,
  },
  { check: noVirtualPort },
);

export const bridgeActual = element('actual', {
  type: tag(literal('bridge')),
  trustGuestRxFilters,
  source: child(actualBridgeSource.required, { required: true }),
  ...hostLinkFields,
});

export const directActual = element('actual', {
  type: tag(literal('direct')),
  trustGuestRxFilters,
  source: child(element('source', { dev: attr(str, { required: true }), mode: macvlanMode }), { required: true }),
  ...hostLinkFields,
});

export const interfaceActual = union(
  'actual',
  'type',
  { hostdev: hostdevActual, network: networkActual, bridge: bridgeActual, direct: directActual },
  { doc: 'Status XML: the connection libvirt made for a network interface', unknownMessage: "unsupported type '%s' in interface's <actual> element" },
);
export type InterfaceActual = Infer<typeof interfaceActual>;
export type HostdevActual = Infer<typeof hostdevActual>;
