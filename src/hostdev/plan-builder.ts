/**
 * Building a plan: a simulation of libvirt's flow on copies of the lists and
 * on a `HostView`, recording each binding change as a step. Nothing here
 * writes to the host.
 */
import type { PciDevice } from '../pci/device.js';
import type { PciHost } from '../pci/host.js';
import type { HostdevLists } from './lists.js';
import { listsToJson } from './state.js';
import type { DeviceTarget, GroupChange, HostdevPlan, ListMove, ListName, OrigStates, PlanOp, PlanStep, PlannedDevice } from './types.js';
import { HostView } from './view.js';

interface Start {
  list: ListName | undefined;
  dev: PciDevice;
}

export class PlanBuilder {
  readonly view: HostView;
  /** The lists as the plan leaves them (a copy). */
  readonly lists: HostdevLists;
  readonly groupChanges: GroupChange[] = [];
  readonly notes: string[] = [];
  readonly origstates: OrigStates[] = [];
  private readonly steps: PlanStep[] = [];
  private readonly planned = new Map<string, PlannedDevice>();
  private readonly starts = new Map<string, Start>();

  constructor(
    host: PciHost,
    lists: HostdevLists,
    private readonly generation: number,
  ) {
    this.view = new HostView(host);
    this.lists = lists.clone();
  }

  get host(): PciHost {
    return this.view.host;
  }

  // ---------------------------------------------------------------- lists

  where(name: string): ListName | undefined {
    if (this.lists.active.has(name)) return 'active';
    if (this.lists.inactive.has(name)) return 'inactive';
    return undefined;
  }

  private mark(name: string, dev: PciDevice): void {
    if (!this.starts.has(name)) this.starts.set(name, { list: this.where(name), dev });
  }

  add(list: ListName, dev: PciDevice): void {
    this.mark(dev.name, dev);
    this.lists[list].add(dev);
  }

  take(list: ListName, name: string): PciDevice | undefined {
    const dev = this.lists[list].get(name);
    if (dev) this.mark(name, dev);
    return this.lists[list].steal(name);
  }

  // ---------------------------------------------------------------- host

  private change(device: string, after: DeviceTarget, step: Omit<PlanStep, 'device' | 'from'>): void {
    const from = this.view.driver(device);
    const p = this.planned.get(device);
    if (p) p.after = after;
    else this.planned.set(device, { device, before: this.view.original(device), after });
    this.steps.push({ device, from, ...step });
  }

  /** Binds the device to a stub (`detach`, or `bind` when unbound). Returns the driver it leaves (null: none). */
  toStub(device: string, stub: string, vfio: boolean, reason: string, group?: number): string | null {
    const from = this.view.driver(device);
    this.change(device, { driver: stub, override: stub }, { action: from === undefined ? 'bind' : 'detach', to: stub, reason, ...(group !== undefined ? { group } : {}) });
    this.view.set(device, stub, stub, vfio);
    return from ?? null;
  }

  /**
   * Gives the device back: to `orig` (a driver, or null for unbound, with
   * the override it had), or, when `orig` is undefined, to the kernel's choice.
   */
  toHost(device: string, orig: string | null | undefined, reason: string, options: { group?: number; override?: string | undefined } = {}): void {
    const from = this.view.driver(device);
    const probe = orig === undefined;
    const override = options.override ?? null;
    if (!probe && from === (orig ?? undefined) && this.view.override(device) === (override ?? undefined)) return;
    this.change(device, probe ? { driver: null, override: null, probe: true } : { driver: orig, override }, {
      action: from === undefined ? 'bind' : 'reattach',
      to: orig ?? undefined,
      reason,
      ...(probe ? { probe: true } : {}),
      ...(options.group !== undefined ? { group: options.group } : {}),
    });
    this.view.set(device, orig ?? undefined, override ?? undefined, false);
  }

  reset(device: string, reason: string): void {
    const d = this.view.driver(device);
    this.steps.push({ device, action: 'reset', from: d, to: d, reason });
  }

  // ---------------------------------------------------------------- result

  finish(op: PlanOp, who: { driver?: string; domain?: string } = {}): HostdevPlan {
    const moves: ListMove[] = [];
    for (const [device, start] of this.starts) {
      const to = this.where(device);
      if (to === start.list) continue;
      const dev = (to && this.lists[to].get(device)) ?? start.dev;
      moves.push({ device, from: start.list, to, ...(to === 'active' && dev.usedBy ? { usedBy: { ...dev.usedBy } } : {}), managed: dev.managed });
    }
    return {
      op,
      ...who,
      steps: this.steps,
      moves,
      groups: this.groupChanges,
      devices: [...this.planned.values()],
      origstates: this.origstates,
      result: listsToJson(this.lists),
      basis: { generation: this.generation, devices: this.view.basis },
      notes: this.notes,
    };
  }
}
