/**
 * The `<domain>` root and its basic children. Elements not declared here
 * (cpu, features, …) are kept in place and written back by the codec.
 */
import { attr, child, element, list, raw, text, value, type Infer } from '../xml/decl.js';
import { oneOf, pattern, str, uint, uuid } from '../xml/values.js';
import { devices } from './devices/devices.js';

const memoryUnit = pattern('unit', /^([bB]([yY][tT][eE][sS]?)?)|([kKmMgGtTpPeE]([iI]?[bB])?)$/);

const memoryValue = text(uint({ max: Number.MAX_SAFE_INTEGER }), { required: true });

export const domainMemory = element('memory', {
  dumpCore: attr(oneOf('on', 'off')),
  unit: attr(memoryUnit),
  value: memoryValue,
});

export const maxMemory = element('maxMemory', {
  slots: attr(uint()),
  unit: attr(memoryUnit),
  value: memoryValue,
});

export const vcpu = element('vcpu', {
  placement: attr(oneOf('static', 'auto')),
  cpuset: attr(str),
  current: attr(uint()),
  count: text(uint(), { required: true }),
});

export const osType = element('type', {
  arch: attr(str),
  machine: attr(str),
  value: text(oneOf('hvm', 'linux', 'xen', 'xenpvh', 'exe'), { required: true }),
});

export const osBoot = element('boot', {
  dev: attr(oneOf('hd', 'fd', 'cdrom', 'network'), { required: true }),
});

export const os = element('os', {
  firmware: attr(oneOf('bios', 'efi')),
  type: child(osType),
  boots: list(osBoot),
});

export const clock = element('clock', {
  offset: attr(oneOf('localtime', 'utc', 'timezone', 'variable', 'absolute')),
  timezone: attr(str),
  adjustment: attr(str),
  basis: attr(oneOf('utc', 'localtime')),
  start: attr(uint({ max: Number.MAX_SAFE_INTEGER })),
});

const lifecycleAction = oneOf('destroy', 'restart', 'rename-restart', 'preserve', 'coredump-destroy', 'coredump-restart');

export const domain = element(
  'domain',
  {
    type: attr(str, { required: true, doc: 'Hypervisor: kvm, qemu, xen, lxc, …' }),
    id: attr(uint({ max: 0x7fffffff }), { when: (ctx) => !ctx.inactive, doc: 'Running domain id (live XML)' }),
    name: value('name', str, { required: true }),
    uuid: value('uuid', uuid),
    genid: value('genid', str),
    title: value('title', str),
    description: value('description', str),
    metadata: raw('metadata', { quote: '"', doc: 'Applications’ own XML, kept exactly' }),
    maxMemory: child(maxMemory),
    memory: child(domainMemory),
    currentMemory: child(element('currentMemory', { unit: attr(memoryUnit), value: memoryValue })),
    vcpu: child(vcpu),
    os: child(os),
    clock: child(clock),
    on_poweroff: value('on_poweroff', lifecycleAction),
    on_reboot: value('on_reboot', lifecycleAction),
    on_crash: value('on_crash', lifecycleAction),
    devices: child(devices),
  },
  { doc: 'A libvirt domain (virtual machine)' },
);
export type DomainDef = Infer<typeof domain>;
