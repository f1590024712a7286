/**
 * The hostdev state file is valid or refused, and its lock is never
 * "stale" when it cannot be read: reproductions of issue 14 (items 2, 4,
 * 5, 7) over FileStateStore in temp directories.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostdevError } from '../src/hostdev/errors.js';
import { FileStateStore } from '../src/hostdev/file-store.js';
import { parseState, STATE_SCHEMA } from '../src/hostdev/journal.js';
import { deviceFromRecord, deviceToRecord } from '../src/hostdev/state.js';
import { PCI_DEVICE_FIELD_NAMES, PCI_DEVICE_FIELDS, PciDevice, type PciDeviceFieldValues } from '../src/pci/device.js';
import { HostdevManager } from '../src/hostdev/manager.js';
import { MemoryStateStore } from '../src/hostdev/store.js';
import { bindings, hostOf, pciHostdev } from './hostdev-helpers.js';

const GPU = '0000:01:00.0';
const gpu = () => pciHostdev(GPU, { managed: true, group: true });

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'virtxml-hostdev-state-'));
  file = join(dir, 'state.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function thrown(f: () => unknown): HostdevError {
  try {
    f();
  } catch (e) {
    if (e instanceof HostdevError) return e;
    throw e;
  }
  throw new Error('expected a HostdevError');
}

/** A state file with one domain holding the GPU (and its group mate). */
function assignedState(): string {
  const host = hostOf('gpu');
  const mgr = new HostdevManager(host, { store: new FileStateStore(file) });
  mgr.prepare('QEMU', 'vm1', [gpu()]);
  mgr.close();
  return readFileSync(file, 'utf8');
}

describe('state file: valid or refused', () => {
  it('a 0-byte file is refused (named), kept aside, and never read as a fresh state', () => {
    assignedState();
    writeFileSync(file, '');
    const host = hostOf('gpu');
    const e = thrown(() => new HostdevManager(host, { store: new FileStateStore(file) }));
    expect(e.reason).toBe('bad-state');
    expect(e.message).toContain(`${file} is empty`);
    const aside = readdirSync(dir).filter((n) => n.startsWith('state.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(e.message).toContain(join(dir, aside[0]!));
    expect(existsSync(file)).toBe(false);
    // the next manager does not start fresh either: a second domain cannot take vm1's GPU
    const again = thrown(() => new HostdevManager(host, { store: new FileStateStore(file) }));
    expect(again.reason).toBe('bad-state');
    expect(again.message).toContain('an invalid state was kept aside');
    expect(again.message.includes('\n')).toBe(false);
  });

  it.each([
    ['malformed JSON', '{"format":"virtxml-hostdev/1",', /is not valid JSON/],
    ['not an object', '[]', /is not in format virtxml-hostdev\/1/],
    ['records not a list', '{"format":"virtxml-hostdev/1","generation":0,"lists":{"active":{},"inactive":[],"groups":[]},"journal":null}', /\/lists\/active must be array/],
    ['a missing field', '{"format":"virtxml-hostdev/1","generation":0,"lists":{"active":[],"inactive":[]},"journal":null}', /\/lists must have required property 'groups'/],
    ['an unknown field', '{"format":"virtxml-hostdev/1","generation":0,"lists":{"active":[],"inactive":[],"groups":[]},"journal":null,"x":1}', /must NOT have additional properties/],
    ['generation 1e999 (Infinity)', '{"format":"virtxml-hostdev/1","generation":1e999,"lists":{"active":[],"inactive":[],"groups":[]},"journal":null}', /\/generation must be/],
    ['generation 2^53+1 (does not round-trip)', '{"format":"virtxml-hostdev/1","generation":9007199254740993,"lists":{"active":[],"inactive":[],"groups":[]},"journal":null}', /\/generation must be <= 9007199254740991/],
    ['a negative group', '{"format":"virtxml-hostdev/1","generation":1,"lists":{"active":[],"inactive":[],"groups":[{"group":-1,"detached":[],"held":[]}]},"journal":null}', /\/lists\/groups\/0\/group must be >= 0/],
  ])('%s is refused with bad-state naming the file, never a crash', (_what, text, message) => {
    const e = thrown(() => parseState(text, file));
    expect(e.reason).toBe('bad-state');
    expect(e.message).toMatch(message);
    expect(e.message.startsWith(file)).toBe(true);
  });

  it('a device record with a wrong type deep inside (a journal step) is refused', () => {
    const good = JSON.parse(assignedState());
    good.journal = { op: 'prepare', recovery: 'undo', devices: [], steps: [{ device: GPU, action: 'detach', reason: 1 }], commit: good.lists, commitGeneration: 2, phase: 'apply', progress: [] };
    expect(thrown(() => parseState(JSON.stringify(good), file)).message).toMatch(/\/journal\/steps\/0\/reason must be string/);
    good.journal = null;
    good.lists.active[0].managed = 'yes';
    expect(thrown(() => parseState(JSON.stringify(good), file)).message).toMatch(/\/lists\/active\/0\/managed must be boolean/);
  });

  it('every state the manager writes passes the check (round trip)', () => {
    const text = assignedState();
    const state = parseState(text, file);
    expect(state.lists.active.map((d) => d.name)).toEqual([GPU]);
    expect(state.lists.groups.map((g) => g.group)).toEqual([1]);
  });

  it('a read-only manager (plans) refuses a bad file without moving it', () => {
    writeFileSync(file, '');
    expect(thrown(() => new HostdevManager(hostOf('gpu'), { store: new FileStateStore(file), readOnly: true })).reason).toBe('bad-state');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });
});

describe('FileStateStore edges', () => {
  it('in a missing directory: a typed error naming the file', () => {
    const e = thrown(() => new FileStateStore(join(dir, 'no-such-dir', 'state.json')));
    expect(e.reason).toBe('state-io');
    expect(e.message).toMatch(/no-such-dir\/state\.json: directory .*no-such-dir: ENOENT/);
  });

  it('leftover temp files of killed saves are cleaned when the lock is taken', () => {
    for (const pid of [11, 12, 13]) writeFileSync(join(dir, `.state.json.${pid}.tmp`), 'partial');
    writeFileSync(join(dir, 'other.tmp'), 'not ours');
    const unlock = new FileStateStore(file).lock();
    expect(readdirSync(dir).sort()).toEqual(['other.tmp', 'state.json.lock']);
    unlock();
  });

  it('the needs-recovery message names the CLI command and the file', () => {
    const host = hostOf('gpu');
    const store = new FileStateStore(file);
    const mgr = new HostdevManager(host, { store });
    host.injectFault((_op, _a, i) => i === 3 || i === 4);
    expect(() => mgr.prepare('QEMU', 'vm1', [gpu()])).toThrow();
    host.injectFault(undefined);
    const e = thrown(() => mgr.prepare('QEMU', 'vm1', [gpu()]));
    expect(e.reason).toBe('needs-recovery');
    expect(e.message).toContain(`virtxml hostdev recover --state ${file}`);
    mgr.close();
  });
});

describe('lock: an unreadable lock is held, never stale', () => {
  it('a lock file that is not a regular file (works for root too) is held', () => {
    mkdirSync(join(file + '.lock', '7'), { recursive: true });
    const e = thrown(() => new FileStateStore(file).lock());
    expect(e.reason).toBe('locked');
    expect(e.message).toMatch(/lock file .*\/7 cannot be read \(EISDIR\): treated as held/);
    expect(existsSync(join(file + '.lock', '7'))).toBe(true);
  });

  it('a read failure (EACCES, injected) is held', () => {
    const first = new FileStateStore(file).lock();
    first();
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const store = new FileStateStore(file, {
      readLockFile: () => {
        throw denied;
      },
    });
    expect(thrown(() => store.lock()).message).toMatch(/cannot be read \(EACCES\): treated as held/);
  });

  it('a lock file with garbage (or a partial record) is held', () => {
    mkdirSync(file + '.lock');
    writeFileSync(join(file + '.lock', '1'), '12');
    expect(thrown(() => new FileStateStore(file).lock()).message).toMatch(/is not a lock record: treated as held/);
  });

  it('an old-style lock file (not a directory) is held', () => {
    writeFileSync(file + '.lock', '1\n');
    expect(thrown(() => new FileStateStore(file).lock()).reason).toBe('locked');
  });

  it('fencing: a holder whose lock was taken over cannot save', () => {
    const a = new FileStateStore(file);
    a.lock();
    a.save('{}');
    // another process decided a's lock was stale and took epoch 2
    writeFileSync(join(file + '.lock', '2'), JSON.stringify({ pid: 2147483646, host: hostname(), token: 'other', since: 'now' }));
    const e = thrown(() => a.save('{"x":1}'));
    expect(e.reason).toBe('locked');
    expect(e.message).toMatch(/was taken over/);
    expect(readFileSync(file, 'utf8')).toBe('{}');
  });

  it('a memory store keeps its in-process lock semantics', () => {
    const store = new MemoryStateStore();
    const a = new HostdevManager(hostOf('gpu'), { store });
    expect(thrown(() => new HostdevManager(hostOf('gpu'), { store })).reason).toBe('locked');
    a.close();
    expect(bindings(hostOf('gpu'))).toBeDefined();
  });
});

describe('lock holder for status', () => {
  it('a state file that was never locked (no lock directory) has no holder', () => {
    writeFileSync(file, '{}');
    expect(new FileStateStore(file).lockHolder()).toBeUndefined();
  });
});

describe("PciDevice's fields, declared once (PCI_DEVICE_FIELDS)", () => {
  /** A device with every field away from its initial value. */
  function busy(): PciDevice {
    const d = new PciDevice({ address: { domain: 0, bus: 1, slot: 0, function: 0 }, managed: true, stubDriverType: 'xen', stubDriverName: 'pciback', attachGroup: true });
    d.usedBy = { driver: 'QEMU', domain: 'vm1' };
    d.unbindFromStub = true;
    d.removeSlot = true;
    d.reprobe = true;
    d.origDriver = 'e1000e';
    return d;
  }
  const values = (d: PciDeviceFieldValues) => PCI_DEVICE_FIELD_NAMES.map((k) => [k, d[k]]);

  it('every field is away from its initial value in the sample (so the checks below see each one)', () => {
    const d = busy();
    for (const k of PCI_DEVICE_FIELD_NAMES) expect(d[k], k).not.toEqual(PCI_DEVICE_FIELDS[k].initial);
  });

  it('copy() and the state record carry every field, objects copied', () => {
    const d = busy();
    const c = d.copy();
    expect(values(c)).toEqual(values(d));
    expect(c.usedBy).not.toBe(d.usedBy);
    const r = deviceToRecord(d);
    expect(Object.keys(r)).toEqual(['name', ...PCI_DEVICE_FIELD_NAMES]);
    const back = deviceFromRecord(JSON.parse(JSON.stringify(r)));
    expect(back.name).toBe(d.name);
    expect(values(back)).toEqual(values(d));
  });

  it("the state file's schema holds each field with the schema it declares; fields with no initial value may be left out", () => {
    // (the schema is plain JSON: read it as such)
    const record = JSON.parse(JSON.stringify(STATE_SCHEMA)).properties.lists.properties.active.items;
    expect(Object.keys(record.properties)).toEqual(['name', ...PCI_DEVICE_FIELD_NAMES]);
    for (const k of PCI_DEVICE_FIELD_NAMES) expect(record.properties[k]).toEqual(PCI_DEVICE_FIELDS[k].schema);
    expect(record.required).toEqual(['name', 'managed', 'stubDriverType', 'stubDriver', 'attachGroup', 'unbindFromStub', 'removeSlot', 'reprobe']);
    // a fresh device's record leaves usedBy and origDriver out of the JSON
    const fresh = JSON.stringify(deviceToRecord(new PciDevice({ address: {} })));
    expect(Object.keys(JSON.parse(fresh))).toEqual([
      'name',
      'managed',
      'stubDriverType',
      'stubDriver',
      'attachGroup',
      'unbindFromStub',
      'removeSlot',
      'reprobe',
    ]);
  });
});
