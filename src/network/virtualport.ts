/**
 * Virtual port profiles on a network connection (libvirt-semantics.md §2.3,
 * §2.4): the three-way merge interface > network > portgroup with libvirt's
 * conflict errors, which types each forward mode allows, and the
 * completeness check after a device is picked.
 */
import type { VirtualPort } from '../common/networkcommon.js';
import { VirtXmlError } from '../xml/errors.js';

type Params = NonNullable<VirtualPort['parameters']>;
const PARAMS = ['managerid', 'typeid', 'typeidversion', 'instanceid', 'interfaceid', 'profileid'] as const;

/** libvirt's `virNetDevVPortProfileMerge3`: first non-empty value wins; a different later value is an error. */
export function mergeVirtualPorts(...profiles: Array<VirtualPort | undefined>): VirtualPort | undefined {
  const present = profiles.filter((p): p is VirtualPort => p !== undefined);
  if (present.length === 0) return undefined;
  const out: VirtualPort = {};
  const params: Params = {};
  for (const p of present) {
    if (p.type !== undefined) {
      if (out.type !== undefined && out.type !== p.type) {
        throw new VirtXmlError('invalid-value', `attempt to merge virtualports with mismatched types (${out.type} and ${p.type})`);
      }
      out.type = p.type;
    }
    for (const k of PARAMS) {
      const v = p.parameters?.[k];
      if (v === undefined) continue;
      const have = params[k];
      if (have !== undefined && have !== v) {
        throw new VirtXmlError('invalid-value', `attempt to merge virtualports with mismatched ${k}s (${have} and ${v})`);
      }
      (params as Record<string, unknown>)[k] = v;
    }
  }
  if (out.type === undefined && Object.keys(params).length === 0) return undefined;
  if (Object.keys(params).length) out.parameters = params;
  return out;
}

/**
 * libvirt's `virNetDevVPortProfileCheckComplete` with UUID generation: the
 * ids a type needs must be there; missing instance/interface ids are made.
 */
export function completeVirtualPort(vp: VirtualPort, newUuid: () => string): VirtualPort {
  const p: Params = { ...vp.parameters };
  const missing = (what: string) =>
    new VirtXmlError('invalid-value', `missing ${what} in <virtualport type='${vp.type}'>`);
  switch (vp.type) {
    case '802.1Qbg':
      if (p.managerid === undefined) throw missing('managerid');
      if (p.typeid === undefined) throw missing('typeid');
      if (p.typeidversion === undefined) throw missing('typeidversion');
      p.instanceid ??= newUuid();
      break;
    case '802.1Qbh':
      if (p.profileid === undefined) throw missing('profileid');
      break;
    case 'openvswitch':
    case 'midonet':
      p.interfaceid ??= newUuid();
      break;
    default:
      return vp;
  }
  return { ...vp, parameters: p };
}
