/**
 * Domain-level rules of libvirt's post-parse and define-time validation
 * (`virDomainDefPostParse…`, `virDomainDefValidateInternal`): name,
 * memory sizes, vCPU counts against NUMA, lifecycle actions, boot order
 * styles, security labels, SMBIOS data, video heads, NUMA tuning.
 */
import { bitmapMembers } from '../../domain/cpuset.js';
import type { DomainDef } from '../../domain/domain.js';
import type { NumaCell } from '../../domain/numa.js';
import { unitBytes } from '../../domain/scaled.js';
import { childOf, itemPath, type Located, type Reporter } from './context.js';
import { devicesOf, familyOf } from './devices.js';

const ROOT = '/domain';
const at = <T>(name: string, obj: T): Located<T> => ({ obj, path: `${ROOT}/${name}` });

/** A scaled size (`<memory unit='MiB'>512</memory>`, a memory device's `<size>`): its value and unit. */
type Scaled = Pick<NonNullable<DomainDef['memory']>, 'value' | 'unit'>;
/** A scaled value in KiB (parsed values are KiB already; defs built in code may use another unit). */
function kib(s: Scaled | undefined): number | undefined {
  if (!s) return undefined;
  const b = unitBytes(s.unit ?? 'KiB');
  return b === undefined ? s.value : (s.value * Number(b)) / 1024;
}

export function checkDomain(def: DomainDef, r: Reporter): void {
  checkName(def, r);
  checkMemory(def, r);
  checkVcpus(def, r);
  checkLifecycle(def, r);
  checkBoot(def, r);
  checkSeclabels(def, r);
  checkSysinfo(def, r);
  checkVideos(def, r);
  checkNumatune(def, r);
  checkIothreadScheds(def, r);
  checkRedirdevUsb(def, r);
  checkVcpuIds(def, r);
  checkThreadPools(def, r);
  checkIdmap(def, r);
  checkLaunchSecurity(def, r);
  checkResource(def, r);
  checkCpu(def, r);
  checkClock(def, r);
  checkCputune(def, r);
  checkIommufd(def, r);
  checkBlkiotune(def, r);
  checkThrottleGroups(def, r);
  checkLoader(def, r);
}

/** `virDomainBlkioDeviceParseXML`'s caller: one entry a device path. */
function checkBlkiotune(def: DomainDef, r: Reporter): void {
  const devices = def.blkiotune?.devices ?? [];
  const seen = new Set<string>();
  devices.forEach((d, i) => {
    if (seen.has(d.path)) {
      r.reportChild(d, 'path', `${itemPath(`${ROOT}/blkiotune`, 'device', devices, i)}/path`, 'libvirt-blkiotune-path', `unsupported configuration: duplicate blkio device path '${d.path}'`);
    }
    seen.add(d.path);
  });
}

/** `virDomainThrottleGroupDefParseXML`: a group has a name. */
function checkThrottleGroups(def: DomainDef, r: Reporter): void {
  const groups = def.throttlegroups?.groups ?? [];
  groups.forEach((g, i) => {
    const path = itemPath(`${ROOT}/throttlegroups`, 'throttlegroup', groups, i);
    if (g.group_name === '') r.reportChild(g, 'group_name', `${path}/group_name`, 'libvirt-throttlegroup-name', 'XML error: missing group name');
  });
}

/**
 * `virDomainLoaderDefParseXML`: a qcow2 image is no ROM (a loader with a path
 * and no type is one; without a path, firmware autoselection picks the type).
 */
function checkLoader(def: DomainDef, r: Reporter): void {
  const loader = def.os?.loader;
  if (loader?.format === 'qcow2' && (loader.type === 'rom' || (loader.type === undefined && loader.path !== undefined))) {
    r.at({ obj: loader, path: `${ROOT}/os/loader` }, 'libvirt-os-loader', "Invalid format 'qcow2' for ROM loader type", { attribute: 'format' });
  }
}

const PERIODS = ['period', 'global_period', 'emulator_period', 'iothread_period'] as const;
const QUOTAS = ['quota', 'global_quota', 'emulator_quota', 'iothread_quota'] as const;
const QUOTA_MAX = 17592186044415;

/**
 * `<cputune>` (`virDomainDefCputuneValidate`, the scheduler parser): periods
 * in [1000, 1000000] and positive quotas from 1000 (0 is "not set", a quota
 * of -1 is "no limit"); a vCPU scheduler names its vCPUs, which exist, and an
 * I/O thread scheduler names its threads.
 */
function checkCputune(def: DomainDef, r: Reporter): void {
  const ct = def.cputune;
  if (!ct) return;
  const range = (name: string, lo: number, hi: number) =>
    r.reportChild(ct, name, `${ROOT}/cputune/${name}`, 'libvirt-cputune-range', `unsupported configuration: Value of cputune '${name}' must be in range [${lo}, ${hi}]`);
  for (const name of PERIODS) {
    const v = ct[name];
    if (v !== undefined && v !== 0 && (v < 1000 || v > 1000000)) range(name, 1000, 1000000);
  }
  for (const name of QUOTAS) {
    const v = ct[name];
    if (v !== undefined && v > 0 && (v < 1000 || v > QUOTA_MAX)) range(name, 1000, QUOTA_MAX);
  }
  const max = def.vcpu?.count ?? 1;
  const vs = ct.vcpuscheds ?? [];
  vs.forEach((s, i) => {
    const l = { obj: s, path: itemPath(`${ROOT}/cputune`, 'vcpusched', vs, i) };
    if (s.vcpus === undefined) {
      r.at(l, 'libvirt-cputune-sched', "XML error: Missing attribute 'vcpus' in element 'vcpusched'");
      return;
    }
    const missing = bitmapMembers(s.vcpus).find((id) => id >= max);
    if (missing !== undefined) r.at(l, 'libvirt-cputune-sched', `unsupported configuration: vCPU '${missing}' is not present in domain definition`, { attribute: 'vcpus' });
  });
  const is = ct.iothreadscheds ?? [];
  is.forEach((s, i) => {
    if (s.iothreads === undefined) {
      r.at({ obj: s, path: itemPath(`${ROOT}/cputune`, 'iothreadsched', is, i) }, 'libvirt-cputune-sched', "XML error: Missing attribute 'iothreads' in element 'iothreadsched'");
    }
  });
}

/** `<iommufd enabled='no'>` takes no fdgroup. */
function checkIommufd(def: DomainDef, r: Reporter): void {
  const f = def.iommufd;
  if (f && f.enabled === false && f.fdgroup !== undefined) {
    r.at(at('iommufd', f), 'libvirt-iommufd', "unsupported configuration: Setting 'fdgroup' when 'iommufd' is disabled is not supported.", { attribute: 'fdgroup' });
  }
}

/**
 * `virCPUDefParseXML` and the CPU's define-time checks: a vendor, a
 * feature list (custom mode) and a check attribute (custom mode) need a
 * model name; migratable belongs to host-passthrough and maximum CPUs.
 */
function checkCpu(def: DomainDef, r: Reporter): void {
  const cpu = def.cpu;
  if (!cpu) return;
  const l = at('cpu', cpu);
  const mode = cpu.mode ?? 'custom';
  const model = cpu.model?.name !== undefined;
  if (cpu.vendor !== undefined && !model) r.reportChild(cpu, 'vendor', `${ROOT}/cpu/vendor`, 'libvirt-cpu-model', 'XML error: CPU vendor specified without CPU model');
  if (mode === 'custom' && !model) {
    if (cpu.features?.length) r.at(l, 'libvirt-cpu-model', 'XML error: Non-empty feature list specified without CPU model');
    if (cpu.check !== undefined) r.at(l, 'libvirt-cpu-model', 'unsupported configuration: check attribute specified for CPU with no model', { attribute: 'check' });
  }
  // memory-side caches of the NUMA cells (virDomainNumaDefNodeCacheParseXML): levels 1 to 3
  const cells = cpu.numa?.cells ?? [];
  cells.forEach((c, i) => {
    const caches = c.caches ?? [];
    caches.forEach((cache, j) => {
      const place = { obj: cache, path: itemPath(itemPath(`${ROOT}/cpu/numa`, 'cell', cells, i), 'cache', caches, j) };
      if (cache.level === 0) r.at(place, 'libvirt-nonzero', "XML error: Invalid value for attribute 'level' in element 'cache': Zero is not permitted", { attribute: 'level' });
      else if (cache.level > 3) r.at(place, 'libvirt-numa-cache', "XML error: Ain't nobody heard of that much cache level", { attribute: 'level' });
    });
  });
  if (cpu.migratable !== undefined && mode !== 'host-passthrough' && mode !== 'maximum') {
    r.at(l, 'libvirt-cpu-migratable', "unsupported configuration: Attribute migratable is only allowed for 'host-passthrough' / 'maximum' CPU mode", { attribute: 'migratable' });
  }
}

/** `virDomainClockDefParseXML`: a timezone clock names its zone. */
function checkClock(def: DomainDef, r: Reporter): void {
  const c = def.clock;
  if (c?.offset === 'timezone' && c.timezone === undefined) {
    r.at(at('clock', c), 'libvirt-clock-timezone', "internal error: missing 'timezone' attribute for clock with offset='timezone'");
  }
}

/** `<vcpus><vcpu id>`: each id below the maximum vCPU count (the parser). */
function checkVcpuIds(def: DomainDef, r: Reporter): void {
  const list = def.vcpus?.vcpus ?? [];
  const max = def.vcpu?.count ?? 1;
  list.forEach((v, i) => {
    if (v.id >= max) {
      r.at({ obj: v, path: itemPath(`${ROOT}/vcpus`, 'vcpu', list, i) }, 'libvirt-vcpu-id', `XML error: vcpu id '${v.id}' is out of range of maximum vcpu count`, {
        attribute: 'id',
      });
    }
  });
}

/**
 * `virDomainDefIOThreadValidate…`: a thread pool's max is positive, and its
 * min (when set) is at most its max — an unset max is libvirt's -1, so a
 * min alone is refused.
 */
function checkThreadPools(def: DomainDef, r: Reporter): void {
  const ids = def.iothreadids?.iothreads ?? [];
  const pools: Array<Located<{ thread_pool_min?: number; thread_pool_max?: number }>> = ids.map((t, i) => ({ obj: t, path: itemPath(`${ROOT}/iothreadids`, 'iothread', ids, i) }));
  if (def.defaultiothread) pools.push(at('defaultiothread', def.defaultiothread));
  for (const l of pools) {
    const { thread_pool_min: min, thread_pool_max: max } = l.obj;
    if (max === 0) r.at(l, 'libvirt-thread-pool', 'unsupported configuration: thread_pool_max must be a positive integer', { attribute: 'thread_pool_max' });
    else if (min !== undefined && (max === undefined || min > max)) {
      r.at(l, 'libvirt-thread-pool', 'unsupported configuration: thread_pool_min must be smaller or equal to thread_pool_max', { attribute: 'thread_pool_min' });
    }
  }
}

/** `virDomainIdmapDefParseXML` and the define-time check: uid and gid maps both or neither, each mapping the root user (start 0). */
function checkIdmap(def: DomainDef, r: Reporter): void {
  const m = def.idmap;
  if (!m) return;
  const uids = m.uids ?? [];
  const gids = m.gids ?? [];
  if (!uids.length && !gids.length) return;
  const l = at('idmap', m);
  if (!uids.length || !gids.length) r.at(l, 'libvirt-idmap', 'unsupported configuration: uid and gid should be mapped both');
  else if (Math.min(...uids.map((u) => u.start)) !== 0 || Math.min(...gids.map((g) => g.start)) !== 0) {
    r.at(l, 'libvirt-idmap', 'unsupported configuration: You must map the root user of container');
  }
}

/**
 * The number of bytes glib's base64 decoder gives for a text: characters
 * outside the alphabet are skipped, only whole groups of four decode, and
 * padding shortens the last one.
 */
export function base64Length(text: string): number {
  const s = text.replace(/[^A-Za-z0-9+/=]/g, '');
  const groups = Math.floor(s.length / 4);
  const pad = (s.slice(0, groups * 4).match(/=/g) ?? []).length;
  return Math.max(0, groups * 3 - Math.min(pad, 2));
}

/** Launch security blobs (base64) of a fixed decoded length; an empty one is not set. */
const BLOB_LENGTHS: Record<string, ReadonlyArray<readonly [string, number]>> = {
  'sev-snp': [
    ['guestVisibleWorkarounds', 16],
    ['idBlock', 96],
    ['idAuth', 4096],
    ['hostData', 32],
  ],
  tdx: [
    ['mrConfigId', 48],
    ['mrOwner', 48],
    ['mrOwnerConfig', 48],
  ],
};

function checkLaunchSecurity(def: DomainDef, r: Reporter): void {
  const ls = def.launchSecurity;
  if (!ls) return;
  for (const [name, want] of BLOB_LENGTHS[ls.type] ?? []) {
    const v: unknown = Object.hasOwn(ls, name) ? Reflect.get(ls, name) : undefined;
    if (typeof v !== 'string' || v === '') continue;
    const got = base64Length(v);
    if (got !== want) {
      r.reportChild(ls, name, `${ROOT}/launchSecurity/${name}`, 'libvirt-launch-security', `unsupported configuration: Unexpected length of '${name}', expected ${want} got ${got}`);
      return;
    }
  }
}

/** An empty `<resource/>`: libvirt 12.9's parser fails on it without saying why (its message is the generic one). */
function checkResource(def: DomainDef, r: Reporter): void {
  const res = def.resource;
  if (res && res.partition === undefined && res.fibrechannel === undefined) r.at(at('resource', res), 'libvirt-resource-empty', 'An error occurred, but the cause is unknown');
}

/** `virDomainRedirdevDefValidate`: a redirected USB device needs a USB controller (one of model none does not count: `virDomainDefHasUSB`). */
function checkRedirdevUsb(def: DomainDef, r: Reporter): void {
  const redirdevs = familyOf(def, 'redirdevs');
  if (!redirdevs.length) return;
  const usb = familyOf(def, 'controllers').some((l) => l.obj.type === 'usb' && l.obj.model !== 'none');
  if (usb) return;
  for (const l of redirdevs) {
    if ((l.obj.bus ?? 'usb') === 'usb') r.at(l, 'libvirt-redirdev-usb', 'unsupported configuration: cannot add redirected USB device: USB is disabled for this domain');
  }
}

/** `<iothreadsched iothreads>` must name existing I/O threads (`virDomainIOThreadIDFind`). */
function checkIothreadScheds(def: DomainDef, r: Reporter): void {
  const scheds = def.cputune?.iothreadscheds ?? [];
  if (!scheds.length) return;
  const ids = def.iothreadids?.iothreads?.map((t) => t.id);
  const count = def.iothreads ?? 0;
  const exists = (id: number) => (ids?.length ? ids.includes(id) : id >= 1 && id <= count);
  scheds.forEach((s, i) => {
    const missing = s.iothreads !== undefined ? bitmapMembers(s.iothreads).find((id) => !exists(id)) : undefined;
    if (missing !== undefined) {
      r.at({ obj: s, path: itemPath(`${ROOT}/cputune`, 'iothreadsched', scheds, i) }, 'libvirt-iothreadsched', `unsupported configuration: Cannot find 'iothread' : ${missing}`, {
        attribute: 'iothreads',
      });
    }
  });
}

function checkName(def: DomainDef, r: Reporter): void {
  const name = def.name ?? '';
  const path = `${ROOT}/name`;
  if (name === '') r.reportChild(def, 'name', path, 'libvirt-domain-name', 'missing name information');
  else if (name.includes('/')) r.reportChild(def, 'name', path, 'libvirt-domain-name', `XML error: name ${name} cannot contain '/'`);
}

function cellsOf(def: DomainDef): NumaCell[] {
  return def.cpu?.numa?.cells ?? [];
}

/** `virDomainDefPostParseMemory`: the total from <memory> (or, without it, NUMA cells plus memory devices). */
function checkMemory(def: DomainDef, r: Reporter): void {
  const cells = cellsOf(def);
  const numaTotal = cells.reduce((s, c) => s + (kib({ value: c.memory, unit: c.unit ?? 'KiB' }) ?? 0), 0);
  const hotplug = familyOf(def, 'memories').reduce((s, l) => s + (kib(l.obj.target?.size) ?? 0), 0);
  const given = kib(def.memory) ?? 0;
  const memAt: [object, string] = def.memory ? [def.memory, `${ROOT}/memory`] : [def, ROOT];
  let total: number;
  if (given === 0 && numaTotal > 0) total = numaTotal + hotplug;
  else {
    total = given;
    if (hotplug > total) {
      r.report(memAt[0], memAt[1], 'libvirt-memory-devices', 'XML error: Total size of memory devices exceeds the total memory size');
      return;
    }
  }
  if (total - hotplug === 0) {
    r.report(memAt[0], memAt[1], 'libvirt-memory-missing', 'XML error: Memory size must be specified via <memory> or in the <numa> configuration');
    return;
  }
  const max = kib(def.maxMemory);
  if (max !== undefined && max < total) {
    r.at(at('maxMemory', def.maxMemory), 'libvirt-max-memory', 'XML error: maximum memory size must be equal or greater than the actual memory size');
  }
  const cur = kib(def.currentMemory);
  if (cur !== undefined && cur > total) {
    r.at(
      at('currentMemory', def.currentMemory),
      'libvirt-current-memory',
      `currentMemory (${cur} KiB) is larger than memory (${total} KiB): libvirt lowers it to the memory size`,
      { severity: 'warning' },
    );
  }
}

function checkVcpus(def: DomainDef, r: Reporter): void {
  const v = def.vcpu;
  const max = v?.count ?? 1;
  const l = at('vcpu', def.vcpu);
  if (v?.current !== undefined && v.current > max) {
    r.at(l, 'libvirt-vcpu-current', 'unsupported configuration: maximum vCPU count must not be less than current vCPU count', { attribute: 'current' });
  }
  const cells = cellsOf(def);
  const members = cells.map((c) => (c.cpus !== undefined ? bitmapMembers(c.cpus) : []));
  const count = members.reduce((s, m) => s + m.length, 0);
  const maxId = members.reduce((m, ids) => Math.max(m, ...ids), 0);
  if (count > max) r.at(l, 'libvirt-numa-vcpus', 'internal error: Number of CPUs in <numa> exceeds the <vcpu> count');
  else if (maxId >= max) r.at(l, 'libvirt-numa-vcpus', 'internal error: CPU IDs in <numa> exceed the <vcpu> count');
}

/** `virDomainDefLifecycleActionAllowed`: poweroff and reboot take no coredump actions. */
function checkLifecycle(def: DomainDef, r: Reporter): void {
  for (const [key, event] of [
    ['on_poweroff', 'poweroff'],
    ['on_reboot', 'reboot'],
  ] as const) {
    const action = def[key];
    if (action === 'coredump-destroy' || action === 'coredump-restart') {
      r.reportChild(def, key, `${ROOT}/${key}`, 'libvirt-lifecycle-action', `unsupported configuration: Lifecycle event '${event}' doesn't support '${action}' action`);
    }
  }
}

function checkBoot(def: DomainDef, r: Reporter): void {
  const boots = def.os?.boots ?? [];
  if (!boots.length) return;
  const dev = devicesOf(def).find((d) => d.info.boot !== undefined);
  if (dev) {
    r.at(
      childOf(dev, 'boot', dev.info.boot),
      'libvirt-boot-order',
      'unsupported configuration: per-device boot elements cannot be used together with os/boot elements',
    );
  }
}

function checkSeclabels(def: DomainDef, r: Reporter): void {
  const list = def.seclabels ?? [];
  const seen = new Set<string>();
  list.forEach((s, i) => {
    // a static label is given (virSecurityLabelDefParseXML), unless the model is none
    if (s.type === 'static' && !s.label && s.model !== 'none') {
      r.at({ obj: s, path: itemPath(ROOT, 'seclabel', list, i) }, 'libvirt-seclabel-label', 'XML error: security label is missing');
    }
    if (s.model === undefined) return;
    if (seen.has(s.model)) {
      r.at({ obj: s, path: itemPath(ROOT, 'seclabel', list, i) }, 'libvirt-seclabel-model', `seclabel for model ${s.model} is already provided`, {
        attribute: 'model',
      });
    }
    seen.add(s.model);
  });
}

const BIOS_DATE = /^(0[1-9]|1[0-2])\/(0[1-9]|[12][0-9]|3[01])\/([0-9]{2}|[0-9]{4})$/;

function checkSysinfo(def: DomainDef, r: Reporter): void {
  const list = def.sysinfos ?? [];
  list.forEach((s, i) => {
    if (s.type === 'fwcfg') {
      const entries = s.entries ?? [];
      entries.forEach((e, k) => {
        if (!e.value && e.file === undefined) {
          r.at({ obj: e, path: itemPath(itemPath(ROOT, 'sysinfo', list, i), 'entry', entries, k) }, 'libvirt-sysinfo-entry', "XML error: Firmware entry must have either value or 'file' attribute");
        }
      });
    }
    if (s.type !== 'smbios') return;
    const base = { obj: s, path: itemPath(ROOT, 'sysinfo', list, i) };
    const entry = (block: 'bios' | 'system', name: string) => {
      const entries = s[block]?.entries ?? [];
      const k = entries.findIndex((e) => e.name === name);
      return k < 0 ? undefined : { e: entries[k]!, at: { obj: entries[k]!, path: itemPath(`${base.path}/${block}`, 'entry', entries, k) } };
    };
    const date = entry('bios', 'date');
    if (date && !BIOS_DATE.test(date.e.value ?? '')) r.at(date.at, 'libvirt-smbios-date', "Invalid BIOS 'date' format");
    const uuid = entry('system', 'uuid');
    if (uuid && def.uuid !== undefined && uuid.e.value?.toLowerCase().replace(/-/g, '') !== def.uuid.toLowerCase().replace(/-/g, '')) {
      r.at(uuid.at, 'libvirt-smbios-uuid', 'UUID mismatch between <uuid> and <sysinfo>');
    }
  });
}

/** Video types without an edid setting (libvirt 12.9 takes it on vga, bochs, virtio and none). */
const NO_EDID: ReadonlySet<string> = new Set(['cirrus', 'vmvga', 'xen', 'vbox', 'qxl', 'gop', 'ramfb']);

function checkVideos(def: DomainDef, r: Reporter): void {
  const videos = familyOf(def, 'videos');
  let primary = false;
  for (const l of videos) {
    const m = l.obj.model;
    if (m?.primary) {
      if (primary) r.at(childOf(l, 'model', m), 'libvirt-video-primary', 'unsupported configuration: Only one primary video device is supported', { attribute: 'primary' });
      primary = true;
    }
    // edid (on or off) only on the types that have it, as libvirt 12.9 answers (its 'none' video is dropped first)
    if (m?.type !== undefined && NO_EDID.has(m.type) && m.edid !== undefined) {
      r.at(childOf(l, 'model', m), 'libvirt-video-edid', `unsupported configuration: video type '${m.type}' does not support edid`, { attribute: 'edid' });
    }
    const drv = l.obj.driver;
    if (drv?.name === 'vhostuser' && m?.type !== undefined && m.type !== 'virtio') {
      r.at(childOf(l, 'driver', drv), 'libvirt-video-vhostuser', "unsupported configuration: 'vhostuser' driver is only supported with 'virtio' device", { attribute: 'name' });
    }
    if (m?.type === 'none' && videos.length > 1) {
      r.at(
        childOf(l, 'model', m),
        'libvirt-video-none',
        "unsupported configuration: a 'none' video type must be the only video device defined for the domain",
        { attribute: 'type' },
      );
    }
  }
}

function checkNumatune(def: DomainDef, r: Reporter): void {
  const nt = def.numatune;
  const cells = cellsOf(def);
  const memnodes = nt?.memnodes ?? [];
  const mnAt = (i: number) => ({ obj: memnodes[i]!, path: itemPath(`${ROOT}/numatune`, 'memnode', memnodes, i) });
  const memMode = nt?.memory?.mode ?? 'strict';
  if (nt?.memory) {
    const memAt = { obj: nt.memory, path: `${ROOT}/numatune/memory` };
    // without placement, a nodeset makes it static, and so does a static vCPU placement (an automatic one makes it automatic)
    if (nt.memory.placement === undefined && nt.memory.nodeset === undefined && def.vcpu?.placement !== 'auto') {
      r.at(memAt, 'libvirt-numatune-nodeset', "unsupported configuration: nodeset for NUMA memory tuning must be set if 'placement' is 'static'");
    }
    if (memnodes.length && nt.memory.placement === 'auto') {
      r.at(memAt, 'libvirt-numatune-placement', 'unsupported configuration: Per-node binding is not compatible with automatic NUMA placement.', { attribute: 'placement' });
    }
    const bad = memnodes.findIndex((m) => (memMode === 'restrictive') !== ((m.mode ?? 'strict') === 'restrictive'));
    if (bad >= 0) {
      r.at(
        mnAt(bad),
        'libvirt-numatune-mode',
        memMode === 'restrictive'
          ? "XML error: 'restrictive' mode is required in memnode element when mode is 'restrictive' in memory element"
          : "XML error: 'restrictive' mode is required in memory element when mode is 'restrictive' in memnode element",
        { attribute: 'mode' },
      );
    }
  }
  if (memnodes.length && cells.length === 0) {
    r.at(
      { obj: memnodes[0]!, path: itemPath(`${ROOT}/numatune`, 'memnode', memnodes, 0) },
      'libvirt-numatune-memnode',
      "XML error: Element 'memnode' is invalid without any guest NUMA cells",
    );
  }
  const hp = def.memoryBacking?.hugepages?.pages ?? [];
  hp.forEach((p, i) => {
    if (p.nodeset === undefined) return;
    const missing = bitmapMembers(p.nodeset).find((n) => n >= Math.max(cells.length, 1));
    if (missing !== undefined) {
      r.at(
        { obj: p, path: itemPath(`${ROOT}/memoryBacking/hugepages`, 'page', hp, i) },
        'libvirt-hugepages-node',
        `hugepages: node ${missing} not found`,
        { attribute: 'nodeset' },
      );
    }
  });
}
