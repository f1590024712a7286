/**
 * `<clock>` and its `<timer>`s, as `virDomainDefFormatInternal` and
 * `virDomainTimerDefFormat` write them. Both are unions: the clock on
 * `offset` (utc when absent), a timer on `name` (the attributes a timer
 * takes depend on it).
 */
import { attr, child, element, list, tag, union, type CheckFailure, type Fields, type Infer } from '../xml/decl.js';
import { INVALID, int, literal, oneOf, pattern, uint, yesNo, type ValueType } from '../xml/values.js';

const u64 = uint({ max: Number.MAX_SAFE_INTEGER });
const positive = (v: number) => v === 0;

export const timerCatchup = element('catchup', {
  threshold: attr(uint(), { omit: positive }),
  slew: attr(uint(), { omit: positive }),
  limit: attr(uint(), { omit: positive }),
});

const tickpolicy = attr(oneOf('delay', 'catchup', 'merge', 'discard'));
const catchup = child(timerCatchup, { omitEmpty: true });

/** A timer case: `name`, `present`, then the attributes this kind of timer takes. */
function timer<const N extends string, const F extends Fields>(name: N, fields: F) {
  return element('timer', { name: tag(literal(name)), present: attr(yesNo), ...fields });
}

const trackedTimer = <const N extends string>(name: N) =>
  timer(name, { tickpolicy, track: attr(oneOf('boot', 'guest', 'wall', 'realtime')), catchup });
const tickTimer = <const N extends string>(name: N) => timer(name, { tickpolicy, catchup });

export const clockTimer = union(
  'timer',
  'name',
  {
    platform: trackedTimer('platform'),
    rtc: trackedTimer('rtc'),
    tsc: timer('tsc', {
      tickpolicy,
      frequency: attr(u64, { omit: positive }),
      mode: attr(oneOf('auto', 'native', 'emulate', 'paravirt', 'smpsafe')),
      catchup,
    }),
    hpet: tickTimer('hpet'),
    pit: tickTimer('pit'),
    armvtimer: tickTimer('armvtimer'),
    kvmclock: timer('kvmclock', {}),
    hypervclock: timer('hypervclock', {}),
  },
  { unknownMessage: "unknown timer name '%s'" },
);
export type ClockTimer = Infer<typeof clockTimer>;

/** `adjustment` of a utc/localtime clock: `reset`, or seconds (which make it a variable clock). */
const adjustmentOrReset: ValueType<'reset' | number> = {
  name: 'reset|timeDelta',
  expected: "Expected 'reset' or a number of seconds",
  parse: (t) => {
    if (t === 'reset') return 'reset';
    return /^[+-]?[0-9]+$/.test(t) && Number.isSafeInteger(Number(t)) ? Number(t) : INVALID;
  },
  format: (v) => String(v),
  is: (v): v is 'reset' | number => v === 'reset' || Number.isSafeInteger(v),
  schema: { oneOf: [{ const: 'reset' }, { type: 'integer' }] },
};

const timers = list(clockTimer);
const delta = int({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

/**
 * A utc or localtime clock with a numeric adjustment is a variable clock
 * on that basis (libvirt converts it when reading).
 */
function toVariable(v: { offset: string; adjustment?: 'reset' | number; basis?: string }): CheckFailure | undefined {
  if (typeof v.adjustment === 'number') {
    v.basis = v.offset;
    v.offset = 'variable';
  }
  return undefined;
}

const systemClock = <const O extends 'utc' | 'localtime'>(offset: ReturnType<typeof tag<O>>) =>
  element('clock', { offset, adjustment: attr(adjustmentOrReset), timers }, { check: toVariable });

export const clock = union(
  'clock',
  'offset',
  {
    utc: systemClock(tag(literal('utc'), { default: 'utc' })),
    localtime: systemClock(tag(literal('localtime'))),
    timezone: element('clock', { offset: tag(literal('timezone')), timezone: attr(pattern('timeZone', /^[a-zA-Z0-9_.+\-/]+$/)), timers }),
    variable: element('clock', {
      offset: tag(literal('variable')),
      adjustment: attr(delta, { default: 0 }),
      basis: attr(oneOf('utc', 'localtime'), { default: 'utc' }),
      adjustment0: attr(delta, { when: (ctx) => ctx.status, doc: 'Adjustment at start (status XML)' }),
      timers,
    }),
    absolute: element('clock', { offset: tag(literal('absolute')), start: attr(u64, { required: true }), timers }),
  },
  { defaultCase: 'utc', unknownMessage: "unknown clock offset '%s'", doc: 'Guest clock and timers' },
);
export type Clock = Infer<typeof clock>;
