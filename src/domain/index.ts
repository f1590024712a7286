/** Domain XML: parse and format `<domain>` documents. */
import { formatContext, formatElement, parseDocument } from '../xml/codec.js';
import { VirtXmlError } from '../xml/errors.js';
import type { ReadOptions } from '../xml/reader.js';
import { domain, type DomainDef } from './domain.js';

export * from './domain.js';
export * from './devices/devices.js';
export * from './devices/hostdev.js';
export * from './devices/interface.js';
export * from './devices/info.js';
export * from './hostdevs.js';
export * from './device-xml.js';
export * from './domstatus.js';

export interface FormatDomainOptions {
  /** Status XML: adds `<actual>` of interfaces and `<origstates>` of PCI hostdevs. */
  status?: boolean;
  /** Inactive (config) XML: leaves out live-only data such as the domain id. */
  inactive?: boolean;
  /** Leave out virtxml's extensions (e.g. `group='auto'`) for an upstream libvirt. */
  stripExtensions?: boolean;
  /** The libvirt release whose output to match byte for byte, where releases differ (default: the newest, 12.9). */
  libvirt?: string;
}

export interface ParseDomainOptions extends ReadOptions {
  /** Keep where each def object came from, for `originOf` (diagnostics after parsing). */
  keepOrigins?: boolean;
  /**
   * Refuse, as libvirt's own parser does, a word or a union case the
   * declarations do not know (`<iommu model='amd'>` before it was modelled).
   * By default such values are kept, typed as strings, written back unchanged,
   * and reported by `validateXml`.
   */
  strict?: boolean;
}

/** Parses a `<domain>` document. Throws {@link VirtXmlError} with a place on bad input. */
export function parseDomainXml(xml: string, options: ParseDomainOptions = {}): DomainDef {
  return parseDocument<DomainDef>(domain, xml, options);
}

/** Writes a domain def in libvirt's canonical form (as `virsh dumpxml` prints it). */
export function formatDomainXml(def: DomainDef, options: FormatDomainOptions = {}): string {
  return formatElement(domain, def, formatContext(options), 0) + '\n';
}
export * from './devices/audio.js';
export * from './devices/chardev.js';
export * from './devices/controller.js';
export * from './devices/crypto.js';
export * from './devices/disk-driver.js';
export * from './devices/disk-iotune.js';
export * from './devices/disk-private.js';
export * from './devices/disk-source.js';
export * from './devices/disk.js';
export * from './devices/filesystem.js';
export * from './devices/graphics.js';
export * from './devices/hub.js';
export * from './devices/input.js';
export * from './devices/interface-actual.js';
export * from './devices/interface-driver.js';
export * from './devices/interface-options.js';
export * from './devices/interface-source.js';
export * from './devices/iommu.js';
export * from './devices/ipinfo.js';
export * from './devices/lease.js';
export * from './devices/memballoon.js';
export * from './devices/memory.js';
export * from './devices/nvram.js';
export * from './devices/panic.js';
export * from './devices/pstore.js';
export * from './devices/redirdev.js';
export * from './devices/rng.js';
export * from './devices/shmem.js';
export * from './devices/smartcard.js';
export * from './devices/sound.js';
export * from './devices/storage-common.js';
export * from './devices/storage-source.js';
export * from './devices/tpm.js';
export * from './devices/video.js';
export * from './devices/virtio.js';
export * from './devices/vsock.js';
export * from './devices/watchdog.js';
