/**
 * Declarations shared by domain interfaces, networks and network ports
 * (libvirt's networkcommon.rng): virtualport, bandwidth, vlan, port options.
 */
import { attr, child, element, list, type Infer } from '../xml/decl.js';
import { oneOf, pattern, uint, uuid, yesNo } from '../xml/values.js';

export const virtualPortType = oneOf('802.1Qbg', '802.1Qbh', 'openvswitch', 'midonet');

export const virtualPortParameters = element('parameters', {
  managerid: attr(uint({ max: 0xff })),
  typeid: attr(uint({ max: 0xffffff })),
  typeidversion: attr(uint({ max: 0xff })),
  instanceid: attr(uuid),
  profileid: attr(pattern('virtualPortProfileID', /^.{0,39}$/)),
  interfaceid: attr(uuid),
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

export const vlan = element('vlan', {
  trunk: attr(yesNo, { omit: (v: boolean) => !v }),
  tags: list(vlanTag),
});
export type Vlan = Infer<typeof vlan>;

export const portOptions = element('port', {
  isolated: attr(yesNo),
});
export type PortOptions = Infer<typeof portOptions>;
