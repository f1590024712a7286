/**
 * Write-ahead journal. Before the first host write of an operation the
 * manager saves the operation (devices with their states before and after,
 * steps, the lists it will commit); before each host write it appends the
 * write and saves again. Committing saves the new lists with no journal, in
 * one atomic save. A journal found at start-up is an operation that did not
 * finish (the process died): `recover()` reads it.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js';
import { PCI_DEVICE_FIELD_NAMES, PCI_DEVICE_FIELDS, PCI_DEVICE_OPTIONAL_FIELDS } from '../pci/device.js';
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

/** Integers that survive JSON both ways (no 1e999 read as Infinity, no 2^53+1 read as 2^53). */
const COUNT = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER };
const STR = { type: 'string' };
const STR_OR_NULL = { type: ['string', 'null'] };
const BOOL = { type: 'boolean' };
const PCI_NAME = { type: 'string', pattern: '^[0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]$' };
const obj = (properties: Record<string, unknown>, optional: string[] = []) => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
  additionalProperties: false,
});
const arr = (items: unknown) => ({ type: 'array', items });
const DEVICE_STATE = obj({ driver: STR_OR_NULL, override: STR_OR_NULL });
/** A device record: its name and the fields of `PCI_DEVICE_FIELDS`, each with the schema it declares. */
const DEVICE_RECORD = obj(
  { name: PCI_NAME, ...Object.fromEntries(PCI_DEVICE_FIELD_NAMES.map((k) => [k, PCI_DEVICE_FIELDS[k].schema])) },
  [...PCI_DEVICE_OPTIONAL_FIELDS],
);
const LISTS = obj({
  active: arr(DEVICE_RECORD),
  inactive: arr(DEVICE_RECORD),
  groups: arr(obj({ group: COUNT, detached: arr(obj({ device: PCI_NAME, driver: STR_OR_NULL, override: STR_OR_NULL })), held: arr(PCI_NAME) })),
});
const OPS = ['prepare', 'reattach', 'update-active', 'detach', 'reattach-node', 'reset'];
const JOURNAL = obj(
  {
    op: { enum: OPS },
    recovery: { enum: ['undo', 'redo'] },
    driver: STR,
    domain: STR,
    devices: arr(obj({ device: PCI_NAME, before: DEVICE_STATE, after: obj({ driver: STR_OR_NULL, override: STR_OR_NULL, probe: BOOL }, ['probe']) })),
    steps: arr(
      obj(
        { device: PCI_NAME, action: { enum: ['detach', 'reattach', 'reset', 'bind'] }, from: STR, to: STR, reason: STR, probe: BOOL, group: COUNT },
        ['from', 'to', 'probe', 'group'],
      ),
    ),
    commit: LISTS,
    commitGeneration: COUNT,
    phase: { enum: ['apply', 'rollback', 'recover'] },
    progress: arr({ type: 'array', prefixItems: [{ type: 'integer', minimum: -1, maximum: Number.MAX_SAFE_INTEGER }, STR], minItems: 2, maxItems: 2, items: false }),
  },
  ['driver', 'domain'],
);
/** The JSON Schema of the state file: every field and its type. */
export const STATE_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  ...obj({ format: { const: STATE_FORMAT }, generation: COUNT, lists: LISTS, journal: { ...JOURNAL, type: ['object', 'null'] } }),
};

let validate: ValidateFunction | undefined;

/**
 * The persisted state, checked field by field against `STATE_SCHEMA`.
 * `undefined` (nothing saved yet) is a fresh state; anything else that is
 * not a valid state (an empty file included) is refused with `bad-state`.
 */
export function parseState(text: string | undefined, name = 'hostdev state'): PersistedState {
  if (text === undefined) return { format: STATE_FORMAT, generation: 0, lists: emptyLists(), journal: null };
  if (text.trim() === '') throw new HostdevError('bad-state', `${name} is empty (${text.length} bytes): refusing to read it as a fresh state`);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new HostdevError('bad-state', `${name} is not valid JSON: ${(e as Error).message}`);
  }
  if (!v || typeof v !== 'object' || (v as { format?: unknown }).format !== STATE_FORMAT) {
    throw new HostdevError('bad-state', `${name} is not in format ${STATE_FORMAT}`);
  }
  validate ??= new Ajv2020({ strict: false, allErrors: false }).compile(STATE_SCHEMA);
  if (!validate(v)) {
    const e = validate.errors![0]!;
    const at = e.instancePath || '/';
    throw new HostdevError('bad-state', `${name} is not a valid ${STATE_FORMAT} state: ${at} ${e.message ?? 'is invalid'}`);
  }
  return v as PersistedState;
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
