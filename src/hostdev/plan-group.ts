/**
 * virtxml's group='auto' (the seed, libvirt-semantics.md §1.4), per IOMMU
 * group: at prepare, detach every other member not on vfio-pci, a VFIO
 * variant, pci-stub or pcieport (unbound members too) to vfio-pci and
 * remember it — except bridges, which vfio-pci cannot bind (its probe
 * takes only header type 0) and which leave the group viable unbound; at release, keep everything detached while any member of the
 * group is active in any domain, then give every member back together.
 * An SR-IOV PF with enabled VFs in the group is refused: unbinding its
 * driver disables SR-IOV and its VFs disappear (a real kernel does so).
 */
import type { PciDevice } from '../pci/device.js';
import { VFIO_PCI, isGroupExemptKind, isKnownStubKind } from './binding.js';
import { activeMember, checkCriticalGroup } from './checks.js';
import { HostdevError } from './errors.js';
import type { GroupRecord } from './lists.js';
import type { PlanBuilder } from './plan-builder.js';

function record(b: PlanBuilder, group: number): { rec: GroupRecord; created: boolean } {
  const old = b.lists.groups.get(group);
  if (old) return { rec: old, created: false };
  const rec: GroupRecord = { group, detached: new Map(), held: new Set() };
  b.lists.groups.set(group, rec);
  return { rec, created: true };
}

/** Starts (or extends) group management of `dev`'s group; `request`: devices of this prepare. */
export function planGroupDetach(b: PlanBuilder, dev: PciDevice, request: ReadonlySet<string>, force: boolean): void {
  const { group, members } = b.view.group(dev.name);
  if (group === undefined) {
    b.notes.push(`${dev.name} has no IOMMU group: group='auto' has nothing to detach`);
    return;
  }
  checkCriticalGroup(b.host, group, dev, force);
  const { rec, created } = record(b, group);
  const detached: string[] = [];
  for (const m of members) {
    if (m === dev.name || request.has(m)) continue;
    const kind = b.view.kind(m);
    if (isGroupExemptKind(kind)) continue;
    if (b.host.info(m).headerType !== 'endpoint') {
      // vfio-pci refuses bridges; unbound they leave the group viable, on another driver they do not
      if (kind !== 'none') b.notes.push(`IOMMU group ${group}: bridge ${m} is bound to ${b.view.driver(m)}, not pcieport: VFIO will not open the group`);
      continue;
    }
    const vfs = b.host.virtualFunctions(m);
    if (vfs.length) {
      // the PF's driver disables SR-IOV when it is unbound: its VFs vanish (seen on igb, kernel 6.1)
      throw new HostdevError(
        'sriov-pf',
        `Refusing to detach PCI device ${m} for IOMMU group ${group} of ${dev.name} (group='auto'): it is the SR-IOV physical function of ${vfs.join(' ')}, and unbinding its driver removes them`,
        { device: m },
      );
    }
    const override = b.view.override(m);
    const from = b.toStub(m, VFIO_PCI, true, `IOMMU group ${group} of ${dev.name} (group='auto')`, group);
    rec.detached.set(m, { driver: from, override });
    detached.push(m);
  }
  if (created || detached.length) b.groupChanges.push({ group, change: 'manage', devices: detached });
}

/** Gives a managed device back to its original driver (libvirt: only if it unbound it) and drops it from inactive. */
export function giveBack(b: PlanBuilder, dev: PciDevice, reason: string, group?: number): void {
  if (dev.unbindFromStub) b.toHost(dev.name, dev.origDriver, reason, group !== undefined ? { group } : {});
  b.take('inactive', dev.name);
}

/**
 * Where a device just released from a domain goes: `free` (no group
 * record: the ordinary flow), `held` (its group is still in use: stays
 * detached) or `release` (last active member gone: the group goes back).
 */
export function groupOnRelease(b: PlanBuilder, dev: PciDevice): { fate: 'free' } | { fate: 'held' | 'release'; group: number } {
  const { group, members } = b.view.group(dev.name);
  const rec = group !== undefined ? b.lists.groups.get(group) : undefined;
  if (!rec || group === undefined) return { fate: 'free' };
  if (activeMember(b.lists, members)) {
    if (dev.managed && !rec.held.has(dev.name)) {
      rec.held.add(dev.name);
      b.groupChanges.push({ group, change: 'hold', devices: [dev.name] });
    }
    return { fate: 'held', group };
  }
  return { fate: 'release', group };
}

/** The last member of the group was released: every held device and every member detached by group management goes back. */
export function planGroupRelease(b: PlanBuilder, group: number, released: readonly PciDevice[]): void {
  const rec = b.lists.groups.get(group);
  if (!rec) return;
  const reason = `IOMMU group ${group} released: back to the original driver`;
  const back: string[] = [];
  const managed = new Map<string, PciDevice>();
  for (const name of rec.held) {
    const d = b.lists.inactive.get(name);
    if (d?.managed) managed.set(name, d);
  }
  for (const d of released) if (d.managed) managed.set(d.name, d);
  for (const d of managed.values()) {
    giveBack(b, d, reason, group);
    back.push(d.name);
  }
  for (const [m, orig] of rec.detached) {
    if (managed.has(m)) continue;
    if (isKnownStubKind(b.view.kind(m))) b.toHost(m, orig.driver, reason, { group, override: orig.override });
    else b.notes.push(`${m} (detached for IOMMU group ${group}) is now bound to ${b.view.driver(m) ?? 'no driver'}: left alone`);
    if (b.where(m) === 'inactive') b.take('inactive', m);
    back.push(m);
  }
  b.lists.groups.delete(group);
  b.groupChanges.push({ group, change: 'release', devices: back });
}

/**
 * A member detached by group management that is now taken on its own
 * (a managed hostdev, or nodedev-detach): the device object takes over its
 * original driver, and the group record forgets it.
 */
export function adoptGroupDetached(b: PlanBuilder, dev: PciDevice): void {
  const group = b.view.group(dev.name).group;
  const rec = group !== undefined ? b.lists.groups.get(group) : undefined;
  const orig = rec?.detached.get(dev.name);
  if (!rec || !orig) return;
  dev.origDriver = orig.driver;
  dev.unbindFromStub = true;
  rec.detached.delete(dev.name);
}
