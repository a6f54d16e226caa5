import type { Change } from '../mvcc/index.js';
import { keyString } from '../mvcc/index.js';
import { invariant } from './errors.js';
import { rangeContains, type KeyRange } from './key_range.js';
import type { WatchFilter } from './types.js';

/**
 * Where a watcher stands, as in etcd's watchable_store:
 * - synced: every event up to the store's current revision has been queued on its stream; it
 *   receives new revisions as they commit.
 * - unsynced: it is behind (it started in the past, or its stream could not keep up) and is
 *   caught up from history, in chunks, before it becomes synced again.
 * - canceled: gone from the hub; nothing more is queued for it.
 */
export type WatcherState = 'synced' | 'unsynced' | 'canceled';

/** What a watcher's stream offers the hub. */
export interface WatcherStream {
  /** Whether `events` more events fit, on top of `alreadyTaken` the caller is about to queue. */
  canAccept(events: number, alreadyTaken: number): boolean;
  /** Queues one events response, headed by `headerRevision` (the store's revision when it was made). */
  enqueueEvents(watcher: Watcher, events: readonly Change[], headerRevision: number): void;
  /** Ends a watcher whose next revision was compacted away (etcd's compacted cancel). */
  cancelCompacted(watcher: Watcher, compactRevision: number): void;
  /** A watcher of this stream became synced (a deferred progress request may now be answered). */
  watcherSynced(): void;
}

export interface WatcherSpec {
  readonly id: number;
  readonly range: KeyRange;
  readonly filters: readonly WatchFilter[];
  readonly prevKv: boolean;
  readonly fragment: boolean;
  readonly progressNotify: boolean;
}

export class Watcher {
  readonly id: number;
  readonly range: KeyRange;
  readonly prevKv: boolean;
  readonly fragment: boolean;
  readonly progressNotify: boolean;
  private readonly noPut: boolean;
  private readonly noDelete: boolean;

  state: WatcherState = 'unsynced';
  /**
   * The first revision not yet handled. Invariant: every event of this watcher at a revision
   * below nextRev has been queued on the stream (or filtered out); a synced watcher has, besides,
   * handled every revision up to the store's current one.
   */
  nextRev = 0;
  /** The revision of the last event queued. Invariant: each response starts above it (no duplicates, in order). */
  private lastQueuedRev = 0;
  /** etcd's progress[id]: no events were sent since the last progress tick. */
  progressDue = true;

  constructor(
    readonly stream: WatcherStream,
    spec: WatcherSpec,
  ) {
    this.id = spec.id;
    this.range = spec.range;
    this.prevKv = spec.prevKv;
    this.fragment = spec.fragment;
    this.progressNotify = spec.progressNotify;
    this.noPut = spec.filters.includes('NOPUT');
    this.noDelete = spec.filters.includes('NODELETE');
  }

  /** Whether the change is for this watcher: its key is in range and no filter drops it. */
  wants(change: Change, key: string = keyString(change.kv.key)): boolean {
    return this.passesFilters(change) && rangeContains(this.range, key);
  }

  passesFilters(change: Change): boolean {
    return change.type === 'put' ? !this.noPut : !this.noDelete;
  }

  /** Records that events are being queued; fails loudly on a duplicate or out-of-order event. */
  noteQueued(events: readonly Change[]): void {
    let prev = this.lastQueuedRev;
    events.forEach((c, i) => {
      const rev = c.kv.modRevision;
      // A revision's events share its number; a later response must start at a later revision.
      invariant(i === 0 ? rev > prev && rev >= this.nextRev : rev >= prev, () => `watch ${this.id}: event at revision ${rev} queued after ${prev} (next revision ${this.nextRev})`);
      prev = rev;
    });
    this.lastQueuedRev = prev;
  }
}
