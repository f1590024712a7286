/**
 * Virtual port profiles on a network connection (libvirt-semantics.md §2.3,
 * §2.4): the three-way merge interface > network > portgroup with libvirt's
 * conflict errors, which types each forward mode allows, and the
 * completeness check after a device is picked.
 */
import type { VirtualPort } from '../common/networkcommon.js';
import { VirtXmlError } from '../xml/errors.js';

type Params = NonNullable<VirtualPort['parameters']>;
type Param = keyof Params;
type VPortType = NonNullable<VirtualPort['type']>;

/** The parameters each type uses (what libvirt merges and writes for it). */
const PARAMS_OF: Record<VPortType, readonly Param[]> = {
  '802.1Qbg': ['managerid', 'typeid', 'typeidversion', 'instanceid'],
  '802.1Qbh': ['profileid'],
  openvswitch: ['profileid', 'interfaceid'],
  midonet: ['interfaceid'],
};
const ALL_PARAMS: readonly Param[] = ['managerid', 'typeid', 'typeidversion', 'instanceid', 'profileid', 'interfaceid'];

/**
 * libvirt's `virNetDevVPortProfileMerge3` (§2.3): no profile unless one of
 * the three has a type; otherwise the interface's profile, completed field
 * by field from the network's, then the portgroup's. A field is merged only
 * when it belongs to the type known so far; a different value is an error.
 * The result keeps the parameters of its type.
 */
export function mergeVirtualPorts(
  fromInterface: VirtualPort | undefined,
  fromNetwork: VirtualPort | undefined,
  fromPortgroup: VirtualPort | undefined,
): VirtualPort | undefined {
  if (![fromInterface, fromNetwork, fromPortgroup].some((p) => p?.type !== undefined)) return undefined;
  let type = fromInterface?.type;
  const params: Params = { ...fromInterface?.parameters };
  for (const mods of [fromNetwork, fromPortgroup]) {
    if (!mods) continue;
    if (mods.type !== undefined) {
      if (type !== undefined && type !== mods.type) {
        throw new VirtXmlError('invalid-value', `attempt to merge virtualports with mismatched types (${type} and ${mods.type})`);
      }
      type = mods.type;
    }
    for (const k of type === undefined ? ALL_PARAMS : (PARAMS_OF[type as VPortType] ?? ALL_PARAMS)) {
      const v = mods.parameters?.[k];
      if (v === undefined) continue;
      const have = params[k];
      if (have !== undefined && have !== v) {
        throw new VirtXmlError('invalid-value', `attempt to merge virtualports with mismatched ${k}s (${have} and ${v})`);
      }
      (params as Record<string, unknown>)[k] = v;
    }
  }
  const out: VirtualPort = { type: type! };
  const kept: Params = {};
  for (const k of PARAMS_OF[type as VPortType] ?? ALL_PARAMS) if (params[k] !== undefined) (kept as Record<string, unknown>)[k] = params[k];
  if (Object.keys(kept).length) out.parameters = kept;
  return out;
}

/**
 * libvirt's `virNetDevVPortProfileCheckComplete` with `generateMissing`:
 * the ids a type needs must be there; a missing 802.1Qbg instanceid or
 * openvswitch interfaceid is generated.
 */
export function completeVirtualPort(vp: VirtualPort, newUuid: () => string): VirtualPort {
  const p: Params = { ...vp.parameters };
  const missing = (what: string) => new VirtXmlError('invalid-value', `missing ${what} in <virtualport type='${vp.type}'>`);
  switch (vp.type) {
    case '802.1Qbg':
      if (p.managerid === undefined) throw missing('managerid');
      if (p.typeid === undefined) throw missing('typeid');
      if (p.typeidversion === undefined) throw missing('typeidversion');
      p.instanceid ??= newUuid();
      break;
    case '802.1Qbh':
      if (!p.profileid) throw missing('profileid');
      break;
    case 'openvswitch':
      p.interfaceid ??= newUuid();
      break;
    case 'midonet':
      if (p.interfaceid === undefined) throw missing('interfaceid');
      break;
    default:
      return vp;
  }
  return { ...vp, parameters: p };
}
