/**
 * The state lock: one manager per host+store at a time, so two managers can
 * never hand the same IOMMU group to two guests.
 */
import { HostdevError } from './errors.js';

export function lockedError(holder: string): HostdevError {
  return new HostdevError('locked', `hostdev state is locked by ${holder}: another hostdev manager is running`);
}

/** An in-process lock: `acquire` returns the unlock function (idempotent). */
export class LockCell {
  private holder: object | undefined;

  constructor(private readonly label = 'another manager in this process') {}

  get locked(): boolean {
    return this.holder !== undefined;
  }

  acquire(): () => void {
    if (this.holder) throw lockedError(this.label);
    const token = {};
    this.holder = token;
    return () => {
      if (this.holder === token) this.holder = undefined;
    };
  }
}
