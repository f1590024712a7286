/**
 * Errors of the hostdev manager: `VirtXmlError` values (messages in
 * libvirt's words) with a finer `reason` tools can switch on.
 */
import { VirtXmlError, type VirtXmlErrorCode } from '../xml/errors.js';
import type { PrepareFlags } from './plan-guest.js';

export type HostdevErrorReason =
  /** `PCI device NAME is in use by driver DRV, domain DOM` (the device or an IOMMU group mate). */
  | 'in-use'
  /** `Non-endpoint PCI devices cannot be assigned to guests`, reset of a non-endpoint. */
  | 'not-endpoint'
  /** `Unmanaged PCI device NAME must be manually detached from the host`. */
  | 'unmanaged'
  /** The IOMMU group holds critical host devices (group='auto' without force). */
  | 'critical-group'
  /** group='auto' would detach an SR-IOV PF with enabled VFs (unbinding its driver removes them). */
  | 'sriov-pf'
  /** A member of a group-managed IOMMU group cannot go back while the group is in use. */
  | 'group-busy'
  /** A stub driver name the host cannot use (`'legacy KVM' device assignment …`). */
  | 'unsupported-driver'
  /** The device does not exist on the host. */
  | 'no-device'
  /** A host write failed (the operation was rolled back). */
  | 'host-failure'
  /** The plan was computed against a host or list state that has changed since. */
  | 'stale-plan'
  /** Another manager holds the state lock. */
  | 'locked'
  /** An unfinished operation is in the journal: call `recover()` first. */
  | 'needs-recovery'
  /** The persisted state is not valid (empty, corrupt, wrong shape): refused, never read as a fresh state. */
  | 'bad-state'
  /** The state file or its lock cannot be read or written (missing directory, disk full, permissions). */
  | 'state-io'
  /** The manager was opened read-only (plans only) or is closed. */
  | 'read-only';

/**
 * VirtXmlError codes for each reason. (Requested: dedicated codes in
 * src/xml/errors.ts; until then the nearest existing code is used.)
 */
const CODES: Record<HostdevErrorReason, VirtXmlErrorCode> = {
  'in-use': 'duplicate',
  'not-endpoint': 'unsupported',
  unmanaged: 'unsupported',
  'critical-group': 'unsupported',
  'group-busy': 'unsupported',
  'sriov-pf': 'unsupported',
  'unsupported-driver': 'unsupported',
  'no-device': 'invalid-address',
  'host-failure': 'internal',
  'stale-plan': 'internal',
  locked: 'internal',
  'needs-recovery': 'internal',
  'bad-state': 'internal',
  'state-io': 'internal',
  'read-only': 'internal',
};

/**
 * What overrides a refusal: an option of the operation (`force` of
 * `PrepareFlags`) and what giving it does. A tool names the option its own
 * way (the CLI's `--force`) through `HostdevError.describe`.
 */
export interface HostdevRemedy {
  /** The operation's option that overrides the refusal. */
  option: keyof PrepareFlags;
  /** What the option does, completing "Use force to …" (`detach it anyway`). */
  action: string;
}

/** How a remedy's option is named: the library says `Use force`, a command line `Pass --force`. */
export type RemedyPhrase = (option: HostdevRemedy['option']) => string;

const LIBRARY_PHRASE: RemedyPhrase = (option) => `Use ${option}`;

export class HostdevError extends VirtXmlError {
  readonly reason: HostdevErrorReason;
  /** The device the error is about, when there is one. */
  readonly device: string | undefined;
  /** The option that overrides the refusal, when one does (`force` for a critical IOMMU group). */
  readonly remedy: HostdevRemedy | undefined;
  /** The message without its remedy. */
  readonly problem: string;

  constructor(reason: HostdevErrorReason, message: string, options: { device?: string; cause?: unknown; remedy?: HostdevRemedy } = {}) {
    super(CODES[reason], withRemedy(message, options.remedy, LIBRARY_PHRASE));
    this.reason = reason;
    this.device = options.device;
    this.remedy = options.remedy;
    this.problem = message;
    if (options.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }

  /** The message with its remedy's option named by `phrase` (the CLI passes one giving `Pass --force`), for a tool with its own names for options. */
  describe(phrase: RemedyPhrase): string {
    return withRemedy(this.problem, this.remedy, phrase);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason, device: this.device, ...(this.remedy ? { remedy: { ...this.remedy } } : {}) };
  }
}

function withRemedy(problem: string, remedy: HostdevRemedy | undefined, phrase: RemedyPhrase): string {
  return remedy ? `${problem}. ${phrase(remedy.option)} to ${remedy.action}` : problem;
}

/** libvirt's in-use message for a device held by (driver, domain). */
export function inUseError(name: string, usedBy: { driver: string; domain: string } | undefined): HostdevError {
  const msg = usedBy
    ? `PCI device ${name} is in use by driver ${usedBy.driver}, domain ${usedBy.domain}`
    : `PCI device ${name} is in use`;
  return new HostdevError('in-use', msg, { device: name });
}
