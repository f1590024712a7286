/**
 * `<pstore backend='acpi-erst'>`: a persistent store for guest kernel logs.
 * libvirt's order (`virDomainPstoreDefFormat`): attribute backend; children
 * path, size (in KiB), device info.
 */
import { attr, child, element, value, type Infer } from '../../xml/decl.js';
import { literal, str } from '../../xml/values.js';
import { deviceInfoFields } from './info.js';
import { scaledElement } from '../scaled.js';

export const pstore = element(
  'pstore',
  {
    backend: attr(literal('acpi-erst'), { required: true }),
    path: value('path', str, { doc: 'host file backing the store' }),
    size: child(scaledElement('size'), { required: true }),
    ...deviceInfoFields,
  },
  { doc: 'Persistent store' },
);
export type PstoreDef = Infer<typeof pstore>;
