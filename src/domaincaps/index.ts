/**
 * libvirt `<domainCapabilities>` XML (`virsh domcapabilities`): parse, format,
 * and checking a domain against it (`domainCapsDiagnostics`).
 */
import { formatContext, formatElement, parseDocument } from '../xml/codec.js';
import type { ReadOptions } from '../xml/reader.js';
import { domainCapabilitiesDef, type DomainCapabilitiesDef } from './domaincaps.js';

export * from './domaincaps.js';

/** Reads a `<domainCapabilities>` document. Throws a VirtXmlError with line, column and path. */
export function parseDomainCapabilitiesXml(xml: string, options: ReadOptions & { keepOrigins?: boolean } = {}): DomainCapabilitiesDef {
  return parseDocument<DomainCapabilitiesDef>(domainCapabilitiesDef, xml, options);
}

/** Writes domain capabilities as libvirt does, ending with a newline. */
export function formatDomainCapabilitiesXml(def: DomainCapabilitiesDef): string {
  return formatElement(domainCapabilitiesDef, def, formatContext(), 0) + '\n';
}
