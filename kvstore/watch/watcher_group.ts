import { rangeContains } from './key_range.js';
import type { Watcher } from './watcher.js';

/**
 * A set of watchers indexed for "who watches this key?": single-key watchers by key, range
 * watchers in one set scanned per key (etcd uses an interval tree; ranges are few in practice:
 * one prefix per resource type for an API server's watch cache).
 */
export class WatcherGroup {
  private readonly byKey = new Map<string, Set<Watcher>>();
  private readonly ranges = new Set<Watcher>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Every watcher in the group. */
  all(): Watcher[] {
    const out: Watcher[] = [...this.ranges];
    for (const set of this.byKey.values()) out.push(...set);
    return out;
  }

  add(w: Watcher): void {
    if (w.range.kind === 'key') {
      let set = this.byKey.get(w.range.key);
      if (set === undefined) {
        set = new Set();
        this.byKey.set(w.range.key, set);
      }
      if (set.has(w)) return;
      set.add(w);
    } else {
      if (this.ranges.has(w)) return;
      this.ranges.add(w);
    }
    this.count++;
  }

  /** Returns whether the watcher was in the group. */
  delete(w: Watcher): boolean {
    let deleted: boolean;
    if (w.range.kind === 'key') {
      const set = this.byKey.get(w.range.key);
      deleted = set?.delete(w) ?? false;
      if (set !== undefined && set.size === 0) this.byKey.delete(w.range.key);
    } else {
      deleted = this.ranges.delete(w);
    }
    if (deleted) this.count--;
    return deleted;
  }

  /** Calls visit for every watcher whose range holds `key` (a latin1 key string). */
  forEachMatching(key: string, visit: (w: Watcher) => void): void {
    const set = this.byKey.get(key);
    if (set !== undefined) for (const w of set) visit(w);
    for (const w of this.ranges) if (rangeContains(w.range, key)) visit(w);
  }
}
