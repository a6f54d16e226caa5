import type { Change } from '../mvcc/index.js';
import { WatchError, WatchErrorCode } from './errors.js';
import { keyRangeOf, type KeyRange } from './key_range.js';
import type { ResolvedWatchHubOptions } from './options.js';
import { Outbox, type OutboxItem } from './outbox.js';
import { canceledResponse, compactedResponse, createdResponse, createFailedResponse, eventResponses, progressResponse } from './response.js';
import {
  AUTO_WATCH_ID,
  INVALID_WATCH_ID,
  type WatchableStore,
  type WatchCreateRequest,
  type WatchRequest,
  type WatchResponse,
  type WatchSink,
  type WatchStream,
} from './types.js';
import { Watcher, type WatcherStream } from './watcher.js';

/**
 * Bounds of one response merging a watcher's queued revisions (a watcher that fell behind, or
 * several revisions applied together): etcd batches up to 1,000 revisions for a catching-up
 * watcher; the byte bound keeps a merged response well under clients' message limits.
 */
const MAX_MERGED_EVENTS = 1000;
const MAX_MERGED_BYTES = 1024 * 1024;

/** What a stream needs from its hub. */
export interface StreamHost {
  readonly store: WatchableStore;
  readonly options: ResolvedWatchHubOptions;
  /** Places a new watcher by its start revision: synced, unsynced, or canceled as compacted. */
  register(watcher: Watcher, startRevision: number): void;
  /** Removes a watcher from the hub's groups; it is canceled afterwards. */
  unregister(watcher: Watcher): void;
  /** The stream's transport took everything queued: slow watchers can be caught up now. */
  streamDrained(): void;
  streamClosed(stream: ServerWatchStream): void;
  countSent(responses: number, events: number): void;
}

/**
 * One client stream (etcd's serverWatchStream and mvcc watchStream in one): its watches by id,
 * and one ordered outbox for all of their responses, so a progress notification can never
 * overtake the events it vouches for. Responses reach the sink from a microtask after they are
 * queued, never from inside the apply loop.
 */
export class ServerWatchStream implements WatchStream, WatcherStream {
  private readonly watchers = new Map<number, Watcher>();
  /** etcd 3.5's per-stream auto ids: the next unused id, counting from 0. */
  private nextWatchId = AUTO_WATCH_ID;
  private readonly outbox: Outbox;
  /** The sink said its buffer is full; nothing is sent until resume(). */
  private paused = false;
  private flushing = false;
  private flushScheduled = false;
  private closed = false;
  /** A WatchProgressRequest waits for every watch to be synced (etcd's deferredProgress). */
  private progressRequested = false;
  private progressWatchers = 0;
  private progressTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly id: number,
    private readonly host: StreamHost,
    private readonly sink: WatchSink,
  ) {
    this.outbox = new Outbox(host.options.maxPendingEvents);
  }

  get pendingEvents(): number {
    return this.outbox.pendingEvents;
  }

  get pendingResponses(): number {
    return this.outbox.length;
  }

  get watchCount(): number {
    return this.watchers.size;
  }

  handle(request: WatchRequest): void {
    switch (request.type) {
      case 'create':
        this.create(request.request);
        return;
      case 'cancel':
        this.cancel(request.request.watchId);
        return;
      case 'progress':
        this.requestProgress();
        return;
      default: {
        // Like etcd, an unknown request is ignored rather than ending the stream.
        const unknown: never = request;
        void unknown;
      }
    }
  }

  create(req: WatchCreateRequest): number {
    if (this.closed) return INVALID_WATCH_ID;
    const revision = this.host.store.currentRevision;
    const startRevision = req.startRevision ?? 0;
    // etcd's order of checks: negative start revision, then the range, then the id.
    if (startRevision < 0) return this.createFailed(revision, WatchErrorCode.COMPACTED);
    let range: KeyRange;
    try {
      range = keyRangeOf(req.key, req.rangeEnd);
    } catch (err) {
      if (err instanceof WatchError) return this.createFailed(revision, err.code);
      throw err;
    }
    let id = req.watchId ?? AUTO_WATCH_ID;
    if (id === AUTO_WATCH_ID) {
      while (this.watchers.has(this.nextWatchId)) this.nextWatchId++;
      id = this.nextWatchId++;
    } else if (this.watchers.has(id)) {
      return this.createFailed(revision, WatchErrorCode.DUPLICATE_ID);
    }
    const watcher = new Watcher(this, {
      id,
      range,
      filters: req.filters ?? [],
      prevKv: req.prevKv ?? false,
      fragment: req.fragment ?? false,
      progressNotify: req.progressNotify ?? false,
    });
    this.watchers.set(id, watcher);
    if (watcher.progressNotify) this.progressWatchAdded();
    this.enqueue({ kind: 'control', response: createdResponse(id, revision) });
    this.host.register(watcher, startRevision);
    return id;
  }

  cancel(watchId: number): boolean {
    const watcher = this.watchers.get(watchId);
    if (this.closed || watcher === undefined) return false;
    this.remove(watcher);
    // The client asked to stop: what is still queued for the watch is no longer wanted.
    this.outbox.dropEventsOf(watcher);
    this.enqueue({ kind: 'control', response: canceledResponse(watchId, this.host.store.currentRevision) });
    this.maybeAnswerProgressRequest();
    return true;
  }

  requestProgress(): void {
    if (this.closed) return;
    this.progressRequested = true;
    this.maybeAnswerProgressRequest();
  }

  resume(): void {
    if (this.closed) return;
    this.paused = false;
    this.flush();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.watchers.values()) this.host.unregister(w);
    this.watchers.clear();
    this.outbox.clear();
    this.stopProgressTimer();
    this.host.streamClosed(this);
  }

  // --- WatcherStream: what the hub uses ---

  canAccept(events: number, alreadyTaken: number): boolean {
    return !this.closed && this.outbox.canAccept(events, alreadyTaken);
  }

  enqueueEvents(watcher: Watcher, events: readonly Change[], headerRevision: number): void {
    watcher.noteQueued(events);
    this.enqueue({ kind: 'events', watcher, events, headerRevision });
  }

  cancelCompacted(watcher: Watcher, compactRevision: number): void {
    if (this.watchers.get(watcher.id) !== watcher) return;
    this.remove(watcher);
    // Its queued events stay: the client gets everything before the gap, then the cancel.
    this.enqueue({ kind: 'control', response: compactedResponse(watcher.id, this.host.store.currentRevision, compactRevision) });
    this.maybeAnswerProgressRequest();
  }

  watcherSynced(): void {
    this.maybeAnswerProgressRequest();
  }

  /**
   * One progress tick (etcd's sendLoop ticker): each progress_notify watch that is synced and got
   * no events since the last tick is told the current revision. Skipped while the transport is
   * full, so ticks never pile up behind a stalled client.
   */
  tickProgress(): void {
    if (this.closed || this.paused) return;
    const revision = this.host.store.currentRevision;
    for (const w of this.watchers.values()) {
      if (!w.progressNotify) continue;
      if (w.progressDue && w.state === 'synced') this.enqueue({ kind: 'control', response: progressResponse(w.id, revision) });
      w.progressDue = true;
    }
  }

  // --- internals ---

  private createFailed(revision: number, code: WatchErrorCode): number {
    this.enqueue({ kind: 'control', response: createFailedResponse(revision, code) });
    return INVALID_WATCH_ID;
  }

  private remove(watcher: Watcher): void {
    this.watchers.delete(watcher.id);
    this.host.unregister(watcher);
    if (watcher.progressNotify) this.progressWatchRemoved();
  }

  /**
   * etcd's RequestProgressAll: answered with watch id -1 and the current revision once every watch
   * is synced (all their events up to it are queued ahead of the answer). A stream without
   * watches gets no answer, as in etcd.
   */
  private maybeAnswerProgressRequest(): void {
    if (!this.progressRequested || this.closed || this.paused) return;
    for (const w of this.watchers.values()) if (w.state !== 'synced') return;
    this.progressRequested = false;
    if (this.watchers.size === 0) return;
    this.enqueue({ kind: 'control', response: progressResponse(INVALID_WATCH_ID, this.host.store.currentRevision) });
  }

  private enqueue(item: OutboxItem): void {
    this.outbox.push(item);
    if (this.flushScheduled || this.flushing || this.paused || this.closed) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Hands queued responses to the sink until it is empty or the sink is full. */
  private flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (;;) {
        if (this.paused || this.closed) return;
        const merged = this.outbox.takeMergedEvents(MAX_MERGED_EVENTS, MAX_MERGED_BYTES);
        if (merged.length === 0) {
          const item = this.outbox.shift();
          if (item === undefined) break;
          this.send(item);
          continue;
        }
        for (const [i, item] of merged.entries()) {
          if (this.closed) return;
          if (this.paused) {
            this.outbox.requeueFront(merged.slice(i));
            return;
          }
          this.send(item);
        }
      }
    } finally {
      this.flushing = false;
    }
    this.maybeAnswerProgressRequest();
    this.host.streamDrained();
  }

  private send(item: OutboxItem): void {
    const responses: WatchResponse[] =
      item.kind === 'control'
        ? [item.response]
        : eventResponses(this.host.store, item.watcher, item.events, item.headerRevision, this.host.options.maxResponseBytes);
    if (item.kind === 'events' && item.events.length > 0) item.watcher.progressDue = false;
    let events = 0;
    for (const resp of responses) {
      events += resp.events.length;
      let accepted: boolean;
      try {
        accepted = this.sink.send(resp);
      } catch (err) {
        this.close();
        this.sink.onError?.(err);
        return;
      }
      // Fragments of one response still go out together; the pause applies after them.
      if (!accepted) this.paused = true;
    }
    this.host.countSent(responses.length, events);
  }

  private progressWatchAdded(): void {
    this.progressWatchers++;
    if (this.progressTimer !== undefined) return;
    this.progressTimer = setInterval(() => this.tickProgress(), this.host.options.progressNotifyIntervalMs);
    this.progressTimer.unref();
  }

  private progressWatchRemoved(): void {
    this.progressWatchers--;
    if (this.progressWatchers === 0) this.stopProgressTimer();
  }

  private stopProgressTimer(): void {
    if (this.progressTimer === undefined) return;
    clearInterval(this.progressTimer);
    this.progressTimer = undefined;
  }
}
