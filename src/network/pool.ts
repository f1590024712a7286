/**
 * Connection counts of a network's device pool, with the two choices libvirt
 * makes (§2.4) in O(log n) whatever the pool size:
 *  - exclusive modes (hostdev, passthrough, private+802.1Qbh): the first
 *    entry, in pool order, with no connection;
 *  - shared macvtap modes: the entry with the fewest connections, ties to the
 *    earliest entry.
 * Entries are kept in buckets by connection count; each bucket is a min-heap
 * of entry indices with lazy deletion (a popped index whose count moved on is
 * dropped).
 */

class MinHeap {
  private a: number[] = [];
  get size(): number {
    return this.a.length;
  }
  peek(): number | undefined {
    return this.a[0];
  }
  push(v: number): void {
    const a = this.a;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= v) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = v;
  }
  pop(): number | undefined {
    const a = this.a;
    if (a.length === 0) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r]! < a[l]! ? r : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

export class ConnectionPool {
  private readonly counts: number[];
  private readonly buckets = new Map<number, MinHeap>();
  /** Smallest count that may have a bucket with live entries. */
  private low = 0;

  constructor(size: number) {
    this.counts = new Array<number>(size).fill(0);
    const h = new MinHeap();
    for (let i = 0; i < size; i++) h.push(i);
    this.buckets.set(0, h);
  }

  get size(): number {
    return this.counts.length;
  }

  count(index: number): number {
    return this.counts[index]!;
  }

  private bucket(c: number): MinHeap {
    let h = this.buckets.get(c);
    if (!h) this.buckets.set(c, (h = new MinHeap()));
    return h;
  }

  /** Smallest live index with exactly `c` connections. */
  private top(c: number): number | undefined {
    const h = this.buckets.get(c);
    if (!h) return undefined;
    for (;;) {
      const i = h.peek();
      if (i === undefined) {
        this.buckets.delete(c);
        return undefined;
      }
      if (this.counts[i] === c) return i;
      h.pop(); // stale
    }
  }

  /** First entry (pool order) with no connection. */
  firstFree(): number | undefined {
    return this.top(0);
  }

  /** Entry with the fewest connections; ties go to the earliest entry. */
  leastUsed(): number | undefined {
    if (this.counts.length === 0) return undefined;
    for (let c = this.low; ; c++) {
      const i = this.top(c);
      if (i !== undefined) {
        this.low = c;
        return i;
      }
      if (c > this.maxCount()) return undefined;
    }
  }

  private maxCount(): number {
    let m = 0;
    for (const k of this.buckets.keys()) if (k > m) m = k;
    return m;
  }

  private set(index: number, c: number): void {
    this.counts[index] = c;
    const h = this.bucket(c);
    h.push(index);
    // stale entries are dropped lazily; compact a heap that grew past twice
    // the pool so memory stays O(pool) (amortised O(1) per change)
    if (h.size > 2 * this.counts.length + 16) this.compact(c);
    if (c < this.low) this.low = c;
  }

  private compact(c: number): void {
    const h = new MinHeap();
    for (let i = 0; i < this.counts.length; i++) if (this.counts[i] === c) h.push(i);
    this.buckets.set(c, h);
  }

  increment(index: number): void {
    this.set(index, this.counts[index]! + 1);
  }

  decrement(index: number): void {
    const c = this.counts[index]!;
    if (c > 0) this.set(index, c - 1);
  }
}
