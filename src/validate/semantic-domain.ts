/**
 * The semantic layer of domain validation: libvirt's post-parse and
 * define-time checks of a domain (`virDomainDefPostParse`,
 * `virDomainDefValidate`, `virDomainDeviceDefValidate`, and qemu's
 * `qemuValidateDomainDef` where it is about the XML, not the host), as a
 * list of every problem with its place — libvirt stops at the first.
 *
 * The def should come from `parseDomainXml(xml, { keepOrigins: true })`, so
 * each diagnostic has the line, column and path of its element or attribute;
 * defs built in code get line 0, column 0 and the path of the def structure.
 * Parse-time rules (which the parser throws as VirtXmlError) are not repeated,
 * except the duplicate host device check, which defs built in code have not
 * passed. Rules by family live in ./semantic/.
 *
 * Profiles: `libvirt` reports virtxml's extensions (`group='auto'`) as
 * errors; `virtxml` accepts them and checks them.
 */
import type { DomainDef } from '../domain/domain.js';
import { checkAliases, checkBootOrders, checkDriveAddresses, checkPciAddresses } from './semantic/address.js';
import { Reporter, type SemanticOptions } from './semantic/context.js';
import { checkChardevs } from './semantic/chardev.js';
import { checkControllers } from './semantic/controller.js';
import { checkDisks } from './semantic/disk.js';
import { checkDomain } from './semantic/domain.js';
import type { DeviceScope } from './semantic/devices.js';
import { checkHostdevs } from './semantic/hostdev.js';
import { checkInterfaces } from './semantic/interface.js';
import { checkMemoryDevices, checkPstore } from './semantic/memory.js';
import { checkOtherDevices } from './semantic/other-devices.js';
import { checkOs } from './semantic/os.js';
import type { Diagnostic } from './types.js';

export type { SemanticOptions, SemanticProfile } from './semantic/context.js';

export function domainSemanticDiagnostics(def: DomainDef, options: SemanticOptions): Diagnostic[] {
  const r = new Reporter(options);
  checkDomain(def, r);
  checkOs(def, r);
  checkDeviceRules(def, r);
  return byPlace(r.diagnostics);
}

/** The rules about devices (all of a domain's, or a snippet's one device in `def.devices`). */
export function checkDeviceRules(def: DeviceScope, r: Reporter): void {
  checkDisks(def, r);
  checkControllers(def, r);
  checkInterfaces(def, r);
  checkHostdevs(def, r);
  checkChardevs(def, r);
  checkMemoryDevices(def, r);
  checkPstore(def, r);
  checkOtherDevices(def, r);
  checkPciAddresses(def, r);
  checkDriveAddresses(def, r);
  checkAliases(def, r);
  checkBootOrders(def, r);
}

/** Diagnostics in document order; those without a place (defs built in code) follow, in the order of the rules. */
export function byPlace(ds: Diagnostic[]): Diagnostic[] {
  const placed = ds.filter((d) => d.line > 0).sort((a, b) => a.line - b.line || a.column - b.column);
  return [...placed, ...ds.filter((d) => d.line <= 0)];
}
