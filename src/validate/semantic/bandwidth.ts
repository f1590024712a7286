/**
 * `<bandwidth>` as libvirt's parser reads it (`virNetDevBandwidthParse`,
 * `virNetDevBandwidthParseRate`), for a network, a portgroup and a guest
 * interface: no `classID` (only status XML and network ports carry one),
 * each `<inbound>`/`<outbound>` with `average` or `floor`, `peak` and
 * `burst` only beside `average`, and `floor` only on the inbound side of an
 * interface of type network. The checks are on the attributes' presence, as
 * libvirt's (`average='0'` is accepted).
 */
import type { Bandwidth } from '../../common/networkcommon.js';
import { childOf, type Located, type Reporter } from './context.js';

export interface BandwidthContext {
  /** Whether `<inbound floor>` is allowed (a guest interface of type network). */
  allowFloor: boolean;
  /** The diagnostic code. */
  code: string;
}

/** Reports the first problem libvirt's parser finds in `l` (it stops there), if any. */
export function checkBandwidth(l: Located<Bandwidth>, ctx: BandwidthContext, r: Reporter): void {
  const bw = l.obj;
  if (bw.classID !== undefined) {
    r.at(l, ctx.code, 'classID attribute not supported on <bandwidth> in this usage context', { attribute: 'classID' });
    return;
  }
  for (const [name, allowFloor] of [['inbound', ctx.allowFloor], ['outbound', false]] as const) {
    const rate = bw[name];
    if (!rate) continue;
    const at = childOf(l, name, rate);
    if (rate.average === undefined && rate.floor === undefined) {
      r.at(at, ctx.code, 'Missing mandatory average or floor attributes');
      return;
    }
    if ((rate.peak !== undefined || rate.burst !== undefined) && rate.average === undefined) {
      r.at(at, ctx.code, "unsupported configuration: 'peak' and 'burst' require 'average' attribute", { attribute: rate.peak !== undefined ? 'peak' : 'burst' });
      return;
    }
    if (rate.floor !== undefined && !allowFloor) {
      r.at(at, ctx.code, 'unsupported configuration: floor attribute is not supported for this config', { attribute: 'floor' });
      return;
    }
  }
}
