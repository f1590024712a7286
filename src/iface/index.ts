/**
 * libvirt host network interfaces: `<interface>` documents (interface.rng) as
 * `virsh iface-dumpxml` prints them (`parseInterfaceXml` / `formatInterfaceXml`).
 */
import { formatContext, formatElement, parseWith, rootError } from '../xml/codec.js';
import { readXml, type ReadOptions } from '../xml/reader.js';
import { interfaceDef, type HostInterfaceDef } from './iface.js';

export * from './iface.js';
export * from './protocol.js';

/** Reads a host `<interface>` document. Throws a VirtXmlError with line, column and path. */
export function parseInterfaceXml(xml: string, options: ReadOptions & { keepOrigins?: boolean; strict?: boolean } = {}): HostInterfaceDef {
  const doc = readXml(xml, options);
  if (doc.root.name !== 'interface') throw rootError(doc, '<interface>');
  return parseWith<HostInterfaceDef>(interfaceDef, doc.root, doc.source, { keepOrigins: options.keepOrigins ?? false, document: doc, ...(options.strict ? { onUnknown: (e) => { throw e; } } : {}) });
}

/** Writes a host interface in libvirt's canonical form, ending with a newline. */
export function formatInterfaceXml(def: HostInterfaceDef): string {
  return formatElement(interfaceDef, def, formatContext(), 0) + '\n';
}
