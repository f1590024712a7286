/**
 * Guaranteed inbound bandwidth (`floor`) of ports on a bridge network
 * (libvirt's `networkCheckBandwidth` / `networkPlugBandwidth` /
 * `networkUnplugBandwidth`): the sum of the floors of connected ports must
 * stay within the network's inbound peak (or average without a peak), and
 * each port with a floor gets a QoS class id — the smallest free one; 0, 1
 * and 2 are taken (unused, root, default class).
 */
import type { Bandwidth } from '../common/networkcommon.js';
import { VirtXmlError } from '../xml/errors.js';
import type { NetworkDef } from './network.js';

const FIRST_CLASS_ID = 3;

const floorOf = (b: Bandwidth | undefined): number => b?.inbound?.floor ?? 0;

/** Forward modes whose bridge libvirt shapes with tc classes (`virNetDevBandwidthSupportsFloor`). */
function supportsFloor(def: NetworkDef): boolean {
  const mode = def.forward?.mode;
  return mode === undefined || mode === 'nat' || mode === 'route' || mode === 'open';
}

export class NetworkQos {
  /** Sum of the floors of plugged ports. */
  floorSum = 0;
  private readonly used = new Set<number>();
  /** Smallest id that may be free. */
  private next = FIRST_CLASS_ID;

  /**
   * `networkCheckBandwidth` for a new port: whether it needs a QoS class
   * (it has a floor and the network has inbound QoS). Throws libvirt's errors.
   */
  check(def: NetworkDef, mac: string, band: Bandwidth | undefined): boolean {
    const floor = floorOf(band);
    if (floor > 0 && !supportsFloor(def)) {
      throw new VirtXmlError(
        'unsupported',
        `Invalid use of 'floor' on interface with MAC address ${mac} - 'floor' is only supported for interface type 'network' with forward type 'nat', 'route', 'open' or none`,
      );
    }
    const net = def.bandwidth?.inbound;
    if (floor > 0 && !net) {
      throw new VirtXmlError('unsupported', `Invalid use of 'floor' on interface with MAC address ${mac} - network '${def.name}' has no inbound QoS set`);
    }
    if (!net || floor === 0) return false;
    const limit = net.peak ? 'peak' : 'average';
    if (this.floorSum + floor > (net.peak || net.average || 0)) {
      throw new VirtXmlError(
        'unsupported',
        `Cannot plug '${mac}' interface into '${def.bridge?.name ?? ''}' because it would overcommit '${limit}' on network '${def.name}'`,
      );
    }
    return true;
  }

  /** `networkPlugBandwidth` after a successful check: the port's class id; its floor is added to the sum. */
  take(band: Bandwidth | undefined): number {
    while (this.used.has(this.next)) this.next++;
    const id = this.next++;
    this.used.add(id);
    this.floorSum += floorOf(band);
    return id;
  }

  /** Marks a class id as used again (a reclaimed port), with its floor. */
  reclaim(classID: number, band: Bandwidth | undefined): void {
    this.used.add(classID);
    this.floorSum += floorOf(band);
  }

  /** `networkUnplugBandwidth`: gives the class id and the floor back. */
  unplug(classID: number | undefined, band: Bandwidth | undefined): void {
    if (!classID || !this.used.delete(classID)) return;
    this.floorSum = Math.max(0, this.floorSum - floorOf(band));
    if (classID < this.next) this.next = classID;
  }
}
