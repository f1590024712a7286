/**
 * `<filterbinding>`: the binding of a network filter to a guest's port
 * (nwfilterbinding.rng), as libvirt writes it (`virNWFilterBindingDefFormatBuf`):
 * owner (name, uuid), portdev, linkdev, mac, filterref (parameters sorted by
 * name), backend. libvirt's parser requires the owner's name and uuid, the
 * port device, the MAC address (any, multicast too) and the filter reference.
 */
import { attr, child, element, value, type Infer } from '../xml/decl.js';
import { mac, str, uuid } from '../xml/values.js';
import { nwfilterRef } from './filter.js';

/** `<owner>`: the domain the port belongs to. */
export const bindingOwner = element('owner', {
  name: value('name', str, { required: true, doc: "the owning domain's name" }),
  uuid: value('uuid', uuid, { required: true, doc: "the owning domain's UUID" }),
});

/** `<portdev name/>`, `<linkdev name/>`, `<backend name/>`: a name. */
const named = (name: string, doc: string) => element(name, { name: attr(str, { required: true, doc }) });

export const bindingMac = element('mac', { address: attr(mac, { required: true }) });

export const filterBindingDef = element('filterbinding', {
  owner: child(bindingOwner, { required: true }),
  portdev: child(named('portdev', 'the host-side device of the port (tap)'), { required: true }),
  linkdev: child(named('linkdev', 'the device the port is linked to (macvtap)')),
  mac: child(bindingMac, { required: true }),
  filterref: child(nwfilterRef, { required: true }),
  backend: child(named('backend', 'the firewall backend that instantiated the filter')),
});
export type FilterBindingDef = Infer<typeof filterBindingDef>;
