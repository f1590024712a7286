/**
 * A domain's host devices as libvirt's `def->hostdevs` holds them: the
 * `<hostdev>` elements plus the hostdev each `<interface type='hostdev'>`
 * (or an interface whose `<actual>` is a hostdev) carries — libvirt's parser
 * inserts those into the same list, so duplicates are found across both.
 */
import { pciAddressName } from '../common/basictypes.js';
import type { CheckFailure } from '../xml/decl.js';
import type { HostdevDef, PciHostdev } from './devices/hostdev.js';
import type { HostdevInterface, InterfaceDef } from './devices/interface.js';
import type { HostdevActual } from './devices/interface-actual.js';

interface HasDevices {
  devices?: { hostdevs?: HostdevDef[]; interfaces?: InterfaceDef[] };
}

/**
 * The hostdev an interface stands for, if any (config hostdev interface, or an
 * allocated hostdev actual) — a view onto the interface, as libvirt's
 * `virDomainNetGetActualHostdev` returns a pointer into the net def: its
 * `driver` is the interface's own `<driver>` object, and what is written to
 * `source.origstates` (the hostdev manager's original-state flags) lands in
 * the interface's (or its `<actual>`'s) `<source>`, where status XML has it.
 */
export function interfaceHostdev(iface: InterfaceDef): HostdevDef | undefined {
  let src: HostdevInterface | HostdevActual | undefined;
  if (iface.type === 'hostdev') src = iface;
  else if (iface.type === 'network' && iface.actual?.type === 'hostdev') src = iface.actual;
  if (!src) return undefined;
  const s = src.source;
  const managed = src.managed ?? false;
  const address = s.address;
  if (address?.type === 'pci') {
    const source: PciHostdev['source'] = {
      get address() {
        return { domain: address.domain ?? 0, bus: address.bus ?? 0, slot: address.slot ?? 0, function: address.function ?? 0 };
      },
      get origstates() {
        return s.origstates;
      },
      set origstates(flags) {
        if (flags) s.origstates = flags;
        else delete s.origstates;
      },
    };
    const h: PciHostdev = { mode: 'subsystem', type: 'pci', managed, source };
    if (src.driver) h.driver = src.driver;
    return h;
  }
  const usb: HostdevDef = { mode: 'subsystem', type: 'usb', managed, source: {} };
  if (s.vendor) usb.source.vendor = { ...s.vendor };
  if (s.product) usb.source.product = { ...s.product };
  if (address?.type === 'usb') usb.source.address = { bus: address.bus, device: address.device };
  return usb;
}

/**
 * Every host device of the domain, `<hostdev>` elements first (the objects
 * themselves), then those of interfaces (views onto them, see
 * `interfaceHostdev`): what the hostdev manager writes into them is formatted.
 */
export function domainHostdevs(def: HasDevices): HostdevDef[] {
  const out: HostdevDef[] = [...(def.devices?.hostdevs ?? [])];
  for (const iface of def.devices?.interfaces ?? []) {
    const h = interfaceHostdev(iface);
    if (h) out.push(h);
  }
  return out;
}

/** Identity of a host device on the host (libvirt's `virDomainHostdevMatch`). */
export function hostdevKey(h: HostdevDef): string {
  switch (h.type) {
    case 'pci':
      return 'pci:' + pciAddressName(h.source.address);
    case 'usb': {
      const s = h.source;
      return `usb:${s.vendor?.id ?? ''}:${s.product?.id ?? ''}:${s.address?.bus ?? ''}:${s.address?.device ?? ''}`;
    }
    case 'scsi': {
      const s = h.source;
      if (s.protocol === 'iscsi') return `iscsi:${s.name ?? ''}:${(s.hosts ?? []).map((x) => `${x.name}:${x.port ?? ''}`).join(',')}`;
      return `scsi:${s.adapter?.name ?? ''}:${s.address?.bus}:${s.address?.target}:${s.address?.unit}`;
    }
    case 'scsi_host':
      return 'vhost:' + h.source.wwpn;
    case 'mdev':
      return 'mdev:' + h.source.address.uuid;
    case 'storage':
      return 'block:' + h.source.block;
    case 'misc':
      return 'char:' + h.source.char;
    case 'net':
      return 'net:' + h.source.interface;
  }
}

/** libvirt's parse-time duplicate check: `Hostdev already exists in the domain configuration`. */
export function checkDuplicateHostdevs(devices: { hostdevs?: HostdevDef[]; interfaces?: InterfaceDef[] }): CheckFailure | undefined {
  const seen = new Set<string>();
  const entries: Array<[HostdevDef, object]> = (devices.hostdevs ?? []).map((h) => [h, h]);
  for (const iface of devices.interfaces ?? []) {
    const h = iface.type === 'hostdev' ? interfaceHostdev(iface) : undefined;
    if (h) entries.push([h, iface]);
  }
  for (const [h, at] of entries) {
    const key = hostdevKey(h);
    // an all-zero PCI address means "not specified" and cannot collide
    if (key === 'pci:0000:00:00.0') continue;
    if (seen.has(key)) return { code: 'duplicate', message: 'XML error: Hostdev already exists in the domain configuration', at };
    seen.add(key);
  }
  return undefined;
}
