/**
 * libvirt's last prepare step (§3.3 step 8): the active devices' original-
 * state flags go into each PCI hostdev's `source.origstates` (status XML).
 */
import { pciAddressName } from '../common/basictypes.js';
import type { HostdevDef } from '../domain/devices/hostdev.js';
import type { OrigStates } from './types.js';

export function writeOrigStates(hostdevs: readonly HostdevDef[], states: readonly OrigStates[]): void {
  const byName = new Map(states.map((s) => [s.device, s]));
  for (const h of hostdevs) {
    if (h.mode !== 'subsystem' || h.type !== 'pci') continue;
    const s = byName.get(pciAddressName(h.source.address));
    if (!s) continue;
    const flags = { ...(s.unbind ? { unbind: true } : {}), ...(s.removeslot ? { removeslot: true } : {}), ...(s.reprobe ? { reprobe: true } : {}) };
    // assigned, not deleted: an interface's hostdev is a view whose setter writes the interface
    h.source.origstates = Object.keys(flags).length ? flags : undefined;
  }
}
