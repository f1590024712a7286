/**
 * Executing a plan as a transaction (design principle 7): the journal is
 * saved before the first host write and appended before each one; a
 * failure undoes what was done and leaves the lists as they were; success
 * commits the new lists in one atomic save. `recoverJournal` finishes the
 * job of a process that died mid-way.
 */
import type { PciHost } from '../pci/host.js';
import { converge, readState, resetDevice } from './binding.js';
import { HostdevError } from './errors.js';
import { Journal, begunSteps, saveLists, type JournalHeader, type PersistedState, type RecoveryMode } from './journal.js';
import type { DeviceState, DeviceTarget, HostdevPlan, ListsJson, PlanOp, PlanStep } from './types.js';
import type { StateStore } from './store.js';

/** What is committed: the lists and how many commits led to them. */
export interface Committed {
  generation: number;
  lists: ListsJson;
}

/** After a crash: an unfinished prepare or detach is undone; an unfinished give-back is finished. */
export const RECOVERY: Readonly<Record<PlanOp, RecoveryMode>> = {
  prepare: 'undo',
  detach: 'undo',
  reset: 'undo',
  'update-active': 'undo',
  reattach: 'redo',
  'reattach-node': 'redo',
};

const sameState = (a: DeviceState, b: DeviceState) => a.driver === b.driver && a.override === b.override;

/** Refuses a plan computed from lists or bindings that have changed since. */
export function checkBasis(host: PciHost, plan: HostdevPlan, generation: number): void {
  if (plan.basis.generation !== generation) {
    throw new HostdevError('stale-plan', `the plan is stale: the hostdev lists changed since it was made (generation ${plan.basis.generation}, now ${generation}); plan again`);
  }
  for (const [device, was] of Object.entries(plan.basis.devices)) {
    const now = host.exists(device) ? readState(host, device) : undefined;
    if (!now || !sameState(now, was)) {
      const d = (s: DeviceState | undefined) => (s ? (s.driver ?? 'no driver') : 'gone');
      throw new HostdevError('stale-plan', `the plan is stale: PCI device ${device} is now bound to ${d(now)}, planned from ${d(was)}; plan again`, { device });
    }
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Devices of the begun steps that change bindings, latest first, each once. */
function touched(steps: readonly PlanStep[], begun: Iterable<number>): string[] {
  const out: string[] = [];
  for (const i of [...begun].sort((a, b) => b - a)) {
    const s = steps[i];
    if (s && s.action !== 'reset' && !out.includes(s.device)) out.push(s.device);
  }
  return out;
}

function states(plan: { devices: HostdevPlan['devices'] }, which: 'before' | 'after'): Map<string, DeviceTarget> {
  return new Map(plan.devices.map((d) => [d.device, d[which]]));
}

export function applyPlan(host: PciHost, store: StateStore, committed: Committed, plan: HostdevPlan): Committed {
  checkBasis(host, plan, committed.generation);
  const next: Committed = { generation: committed.generation + 1, lists: plan.result };
  if (!plan.steps.length) {
    if (JSON.stringify(plan.result) === JSON.stringify(committed.lists)) return committed;
    saveLists(store, next.generation, next.lists);
    return next;
  }
  const header: JournalHeader = {
    op: plan.op,
    recovery: RECOVERY[plan.op],
    ...(plan.driver !== undefined ? { driver: plan.driver } : {}),
    ...(plan.domain !== undefined ? { domain: plan.domain } : {}),
    devices: plan.devices,
    steps: plan.steps,
    commit: plan.result,
    commitGeneration: next.generation,
  };
  const journal = Journal.begin(store, committed.generation, committed.lists, header);
  const after = states(plan, 'after');
  const begun = new Set<number>();
  try {
    plan.steps.forEach((step, i) => {
      begun.add(i);
      const record = (w: string) => journal.record(i, w);
      if (step.action !== 'reset') return converge(host, step.device, after.get(step.device)!, record);
      try {
        resetDevice(host, step.device, record);
      } catch (e) {
        // libvirt: a reset failing while devices are given back is logged, not fatal
        if (!(plan.op === 'reattach' && e instanceof HostdevError)) throw e;
      }
    });
  } catch (e) {
    try {
      journal.rollingBack();
      const before = states(plan, 'before');
      for (const device of touched(plan.steps, begun)) converge(host, device, before.get(device)!, (w) => journal.record(-1, w));
      saveLists(store, committed.generation, committed.lists);
    } catch (e2) {
      throw new HostdevError('needs-recovery', `${describe(e)}; rolling back failed too (${describe(e2)}): the operation stays in the journal, call recover()`, { cause: e });
    }
    throw e;
  }
  saveLists(store, next.generation, next.lists);
  return next;
}

export interface RecoveryReport {
  /** Whether the journal held an unfinished operation. */
  recovered: boolean;
  op?: PlanOp;
  driver?: string;
  domain?: string;
  /** `undo`: devices went back to where they were before; `redo`: the operation was finished. */
  mode?: RecoveryMode;
  /** Devices whose binding recovery looked after. */
  devices: string[];
}

/** Brings the host and the lists to a consistent state after a crash, then clears the journal. */
export function recoverJournal(host: PciHost, store: StateStore, state: PersistedState): { committed: Committed; report: RecoveryReport } {
  const j = state.journal;
  if (!j) return { committed: { generation: state.generation, lists: state.lists }, report: { recovered: false, devices: [] } };
  const journal = Journal.resume(store, { ...state, journal: j });
  const record = (w: string) => journal.record(-1, w);
  const report: RecoveryReport = { recovered: true, op: j.op, mode: j.recovery, devices: [] };
  if (j.driver !== undefined) report.driver = j.driver;
  if (j.domain !== undefined) report.domain = j.domain;
  let committed: Committed;
  if (j.recovery === 'undo') {
    const before = states(j, 'before');
    report.devices = touched(j.steps, begunSteps(j));
    for (const device of report.devices) if (host.exists(device)) converge(host, device, before.get(device)!, record);
    committed = { generation: state.generation, lists: state.lists };
  } else {
    for (const d of j.devices) {
      if (host.exists(d.device)) converge(host, d.device, d.after, record);
      report.devices.push(d.device);
    }
    committed = { generation: j.commitGeneration, lists: j.commit };
  }
  saveLists(store, committed.generation, committed.lists);
  return { committed, report };
}
