import { StoreError, StoreErrorCode } from './errors.js';

interface Waiter<T> {
  resolve(value: T): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Proposals waiting for their entry to be applied, by request id. A proposal whose entry is never
 * applied (lost on a leader change) times out with etcd's "request timed out".
 */
export class Waiters<T> {
  private readonly pending = new Map<number, Waiter<T>>();
  private nextId: number;

  constructor(private readonly timeoutMs: number) {
    // Ids are unique across restarts of this member: a random high part, then a counter.
    this.nextId = Math.floor(Math.random() * 2 ** 20) * 2 ** 32;
  }

  newId(): number {
    return ++this.nextId;
  }

  wait(id: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new StoreError(StoreErrorCode.TIMEOUT, 'etcdserver: request timed out'));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
    });
  }

  trigger(id: number, value: T): void {
    const w = this.pending.get(id);
    if (w === undefined) return;
    this.pending.delete(id);
    clearTimeout(w.timer);
    w.resolve(value);
  }

  fail(id: number, err: Error): void {
    const w = this.pending.get(id);
    if (w === undefined) return;
    this.pending.delete(id);
    clearTimeout(w.timer);
    w.reject(err);
  }

  failAll(err: Error): void {
    for (const id of [...this.pending.keys()]) this.fail(id, err);
  }

  get size(): number {
    return this.pending.size;
  }
}

/** Resolves waiters once the applied index reaches theirs. */
export class AppliedWaiters {
  private waiting: Array<{ index: number; resolve: () => void }> = [];

  wait(index: number, applied: number): Promise<void> {
    if (applied >= index) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ index, resolve }));
  }

  appliedTo(applied: number): void {
    if (this.waiting.length === 0) return;
    const still: Array<{ index: number; resolve: () => void }> = [];
    for (const w of this.waiting) {
      if (w.index <= applied) w.resolve();
      else still.push(w);
    }
    this.waiting = still;
  }
}
