import { keyString, type Change } from '../mvcc/index.js';
import { readChunk } from './catch_up.js';
import { resolveOptions, type ResolvedWatchHubOptions, type WatchHubOptions } from './options.js';
import { ServerWatchStream, type StreamHost } from './stream.js';
import type { WatchableStore, WatchSink, WatchStream } from './types.js';
import type { Watcher } from './watcher.js';
import { WatcherGroup } from './watcher_group.js';

/** Counters for metrics (the server maps them to etcd's Prometheus names). */
export interface WatchHubStats {
  /** Open streams (etcd_debugging_mvcc_watch_stream_total). */
  readonly streams: number;
  /** Open watches (etcd_debugging_mvcc_watcher_total). */
  readonly watchers: number;
  /** Watches behind the store, being caught up from history (etcd_debugging_mvcc_slow_watcher_total). */
  readonly slowWatchers: number;
  /** Events queued on streams, not yet taken by transports (etcd_debugging_mvcc_pending_events_total). */
  readonly pendingEvents: number;
  /** Events handed to transports, ever (etcd_debugging_mvcc_events_total). */
  readonly eventsSent: number;
  /** Responses handed to transports, ever. */
  readonly responsesSent: number;
  /** Times a synced watch fell behind because its stream was full, ever. */
  readonly slowTransitions: number;
  /** Watches canceled because their next revision was compacted, ever. */
  readonly compactedCancels: number;
}

/**
 * The watch hub (etcd's watchableStore): turns committed write transactions into watch responses.
 *
 * Watchers are split as in etcd: `synced` ones get each revision as it commits; `unsynced` ones
 * (started in the past, or too slow) are caught up from the store's history by a background loop
 * in bounded turns, then join `synced`. The commit callback does work proportional to the
 * matching synced watchers and never waits on a transport: a watcher whose stream has no room
 * for a revision becomes unsynced and rereads it from history once the stream drains, or is
 * canceled with compact_revision if that history was compacted meanwhile.
 */
export class WatchHub {
  private readonly store: WatchableStore;
  private readonly options: ResolvedWatchHubOptions;
  private readonly synced = new WatcherGroup();
  /** Insertion order is the catch-up order; a watcher served goes to the back. */
  private readonly unsynced = new Set<Watcher>();
  private readonly streams = new Set<ServerWatchStream>();
  private readonly host: StreamHost;
  private readonly unsubscribe: () => void;
  private nextStreamId = 1;
  private syncScheduled = false;
  private closed = false;
  private eventsSent = 0;
  private responsesSent = 0;
  private slowTransitions = 0;
  private compactedCancels = 0;
  private droppedUnsafe = 0;

  constructor(store: WatchableStore, options: WatchHubOptions = {}) {
    this.store = store;
    this.options = resolveOptions(options);
    this.host = {
      store,
      options: this.options,
      register: (w, startRevision) => this.register(w, startRevision),
      unregister: (w) => this.unregister(w),
      streamDrained: () => {
        if (this.unsynced.size > 0) this.scheduleSync();
      },
      streamClosed: (s) => this.streams.delete(s),
      countSent: (responses, events) => {
        this.responsesSent += responses;
        this.eventsSent += events;
      },
    };
    this.unsubscribe = store.onCommit((revision, changes) => this.notify(revision, changes));
  }

  /** Opens a client stream whose responses go to `sink`. */
  openStream(sink: WatchSink): WatchStream {
    const stream = new ServerWatchStream(this.nextStreamId++, this.host, sink);
    if (this.closed) stream.close();
    else this.streams.add(stream);
    return stream;
  }

  stats(): WatchHubStats {
    let pendingEvents = 0;
    for (const s of this.streams) pendingEvents += s.pendingEvents;
    return {
      streams: this.streams.size,
      watchers: this.synced.size + this.unsynced.size,
      slowWatchers: this.unsynced.size,
      pendingEvents,
      eventsSent: this.eventsSent,
      responsesSent: this.responsesSent,
      slowTransitions: this.slowTransitions,
      compactedCancels: this.compactedCancels,
    };
  }

  /**
   * The store was replaced wholesale (a member installed a snapshot from its leader). As etcd's
   * watchableStore.Restore: every synced watcher goes back to catching up from history at the
   * revision it expects next, so it sees what the new state holds after that revision, or is
   * cancelled as compacted if the new state no longer has it.
   */
  restored(): void {
    if (this.closed) return;
    for (const w of [...this.synced.all()]) {
      this.synced.delete(w);
      w.state = 'unsynced';
      this.unsynced.add(w);
    }
    if (this.unsynced.size > 0) this.scheduleSync();
  }

  /** Closes every stream and stops observing the store's commits. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    for (const s of [...this.streams]) s.close();
  }

  /** The commit observer: one revision's changes to the synced watchers whose ranges they touch. */
  private notify(revision: number, changes: readonly Change[]): void {
    if (this.closed || this.synced.size === 0) return;
    const batches = new Map<Watcher, Change[]>();
    for (const change of changes) {
      this.synced.forEachMatching(keyString(change.kv.key), (w) => {
        // A watch that starts in the future skips revisions before its start.
        if (revision < w.nextRev || !w.passesFilters(change)) return;
        const batch = batches.get(w);
        if (batch === undefined) batches.set(w, [change]);
        else batch.push(change);
      });
    }
    for (const [w, events] of batches) {
      if (w.stream.canAccept(events.length, 0)) {
        w.stream.enqueueEvents(w, events, revision);
        w.nextRev = revision + 1;
      } else if (this.options.unsafeDropSlowEvents) {
        // TEST ONLY: the events are lost, and the watcher carries on as if it had them.
        w.nextRev = revision + 1;
        this.droppedUnsafe += events.length;
      } else {
        this.markSlow(w, revision);
      }
    }
  }

  private register(w: Watcher, startRevision: number): void {
    const { currentRevision, compactRevision } = this.store;
    // History at the compaction revision itself is incomplete (its tombstones are gone), so a
    // watch must start above it; etcd lets it start at it.
    if (startRevision !== 0 && startRevision <= compactRevision) {
      this.cancelCompacted(w, compactRevision);
    } else if (startRevision === 0 || startRevision > currentRevision) {
      w.nextRev = Math.max(currentRevision + 1, startRevision);
      w.state = 'synced';
      this.synced.add(w);
    } else {
      w.nextRev = startRevision;
      w.state = 'unsynced';
      this.unsynced.add(w);
      this.scheduleSync();
    }
  }

  private unregister(w: Watcher): void {
    if (w.state === 'synced') this.synced.delete(w);
    else this.unsynced.delete(w);
    w.state = 'canceled';
  }

  /** A synced watcher whose stream is full misses `revision`: it will reread it from history. */
  private markSlow(w: Watcher, revision: number): void {
    this.synced.delete(w);
    w.state = 'unsynced';
    w.nextRev = Math.max(w.nextRev, revision);
    this.unsynced.add(w);
    this.slowTransitions++;
  }

  private markSynced(w: Watcher): void {
    this.unsynced.delete(w);
    w.state = 'synced';
    this.synced.add(w);
    w.stream.watcherSynced();
  }

  private cancelCompacted(w: Watcher, compactRevision: number): void {
    this.compactedCancels++;
    w.stream.cancelCompacted(w, compactRevision);
  }

  private scheduleSync(): void {
    if (this.syncScheduled || this.closed) return;
    this.syncScheduled = true;
    setImmediate(() => this.syncTurn());
  }

  /**
   * One catch-up turn (etcd's syncWatchers): serves unsynced watchers whose streams have room, in
   * order, until syncChangesPerTurn history entries were scanned. Schedules another turn while
   * that makes progress; otherwise a stream that drains schedules it.
   */
  private syncTurn(): void {
    this.syncScheduled = false;
    if (this.closed) return;
    let budget = this.options.syncChangesPerTurn;
    let progressed = false;
    for (const w of [...this.unsynced]) {
      if (budget <= 0) break;
      if (w.state !== 'unsynced' || !w.stream.canAccept(1, 0)) continue;
      const before = w.nextRev;
      budget -= this.catchUp(w, budget);
      if (w.state !== 'unsynced' || w.nextRev !== before) progressed = true;
      if (w.state === 'unsynced') {
        this.unsynced.delete(w);
        this.unsynced.add(w);
      }
    }
    if (progressed && [...this.unsynced].some((w) => w.stream.canAccept(1, 0))) this.scheduleSync();
  }

  /** Moves one watcher forward through history; returns the history entries scanned. */
  private catchUp(w: Watcher, budget: number): number {
    const { currentRevision, compactRevision } = this.store;
    if (w.nextRev <= compactRevision) {
      this.cancelCompacted(w, compactRevision);
      return 0;
    }
    let scanned = 0;
    if (w.nextRev <= currentRevision) {
      const chunk = readChunk(this.store, w, currentRevision, {
        maxChanges: budget,
        maxRevisions: this.options.maxRevisionsPerResponse,
        fits: (events, taken) => w.stream.canAccept(events, taken),
      });
      // As etcd's syncWatchers, the header is the store's revision now: every response on a stream
      // is headed by the revision when it was made, so headers never go backwards.
      if (chunk.events.length > 0) w.stream.enqueueEvents(w, chunk.events, currentRevision);
      w.nextRev = chunk.nextRev;
      scanned = chunk.scanned;
    }
    if (w.nextRev > currentRevision) this.markSynced(w);
    return scanned;
  }
}
