export interface TimerEntry {
  readonly id: number;
  readonly atMs: number;
}

/**
 * A min-heap of (lease id, time), at most one entry per id: setting an id again moves its entry.
 * The lessor keeps two: when each lease is next checked for expiry, and when it is next
 * checkpointed (etcd's LeaseExpiredNotifier and checkpoint heap). Ties break on id, so the order is
 * the same whatever order the entries were set in.
 */
export class TimerQueue {
  private readonly heap: TimerEntry[] = [];
  /** Invariant: pos.get(heap[i].id) === i for every i. */
  private readonly pos = new Map<number, number>();

  get size(): number {
    return this.heap.length;
  }

  peek(): TimerEntry | undefined {
    return this.heap[0];
  }

  /** Inserts the id at atMs, or moves it there. */
  set(id: number, atMs: number): void {
    const i = this.pos.get(id);
    const entry = { id, atMs };
    if (i === undefined) {
      this.heap.push(entry);
      this.pos.set(id, this.heap.length - 1);
      this.up(this.heap.length - 1);
      return;
    }
    this.heap[i] = entry;
    this.fix(i);
  }

  delete(id: number): void {
    const i = this.pos.get(id);
    if (i === undefined) return;
    const last = this.heap.pop() as TimerEntry;
    this.pos.delete(id);
    if (i === this.heap.length) return;
    this.heap[i] = last;
    this.pos.set(last.id, i);
    this.fix(i);
  }

  pop(): TimerEntry | undefined {
    const top = this.heap[0];
    if (top !== undefined) this.delete(top.id);
    return top;
  }

  clear(): void {
    this.heap.length = 0;
    this.pos.clear();
  }

  private fix(i: number): void {
    if (!this.up(i)) this.down(i);
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a] as TimerEntry;
    const y = this.heap[b] as TimerEntry;
    return x.atMs !== y.atMs ? x.atMs < y.atMs : x.id < y.id;
  }

  private swap(a: number, b: number): void {
    const x = this.heap[a] as TimerEntry;
    const y = this.heap[b] as TimerEntry;
    this.heap[a] = y;
    this.heap[b] = x;
    this.pos.set(y.id, a);
    this.pos.set(x.id, b);
  }

  /** Returns whether the entry moved. */
  private up(i: number): boolean {
    let moved = false;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
      moved = true;
    }
    return moved;
  }

  private down(i: number): void {
    const n = this.heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const child = r < n && this.less(r, l) ? r : l;
      if (!this.less(child, i)) return;
      this.swap(i, child);
      i = child;
    }
  }
}
