/**
 * Guest NUMA topology (`<cpu><numa>`): cells with their CPUs, memory (KiB
 * once read), distances and memory-side caches, and the interconnects
 * (latencies, bandwidths), as `virDomainNumaDefFormatXML` writes them.
 */
import { attr, child, element, list, type CheckFailure, type Infer } from '../xml/decl.js';
import { oneOf, uint, yesNo } from '../xml/values.js';
import { cpuset } from './cpuset.js';
import { scaledHooks, scaledNumber, scaledUnit } from './scaled.js';

export const numaSibling = element('sibling', {
  id: attr(uint(), { required: true }),
  value: attr(uint({ max: 255 }), { required: true }),
});

/** `<size>` of a memory-side cache: KiB once read. */
const sizeHooks = scaledHooks('value', { write: 'KiB' }, 'unit', 'value');
/** `<line>` of a memory-side cache: bytes once read. */
const lineHooks = scaledHooks('value', { write: 'B' }, 'unit', 'value');

const cacheAmount = (name: string, hooks: typeof sizeHooks) =>
  element(
    name,
    { value: attr(scaledNumber, { required: true }), unit: attr(scaledUnit, { required: true }) },
    { check: hooks.check, beforeFormat: hooks.beforeFormat },
  );

export const numaCache = element('cache', {
  level: attr(uint(), { required: true }),
  associativity: attr(oneOf('none', 'direct', 'full'), { required: true }),
  policy: attr(oneOf('none', 'writeback', 'writethrough'), { required: true }),
  size: child(cacheAmount('size', sizeHooks), { required: true }),
  line: child(cacheAmount('line', lineHooks), { required: true }),
});

const cellHooks = scaledHooks('memory', { write: 'KiB' }, 'unit', 'memory');

export const numaCell = element(
  'cell',
  {
    id: attr(uint(), { doc: 'Cell number; libvirt numbers cells in order when absent' }),
    cpus: attr(cpuset),
    memory: attr(scaledNumber, { required: true, doc: 'KiB once read' }),
    unit: attr(scaledUnit),
    memAccess: attr(oneOf('shared', 'private')),
    discard: attr(yesNo),
    distances: child(element('distances', { siblings: list(numaSibling) })),
    caches: list(numaCache),
  },
  { check: cellHooks.check, beforeFormat: cellHooks.beforeFormat, doc: 'A guest NUMA node' },
);
export type NumaCell = Infer<typeof numaCell>;

const interconnectFields = {
  initiator: attr(uint(), { required: true }),
  target: attr(uint(), { required: true }),
  cache: attr(uint(), { omit: (v: number) => v === 0 }),
  type: attr(oneOf('access', 'read', 'write'), { required: true }),
} as const;

const bandwidthHooks = scaledHooks('value', { write: 'KiB' }, 'unit', 'value');

export const numaInterconnects = element('interconnects', {
  latencies: list(element('latency', { ...interconnectFields, value: attr(uint(), { required: true }) })),
  bandwidths: list(
    element(
      'bandwidth',
      { ...interconnectFields, value: attr(scaledNumber, { required: true }), unit: attr(scaledUnit, { required: true }) },
      { check: bandwidthHooks.check, beforeFormat: bandwidthHooks.beforeFormat },
    ),
  ),
});

const LOCAL_DISTANCE = 10;
const UNREACHABLE = 255;

type Cell = { id?: number; distances?: { siblings?: Array<{ id: number; value: number }> } };

/**
 * libvirt numbers cells by position: an `id` left out is the cell's index;
 * ids must be below the number of cells and unique; cells are kept (and
 * written) in id order (`virDomainNumaDefParseXML`).
 */
function numberCells(cells: Cell[]): CheckFailure | undefined {
  const seen = new Set<number>();
  for (const [i, c] of cells.entries()) {
    const id = (c.id ??= i);
    if (id >= cells.length)
      return {
        code: 'invalid-value',
        message: "Exactly one 'cell' element per guest NUMA cell allowed, non-contiguous ranges or ranges not starting from 0 are not allowed",
        attribute: 'id',
        at: c,
      };
    if (seen.has(id)) return { code: 'duplicate', message: `Duplicate NUMA cell info for cell id '${id}'`, attribute: 'id', at: c };
    seen.add(id);
  }
  cells.sort((a, b) => a.id! - b.id!);
  return undefined;
}

/**
 * Distances as `virDomainNumaDefNodeDistanceParseXML` completes them: a
 * distance given one way is also the distance back unless that one is given
 * too, and a cell with any distance is at 10 from itself. Every cell with a
 * distance then lists its siblings in id order.
 */
function completeDistances(cells: Cell[]): CheckFailure | undefined {
  if (!cells.some((c) => c.distances?.siblings?.length)) return undefined;
  const n = cells.length;
  const dist: Array<Array<number | undefined>> = cells.map(() => new Array<number | undefined>(n));
  for (const c of cells) {
    const me = c.id!;
    for (const s of c.distances?.siblings ?? []) {
      const at = { at: s, attribute: 'value' } as const;
      if (s.id >= n)
        return { code: 'invalid-value', message: `'sibling_id ${s.id}' does not refer to a valid cell within NUMA 'cell id ${me}'`, at: s, attribute: 'id' };
      if (s.value < LOCAL_DISTANCE || s.value > UNREACHABLE)
        return { code: 'invalid-value', message: `'value ${s.value}' is invalid for 'sibling id ${s.id}' within NUMA 'cell id ${me}'`, ...at };
      if ((s.id === me) !== (s.value === LOCAL_DISTANCE))
        return { code: 'invalid-value', message: `'value ${s.value}' is invalid for 'sibling id ${s.id}' within NUMA 'cell id ${me}'`, ...at };
      dist[me]![s.id] = s.value;
      dist[me]![me] = LOCAL_DISTANCE;
      dist[s.id]![me] ??= s.value;
    }
  }
  for (const c of cells) {
    const row = dist[c.id!]!;
    if (row.every((v) => v === undefined)) continue;
    row[c.id!] ??= LOCAL_DISTANCE;
    const siblings = row.flatMap((value, id) => (value === undefined ? [] : [{ id, value }]));
    const known = new Map((c.distances?.siblings ?? []).map((s) => [s.id, s]));
    // keep the read objects (their places, unknown content) where they are the same sibling
    c.distances = { ...c.distances, siblings: siblings.map((s) => Object.assign(known.get(s.id) ?? {}, s)) };
  }
  return undefined;
}

function numaRules(v: { cells?: Cell[] }): CheckFailure | undefined {
  const cells = v.cells ?? [];
  return numberCells(cells) ?? completeDistances(cells);
}

export const numa = element(
  'numa',
  {
    cells: list(numaCell),
    interconnects: child(numaInterconnects),
  },
  { check: numaRules, doc: 'Guest NUMA topology' },
);
export type Numa = Infer<typeof numa>;
