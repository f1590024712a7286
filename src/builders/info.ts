/** Options every built device takes: boot order, alias and guest PCI address (libvirt's device info). */
import type { DeviceAddress } from '../domain/devices/info.js';
import { builderError, positiveInt, show } from './errors.js';
import { parsePciAddress, type PciAddressInput } from './pci-address.js';

export interface DeviceInfoOptions {
  /** Boot order (`<boot order='N'/>`), 1 first. Do not combine with `os.boot`. */
  bootOrder?: number;
  /** User alias (`<alias name='ua-…'/>`; libvirt requires the `ua-` prefix). */
  alias?: string;
  /** Guest PCI address (`<address type='pci' …/>`); libvirt assigns one when absent. */
  guestAddress?: PciAddressInput;
}

export interface DeviceInfoFields {
  boot?: { order: number };
  alias?: { name: string };
  address?: DeviceAddress;
}

const ALIAS = /^ua-[a-zA-Z0-9_-]+$/;

/** The device-info fields of `options`, checked; `path` is the device's element path. */
export function deviceInfo(options: DeviceInfoOptions, path: string): DeviceInfoFields {
  const out: DeviceInfoFields = {};
  if (options.bootOrder !== undefined) out.boot = { order: positiveInt(options.bootOrder, 'boot order', `${path}/boot/@order`) };
  if (options.alias !== undefined) {
    if (typeof options.alias !== 'string' || !ALIAS.test(options.alias)) {
      throw builderError('invalid-value', `a user alias starts with 'ua-' and has only letters, digits, '_' and '-', got ${show(options.alias)}`, `${path}/alias/@name`);
    }
    out.alias = { name: options.alias };
  }
  if (options.guestAddress !== undefined) {
    out.address = { type: 'pci', ...parsePciAddress(options.guestAddress, `${path}/address`) };
  }
  return out;
}
