/**
 * libvirt node-device `<device>` XML: `parseNodeDeviceXml` reads it into a
 * typed `NodeDeviceDef`, `formatNodeDeviceXml` writes libvirt's canonical
 * form (`virsh nodedev-dumpxml`).
 */
import { formatContext, formatElement, parseDocument } from '../xml/codec.js';
import type { ReadOptions } from '../xml/reader.js';
import { nodeDeviceDef, type NodeDeviceDef } from './device.js';

export * from './device.js';
export { nodedevPciAddress, pciCap, pciSubCap, type NodedevPciAddress, type NodedevPciCap, type PciSubCap } from './pci.js';

/** Reads a `<device>` document. Throws a VirtXmlError with line, column and path. */
export function parseNodeDeviceXml(xml: string, options: ReadOptions & { keepOrigins?: boolean; strict?: boolean } = {}): NodeDeviceDef {
  return parseDocument<NodeDeviceDef>(nodeDeviceDef, xml, options);
}

/** Writes a node device in libvirt's canonical form, ending with a newline; `inactive` leaves out the sysfs path (VIR_NODE_DEVICE_XML_INACTIVE). */
export function formatNodeDeviceXml(def: NodeDeviceDef, options: { inactive?: boolean } = {}): string {
  return formatElement(nodeDeviceDef, def, formatContext({ inactive: options.inactive ?? false }), 0) + '\n';
}
