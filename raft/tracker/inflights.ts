/**
 * The MsgApp messages sent to one follower and not yet acknowledged, for flow control: a leader
 * stops sending when `full()` (too many messages, or too many bytes, in flight).
 * Stored as a ring buffer of (last index, payload bytes) pairs, in increasing index order.
 */
export class Inflights {
  private start = 0;
  private count = 0;
  private bytes = 0;
  private readonly indexes: number[];
  private readonly sizes: number[];

  constructor(
    private readonly maxMsgs: number,
    private readonly maxBytes: number,
  ) {
    this.indexes = new Array<number>(maxMsgs).fill(0);
    this.sizes = new Array<number>(maxMsgs).fill(0);
  }

  /** Records a message whose last entry is `index`. Invariant: not full, indexes increase. */
  add(index: number, bytes: number): void {
    if (this.full()) throw new Error('Inflights.add: cannot add into a full inflights');
    const next = (this.start + this.count) % this.maxMsgs;
    this.indexes[next] = index;
    this.sizes[next] = bytes;
    this.count++;
    this.bytes += bytes;
  }

  /** Frees every message whose last index is <= index (they were acknowledged). */
  freeLE(index: number): void {
    let freed = 0;
    let bytes = 0;
    let i = this.start;
    while (freed < this.count && (this.indexes[i] as number) <= index) {
      bytes += this.sizes[i] as number;
      freed++;
      i = (i + 1) % this.maxMsgs;
    }
    this.count -= freed;
    this.bytes -= bytes;
    this.start = this.count === 0 ? 0 : i;
  }

  full(): boolean {
    return this.count === this.maxMsgs || (this.maxBytes !== 0 && this.bytes >= this.maxBytes);
  }

  countMsgs(): number {
    return this.count;
  }

  countBytes(): number {
    return this.bytes;
  }

  reset(): void {
    this.start = 0;
    this.count = 0;
    this.bytes = 0;
  }
}
