/**
 * Write-ahead journal. Before the first host write of an operation the
 * manager saves the operation (devices with their states before and after,
 * steps, the lists it will commit); before each host write it appends the
 * write and saves again. Committing saves the new lists with no journal, in
 * one atomic save. A journal found at start-up is an operation that did not
 * finish (the process died): `recover()` reads it.
 */
import { HostdevError } from './errors.js';
import { emptyLists } from './state.js';
import type { StateStore } from './store.js';
import type { ListsJson, PlanOp, PlanStep, PlannedDevice } from './types.js';

export const STATE_FORMAT = 'virtxml-hostdev/1';

/** After a crash: undo (back to the state before) or redo (finish). */
export type RecoveryMode = 'undo' | 'redo';

export interface JournalHeader {
  op: PlanOp;
  recovery: RecoveryMode;
  driver?: string;
  domain?: string;
  devices: PlannedDevice[];
  steps: PlanStep[];
  /** Lists and generation to commit when the operation completes (or is redone). */
  commit: ListsJson;
  commitGeneration: number;
}

/** `[step index, write]` appended before a host write; step −1: a rollback write. */
export type JournalEntry = [number, string];

export interface JournalRecord extends JournalHeader {
  /** `apply`: running; `rollback`: failed and being undone; `recover`: being recovered after a crash. */
  phase: 'apply' | 'rollback' | 'recover';
  progress: JournalEntry[];
}

export interface PersistedState {
  format: typeof STATE_FORMAT;
  generation: number;
  lists: ListsJson;
  journal: JournalRecord | null;
}

export function parseState(text: string | undefined): PersistedState {
  if (text === undefined || text === '') return { format: STATE_FORMAT, generation: 0, lists: emptyLists(), journal: null };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new HostdevError('bad-state', `hostdev state is not valid JSON: ${(e as Error).message}`);
  }
  const s = v as Partial<PersistedState> | null;
  if (!s || s.format !== STATE_FORMAT || !s.lists || typeof s.generation !== 'number') {
    throw new HostdevError('bad-state', `hostdev state is not in format ${STATE_FORMAT}`);
  }
  return { format: STATE_FORMAT, generation: s.generation, lists: s.lists, journal: s.journal ?? null };
}

function prefix(generation: number, listsText: string): string {
  return `{"format":"${STATE_FORMAT}","generation":${generation},"lists":${listsText},"journal":`;
}

/** Saves the lists with no journal (a commit, or a cleared journal). */
export function saveLists(store: StateStore, generation: number, lists: ListsJson): void {
  store.save(prefix(generation, JSON.stringify(lists)) + 'null}');
}

/**
 * An open journal. The text is composed from cached pieces so each append
 * costs one concatenation, not a re-serialisation of the lists.
 */
export class Journal {
  private readonly head: string;
  /** The progress entries as JSON text, comma-separated (appended to, never rebuilt). */
  private entries: string;

  private constructor(
    private readonly store: StateStore,
    generation: number,
    lists: ListsJson,
    readonly header: JournalHeader,
    private phase: JournalRecord['phase'],
    entries: JournalEntry[],
  ) {
    const h = JSON.stringify(header);
    this.head = prefix(generation, JSON.stringify(lists)) + h.slice(0, -1);
    this.entries = entries.map((e) => JSON.stringify(e)).join(',');
  }

  /** Saves the operation before its first host write. */
  static begin(store: StateStore, generation: number, lists: ListsJson, header: JournalHeader): Journal {
    const j = new Journal(store, generation, lists, header, 'apply', []);
    j.save();
    return j;
  }

  /** Continues a journal found at start-up (recovery appends its own writes). */
  static resume(store: StateStore, state: PersistedState & { journal: JournalRecord }): Journal {
    const { phase: _phase, progress, ...header } = state.journal;
    const j = new Journal(store, state.generation, state.lists, header, 'recover', progress);
    j.save();
    return j;
  }

  /** Appends a write (before it happens) and saves. */
  record(step: number, write: string): void {
    const e = JSON.stringify([step, write]);
    this.entries = this.entries ? this.entries + ',' + e : e;
    this.save();
  }

  /** Marks that the operation failed and is being rolled back. */
  rollingBack(): void {
    this.phase = 'rollback';
    this.save();
  }

  private save(): void {
    this.store.save(`${this.head},"phase":"${this.phase}","progress":[${this.entries}]}}`);
  }
}

/** Indices of the steps a journal shows as begun. */
export function begunSteps(j: JournalRecord): Set<number> {
  return new Set(j.progress.map((e) => e[0]).filter((i) => i >= 0));
}
