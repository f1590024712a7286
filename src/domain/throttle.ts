/**
 * `<throttlegroups>` (libvirt 11.x+): named I/O limits that disks share
 * through `<throttlefilters>`. A group holds a disk's `<iotune>` limits, its
 * name written last (virDomainThrottleGroupFormat).
 */
import { element, list, value, type Infer } from '../xml/decl.js';
import { str } from '../xml/values.js';
import { checkIotune, LENGTHS, LIMITS, limits } from './devices/disk-iotune.js';

export const throttlegroup = element(
  'throttlegroup',
  {
    ...limits(LIMITS),
    ...limits(['size_iops_sec']),
    ...limits(LENGTHS),
    group_name: value('group_name', str, { required: true }),
  },
  { check: checkIotune, doc: 'A named set of I/O limits that disks refer to with <throttlefilter group>' },
);
export type ThrottleGroup = Infer<typeof throttlegroup>;

export const throttlegroups = element('throttlegroups', { groups: list(throttlegroup) }, { doc: 'I/O limits shared by disks' });
