/**
 * `<redirdev>`: a USB device redirected from a chardev (spicevmc, tcp, …),
 * and `<redirfilter>`: which redirected USB devices the guest may use.
 *
 * libvirt's order (`virDomainRedirdevDefFormat`): attributes bus, type;
 * children source, protocol (the chardev's), boot, alias, acpi, address.
 * `<usbdev>` (`virDomainRedirFilterDefFormat`): class, vendor, product,
 * version, allow; -1 ("any") is not written; numbers are written
 * `0x%02X`/`0x%04X`, the version as `major.minor` with two minor digits.
 */
import { attr, element, list, type Infer } from '../../xml/decl.js';
import { INVALID, literal, parseUnsignedBase0, yesNo, type ValueType } from '../../xml/values.js';
import { chardevUnion } from './chardev.js';
import { deviceInfoFields } from './info.js';

export const redirdev = chardevUnion('redirdev', { ...deviceInfoFields }, {
  before: { bus: attr(literal('usb'), { default: 'usb' as const }) },
  doc: 'Redirected USB device',
});
export type RedirdevDef = Infer<typeof redirdev>;

/** An id of a USB filter rule: read like strtol base 0, -1 for any; written upper-case hex. */
function usbFilterNumber(name: string, max: number, width: number): ValueType<number> {
  return {
    name,
    expected: `Expected -1 or a number up to 0x${max.toString(16).toUpperCase()}`,
    parse(t) {
      if (t.trim() === '-1') return -1;
      const n = parseUnsignedBase0(t);
      return n === INVALID || n > max ? INVALID : n;
    },
    format: (v) => (v < 0 ? '-1' : '0x' + v.toString(16).toUpperCase().padStart(width, '0')),
    is: (v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= -1 && v <= max,
    schema: { type: 'integer', minimum: -1, maximum: max },
  };
}

/** libvirt's `virDomainRedirFilterUSBVersionHelper`: `1.1` is 1.10, not 1.01. */
export const usbFilterVersion: ValueType<string> = {
  name: 'usbVersion',
  expected: 'Expected -1 or major.minor',
  parse(t) {
    if (t === '-1') return t;
    const m = /^\s*\+?(\d+)\.(\d+)$/.exec(t);
    if (!m) return INVALID;
    const major = parseInt(m[1]!, 10);
    let minor = parseInt(m[2]!, 10);
    if (major >= 100 || minor >= 100) return INVALID;
    if (m[2]!.length === 1) minor *= 10;
    return `${major}.${String(minor).padStart(2, '0')}`;
  },
  format: (v) => v,
  is: (v): v is string => typeof v === 'string' && (v === '-1' || /^\d{1,2}\.\d{2}$/.test(v)),
  schema: { type: 'string', pattern: '^(-1|\\d{1,2}\\.\\d{2})$' },
};

const anyValue = (v: number | string) => v === -1 || v === '-1';

/** `<usbdev>`: one filter rule; absent or -1 fields match any device. */
export const usbdevFilter = element('usbdev', {
  class: attr(usbFilterNumber('usbClass', 0xff, 2), { omit: anyValue }),
  vendor: attr(usbFilterNumber('usbId', 0x7fffffff, 4), { omit: anyValue }),
  product: attr(usbFilterNumber('usbId', 0x7fffffff, 4), { omit: anyValue }),
  version: attr(usbFilterVersion, { omit: anyValue }),
  allow: attr(yesNo, { required: true }),
});
export type UsbdevFilter = Infer<typeof usbdevFilter>;

export const redirfilter = element('redirfilter', { usbdevs: list(usbdevFilter) }, { doc: 'Filter of redirected USB devices' });
export type RedirfilterDef = Infer<typeof redirfilter>;
