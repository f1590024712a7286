/** The `state='on|off'` shape shared by most `<features>` children (`featurestate` in the schema). */
import { attr, element, type Fields } from '../xml/decl.js';
import { onOff } from '../xml/values.js';

/** `<name state='on|off' …/>` with `state` required and `more` attributes or children after it. */
export function stateFeature<const N extends string, const F extends Fields = {}>(name: N, more: F = {} as F) {
  return element(name, { state: attr(onOff, { required: true }), ...more });
}

/**
 * `<name state='on|off'/>` where a bare `<name/>` means on (libvirt reads
 * the state as on when absent and always writes it).
 */
export function stateFeatureDefaultOn<const N extends string, const F extends Fields = {}>(name: N, more: F = {} as F) {
  return element(name, { state: attr(onOff, { default: true }), ...more });
}
