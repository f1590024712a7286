/**
 * The manager's lists as JSON (what the state store keeps), and back.
 */
import { parsePciAddressName } from '../common/basictypes.js';
import { PciDevice } from '../pci/device.js';
import { HostdevError } from './errors.js';
import { HostdevLists, PciDeviceList, type GroupRecord } from './lists.js';
import type { DeviceRecord, GroupRecordJson, ListsJson } from './types.js';

export function deviceToRecord(d: PciDevice): DeviceRecord {
  const r: DeviceRecord = {
    name: d.name,
    managed: d.managed,
    stubDriverType: d.stubDriverType,
    stubDriver: d.stubDriver,
    attachGroup: d.attachGroup,
    unbindFromStub: d.unbindFromStub,
    removeSlot: d.removeSlot,
    reprobe: d.reprobe,
  };
  if (d.usedBy) r.usedBy = { ...d.usedBy };
  if (d.origDriver !== undefined) r.origDriver = d.origDriver;
  return r;
}

export function deviceFromRecord(r: DeviceRecord): PciDevice {
  const address = parsePciAddressName(r.name);
  if (!address) throw new HostdevError('bad-state', `invalid PCI device name '${r.name}' in the hostdev state`);
  const d = new PciDevice({
    address,
    managed: r.managed,
    stubDriverType: r.stubDriverType,
    stubDriverName: r.stubDriver,
    attachGroup: r.attachGroup,
  });
  d.usedBy = r.usedBy ? { ...r.usedBy } : undefined;
  d.unbindFromStub = r.unbindFromStub;
  d.removeSlot = r.removeSlot;
  d.reprobe = r.reprobe;
  d.origDriver = r.origDriver;
  return d;
}

function groupToJson(g: GroupRecord): GroupRecordJson {
  return {
    group: g.group,
    detached: [...g.detached].map(([device, v]) => ({ device, ...(v.driver !== undefined ? { driver: v.driver } : {}), override: v.override ?? null })),
    held: [...g.held],
  };
}

function groupFromJson(j: GroupRecordJson): GroupRecord {
  return {
    group: j.group,
    detached: new Map(j.detached.map((m) => [m.device, { driver: m.driver, override: m.override ?? undefined }])),
    held: new Set(j.held),
  };
}

export function listsToJson(l: HostdevLists): ListsJson {
  return {
    active: [...l.active].map(deviceToRecord),
    inactive: [...l.inactive].map(deviceToRecord),
    groups: [...l.groups.values()].map(groupToJson),
  };
}

export function listsFromJson(j: ListsJson): HostdevLists {
  const list = (records: DeviceRecord[]) => {
    const out = new PciDeviceList();
    for (const r of records) out.add(deviceFromRecord(r));
    return out;
  };
  return new HostdevLists(list(j.active), list(j.inactive), new Map(j.groups.map((g) => [g.group, groupFromJson(g)])));
}

export function emptyLists(): ListsJson {
  return { active: [], inactive: [], groups: [] };
}
