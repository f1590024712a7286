/**
 * libvirt `<network>` XML: `parseNetworkXml` reads it into a typed
 * `NetworkDef` (applying libvirt's parse-time rules), `formatNetworkXml`
 * writes libvirt's canonical form (`virsh net-dumpxml [--inactive]`).
 */
import { formatContext, formatElement, parseDocument } from '../xml/codec.js';
import { LATEST_LIBVIRT } from '../xml/decl.js';
import type { InputLimits } from '../xml/reader.js';
import { networkDef, type NetworkDef } from './network.js';
import { networkPort, type NetworkPortDef } from './port.js';

export * from './bridge.js';
export * from './dns.js';
export * from './dnsmasq.js';
export * from './forward.js';
export * from './ip.js';
export * from './network.js';
export * from './portgroup.js';
export * from './port.js';
export * from './port-actual.js';
export * from './pci-host.js';
export * from './validate.js';
export * from './update.js';
export { NetworkAllocator, type NetworkAllocatorOptions, type NetworkHook, type CreatePortOptions } from './allocator.js';
export { mergeVirtualPorts, completeVirtualPort } from './virtualport.js';
export { ipRoute as networkRoute, type IpRoute as NetworkRoute } from '../common/networkcommon.js';

export interface ParseNetworkOptions extends InputLimits {
  /** File name, carried into error messages. */
  file?: string;
  /** Keep where each def object came from, for `originOf` (diagnostics after parsing). */
  keepOrigins?: boolean;
  /** Refuse, as libvirt's parser does, a word or union case the declarations do not know (default: kept, reported by validateXml). */
  strict?: boolean;
}

export interface FormatNetworkOptions {
  /** Inactive (config) XML, as `virsh net-dumpxml --inactive`: no connection counts, no PF-derived pool. */
  inactive?: boolean;
  /** Leave out virtxml's extensions (`<driver group='auto'/>`), for XML handed to upstream libvirt. */
  stripExtensions?: boolean;
  /** The libvirt release whose output to match byte for byte, where releases differ (default: the newest, 12.9). */
  libvirt?: string;
}

/** Reads a `<network>` document. Throws a VirtXmlError with line, column and path. */
export function parseNetworkXml(xml: string, options: ParseNetworkOptions = {}): NetworkDef {
  return parseDocument<NetworkDef>(networkDef, xml, options);
}

/** Writes a network definition in libvirt's canonical form, ending with a newline. */
export function formatNetworkXml(def: NetworkDef, options: FormatNetworkOptions = {}): string {
  const ctx = formatContext({ inactive: options.inactive ?? false, stripExtensions: options.stripExtensions ?? false, libvirt: options.libvirt ?? LATEST_LIBVIRT });
  return formatElement(networkDef, def, ctx, 0) + '\n';
}

/**
 * Reads a `<networkport>` document (`virNetworkPortDefParse`): uuid, owner
 * and mac are required, a plug needs its bridge, dev or PCI address.
 */
export function parseNetworkPortXml(xml: string, options: ParseNetworkOptions = {}): NetworkPortDef {
  return parseDocument<NetworkPortDef>(networkPort, xml, options);
}

/** Writes a network port as `virsh net-port-dumpxml` does, ending with a newline. */
export function formatNetworkPortXml(port: NetworkPortDef, options: Pick<FormatNetworkOptions, 'stripExtensions' | 'libvirt'> = {}): string {
  return formatElement(networkPort, port, formatContext({ stripExtensions: options.stripExtensions ?? false, libvirt: options.libvirt ?? LATEST_LIBVIRT }), 0) + '\n';
}
