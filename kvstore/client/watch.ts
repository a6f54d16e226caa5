import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { header as decodeHeader, keyRange, keyValue, type WireKeyRange } from './convert.js';
import type { Connection, EndpointPool } from './endpoints.js';
import { etcdError, KetchClientError } from './errors.js';
import { AsyncQueue, openDuplex, requireLeaderMetadata, StreamDialer } from './streams.js';
import type { Bytes, WatchEvent, WatchOptions, WatchResponse } from './types.js';
import { num, type PbEvent, type PbWatchResponse } from './wire.js';

/**
 * Watches, as clientv3 does them: every watch of a client shares one gRPC Watch stream to one
 * endpoint. When the stream breaks (the member died, lost its leader, the connection dropped), the
 * stream is opened again on another endpoint and every watch is created again from the revision
 * after the last one it delivered, so a watcher sees each revision once, in order, with no gap. If
 * that revision has been compacted meanwhile, the watcher gets the server's compacted cancel.
 */

/** The server's "no leader" cancel: the member lost its leader, so the watch moves to another one. */
const NO_LEADER = 'etcdserver: no leader';

/** Responses buffered for consumers, over all watchers, above which the stream is paused. */
const HIGH_WATER_RESPONSES = 1024;

const FILTERS = { noPut: 'NOPUT', noDelete: 'NODELETE' } as const;

function toEvent(e: PbEvent): WatchEvent {
  const kv = keyValue(e.kv ?? ({} as never));
  const type = e.type === 'DELETE' ? 'delete' : 'put';
  return e.prev_kv === null || e.prev_kv === undefined ? { type, kv } : { type, kv, prevKv: keyValue(e.prev_kv) };
}

/**
 * One watch. Iterate it (`for await (const resp of watcher)`) for its responses: events, progress
 * notifications, and at most one final canceled response (compaction, or a server cancel). Breaking
 * out of the loop cancels the watch. `events()` iterates single events and throws on a cancel.
 */
export class Watcher implements AsyncIterable<WatchResponse> {
  private readonly queue = new AsyncQueue<WatchResponse>();
  private resolveCreated!: (revision: number) => void;
  private rejectCreated!: (err: Error) => void;
  private createdOnce = false;
  private fragments: PbEvent[] = [];
  /** The next revision to deliver; 0 until known (a watch "from now" that is not created yet). */
  private nextRevision: number;
  private finished = false;
  private error: KetchClientError | undefined;
  /** The id on the current stream (client-chosen; the server's if it chose another). */
  remoteId = 0;

  /** Resolves with the revision the watch starts after, once the server created it. */
  readonly created: Promise<number>;

  constructor(
    private readonly manager: WatchManager,
    readonly id: number,
    private readonly request: WireKeyRange & { prev_kv: boolean; filters: string[]; progress_notify: boolean; fragment: boolean },
    startRevision: number,
  ) {
    this.nextRevision = startRevision;
    this.created = new Promise<number>((resolve, reject) => {
      this.resolveCreated = resolve;
      this.rejectCreated = reject;
    });
    this.created.catch(() => {});
  }

  /** The revision the watch will resume from if its stream breaks (0: not known yet). */
  get resumeRevision(): number {
    return this.nextRevision;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** Why the watch ended, if the server ended it (COMPACTED with compactRevision, WATCH_CANCELED, ...). */
  get err(): KetchClientError | undefined {
    return this.error;
  }

  /** Buffered responses not yet taken by the consumer. */
  get buffered(): number {
    return this.queue.length;
  }

  /** The endpoint whose stream carries the watch now (undefined while reconnecting). */
  get endpoint(): string | undefined {
    return this.manager.endpointOf(this);
  }

  /** The create request for the wire, resuming where the watch left off. */
  createRequest(remoteId: number): Record<string, unknown> {
    this.fragments = [];
    return { create_request: { ...this.request, start_revision: this.nextRevision, watch_id: remoteId } };
  }

  onCreated(resp: PbWatchResponse): void {
    const revision = num(resp.header?.revision);
    if (this.nextRevision === 0) this.nextRevision = revision + 1;
    if (!this.createdOnce) {
      this.createdOnce = true;
      this.resolveCreated(revision);
    }
  }

  onResponse(resp: PbWatchResponse): void {
    if (this.finished) return;
    if (resp.canceled) {
      this.onCanceled(resp);
      return;
    }
    if (resp.fragment) {
      this.fragments.push(...(resp.events ?? []));
      return;
    }
    const pbEvents = this.fragments.length > 0 ? [...this.fragments, ...(resp.events ?? [])] : (resp.events ?? []);
    this.fragments = [];
    if (pbEvents.length === 0) {
      this.onProgress(resp);
      return;
    }
    // After a resume, anything before nextRevision was delivered already.
    const fresh = this.nextRevision === 0 ? pbEvents : pbEvents.filter((e) => num(e.kv?.mod_revision) >= this.nextRevision);
    if (fresh.length === 0) return;
    const events = fresh.map(toEvent);
    this.nextRevision = events[events.length - 1]!.kv.modRevision + 1;
    this.push({ header: decodeHeader(resp.header), watchId: this.id, events, progressNotify: false, canceled: false, compactRevision: 0, cancelReason: '' });
  }

  /** A progress notification: every event up to the header revision has been sent. */
  onProgress(resp: PbWatchResponse): void {
    if (this.finished || this.fragments.length > 0) return;
    const revision = num(resp.header?.revision);
    if (revision + 1 > this.nextRevision && this.createdOnce) this.nextRevision = revision + 1;
    this.push({ header: decodeHeader(resp.header), watchId: this.id, events: [], progressNotify: true, canceled: false, compactRevision: 0, cancelReason: '' });
  }

  private onCanceled(resp: PbWatchResponse): void {
    const compactRevision = num(resp.compact_revision);
    const reason = resp.cancel_reason ?? '';
    let error: KetchClientError;
    if (compactRevision > 0) {
      error = new KetchClientError('COMPACTED', 'etcdserver: mvcc: required revision has been compacted', { compactRevision });
    } else {
      error = etcdError(reason) ?? new KetchClientError('WATCH_CANCELED', reason === '' ? 'watch canceled by the server' : reason);
    }
    const last: WatchResponse = { header: decodeHeader(resp.header), watchId: this.id, events: [], progressNotify: false, canceled: true, compactRevision, cancelReason: reason };
    this.push(last);
    this.finish(error);
  }

  private push(resp: WatchResponse): void {
    this.queue.push(resp);
    this.manager.noteBuffered(this.queue.length);
  }

  /** Ends the watcher; `error` when the server ended it. */
  finish(error?: KetchClientError): void {
    if (this.finished) return;
    this.finished = true;
    this.error = error;
    if (!this.createdOnce) this.rejectCreated(error ?? new KetchClientError('WATCH_CANCELED', 'watch canceled before it was created'));
    this.queue.end();
    this.manager.detach(this);
  }

  /** Stops the watch. Responses already buffered can still be read. */
  async cancel(): Promise<void> {
    if (this.finished) return;
    this.manager.cancelRemote(this);
    this.finish();
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchResponse> {
    return {
      next: async () => {
        const r = await this.queue.next();
        this.manager.noteDrained();
        return r;
      },
      return: async () => {
        await this.cancel();
        return { value: undefined, done: true };
      },
    };
  }

  /** Single events, in order; throws the watch's error (COMPACTED, WATCH_CANCELED) if the server ended it. */
  async *events(): AsyncGenerator<WatchEvent, void, undefined> {
    for await (const resp of this) {
      if (resp.canceled) throw this.error ?? new KetchClientError('WATCH_CANCELED', resp.cancelReason);
      yield* resp.events;
    }
  }
}

interface ActiveStream {
  readonly call: grpc.ClientDuplexStream<unknown, unknown>;
  readonly conn: Connection;
  readonly byRemoteId: Map<number, Watcher>;
  /** Watchers whose create was sent and not answered yet, in order (the server answers in order). */
  readonly pendingCreates: Watcher[];
  nextRemoteId: number;
  paused: boolean;
}

export class WatchManager {
  private stream: ActiveStream | undefined;
  private readonly dialer: StreamDialer;
  private readonly watchers = new Set<Watcher>();
  private nextWatcherId = 1;
  private closed = false;

  constructor(
    private readonly pool: EndpointPool,
    private readonly opts: { readonly dialTimeoutMs: number; readonly logger: Logger },
  ) {
    this.dialer = new StreamDialer(pool, opts.dialTimeoutMs, opts.logger);
  }

  watch(key: Bytes, opts: WatchOptions = {}): Watcher {
    if (this.closed) throw new KetchClientError('CLOSED', 'client is closed');
    const start = opts.startRevision ?? 0;
    if (!Number.isSafeInteger(start) || start < 0) throw new KetchClientError('INVALID_ARGUMENT', `startRevision must be a non-negative integer, got ${String(start)}`);
    const request = {
      ...keyRange(key, opts),
      prev_kv: opts.prevKv === true,
      filters: (opts.filters ?? []).map((f) => FILTERS[f]),
      progress_notify: opts.progressNotify === true,
      fragment: opts.fragment === true,
    };
    const w = new Watcher(this, this.nextWatcherId++, request, start);
    this.watchers.add(w);
    if (this.stream !== undefined) this.create(this.stream, w);
    else this.connect();
    return w;
  }

  /** Asks the server for a progress notification on every watch (clientv3's RequestProgress). */
  requestProgress(): void {
    this.stream?.call.write({ progress_request: {} });
  }

  endpointOf(w: Watcher): string | undefined {
    const s = this.stream;
    return s !== undefined && this.watchers.has(w) ? s.conn.address : undefined;
  }

  /** The endpoint of the shared watch stream, if open. */
  get endpoint(): string | undefined {
    return this.stream?.conn.address;
  }

  private create(s: ActiveStream, w: Watcher): void {
    const remoteId = s.nextRemoteId++;
    w.remoteId = remoteId;
    s.byRemoteId.set(remoteId, w);
    s.pendingCreates.push(w);
    s.call.write(w.createRequest(remoteId));
  }

  private connect(): void {
    this.dialer.dial(
      () => this.closed || this.watchers.size === 0,
      (conn) => {
        const call = openDuplex(conn, 'Watch', 'Watch', requireLeaderMetadata());
        const s: ActiveStream = { call, conn, byRemoteId: new Map(), pendingCreates: [], nextRemoteId: 1, paused: false };
        this.stream = s;
        call.on('data', (resp: PbWatchResponse) => this.onResponse(s, resp));
        call.on('error', (err: Error) => this.onBroken(s, err));
        call.on('end', () => this.onBroken(s, undefined));
        for (const w of this.watchers) this.create(s, w);
        this.opts.logger.debug({ endpoint: conn.address, watches: this.watchers.size }, 'watch stream open');
      },
    );
  }

  private onResponse(s: ActiveStream, resp: PbWatchResponse): void {
    if (s !== this.stream) return;
    const watchId = num(resp.watch_id);
    if (resp.created) {
      const w = s.pendingCreates.shift();
      if (w === undefined) return;
      if (resp.canceled) {
        // The create failed (a bad range, a compacted start revision on some servers, ...).
        s.byRemoteId.delete(w.remoteId);
        if (resp.cancel_reason === NO_LEADER) return this.breakStream(s, 'no leader');
        w.onResponse(resp);
        return;
      }
      if (watchId !== w.remoteId && watchId !== -1) {
        // A server that ignores client-chosen ids (etcd before 3.4) assigns its own.
        s.byRemoteId.delete(w.remoteId);
        w.remoteId = watchId;
        s.byRemoteId.set(watchId, w);
      }
      if (!w.isFinished) w.onCreated(resp);
      return;
    }
    if (watchId === -1) {
      // The answer to a progress request covers every watch on the stream.
      if ((resp.events ?? []).length === 0 && !resp.canceled) for (const w of s.byRemoteId.values()) w.onProgress(resp);
      return;
    }
    const w = s.byRemoteId.get(watchId);
    if (w === undefined) return;
    if (resp.canceled) {
      if (resp.cancel_reason === NO_LEADER) return this.breakStream(s, 'no leader');
      s.byRemoteId.delete(watchId);
    }
    w.onResponse(resp);
  }

  private breakStream(s: ActiveStream, why: string): void {
    this.opts.logger.debug({ endpoint: s.conn.address, why }, 'watch stream broken; resuming elsewhere');
    s.call.removeAllListeners('data');
    s.call.on('error', () => {});
    s.call.cancel();
    this.onBroken(s, new Error(why));
  }

  private onBroken(s: ActiveStream, err: Error | undefined): void {
    if (s !== this.stream) return;
    this.stream = undefined;
    this.pool.markDown(s.conn);
    this.opts.logger.debug({ endpoint: s.conn.address, err: err?.message }, 'watch stream ended');
    if (!this.closed && this.watchers.size > 0) this.connect();
  }

  /** Sends the cancel for a watcher that its consumer stopped. */
  cancelRemote(w: Watcher): void {
    const s = this.stream;
    if (s === undefined || s.byRemoteId.get(w.remoteId) !== w) return;
    s.byRemoteId.delete(w.remoteId);
    s.call.write({ cancel_request: { watch_id: w.remoteId } });
  }

  /** A watcher finished: forget it, and close the stream once no watch is left. */
  detach(w: Watcher): void {
    this.watchers.delete(w);
    const s = this.stream;
    if (s !== undefined && s.byRemoteId.get(w.remoteId) === w) s.byRemoteId.delete(w.remoteId);
    if (this.watchers.size === 0 && s !== undefined) {
      this.stream = undefined;
      s.call.removeAllListeners('data');
      s.call.on('error', () => {});
      s.call.end();
      s.call.cancel();
    }
    this.noteDrained();
  }

  /** Pauses the stream while consumers lag (the server then holds the events back). */
  noteBuffered(length: number): void {
    const s = this.stream;
    if (s !== undefined && !s.paused && length >= HIGH_WATER_RESPONSES) {
      s.paused = true;
      s.call.pause();
    }
  }

  noteDrained(): void {
    const s = this.stream;
    if (s === undefined || !s.paused) return;
    for (const w of this.watchers) if (w.buffered >= HIGH_WATER_RESPONSES / 2) return;
    s.paused = false;
    s.call.resume();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of [...this.watchers]) w.finish(new KetchClientError('CLOSED', 'client is closed'));
    const s = this.stream;
    this.stream = undefined;
    if (s !== undefined) {
      s.call.removeAllListeners('data');
      s.call.on('error', () => {});
      s.call.cancel();
    }
  }
}
