/**
 * Plans for a domain's hostdevs: libvirt's prepare (§3.3), reattach (§3.5)
 * and update-active-list after a daemon restart (§3.1), with group='auto'.
 */
import { pciAddressName } from '../common/basictypes.js';
import type { HostdevDef, PciHostdev } from '../domain/devices/hostdev.js';
import type { PciDevice } from '../pci/device.js';
import { buildPciDeviceList, type BuildPciDeviceListOptions } from './pci-list.js';
import { VFIO_PCI, isKnownStubKind } from './binding.js';
import { checkEndpoint, checkGroupMates, checkNotActive } from './checks.js';
import { HostdevError, inUseError } from './errors.js';
import { sameUsedBy, type GroupDetached } from './lists.js';
import type { PlanBuilder } from './plan-builder.js';
import { adoptGroupDetached, giveBack, groupOnRelease, planGroupDetach, planGroupRelease } from './plan-group.js';

export interface PrepareFlags {
  /** Take IOMMU groups holding critical host devices (group='auto'). */
  force?: boolean;
  /** Backend of hostdevs without `<driver name>` (default vfio, as the QEMU driver resolves it). */
  defaultBackend?: 'vfio' | 'xen';
}

/** The PCI devices of the hostdevs that exist on the host; vanished ones are noted (and returned). */
function deviceList(b: PlanBuilder, hostdevs: readonly HostdevDef[], defaultBackend?: 'vfio' | 'xen'): { devs: PciDevice[]; vanished: string[] } {
  const vanished: string[] = [];
  const options: BuildPciDeviceListOptions = {
    exists: (name) => {
      if (b.host.exists(name)) return true;
      vanished.push(name);
      return false;
    },
  };
  if (defaultBackend) options.defaultBackend = defaultBackend;
  const devs = buildPciDeviceList(hostdevs, options);
  for (const name of vanished) b.notes.push(`PCI device ${name} is not on the host: skipped`);
  return { devs, vanished };
}

/** Whether the device already sits on the stub it would be detached to (a VFIO variant counts for plain vfio-pci). */
function onStub(b: PlanBuilder, d: PciDevice): boolean {
  return b.view.driver(d.name) === d.stubDriver || (d.stubDriverType === 'vfio' && d.stubDriver === VFIO_PCI && b.view.kind(d.name) === 'vfio');
}

/** Detaches a managed device to its stub, recording what libvirt records. */
export function planStub(b: PlanBuilder, d: PciDevice, reason: string): void {
  if (onStub(b, d)) return;
  d.origDriver = b.toStub(d.name, d.stubDriver, d.stubDriverType === 'vfio', reason);
  d.unbindFromStub = true;
}

export function planPrepare(b: PlanBuilder, driver: string, domain: string, hostdevs: readonly HostdevDef[], flags: PrepareFlags = {}): void {
  const { devs } = deviceList(b, hostdevs, flags.defaultBackend);
  if (!devs.length) return;

  // 1. checks: nothing changes if any fails
  for (const d of devs) {
    checkEndpoint(b.host, d.name);
    checkNotActive(b.lists, d.name);
    if (d.stubDriverType === 'vfio' || d.attachGroup) checkGroupMates(b.view, b.lists, d, driver, domain);
  }

  // 3. detach (group members first), onto the inactive list
  const request = new Set(devs.map((d) => d.name));
  for (const d of devs) {
    if (d.attachGroup) planGroupDetach(b, d, request, flags.force ?? false);
    if (d.managed) {
      adoptGroupDetached(b, d);
      planStub(b, d, `managed hostdev of domain ${domain}`);
      if (!b.lists.inactive.has(d.name)) b.add('inactive', d.copy());
    } else if (!b.lists.inactive.has(d.name)) {
      const kind = b.view.kind(d.name);
      if (!isKnownStubKind(kind)) {
        throw new HostdevError('unmanaged', `Unmanaged PCI device ${d.name} must be manually detached from the host`, { device: d.name });
      }
      const c = d.copy();
      c.stubDriver = b.view.driver(d.name)!;
      c.stubDriverType = kind === 'xen' ? 'xen' : 'vfio';
      b.add('inactive', c);
    }
  }

  // 4. reset (VFIO drivers reset the device themselves)
  for (const d of devs) if (b.view.kind(d.name) !== 'vfio') b.reset(d.name, `reset before assignment to domain ${domain}`);

  // 6–7. inactive → active, usedBy
  for (const d of devs) {
    const obj = b.take('inactive', d.name)!;
    obj.usedBy = { driver, domain };
    b.add('active', obj);
    const g = b.view.group(d.name).group;
    const rec = g !== undefined ? b.lists.groups.get(g) : undefined;
    rec?.held.delete(d.name);
  }

  // 8. original states for the hostdev defs
  for (const d of devs) {
    const o = b.lists.active.get(d.name)!;
    b.origstates.push({ device: d.name, unbind: o.unbindFromStub, removeslot: o.removeSlot, reprobe: o.reprobe });
  }
}

export function planReattach(b: PlanBuilder, driver: string, domain: string, hostdevs: readonly HostdevDef[]): void {
  const { devs, vanished } = deviceList(b, hostdevs);
  // vanished devices leave both lists (those of this domain on active)
  for (const name of vanished) {
    if (sameUsedBy(b.lists.active.get(name)?.usedBy, driver, domain)) b.take('active', name);
    if (b.lists.inactive.has(name)) b.take('inactive', name);
  }
  // 1–2. only devices active for this driver and domain; active → inactive
  const released: PciDevice[] = [];
  for (const d of devs) {
    if (!sameUsedBy(b.lists.active.get(d.name)?.usedBy, driver, domain)) continue;
    const obj = b.take('active', d.name)!;
    obj.usedBy = undefined;
    b.add('inactive', obj);
    released.push(obj);
  }
  // 4. reset (failures are not fatal)
  for (const d of released) if (b.view.kind(d.name) !== 'vfio') b.reset(d.name, `reset after release from domain ${domain}`);
  // 5. give managed devices back, group by group
  const groups = new Map<number, PciDevice[]>();
  for (const d of released) {
    const where = groupOnRelease(b, d);
    if (where.fate === 'free') {
      if (d.managed) giveBack(b, d, `managed hostdev released by domain ${domain}`);
    } else if (where.fate === 'release') {
      const list = groups.get(where.group) ?? [];
      list.push(d);
      groups.set(where.group, list);
    }
  }
  for (const [group, list] of groups) planGroupRelease(b, group, list);
}

export function planUpdateActive(b: PlanBuilder, driver: string, domain: string, hostdevs: readonly HostdevDef[]): void {
  const { devs } = deviceList(b, hostdevs);
  const hostdevNames = new Set(devs.map((d) => d.name));
  const flags = new Map<string, NonNullable<PciHostdev['source']['origstates']>>();
  for (const h of hostdevs) if (h.mode === 'subsystem' && h.type === 'pci' && h.source.origstates) flags.set(pciAddressName(h.source.address), h.source.origstates);
  for (const d of devs) {
    const cur = b.lists.active.get(d.name);
    if (cur) {
      if (!sameUsedBy(cur.usedBy, driver, domain)) throw inUseError(d.name, cur.usedBy);
      b.notes.push(`PCI device ${d.name} is already active for driver ${driver}, domain ${domain}`);
      continue;
    }
    const os = flags.get(d.name);
    d.unbindFromStub = os?.unbind ?? false;
    d.removeSlot = os?.removeslot ?? false;
    d.reprobe = os?.reprobe ?? false;
    d.usedBy = { driver, domain };
    if (b.lists.inactive.has(d.name)) b.take('inactive', d.name);
    b.add('active', d);
    if (d.attachGroup) {
      const { group: g, members } = b.view.group(d.name);
      if (g !== undefined && !b.lists.groups.has(g)) {
        // the state that said which members group management detached is gone (a restart without
        // it): only for a device whose hostdev has groupMgmt='auto' (attachGroup), the group's
        // endpoints that no list holds and that are bound to vfio-pci *through driver_override =
        // vfio-pci* (what group management's detach writes) are taken as its (seed §1.4: the group is
        // given back whole), with their original driver unknown — the kernel's choice then. A member
        // bound to vfio-pci another way (new_id, a stub of its own) is left alone. See
        // docs/hostdev-vfio.md, "After a restart without the state file".
        const detached = new Map<string, GroupDetached>();
        for (const m of members) {
          if (m === d.name || hostdevNames.has(m) || b.where(m) !== undefined) continue;
          if (b.view.driver(m) !== VFIO_PCI || b.view.override(m) !== VFIO_PCI || b.host.info(m).headerType !== 'endpoint') continue;
          detached.set(m, { driver: undefined, override: undefined });
        }
        b.lists.groups.set(g, { group: g, detached, held: new Set() });
        b.groupChanges.push({ group: g, change: 'manage', devices: [...detached.keys()] });
      }
    }
  }
}
