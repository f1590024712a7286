/**
 * libvirt network filters: `<filter>` (`parseNwfilterXml` / `formatNwfilterXml`,
 * as `virsh nwfilter-dumpxml`) and `<filterbinding>` (`parseNwfilterBindingXml` /
 * `formatNwfilterBindingXml`, as `virsh nwfilter-binding-dumpxml`).
 */
import { formatContext, formatElement, parseDocument } from '../xml/codec.js';
import { filterBindingDef, type FilterBindingDef } from './binding.js';
import { nwfilterDef, type NwfilterDef } from './filter.js';
import type { ParseXmlOptions } from '../kinds.js';

export * from './binding.js';
export * from './filter.js';
export { PROTOCOLS as NWFILTER_PROTOCOLS, type NwfilterProtocol, type NwfilterProtocolDef } from './protocols.js';


/** Reads a `<filter>` document. Throws a VirtXmlError with line, column and path. */
export function parseNwfilterXml(xml: string, options: Omit<ParseXmlOptions, 'kind'> = {}): NwfilterDef {
  return parseDocument<NwfilterDef>(nwfilterDef, xml, options);
}

/** Writes a network filter in libvirt's canonical form, ending with a newline. */
export function formatNwfilterXml(def: NwfilterDef): string {
  return formatElement(nwfilterDef, def, formatContext(), 0) + '\n';
}

/** Reads a `<filterbinding>` document. */
export function parseNwfilterBindingXml(xml: string, options: Omit<ParseXmlOptions, 'kind'> = {}): FilterBindingDef {
  return parseDocument<FilterBindingDef>(filterBindingDef, xml, options);
}

/** Writes a filter binding in libvirt's canonical form, ending with a newline. */
export function formatNwfilterBindingXml(def: FilterBindingDef): string {
  return formatElement(filterBindingDef, def, formatContext(), 0) + '\n';
}
