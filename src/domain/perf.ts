/** `<perf>`: host perf events counted for the guest. */
import { attr, element, list, type Infer } from '../xml/decl.js';
import { oneOf, yesNo } from '../xml/values.js';
import { writeInOrder } from './order.js';

/** libvirt's `virPerfEvent` names. */
const PERF_EVENTS = [
  'cmt', 'mbmt', 'mbml', 'cpu_cycles', 'instructions', 'cache_references', 'cache_misses',
  'branch_instructions', 'branch_misses', 'bus_cycles', 'stalled_cycles_frontend', 'stalled_cycles_backend',
  'ref_cpu_cycles', 'cpu_clock', 'task_clock', 'page_faults', 'context_switches', 'cpu_migrations',
  'page_faults_min', 'page_faults_maj', 'alignment_faults', 'emulation_faults',
] as const;
export const perfEventName = oneOf(...PERF_EVENTS);

export const perf = element(
  'perf',
  {
    events: list(
      element('event', {
        name: attr(perfEventName, { required: true }),
        enabled: attr(yesNo, { required: true }),
      }),
    ),
  },
  { beforeFormat: writeInOrder('events', 'name', PERF_EVENTS), doc: 'Perf events counted for the guest (written in libvirt\'s event order)' },
);
export type Perf = Infer<typeof perf>;
