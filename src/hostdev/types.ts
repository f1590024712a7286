/**
 * Plans as data: what the manager will do to the host and to its lists,
 * computed before any change (design principle 7). A plan is plain JSON.
 */
import type { PciDeviceFieldValues, PciUsedBy } from '../pci/device.js';

export type PlanOp = 'prepare' | 'reattach' | 'update-active' | 'detach' | 'reattach-node' | 'reset';

export type StepAction = 'detach' | 'reattach' | 'reset' | 'bind';

/** One change to the host, in execution order. */
export interface PlanStep {
  /** `DDDD:BB:SS.F`. */
  device: string;
  /**
   * `detach`: host driver → stub; `bind`: unbound → a driver; `reattach`:
   * stub → host driver (or unbound); `reset`: device reset.
   */
  action: StepAction;
  /** Driver before the step (undefined: unbound). */
  from: string | undefined;
  /** Driver after the step (undefined: unbound, or the kernel's choice when `probe`). */
  to: string | undefined;
  reason: string;
  /** The original driver is unknown: the kernel chooses (`drivers_probe`), as libvirt does. */
  probe?: boolean;
  /** IOMMU group, for steps of group management. */
  group?: number;
}

export type ListName = 'active' | 'inactive';

/** Where a device is in the manager's lists before and after the operation. */
export interface ListMove {
  device: string;
  /** undefined: on no list. */
  from: ListName | undefined;
  to: ListName | undefined;
  usedBy?: PciUsedBy;
  managed: boolean;
}

/** What happens to a group-managed IOMMU group. */
export interface GroupChange {
  group: number;
  /**
   * `manage`: group management starts (members listed were detached);
   * `hold`: released managed devices stay detached, the group is in use;
   * `release`: the whole group goes back to the host.
   */
  change: 'manage' | 'hold' | 'release';
  devices: string[];
}

/** A device's binding as read from the host. `null`: none. */
export interface DeviceState {
  driver: string | null;
  override: string | null;
}

/** Where a step takes a device; `probe`: clear the override and let the kernel choose. */
export interface DeviceTarget extends DeviceState {
  probe?: boolean;
}

/** Every device whose binding a plan changes: before and after. */
export interface PlannedDevice {
  device: string;
  before: DeviceState;
  after: DeviceTarget;
}

/** A device in the serialized lists (see state.ts): its name and the fields of `PCI_DEVICE_FIELDS` (../pci/device.ts). */
export type DeviceRecord = { name: string } & PciDeviceFieldValues;

export interface GroupRecordJson {
  group: number;
  /** `driver` left out: unknown (given back by drivers_probe). */
  detached: Array<{ device: string; driver?: string | null; override: string | null }>;
  held: string[];
}

export interface ListsJson {
  active: DeviceRecord[];
  inactive: DeviceRecord[];
  groups: GroupRecordJson[];
}

/** Original-state flags of a prepared device, for the hostdev's `<origstates>`. */
export interface OrigStates {
  device: string;
  unbind: boolean;
  removeslot: boolean;
  reprobe: boolean;
}

export interface HostdevPlan {
  op: PlanOp;
  driver?: string;
  domain?: string;
  steps: PlanStep[];
  moves: ListMove[];
  groups: GroupChange[];
  /** Devices whose binding changes (internal to apply/recover, kept as data). */
  devices: PlannedDevice[];
  /** Flags written back to the hostdev defs after a prepare. */
  origstates: OrigStates[];
  /** The manager's lists after the operation. */
  result: ListsJson;
  /** What the plan was computed from: apply refuses when it changed. */
  basis: { generation: number; devices: Record<string, DeviceState> };
  /** Non-fatal remarks (e.g. devices skipped because they vanished). */
  notes: string[];
}

/** Active and inactive list counts (what libvirt's virhostdevtest checks). */
export interface ListCounts {
  active: number;
  inactive: number;
}
