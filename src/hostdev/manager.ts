/**
 * `HostdevManager`: libvirt's hostdev manager (`virHostdevManager`) for PCI
 * devices over a `PciHost`, with virtxml's group='auto', plans as data,
 * a write-ahead journal and a state lock.
 *
 * One manager owns a host+store: it takes the store's lock when opened and
 * keeps it until `close()`. Its lists and group records live in the store,
 * so a new manager on the same host+store continues where the last left.
 */
import type { HostdevDef } from '../domain/devices/hostdev.js';
import type { PciDevice, PciUsedBy } from '../pci/device.js';
import type { PciHost } from '../pci/host.js';
import { applyPlan, recoverJournal, type Committed, type RecoveryReport } from './apply.js';
import { HostdevError } from './errors.js';
import { parseState, type PersistedState } from './journal.js';
import type { HostdevLists } from './lists.js';
import { writeOrigStates } from './origstates.js';
import { PlanBuilder } from './plan-builder.js';
import { planPrepare, planReattach, planUpdateActive, type PrepareFlags } from './plan-guest.js';
import { planDetach, planReattachNode, planReset } from './plan-node.js';
import { listsFromJson } from './state.js';
import { MemoryStateStore, type StateStore } from './store.js';
import type { HostdevPlan, ListCounts } from './types.js';

export type HostdevRequest =
  | { op: 'prepare'; driver: string; domain: string; hostdevs: readonly HostdevDef[]; flags?: PrepareFlags }
  | { op: 'reattach'; driver: string; domain: string; hostdevs: readonly HostdevDef[] }
  | { op: 'update-active'; driver: string; domain: string; hostdevs: readonly HostdevDef[] }
  | { op: 'detach'; address: string; stub?: string }
  | { op: 'reattach-node'; address: string }
  | { op: 'reset'; address: string };

export interface HostdevManagerOptions {
  /** Where lists, group records and the journal are kept (default: in memory). */
  store?: StateStore;
  /** Plans only: no lock is taken and `apply` is refused (dry runs next to a running manager). */
  readOnly?: boolean;
}

/** A group-managed IOMMU group as the manager records it. */
export interface ManagedGroup {
  group: number;
  /** Members detached by group management, with their original driver (null: unbound). */
  detached: Array<{ device: string; driver: string | null }>;
  /** Managed devices released by their domain, kept detached while the group is in use. */
  held: string[];
}

/** The command line's way to recover a state file. */
function recoverCommand(file: string | undefined): string {
  return `from the command line: virtxml hostdev recover --state ${file ?? 'FILE'} [--sysfs ROOT]`;
}

export class HostdevManager {
  readonly host: PciHost;
  readonly store: StateStore;
  readonly readOnly: boolean;
  private unlock: (() => void) | undefined;
  private committed!: Committed;
  private lists!: HostdevLists;
  private pending = false;
  private closed = false;

  constructor(host: PciHost, options: HostdevManagerOptions = {}) {
    this.host = host;
    this.store = options.store ?? new MemoryStateStore();
    this.readOnly = options.readOnly ?? false;
    if (!this.readOnly) this.unlock = this.store.lock();
    try {
      this.load();
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** What messages call the state: its file, or "hostdev state". */
  private get stateName(): string {
    return this.store.name ?? 'hostdev state';
  }

  private load(): void {
    const text = this.store.load();
    const name = this.stateName;
    if (text === undefined) {
      const aside = this.store.setAsideFiles?.() ?? [];
      if (aside.length) {
        throw new HostdevError('bad-state', `${name} does not exist but an invalid state was kept aside as ${aside.at(-1)}: inspect it, then restore or delete it (a fresh state would forget the devices it assigned)`);
      }
    }
    let state: PersistedState;
    try {
      state = parseState(text, name);
    } catch (e) {
      if (e instanceof HostdevError && e.reason === 'bad-state' && !this.readOnly && this.store.setAside) {
        const aside = this.store.setAside();
        throw new HostdevError('bad-state', `${e.message}; kept aside as ${aside}: inspect it, then restore or delete it`, { cause: e });
      }
      throw e;
    }
    this.setCommitted({ generation: state.generation, lists: state.lists });
    this.pending = state.journal !== null;
  }

  /**
   * After a failed apply, what the store holds is the truth: a journal
   * there (a save failed after the first host write, or the rollback did)
   * is an unfinished operation for `recover()`.
   */
  private resync(): void {
    try {
      const state = parseState(this.store.load(), this.stateName);
      if (state.journal) this.pending = true;
      else this.setCommitted({ generation: state.generation, lists: state.lists });
    } catch {
      this.pending = true;
    }
  }

  private setCommitted(c: Committed): void {
    this.committed = c;
    this.lists = listsFromJson(c.lists);
  }

  /** Releases the lock; the manager can no longer be used. */
  close(): void {
    this.closed = true;
    this.unlock?.();
    this.unlock = undefined;
  }

  // ---------------------------------------------------------------- state

  /** Whether the journal holds an unfinished operation (call `recover()`). */
  get needsRecovery(): boolean {
    return this.pending;
  }

  /** Number of commits so far (a plan is valid only for the generation it was made at). */
  get generation(): number {
    return this.committed.generation;
  }

  counts(): ListCounts {
    return { active: this.lists.active.count, inactive: this.lists.inactive.count };
  }

  /** Copies of the devices on the active list. */
  activeDevices(): PciDevice[] {
    return [...this.lists.active].map((d) => d.copy());
  }

  /** Copies of the devices on the inactive list. */
  inactiveDevices(): PciDevice[] {
    return [...this.lists.inactive].map((d) => d.copy());
  }

  /** Who holds an active device (libvirt's usedBy), undefined when it is not active. */
  usedBy(address: string): PciUsedBy | undefined {
    const u = this.lists.active.get(address)?.usedBy;
    return u && { ...u };
  }

  /** The group-managed IOMMU groups. */
  managedGroups(): ManagedGroup[] {
    return [...this.lists.groups.values()].map((g) => ({
      group: g.group,
      detached: [...g.detached].map(([device, v]) => ({ device, driver: v.driver })),
      held: [...g.held],
    }));
  }

  private usable(write: boolean): void {
    if (this.closed) throw new HostdevError('read-only', 'the hostdev manager is closed');
    if (write && this.readOnly) throw new HostdevError('read-only', 'the hostdev manager was opened read-only (plans only)');
    if (this.pending) throw new HostdevError('needs-recovery', `an unfinished hostdev operation is in the journal of ${this.stateName}: call recover() first (${recoverCommand(this.store.name)})`);
  }

  // ---------------------------------------------------------------- plan and apply

  /** What `request` would do, computed from the host's current state and the lists; changes nothing. */
  plan(request: HostdevRequest): HostdevPlan {
    this.usable(false);
    const b = new PlanBuilder(this.host, this.lists, this.committed.generation);
    switch (request.op) {
      case 'prepare':
        planPrepare(b, request.driver, request.domain, request.hostdevs, request.flags);
        return b.finish('prepare', { driver: request.driver, domain: request.domain });
      case 'reattach':
        planReattach(b, request.driver, request.domain, request.hostdevs);
        return b.finish('reattach', { driver: request.driver, domain: request.domain });
      case 'update-active':
        planUpdateActive(b, request.driver, request.domain, request.hostdevs);
        return b.finish('update-active', { driver: request.driver, domain: request.domain });
      case 'detach':
        planDetach(b, request.address, request.stub);
        return b.finish('detach');
      case 'reattach-node':
        planReattachNode(b, request.address);
        return b.finish('reattach-node');
      case 'reset':
        planReset(b, request.address);
        return b.finish('reset');
    }
  }

  /**
   * Executes a plan: host writes through the journal, then the new lists in
   * one save. On a failure everything done is undone and the error thrown.
   */
  apply(plan: HostdevPlan): void {
    this.usable(true);
    try {
      this.setCommitted(applyPlan(this.host, this.store, this.committed, plan));
    } catch (e) {
      this.resync();
      if (e instanceof HostdevError && e.reason === 'needs-recovery') {
        throw new HostdevError('needs-recovery', `${e.detail} (${recoverCommand(this.store.name)})`, { cause: (e as { cause?: unknown }).cause ?? e });
      }
      if (this.pending) {
        const msg = e instanceof Error ? e.message : String(e);
        throw new HostdevError('needs-recovery', `${msg}: the operation stays in the journal of ${this.stateName}, call recover() (${recoverCommand(this.store.name)})`, { cause: e });
      }
      throw e;
    }
  }

  private run(request: HostdevRequest): HostdevPlan {
    this.usable(true);
    const plan = this.plan(request);
    this.apply(plan);
    return plan;
  }

  // ---------------------------------------------------------------- libvirt's API

  /** Gives the PCI hostdevs to the domain (virHostdevPreparePCIDevices); writes `origstates` into the hostdevs. */
  prepare(driver: string, domain: string, hostdevs: HostdevDef[], flags: PrepareFlags = {}): HostdevPlan {
    const plan = this.run({ op: 'prepare', driver, domain, hostdevs, flags });
    writeOrigStates(hostdevs, plan.origstates);
    return plan;
  }

  /** Takes the domain's PCI hostdevs back (virHostdevReAttachPCIDevices). */
  reattach(driver: string, domain: string, hostdevs: readonly HostdevDef[]): HostdevPlan {
    return this.run({ op: 'reattach', driver, domain, hostdevs });
  }

  /** After a daemon restart: the running domain's hostdevs go on the active list with their origstates. */
  updateActive(driver: string, domain: string, hostdevs: readonly HostdevDef[]): HostdevPlan {
    return this.run({ op: 'update-active', driver, domain, hostdevs });
  }

  /** nodedev-detach: bind to the stub (`vfio` default, `xen`, or a VFIO stub driver name) and add to inactive. */
  detach(address: string, stub?: string): HostdevPlan {
    return this.run({ op: 'detach', address, ...(stub !== undefined ? { stub } : {}) });
  }

  /** nodedev-reattach: back to the host driver, off the inactive list. */
  reattachNode(address: string): HostdevPlan {
    return this.run({ op: 'reattach-node', address });
  }

  /** nodedev-reset. */
  reset(address: string): HostdevPlan {
    return this.run({ op: 'reset', address });
  }

  /**
   * Finishes what a process that died mid-operation left in the journal:
   * an unfinished prepare/detach goes back to where it was; an unfinished
   * give-back is completed. Clears the journal.
   */
  recover(): RecoveryReport {
    if (this.closed) throw new HostdevError('read-only', 'the hostdev manager is closed');
    if (this.readOnly) throw new HostdevError('read-only', 'the hostdev manager was opened read-only (plans only)');
    const { committed, report } = recoverJournal(this.host, this.store, parseState(this.store.load(), this.stateName));
    this.setCommitted(committed);
    this.pending = false;
    return report;
  }
}
