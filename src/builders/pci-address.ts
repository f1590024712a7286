/**
 * PCI addresses for the builders: a name in the package's one grammar
 * (`parsePciAddressName`: `DDDD:BB:SS.F` as sysfs and `lspci -D` print it,
 * or `BB:SS.F` with domain 0) or the numbers. Anything else is refused with
 * a typed error naming the part that is wrong.
 */
import { checkPciAddress, parsePciAddressName, type PciAddress, type PciAddressNumbers } from '../common/basictypes.js';
import { builderError, show } from './errors.js';


/** A PCI address as a string (`0000:03:00.0`, `03:00.0`) or as numbers. */
export type PciAddressInput = string | PciAddressNumbers;

const FULL = /^(?:([0-9a-fA-F]+):)?([0-9a-fA-F]+):([0-9a-fA-F]+)\.([0-9a-fA-F]+)$/;

function checkParts(a: PciAddress, text: string, path: string): PciAddress {
  if (a.domain > 0xffffffff) throw builderError('invalid-address', `invalid PCI address ${text}: domain must be <= 0xFFFFFFFF`, path);
  // libvirt's virPCIDeviceAddressIsValid (bus, slot, function ranges; 0000:00:00.x is the host bridge)
  const bad = checkPciAddress(a);
  if (bad) throw builderError('invalid-address', `${bad.message} (${text})`, path);
  if (a.domain === 0 && a.bus === 0 && a.slot === 0) {
    // all zero is "not specified" to checkPciAddress; a builder needs an actual device
    throw builderError('invalid-address', `invalid PCI address ${text}: at least one of domain, bus, or slot must be > 0`, path);
  }
  return a;
}

/**
 * Parses a host PCI address. Throws a `VirtXmlError` with code
 * `invalid-address` (placed at `path`) for anything that is not exactly an
 * address: `0000:03:00.0`, `03:00.0`, or `{ domain, bus, slot, function }`.
 */
export function parsePciAddress(input: PciAddressInput, path = '/address'): PciAddress {
  if (typeof input === 'object' && input !== null) {
    const parts = { domain: input.domain ?? 0, bus: input.bus ?? 0, slot: input.slot ?? 0, function: input.function ?? 0 };
    for (const [k, v] of Object.entries(parts)) {
      if (!Number.isInteger(v) || v < 0) throw builderError('invalid-address', `invalid PCI address: ${k} must be a non-negative integer, got ${show(v)}`, path);
    }
    return checkParts(parts, show(input), path);
  }
  if (typeof input !== 'string') throw builderError('invalid-address', `expected a PCI address string like '0000:03:00.0', got ${show(input)}`, path);
  const text = input;
  // the package's one grammar of address names (parsePciAddressName); what it refuses, said precisely
  const a = parsePciAddressName(text);
  if (a) return checkParts(a, `'${text}'`, path);
  const m = FULL.exec(text);
  if (!m) throw builderError('invalid-address', `invalid PCI address '${text}': expected DDDD:BB:SS.F (e.g. 0000:03:00.0) or BB:SS.F`, path);
  const [, d, b, s] = m;
  if (d !== undefined && (d.length < 4 || d.length > 8)) throw builderError('invalid-address', `invalid PCI address '${text}': the domain has 4 to 8 hex digits`, path);
  if (b!.length !== 2) throw builderError('invalid-address', `invalid PCI address '${text}': the bus has 2 hex digits`, path);
  if (s!.length !== 2) throw builderError('invalid-address', `invalid PCI address '${text}': the slot has 2 hex digits`, path);
  if (parseInt(s!, 16) > 0x1f) throw builderError('invalid-address', `Invalid PCI address slot='0x${s}', must be <= 0x1F (${text})`, path);
  throw builderError('invalid-address', `invalid PCI address '${text}': the function is one digit 0-7`, path);
}
