/**
 * The semantic layer for a device snippet (hotplug XML): the device rules of
 * libvirt's define-time validation, applied to the device as if it stood
 * alone in a domain's `<devices>` (domain-level rules — name, memory, os —
 * do not apply to a snippet).
 */
import type { DomainDef } from '../domain/domain.js';
import { checkAliases, checkDriveAddresses, checkPciAddresses } from './semantic/address.js';
import { checkChardevs } from './semantic/chardev.js';
import { Reporter, type SemanticOptions } from './semantic/context.js';
import { checkControllers } from './semantic/controller.js';
import { checkDisks } from './semantic/disk.js';
import { checkHostdevs } from './semantic/hostdev.js';
import { checkInterfaces } from './semantic/interface.js';
import { byPlace } from './semantic-domain.js';
import type { Diagnostic } from './types.js';

/** `devices` is a `<devices>` def holding the one device. */
export function deviceSemanticDiagnostics(devices: NonNullable<DomainDef['devices']>, options: SemanticOptions): Diagnostic[] {
  const def = { devices } as DomainDef;
  const r = new Reporter(options);
  checkDisks(def, r);
  checkControllers(def, r);
  checkInterfaces(def, r);
  checkHostdevs(def, r);
  checkChardevs(def, r);
  checkPciAddresses(def, r);
  checkDriveAddresses(def, r);
  checkAliases(def, r);
  return byPlace(r.diagnostics);
}
