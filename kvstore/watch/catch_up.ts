import type { Change } from '../mvcc/index.js';
import type { WatchableStore } from './types.js';
import type { Watcher } from './watcher.js';

export interface CatchUpLimits {
  /** History entries to scan at most (checked between revisions, so one revision is always read whole). */
  readonly maxChanges: number;
  /** Revisions with events to collect at most. */
  readonly maxRevisions: number;
  /** Whether `events` more events fit on the stream on top of `taken` collected so far. */
  fits(events: number, taken: number): boolean;
}

export interface CatchUpChunk {
  /** The watcher's events, whole revisions only, in revision order. */
  readonly events: Change[];
  /** The first revision not covered: the watcher has seen every revision below it. */
  readonly nextRev: number;
  readonly scanned: number;
}

/**
 * Reads one bounded chunk of a slow watcher's history, from watcher.nextRev up to `toRev`: the
 * events it wants, revision by revision, stopping at a revision boundary when the stream is full,
 * when maxRevisions revisions with events are collected, or when maxChanges entries were scanned.
 * A revision is taken whole or not at all (atomic). The caller has checked that nextRev is above
 * the compaction revision and at most toRev.
 */
export function readChunk(store: WatchableStore, watcher: Watcher, toRev: number, limits: CatchUpLimits): CatchUpChunk {
  const events: Change[] = [];
  let revisions = 0;
  let scanned = 0;
  let open = 0; // the revision being read, 0 before the first
  let openEvents: Change[] = [];
  let nextRev = watcher.nextRev;
  let stopped = false;

  /** Closes the open revision; false if its events do not fit (the chunk then ends before it). */
  const close = (): boolean => {
    if (openEvents.length > 0) {
      if (revisions >= limits.maxRevisions || !limits.fits(openEvents.length, events.length)) return false;
      events.push(...openEvents);
      revisions++;
      openEvents = [];
    }
    nextRev = open + 1;
    return true;
  };

  store.changesBetween(watcher.nextRev, toRev, (rev, change) => {
    if (rev !== open) {
      if (open !== 0 && !close()) {
        nextRev = open;
        stopped = true;
        return false;
      }
      if (scanned >= limits.maxChanges) {
        nextRev = rev;
        stopped = true;
        return false;
      }
      open = rev;
    }
    scanned++;
    if (watcher.wants(change)) openEvents.push(change);
    return true;
  });

  if (!stopped) {
    if (open === 0 || close()) nextRev = toRev + 1;
    else nextRev = open;
  }
  return { events, nextRev, scanned };
}
