/**
 * The semantic layer for a device snippet (hotplug XML): the device rules of
 * libvirt's define-time validation, applied to the device as if it stood
 * alone in a domain's `<devices>` (domain-level rules — name, memory, os —
 * do not apply to a snippet).
 */
import type { DomainDef } from '../domain/domain.js';
import { Reporter, type SemanticOptions } from './semantic/context.js';
import { byPlace, checkDeviceRules } from './semantic-domain.js';
import type { Diagnostic } from './types.js';

/** `devices` is a `<devices>` def holding the one device. */
export function deviceSemanticDiagnostics(devices: NonNullable<DomainDef['devices']>, options: SemanticOptions): Diagnostic[] {
  const r = new Reporter(options);
  checkDeviceRules({ devices }, r);
  return byPlace(r.diagnostics);
}
