/**
 * Errors of the hostdev manager: `VirtXmlError` values (messages in
 * libvirt's words) with a finer `reason` tools can switch on.
 */
import { VirtXmlError, type VirtXmlErrorCode } from '../xml/errors.js';

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

export class HostdevError extends VirtXmlError {
  readonly reason: HostdevErrorReason;
  /** The device the error is about, when there is one. */
  readonly device: string | undefined;

  constructor(reason: HostdevErrorReason, message: string, options: { device?: string; cause?: unknown } = {}) {
    super(CODES[reason], message);
    this.reason = reason;
    this.device = options.device;
    if (options.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason, device: this.device };
  }
}

/** libvirt's in-use message for a device held by (driver, domain). */
export function inUseError(name: string, usedBy: { driver: string; domain: string } | undefined): HostdevError {
  const msg = usedBy
    ? `PCI device ${name} is in use by driver ${usedBy.driver}, domain ${usedBy.domain}`
    : `PCI device ${name} is in use`;
  return new HostdevError('in-use', msg, { device: name });
}
