/** `<panic>`: a guest panic notifier (libvirt's `virDomainPanicDefFormat`: model, device info). */
import { attr, element, type Infer } from '../../xml/decl.js';
import { oneOf } from '../../xml/values.js';
import { deviceInfoFields } from './info.js';

export const panic = element(
  'panic',
  { model: attr(oneOf('isa', 'pseries', 'hyperv', 's390', 'pvpanic')), ...deviceInfoFields },
  { doc: 'Panic device' },
);
export type PanicDef = Infer<typeof panic>;
