import type { DeviceKind } from '../domain/device-xml.js';

/**
 * The vocabulary of validation: diagnostics with a place, profiles, root kinds.
 * Shared by the RelaxNG layer (./rng), the semantic layer, the JSON Schema
 * checks of defs built in code, and the CLI.
 */

export type Severity = 'error' | 'warning';

/** Which layer found a problem. */
export type DiagnosticSource = 'xml' | 'rng' | 'libvirt' | 'virtxml' | 'json-schema';

export interface Diagnostic {
  severity: Severity;
  /** Stable code, e.g. `rng-unknown-element`, `rng-invalid-value`, `libvirt-duplicate`. */
  code: string;
  message: string;
  /** 1-based; 0 when the problem has no place in a source text (defs built in code). */
  line: number;
  column: number;
  /** Element path, e.g. `/domain/devices/hostdev[2]/driver/@group`. */
  path: string;
  source: DiagnosticSource;
  file?: string;
}

/**
 * - `rng`: exactly libvirt 10.7's RelaxNG verdict (what `virt-xml-validate` says).
 * - `libvirt`: `rng` plus the rules libvirt's parser and define-time checks apply
 *   ("would libvirt accept this?"); virtxml's extensions are errors.
 * - `virtxml` (default): `libvirt` with virtxml's extensions (`group='auto'`) accepted and checked.
 */
export type Profile = 'rng' | 'libvirt' | 'virtxml';

export const PROFILES: readonly Profile[] = ['rng', 'libvirt', 'virtxml'];

/** Document roots validated on their own. */
export type DocumentKind = 'domain' | 'network' | 'networkport';

/**
 * The host's own documents (libvirt 12.9's schemas): a node device `<device>`
 * (nodedev.rng), the host `<capabilities>` (capability.rng) and the
 * hypervisor's `<domainCapabilities>` (domaincaps.rng).
 */
export type HostKind = 'nodedev' | 'capabilities' | 'domainCapabilities';

/** Device snippets (hotplug XML), validated with an explicit kind: the device element names. */
export type { DeviceKind };

export type RootKind = DocumentKind | HostKind | DeviceKind;

export interface ValidateOptions {
  /** Default `virtxml`. */
  profile?: Profile;
  /** Root kind; detected from the root element when absent (documents only). */
  kind?: RootKind;
  /** File name, carried into diagnostics. */
  file?: string;
  /** Stop after this many diagnostics. Default 100. */
  maxDiagnostics?: number;
  /**
   * The `<domainCapabilities>` of the host the domain is meant for (parsed,
   * `parseDomainCapabilitiesXml`): what its hypervisor cannot do is reported
   * as libvirt's QEMU driver refuses it at define or start (domains only).
   */
  domainCapabilities?: import('../domaincaps/domaincaps.js').DomainCapabilitiesDef;
}

export interface ValidationResult {
  kind: RootKind | undefined;
  profile: Profile;
  /** True when no diagnostic has severity `error`. */
  valid: boolean;
  diagnostics: Diagnostic[];
}
