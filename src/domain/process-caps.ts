/**
 * `<features><capabilities policy>`: Linux process capabilities of a
 * container, in libvirt's `virDomainProcessCapsFeature` order. The default
 * policy is not written, and an element left empty is not written at all.
 */
import { attr, child, element, type Infer } from '../xml/decl.js';
import { oneOf } from '../xml/values.js';
import { stateFeatureDefaultOn } from './feature-state.js';

// a capability without a state is on (libvirt 12.9 writes state='on')
const cap = <const N extends string>(name: N) => child(stateFeatureDefaultOn(name));

export const processCapabilities = element(
  'capabilities',
  {
    // written with any capability in it, even the default; alone only when not the default
    policy: attr(oneOf('default', 'allow', 'deny'), { default: 'default', omit: (v, p: object) => v === 'default' && !hasCapabilities(p) }),
    audit_control: cap('audit_control'),
    audit_write: cap('audit_write'),
    block_suspend: cap('block_suspend'),
    chown: cap('chown'),
    dac_override: cap('dac_override'),
    dac_read_search: cap('dac_read_search'),
    fowner: cap('fowner'),
    fsetid: cap('fsetid'),
    ipc_lock: cap('ipc_lock'),
    ipc_owner: cap('ipc_owner'),
    kill: cap('kill'),
    lease: cap('lease'),
    linux_immutable: cap('linux_immutable'),
    mac_admin: cap('mac_admin'),
    mac_override: cap('mac_override'),
    mknod: cap('mknod'),
    net_admin: cap('net_admin'),
    net_bind_service: cap('net_bind_service'),
    net_broadcast: cap('net_broadcast'),
    net_raw: cap('net_raw'),
    setgid: cap('setgid'),
    setfcap: cap('setfcap'),
    setpcap: cap('setpcap'),
    setuid: cap('setuid'),
    sys_admin: cap('sys_admin'),
    sys_boot: cap('sys_boot'),
    sys_chroot: cap('sys_chroot'),
    sys_module: cap('sys_module'),
    sys_nice: cap('sys_nice'),
    sys_pacct: cap('sys_pacct'),
    sys_ptrace: cap('sys_ptrace'),
    sys_rawio: cap('sys_rawio'),
    sys_resource: cap('sys_resource'),
    sys_time: cap('sys_time'),
    sys_tty_config: cap('sys_tty_config'),
    syslog: cap('syslog'),
    wake_alarm: cap('wake_alarm'),
  },
  { doc: 'Process capabilities of a container' },
);
export type ProcessCapabilities = Infer<typeof processCapabilities>;

/** Whether the `<capabilities>` element names any capability. */
export function hasCapabilities(c: object): boolean {
  return Object.entries(c).some(([k, v]) => k !== 'policy' && k !== '$extra' && v !== undefined);
}

/** The policy libvirt does not write on an empty `<capabilities>` (absent or 'default'). */
export function isDefaultPolicy(c: { policy?: string }): boolean {
  return c.policy === undefined || c.policy === 'default';
}
