/**
 * The hostdev manager's public API (pure core; `FileStateStore` is the Node
 * adapter in ./file-store.ts).
 */
export { HostdevManager, type HostdevManagerOptions, type HostdevRequest, type ManagedGroup } from './manager.js';
export type { PrepareFlags } from './plan-guest.js';
export type { RecoveryReport } from './apply.js';
export { MemoryStateStore, type StateStore } from './store.js';
export { HostdevError, type HostdevErrorReason, type HostdevRemedy, type RemedyPhrase } from './errors.js';
export { writeOrigStates } from './origstates.js';
export { STATE_FORMAT, type RecoveryMode } from './journal.js';
export type {
  HostdevPlan,
  PlanStep,
  StepAction,
  PlanOp,
  ListMove,
  ListName,
  GroupChange,
  DeviceState,
  DeviceTarget,
  PlannedDevice,
  OrigStates,
  ListCounts,
  DeviceRecord,
  ListsJson,
} from './types.js';
