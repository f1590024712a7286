/**
 * libvirt `<capabilities>` XML (`virsh capabilities`): parse and format.
 */
import { formatContext, formatElement, parseDocument } from '../xml/codec.js';
import type { ReadOptions } from '../xml/reader.js';
import { capabilitiesDef, type CapabilitiesDef } from './capabilities.js';

export * from './capabilities.js';

/** Reads a `<capabilities>` document. Throws a VirtXmlError with line, column and path. */
export function parseCapabilitiesXml(xml: string, options: ReadOptions & { keepOrigins?: boolean } = {}): CapabilitiesDef {
  return parseDocument<CapabilitiesDef>(capabilitiesDef, xml, options);
}

/** libvirt's blank lines in `<capabilities>` (`virCapabilitiesFormatXML`): before `<host>`, before each `<guest>` and before the end tag. */
export function capabilitiesLayout(xml: string): string {
  const out: string[] = [];
  for (const line of xml.split('\n')) {
    if (line === '  <host>' || line === '  <guest>' || line === '</capabilities>') out.push('');
    out.push(line);
  }
  return out.join('\n');
}

/** Writes host capabilities as libvirt does (with its blank lines, `capabilitiesLayout`), ending with a newline. */
export function formatCapabilitiesXml(def: CapabilitiesDef): string {
  return capabilitiesLayout(formatElement(capabilitiesDef, def, formatContext(), 0)) + '\n';
}
