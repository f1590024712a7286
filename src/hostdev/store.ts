/**
 * Where the manager keeps its lists, group records and journal. `save`
 * must be atomic: after a crash, `load` returns either the previous or the
 * new text, never a mix.
 */
import { LockCell } from './lock.js';

export interface StateStore {
  /** The last saved text, undefined when nothing was saved yet. */
  load(): string | undefined;
  /** Replaces the text atomically. */
  save(text: string): void;
  /** Takes the store's lock; returns the unlock function. Throws if another manager holds it. */
  lock(): () => void;
  /** What error messages call the store (a file name). */
  readonly name?: string;
  /** Keeps an invalid state aside (renamed, never overwritten); returns where it went. */
  setAside?(): string;
  /** States set aside earlier: with no state but one of these, the manager refuses to start fresh. */
  setAsideFiles?(): string[];
}

/** A store in memory (the pure core's; also for tests). */
export class MemoryStateStore implements StateStore {
  private text: string | undefined;
  private readonly cell = new LockCell();
  /** Number of saves so far. */
  saves = 0;

  constructor(initial?: string) {
    this.text = initial;
  }
  load(): string | undefined {
    return this.text;
  }
  save(text: string): void {
    this.text = text;
    this.saves++;
  }
  lock(): () => void {
    return this.cell.acquire();
  }
  get locked(): boolean {
    return this.cell.locked;
  }
}
