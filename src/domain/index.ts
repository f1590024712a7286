/** Domain XML: parse and format `<domain>` documents. */
import { formatContext, formatElement, parseWith } from '../xml/codec.js';
import { VirtXmlError } from '../xml/errors.js';
import { readXml, type ReadOptions } from '../xml/reader.js';
import { domain, type DomainDef } from './domain.js';

export * from './domain.js';
export * from './devices/devices.js';
export * from './devices/hostdev.js';
export * from './devices/interface.js';
export * from './devices/info.js';
export * from './hostdevs.js';

export interface FormatDomainOptions {
  /** Status XML: adds `<actual>` of interfaces and `<origstates>` of PCI hostdevs. */
  status?: boolean;
  /** Inactive (config) XML: leaves out live-only data such as the domain id. */
  inactive?: boolean;
  /** Leave out virtxml's extensions (e.g. `group='auto'`) for an upstream libvirt. */
  stripExtensions?: boolean;
}

export interface ParseDomainOptions extends ReadOptions {
  /** Keep where each def object came from, for `originOf` (diagnostics after parsing). */
  keepOrigins?: boolean;
}

/** Parses a `<domain>` document. Throws {@link VirtXmlError} with a place on bad input. */
export function parseDomainXml(xml: string, options: ParseDomainOptions = {}): DomainDef {
  const doc = readXml(xml, options);
  if (doc.root.name !== 'domain') {
    const p = doc.source.elementPlace(doc.root);
    throw new VirtXmlError('xml-root', `expected root element <domain>, found <${doc.root.name}>`, { ...p, path: '/' + doc.root.name });
  }
  return parseWith<DomainDef>(domain, doc.root, doc.source, { keepOrigins: options.keepOrigins ?? false });
}

/** Writes a domain def in libvirt's canonical form (as `virsh dumpxml` prints it). */
export function formatDomainXml(def: DomainDef, options: FormatDomainOptions = {}): string {
  return formatElement(domain, def, formatContext(options), 0) + '\n';
}
