/**
 * Plans for the node-device API (§3.6): nodedev-detach, nodedev-reattach,
 * nodedev-reset.
 */
import { parsePciAddressName } from '../common/basictypes.js';
import { PciDevice, type PciStubDriverType } from '../pci/device.js';
import { isKnownStubKind } from './binding.js';
import { activeMember, checkNotActive, checkResettable, nodeDeviceName } from './checks.js';
import { HostdevError } from './errors.js';
import type { PlanBuilder } from './plan-builder.js';
import { adoptGroupDetached } from './plan-group.js';
import { planStub } from './plan-guest.js';

/** `--driver` of nodedev-detach: vfio (default), xen, kvm (refused), or an explicit VFIO stub driver name. */
function stubOf(stub: string | undefined): { type: PciStubDriverType; name?: string } {
  if (stub === undefined || stub === 'vfio') return { type: 'vfio' };
  if (stub === 'xen') return { type: 'xen' };
  if (stub === 'kvm') throw new HostdevError('unsupported-driver', "'legacy KVM' device assignment is no longer supported on this system");
  return { type: 'vfio', name: stub };
}

export function planDetach(b: PlanBuilder, address: string, stub?: string): void {
  const name = nodeDeviceName(b.host, address);
  checkNotActive(b.lists, name);
  const s = stubOf(stub);
  const d = new PciDevice({ address: parsePciAddressName(name)!, managed: false, stubDriverType: s.type, ...(s.name ? { stubDriverName: s.name } : {}) });
  adoptGroupDetached(b, d);
  planStub(b, d, 'nodedev-detach');
  if (!b.lists.inactive.has(name)) b.add('inactive', d);
  else releaseHold(b, name);
}

/** nodedev-detach of a device held for its group: the admin takes it over (unmanaged, stays detached). */
function releaseHold(b: PlanBuilder, name: string): void {
  const group = b.view.group(name).group;
  const rec = group !== undefined ? b.lists.groups.get(group) : undefined;
  if (!rec?.held.delete(name)) return;
  b.lists.inactive.get(name)!.managed = false;
}

export function planReattachNode(b: PlanBuilder, address: string): void {
  const name = nodeDeviceName(b.host, address);
  checkNotActive(b.lists, name);
  const { group, members } = b.view.group(name);
  const rec = group !== undefined ? b.lists.groups.get(group) : undefined;
  const inGroup = rec !== undefined && (rec.held.has(name) || rec.detached.has(name));
  if (rec && inGroup) {
    const busy = activeMember(b.lists, members);
    if (busy) {
      const by = busy.usedBy ? ` by driver ${busy.usedBy.driver}, domain ${busy.usedBy.domain}` : '';
      throw new HostdevError('group-busy', `Not reattaching PCI device ${name}: its IOMMU group ${group} is in use${by} (PCI device ${busy.name})`, { device: name });
    }
  }
  const obj = b.lists.inactive.get(name);
  const orig = obj?.origDriver ?? rec?.detached.get(name)?.driver;
  // libvirt forces the unbind/removeslot/reprobe flags on: the device always goes back to a host driver
  const cur = b.view.driver(name);
  if (cur === undefined || isKnownStubKind(b.view.kind(name))) b.toHost(name, orig ?? undefined, 'nodedev-reattach');
  if (obj) b.take('inactive', name);
  if (rec && inGroup) {
    rec.held.delete(name);
    rec.detached.delete(name);
    if (!rec.held.size && !rec.detached.size && !activeMember(b.lists, members)) b.lists.groups.delete(rec.group);
  }
}

export function planReset(b: PlanBuilder, address: string): void {
  const name = nodeDeviceName(b.host, address);
  checkResettable(b.host, name);
  checkNotActive(b.lists, name);
  if (b.view.kind(name) === 'vfio') {
    b.notes.push(`${name} is bound to a VFIO driver, which resets it itself: nothing to do`);
    return;
  }
  b.reset(name, 'nodedev-reset');
}
