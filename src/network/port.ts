/**
 * `<networkport>`: one guest connection to a network (libvirt 5.5+,
 * `virNetworkPortDef`), as `virsh net-port-dumpxml` prints it. The
 * allocator hands ports out (`NetworkAllocator.allocatePort`); the domain
 * side turns a port into an interface's `<actual>` (./port-actual.ts).
 *
 * Child order is libvirt's (`virNetworkPortDefFormatBuf`): uuid, owner,
 * group, mac, virtualport, bandwidth, vlan, port, rxfilters, plug.
 * `<plug>` is a union on `type` (network, bridge, direct, hostdev-pci;
 * `none` or absent: no plug, not written).
 */
import { hostdevDriver, pciAddressFields, checkPciAddress } from '../common/basictypes.js';
import { bandwidth, portOptions, virtualPort, vlan } from '../common/networkcommon.js';
import { attr, child, element, tag, union, value, type CheckFailure, type Infer, type InferFields } from '../xml/decl.js';
import { INVALID, literal, mac, oneOf, onOff, str, uuid, yesNo } from '../xml/values.js';

const macTableManager = attr(oneOf('kernel', 'libvirt'));

export const networkPortOwner = element('owner', { name: value('name', str), uuid: value('uuid', str) }, { doc: 'The domain the port belongs to' });

/** `<address domain bus slot function/>` of a hostdev-pci plug (libvirt reads `multifunction` and never writes it). */
export const networkPortPciAddress = element(
  'address',
  {
    domain: pciAddressFields.domain,
    bus: pciAddressFields.bus,
    slot: pciAddressFields.slot,
    function: pciAddressFields.function,
    multifunction: attr(onOff, { when: () => false, doc: 'Read only: libvirt does not write it back' }),
  },
  { doc: 'Host PCI address of the VF', check: checkPciAddress },
);

const missing = (message: string): CheckFailure => ({ code: 'missing-attribute', message });

const bridgePlug = <T extends 'network' | 'bridge'>(type: T) =>
  element(
    'plug',
    { type: tag(literal(type)), bridge: attr(str, { doc: 'Required' }), macTableManager },
    { check: (p: { bridge?: string }) => (p.bridge === undefined ? missing('Missing network port bridge name') : undefined) },
  );

export const networkPortPlug = union(
  'plug',
  'type',
  {
    none: element('plug', { type: tag(literal('none')) }, { doc: 'No plug (what libvirt reads for a missing type)' }),
    network: bridgePlug('network'),
    bridge: bridgePlug('bridge'),
    direct: element(
      'plug',
      {
        type: tag(literal('direct')),
        dev: attr(str, { doc: 'Required: the macvtap link device' }),
        mode: attr(oneOf('vepa', 'private', 'bridge', 'passthrough'), { default: 'vepa' as const, doc: 'Absent: vepa (always written)' }),
      },
      { check: (p: { dev?: string }) => (p.dev === undefined ? missing('Missing network port link device name') : undefined) },
    ),
    'hostdev-pci': element(
      'plug',
      {
        type: tag(literal('hostdev-pci')),
        managed: attr(yesNo, { doc: 'Written when set (yes or no)' }),
        driver: child(hostdevDriver, { omitEmpty: true }),
        address: child(networkPortPciAddress, { doc: 'Required' }),
      },
      {
        check: (p: { address?: unknown }) =>
          p.address === undefined ? { code: 'missing-element', message: 'Missing network port PCI address' } : undefined,
      },
    ),
  },
  { defaultCase: 'none', unknownMessage: "Invalid value for attribute 'type' in element 'plug': '%s'." },
);
export type NetworkPortPlug = Infer<typeof networkPortPlug>;

const portFields = {
  uuid: value('uuid', str, { doc: 'Required' }),
  owner: child(networkPortOwner, { doc: 'Required' }),
  group: value('group', str, { doc: 'Portgroup' }),
  mac: child(element('mac', { address: attr(str, { required: true }) }), { doc: 'Required' }),
  virtualport: child(virtualPort),
  bandwidth: child(bandwidth, { omitEmpty: true }),
  vlan: child(vlan),
  port: child(portOptions, { omitEmpty: true }),
  rxfilters: child(element('rxfilters', { trustGuest: attr(yesNo) }), { omitEmpty: true }),
  plug: child(networkPortPlug, { omitEmpty: true }),
} as const;

type PortFields = InferFields<typeof portFields>;

/**
 * A network port. uuid, owner (name and uuid) and mac are always there
 * after parsing (libvirt's required elements); `plug` is absent until the
 * network has connected the port.
 */
export type NetworkPortDef = Omit<PortFields, 'uuid' | 'owner' | 'mac' | 'plug'> & {
  uuid: string;
  owner: { name: string; uuid: string };
  mac: { address: string };
  plug?: Exclude<NetworkPortPlug, { type: 'none' }>;
};

/** libvirt's checks of `virNetworkPortDefParseXML`, normalising uuids and the MAC as libvirt writes them. */
function checkNetworkPort(p: PortFields): CheckFailure | undefined {
  const readUuid = (text: string | undefined, none: string): string | CheckFailure => {
    if (!text) return { code: 'missing-element', message: none };
    const u = uuid.parse(text);
    return u === INVALID ? { code: 'invalid-value', message: `Unable to parse UUID '${text}'` } : u;
  };
  const id = readUuid(p.uuid, 'network port has no uuid');
  if (typeof id !== 'string') return id;
  p.uuid = id;
  if (!p.owner?.name) return { code: 'missing-element', message: 'network port has no owner name' };
  const owner = readUuid(p.owner.uuid, 'network port has no owner UUID');
  if (typeof owner !== 'string') return { ...owner, at: p.owner };
  p.owner.uuid = owner;
  const address = p.mac?.address;
  if (!address) return { code: 'missing-element', message: 'network port has no mac' };
  const m = mac.parse(address);
  if (m === INVALID) return { code: 'invalid-value', message: `Unable to parse MAC '${address}'`, at: p.mac! };
  p.mac!.address = m;
  if (p.plug?.type === 'none') delete p.plug;
  return undefined;
}

export const networkPort = element('networkport', portFields, { doc: 'libvirt network port', check: checkNetworkPort });
