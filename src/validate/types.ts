import type { Kind } from '../kinds.js';
import type { InputLimits } from '../xml/reader.js';
import type { DomainCapabilitiesDef } from '../domaincaps/domaincaps.js';
import type { LibvirtRelease } from './rng/releases.js';

export type { LibvirtRelease };

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
 * - `rng`: exactly the target libvirt release's RelaxNG verdict (what its
 *   `virt-xml-validate`, i.e. libxml2, says).
 * - `libvirt`: `rng` plus the rules libvirt's parser and define-time checks apply
 *   ("would libvirt accept this?"); virtxml's extensions are errors.
 * - `virtxml` (default): `libvirt` with virtxml's extensions (`group='auto'`) accepted and checked.
 */
export type Profile = 'rng' | 'libvirt' | 'virtxml';

export const PROFILES: readonly Profile[] = ['rng', 'libvirt', 'virtxml'];

/** A kind `validateXml` takes: any kind of the registry (../kinds.ts). */
export type RootKind = Kind;

export interface ValidateOptions extends InputLimits {
  /** Default `virtxml`. */
  profile?: Profile;
  /** The document kind; by default the root element decides (see `KINDS`). */
  kind?: RootKind;
  /** File name, carried into diagnostics. */
  file?: string;
  /** Stop after this many diagnostics. Default 100. */
  maxDiagnostics?: number;
  /**
   * The libvirt release whose schemas decide the `rng` layer: '9.0', '10.7',
   * '11.3' or '12.9' (default: the newest). A name or value newer than the
   * target is reported with the release that introduced it.
   */
  libvirt?: LibvirtRelease;
  /**
   * The `<domainCapabilities>` of the host the domain is meant for (parsed,
   * `parseDomainCapabilitiesXml`): what its hypervisor cannot do is reported
   * as libvirt's QEMU driver refuses it at define or start (domains only).
   */
  domainCapabilities?: DomainCapabilitiesDef;
}

export interface ValidationResult {
  kind: RootKind | undefined;
  profile: Profile;
  /** The libvirt release validated against. */
  libvirt: LibvirtRelease;
  /** True when no diagnostic has severity `error`. */
  valid: boolean;
  diagnostics: Diagnostic[];
}
