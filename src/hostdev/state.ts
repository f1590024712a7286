/**
 * The manager's lists as JSON (what the state store keeps), and back.
 */
import { parsePciAddressName } from '../common/basictypes.js';
import { copyPciDeviceFields, PciDevice, PciDeviceFields } from '../pci/device.js';
import { HostdevError } from './errors.js';
import { HostdevLists, PciDeviceList, type GroupRecord } from './lists.js';
import type { DeviceRecord, GroupRecordJson, ListsJson } from './types.js';

/** A device as its state-file record: its name and every field of `PCI_DEVICE_FIELDS` (objects copied). */
export function deviceToRecord(d: PciDevice): DeviceRecord {
  const fields = new PciDeviceFields();
  copyPciDeviceFields(d, fields);
  return { name: d.name, ...fields };
}

export function deviceFromRecord(r: DeviceRecord): PciDevice {
  const address = parsePciAddressName(r.name);
  if (!address) throw new HostdevError('bad-state', `invalid PCI device name '${r.name}' in the hostdev state`);
  const d = new PciDevice({ address });
  copyPciDeviceFields(r, d);
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
