/**
 * What happens when the guest powers off, reboots, crashes or loses its
 * locks (`<on_*>`), and which ACPI sleep states it may use (`<pm>`).
 */
import { attr, element, child, value, type Infer } from '../xml/decl.js';
import { oneOf, yesNo } from '../xml/values.js';

/** `virDomainLifecycleAction` (the coredump actions apply to `on_crash` only). */
export const lifecycleAction = oneOf('destroy', 'restart', 'rename-restart', 'preserve', 'coredump-destroy', 'coredump-restart');

export const lifecycleFields = {
  on_poweroff: value('on_poweroff', lifecycleAction),
  on_reboot: value('on_reboot', lifecycleAction),
  on_crash: value('on_crash', oneOf('destroy', 'restart', 'rename-restart', 'preserve', 'coredump-destroy', 'coredump-restart', 'preserve-running')),
  on_lockfailure: value('on_lockfailure', oneOf('poweroff', 'restart', 'pause', 'ignore')),
} as const;

const suspend = (name: string) => element(name, { enabled: attr(yesNo) });

export const pm = element(
  'pm',
  {
    suspendToMem: child(suspend('suspend-to-mem')),
    suspendToDisk: child(suspend('suspend-to-disk')),
  },
  { doc: 'ACPI sleep states (S3, S4) allowed to the guest' },
);
export type Pm = Infer<typeof pm>;
