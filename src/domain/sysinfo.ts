/**
 * `<sysinfo>`: SMBIOS tables given to the guest (`type='smbios'`) or QEMU
 * firmware configuration entries (`type='fwcfg'`), as `virSysinfoFormat`
 * writes them. libvirt keeps SMBIOS entries in fixed struct fields, so they
 * are written in its field order whatever the input order was.
 */
import { attr, child, element, list, tag, text, union, type Infer } from '../xml/decl.js';
import { literal, oneOf, str } from '../xml/values.js';
import { writeInOrder } from './order.js';

/** An SMBIOS block of `<entry name='…'>value</entry>`, written in `names` order. */
function entryBlock<const N extends string>(block: string, ...names: N[]) {
  const entry = element('entry', { name: attr(oneOf(...names), { required: true, missing: 'ignore-element' }), value: text(str) });
  return element(block, { entries: list(entry) }, { beforeFormat: writeInOrder('entries', 'name', names) });
}

export const sysinfoBios = entryBlock('bios', 'vendor', 'version', 'date', 'release');
export const sysinfoSystem = entryBlock('system', 'manufacturer', 'product', 'version', 'serial', 'uuid', 'sku', 'family');
export const sysinfoBaseBoard = entryBlock('baseBoard', 'manufacturer', 'product', 'version', 'serial', 'asset', 'location');
export const sysinfoChassis = entryBlock('chassis', 'manufacturer', 'version', 'serial', 'asset', 'sku');
// an empty <entry> is kept and written as a pair (libvirt 12.9)
export const sysinfoOemStrings = element('oemStrings', { entries: list(element('entry', { value: text(str) }, { emptyText: 'kept' })) });

export const sysinfoFwcfgEntry = element('entry', {
  name: attr(str, { required: true }),
  file: attr(str, { doc: 'Host file whose content is the value' }),
  value: text(str),
});

export const sysinfo = union(
  'sysinfo',
  'type',
  {
    smbios: element('sysinfo', {
      type: tag(literal('smbios')),
      bios: child(sysinfoBios),
      system: child(sysinfoSystem),
      baseBoards: list(sysinfoBaseBoard),
      chassis: child(sysinfoChassis),
      oemStrings: child(sysinfoOemStrings),
    }),
    fwcfg: element('sysinfo', {
      type: tag(literal('fwcfg')),
      entries: list(sysinfoFwcfgEntry),
    }),
  },
  { unknownMessage: "unknown sysinfo type '%s'", doc: 'System information for the guest firmware' },
);
export type Sysinfo = Infer<typeof sysinfo>;
