/** `<hub type='usb'>`: a USB hub (libvirt's `virDomainHubDefFormat`: type, device info). */
import { attr, element, type Infer } from '../../xml/decl.js';
import { literal } from '../../xml/values.js';
import { deviceInfoFields } from './info.js';

export const hub = element('hub', { type: attr(literal('usb'), { required: true }), ...deviceInfoFields }, { doc: 'USB hub' });
export type HubDef = Infer<typeof hub>;
