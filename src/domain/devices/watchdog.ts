/**
 * `<watchdog>`: a watchdog timer device. libvirt's order
 * (`virDomainWatchdogDefFormat`): model, action (absent reads as reset and
 * is always written), device info.
 */
import { attr, element, type Infer } from '../../xml/decl.js';
import { oneOf } from '../../xml/values.js';
import { deviceInfoFields } from './info.js';

export const watchdogActions = ['reset', 'shutdown', 'poweroff', 'pause', 'dump', 'none', 'inject-nmi'] as const;

export const watchdog = element(
  'watchdog',
  {
    model: attr(oneOf('i6300esb', 'ib700', 'diag288', 'itco'), { required: true }),
    action: attr(oneOf(...watchdogActions), { default: 'reset' as const, doc: 'what happens when the timer expires' }),
    ...deviceInfoFields,
  },
  { doc: 'Watchdog device' },
);
export type WatchdogDef = Infer<typeof watchdog>;
