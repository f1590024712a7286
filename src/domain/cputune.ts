/**
 * `<cputune>`: CPU shares, bandwidth, pinning, scheduling and resctrl
 * (cache and memory bandwidth) tuning, in `virDomainCputuneDefFormat`'s
 * order. Zero periods and quotas mean "not set" and are not written.
 */
import { attr, child, element, list, tag, union, value, type CheckFailure, type Infer } from '../xml/decl.js';
import { int, literal, oneOf, str, uint } from '../xml/values.js';
import { bitmapMembers, cpuset } from './cpuset.js';
import { scaledHooks, scaledNumber, scaledUnit } from './scaled.js';

const u64 = uint({ max: Number.MAX_SAFE_INTEGER });
const nonZero = (key: string) => ({ when: (_c: unknown, p: Record<string, unknown>) => p[key] !== undefined && p[key] !== 0 });
const period = (name: string) => value(name, u64, nonZero(name));
const quota = (name: string) => value(name, int({ min: -1, max: 17592186044415 }), nonZero(name));

/**
 * A scheduler element (`virDomainSchedulerFormat`): a union on `scheduler`,
 * `priority` only for the real-time policies; `leading` attributes
 * (`vcpus`, `iothreads`) come first.
 */
function sched<const N extends string, const L extends Record<string, ReturnType<typeof attr<string>>>>(name: N, leading: L) {
  const plain = <const S extends string>(s: S) => element(name, { ...leading, scheduler: tag(literal(s)) });
  const realtime = <const S extends string>(s: S) =>
    element(name, { ...leading, scheduler: tag(literal(s)), priority: attr(uint({ max: 0xffff }), { required: true }) });
  return union(name, 'scheduler', { batch: plain('batch'), idle: plain('idle'), fifo: realtime('fifo'), rr: realtime('rr') });
}

export const vcpusched = sched('vcpusched', { vcpus: attr(cpuset) });
export const iothreadsched = sched('iothreadsched', { iothreads: attr(cpuset) });
export const emulatorsched = sched('emulatorsched', {});
export type Vcpusched = Infer<typeof vcpusched>;

const cacheHooks = scaledHooks('size', { write: 'pretty' }, 'unit', 'size');

/** `<cache id level type size unit/>` of a cache allocation (size written in the largest exact unit). */
export const cachetuneCache = element(
  'cache',
  {
    id: attr(uint(), { required: true }),
    level: attr(uint(), { required: true }),
    type: attr(oneOf('both', 'code', 'data'), { required: true }),
    size: attr(scaledNumber, { required: true }),
    unit: attr(scaledUnit),
  },
  { check: cacheHooks.check, beforeFormat: cacheHooks.beforeFormat },
);

export const cachetune = element(
  'cachetune',
  {
    vcpus: attr(cpuset, { required: true }),
    id: attr(str, { when: (ctx) => !ctx.inactive, doc: 'resctrl group (live XML)' }),
    caches: list(cachetuneCache),
    monitors: list(element('monitor', { level: attr(uint(), { required: true }), vcpus: attr(cpuset, { required: true, missing: 'ignore-element' }) })),
  },
  { doc: 'Cache allocation (Intel CAT) for some vCPUs' },
);
export type Cachetune = Infer<typeof cachetune>;

export const memorytune = element(
  'memorytune',
  {
    // libvirt 12.9 keeps a <memorytune> and its <monitor> without vcpus (asked: the differential test)
    vcpus: attr(cpuset),
    id: attr(str, { when: (ctx) => !ctx.inactive }),
    nodes: list(element('node', { id: attr(uint(), { required: true }), bandwidth: attr(uint(), { required: true }) })),
    monitors: list(element('monitor', { vcpus: attr(cpuset) })),
  },
  { doc: 'Memory bandwidth allocation (Intel MBA) for some vCPUs' },
);

export const energytune = element(
  'energytune',
  {
    vcpus: attr(cpuset),
    id: attr(str, { when: (ctx) => !ctx.inactive }),
    monitors: list(element('monitor', { vcpus: attr(cpuset) })),
  },
  { doc: 'Energy monitoring (resctrl) for some vCPUs' },
);

type Sched = Record<string, unknown>;

/**
 * libvirt keeps one scheduler per vCPU / I/O thread and writes one element
 * per thread, in thread order: `<vcpusched vcpus='2-3' …/>` comes back as
 * `vcpus='2'` and `vcpus='3'`. Elements without the set are left last.
 */
function perThread(items: Sched[] | undefined, idKey: string): Sched[] | undefined {
  if (!items) return items;
  const byId = new Map<number, Sched>();
  const rest: Sched[] = [];
  for (const item of items) {
    const set = item[idKey];
    if (typeof set !== 'string') rest.push(item);
    else for (const id of bitmapMembers(set)) if (!byId.has(id)) byId.set(id, item);
  }
  const out = [...byId.keys()].sort((a, b) => a - b).map((id) => ({ ...byId.get(id)!, [idKey]: String(id) }));
  return [...out, ...rest];
}

/** libvirt's "vcpusched attributes 'vcpus' must not overlap". */
function noOverlap(items: Sched[] | undefined, name: string, idKey: string): CheckFailure | undefined {
  const seen = new Set<number>();
  for (const item of items ?? []) {
    const set = item[idKey];
    if (typeof set !== 'string') continue;
    for (const id of bitmapMembers(set)) {
      if (seen.has(id)) return { code: 'duplicate', message: `${name} attributes '${idKey}' must not overlap`, attribute: idKey, at: item };
      seen.add(id);
    }
  }
  return undefined;
}

type SchedLists = { vcpuscheds?: Sched[]; iothreadscheds?: Sched[] };

export const cputune = element(
  'cputune',
  {
    shares: value('shares', u64),
    period: period('period'),
    quota: quota('quota'),
    global_period: period('global_period'),
    global_quota: quota('global_quota'),
    emulator_period: period('emulator_period'),
    emulator_quota: quota('emulator_quota'),
    iothread_period: period('iothread_period'),
    iothread_quota: quota('iothread_quota'),
    vcpupins: list(element('vcpupin', { vcpu: attr(uint({ max: 0xffff }), { required: true }), cpuset: attr(cpuset, { required: true }) })),
    emulatorpin: child(element('emulatorpin', { cpuset: attr(cpuset, { required: true }) })),
    iothreadpins: list(element('iothreadpin', { iothread: attr(uint(), { required: true }), cpuset: attr(cpuset, { required: true }) })),
    emulatorsched: child(emulatorsched),
    vcpuscheds: list(vcpusched),
    iothreadscheds: list(iothreadsched),
    cachetunes: list(cachetune),
    memorytunes: list(memorytune),
    energytunes: list(energytune),
  },
  {
    check: (v: SchedLists) => noOverlap(v.vcpuscheds, 'vcpusched', 'vcpus') ?? noOverlap(v.iothreadscheds, 'iothreadsched', 'iothreads'),
    beforeFormat: (v: SchedLists) =>
      v.vcpuscheds || v.iothreadscheds
        ? { ...v, vcpuscheds: perThread(v.vcpuscheds, 'vcpus'), iothreadscheds: perThread(v.iothreadscheds, 'iothreads') }
        : v,
    doc: 'CPU tuning: shares, bandwidth, pinning, scheduling, resctrl',
  },
);
export type Cputune = Infer<typeof cputune>;
