/**
 * A priority queue of events on virtual time. Events due at the same virtual millisecond come out
 * in the order they were scheduled (a sequence number breaks ties), so a run never depends on heap
 * layout or insertion accidents: the same seed always processes the same events in the same order.
 */
interface Slot<T> {
  readonly atMs: number;
  readonly seq: number;
  readonly event: T;
}

export class EventQueue<T> {
  private readonly heap: Slot<T>[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(atMs: number, event: T): void {
    const slot: Slot<T> = { atMs, seq: this.nextSeq++, event };
    const heap = this.heap;
    heap.push(slot);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Slot<T>;
      if (!before(slot, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = slot;
  }

  /** The time of the earliest event, or undefined when the queue is empty. */
  peekTimeMs(): number | undefined {
    return this.heap[0]?.atMs;
  }

  pop(): { atMs: number; event: T } | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop() as Slot<T>;
    if (heap.length > 0) {
      let i = 0;
      const n = heap.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let child = l;
        if (r < n && before(heap[r] as Slot<T>, heap[l] as Slot<T>)) child = r;
        const c = heap[child] as Slot<T>;
        if (!before(c, last)) break;
        heap[i] = c;
        i = child;
      }
      heap[i] = last;
    }
    return { atMs: top.atMs, event: top.event };
  }
}

function before<T>(a: Slot<T>, b: Slot<T>): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}
