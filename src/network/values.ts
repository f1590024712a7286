/**
 * Value types and field presets particular to the network model: libvirt's
 * lenient readings of a few attributes, and the live-only `connections` count.
 */
import { attr } from '../xml/decl.js';
import { uint, type ValueType } from '../xml/values.js';

function lenientBool(name: string, truthy: (t: string) => boolean, words: [string, string]): ValueType<boolean> {
  return {
    name,
    parse: truthy,
    format: (v) => (v ? words[0] : words[1]),
    is: (v): v is boolean => typeof v === 'boolean',
    schema: { type: 'boolean' },
  };
}

/** libvirt's `STRCASEEQ(value, "yes")`: true for `yes` in any case, false for anything else (`managed`, portgroup `default`). */
export const yesLenient = lenientBool('yes|no', (t) => t.toLowerCase() === 'yes', ['yes', 'no']);

/** Bridge `stp`: libvirt turns STP off only for `off`; any other value means on. */
export const stpSwitch = lenientBool('on|off', (t) => t !== 'off', ['on', 'off']);

/** A number of guests using something: written only in live XML and only when > 0. */
export function liveConnections(doc: string) {
  return attr(uint(), { when: (ctx) => !ctx.inactive, omit: (v: number) => v === 0, doc });
}

/** A 64-bit unsigned number (`unsignedLong`), as far as JavaScript numbers are exact. */
export const ulong = uint({ max: Number.MAX_SAFE_INTEGER });

/** True when the first byte of a MAC address has the multicast bit. */
export function isMulticastMac(mac: string): boolean {
  return (parseInt(mac.split(':')[0] ?? '0', 16) & 1) === 1;
}
