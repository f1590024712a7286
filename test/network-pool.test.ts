import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConnectionPool } from '../src/network/pool.js';

describe('ConnectionPool', () => {
  it('picks the first free entry and the least used entry like a linear scan (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.tuple(fc.constantFrom('inc', 'dec', 'first', 'least'), fc.nat()), { maxLength: 80 }),
        (size, ops) => {
          const pool = new ConnectionPool(size);
          const model = new Array<number>(size).fill(0);
          for (const [op, n] of ops) {
            const i = n % size;
            if (op === 'inc') {
              pool.increment(i);
              model[i]!++;
            } else if (op === 'dec') {
              pool.decrement(i);
              if (model[i]! > 0) model[i]!--;
            } else if (op === 'first') {
              const want = model.indexOf(0);
              expect(pool.firstFree()).toBe(want < 0 ? undefined : want);
            } else {
              const min = Math.min(...model);
              expect(pool.leastUsed()).toBe(model.indexOf(min));
            }
          }
          for (let i = 0; i < size; i++) expect(pool.count(i)).toBe(model[i]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('handles an empty pool', () => {
    const p = new ConnectionPool(0);
    expect(p.firstFree()).toBeUndefined();
    expect(p.leastUsed()).toBeUndefined();
  });
});
