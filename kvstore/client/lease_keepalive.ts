import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { header as decodeHeader } from './convert.js';
import type { Connection, EndpointPool } from './endpoints.js';
import { classifyAttempt, DEADLINE_MESSAGE, KetchClientError } from './errors.js';
import { AsyncQueue, connectForStream, openDuplex, StreamDialer } from './streams.js';
import type { LeaseKeepAliveResponse } from './types.js';
import { id64, num, wireId, type PbHeader, type WireInt64 } from './wire.js';

interface PbKeepAliveResponse {
  header: PbHeader | null;
  ID: WireInt64;
  TTL: WireInt64;
}

/** How often the manager looks for keep-alives that are due. */
const TICK_MS = 100;
/** A keep-alive sent without an answer is sent again after this long. */
const RESEND_MS = 1000;
/** Responses kept for a consumer that does not read them (the latest matter). */
const QUEUE_LIMIT = 16;

export interface LeaseKeepAliveEvents {
  keepalive: [LeaseKeepAliveResponse];
  /** The lease is gone (TTL 0 from the server) or was not renewed before it would expire. */
  lost: [KetchClientError];
  close: [];
}

/**
 * Keeps one lease alive until close() or until it is lost. Events: 'keepalive' (each renewal),
 * 'lost' (with LEASE_EXPIRED), 'close'. Or iterate it: one response per renewal, ending when the
 * lease is lost or the handle closed (then `lostError` says which).
 */
export class LeaseKeepAlive extends EventEmitter<LeaseKeepAliveEvents> implements AsyncIterable<LeaseKeepAliveResponse> {
  private readonly queue = new AsyncQueue<LeaseKeepAliveResponse>(QUEUE_LIMIT);
  private ended = false;
  private lost: KetchClientError | undefined;
  private resolveDone!: () => void;
  /** Resolves once the handle is closed or the lease lost. */
  readonly done: Promise<void>;

  constructor(
    readonly id: bigint,
    private readonly manager: KeepAliveManager,
  ) {
    super();
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  /** Why keeping alive stopped, if the lease was lost. */
  get lostError(): KetchClientError | undefined {
    return this.lost;
  }

  get isClosed(): boolean {
    return this.ended;
  }

  deliver(resp: LeaseKeepAliveResponse): void {
    if (this.ended) return;
    this.queue.push(resp);
    this.emit('keepalive', resp);
  }

  end(lost?: KetchClientError): void {
    if (this.ended) return;
    this.ended = true;
    this.lost = lost;
    this.queue.end();
    if (lost !== undefined && this.listenerCount('lost') > 0) this.emit('lost', lost);
    this.emit('close');
    this.resolveDone();
  }

  close(): void {
    if (this.ended) return;
    this.manager.remove(this);
    this.end();
  }

  [Symbol.asyncIterator](): AsyncIterator<LeaseKeepAliveResponse> {
    return {
      next: () => this.queue.next(),
      return: async () => {
        this.close();
        return { value: undefined, done: true };
      },
    };
  }
}

interface LeaseState {
  readonly id: bigint;
  readonly handles: Set<LeaseKeepAlive>;
  /** When to send the next keep-alive (ms since epoch). */
  nextAt: number;
  /** When the lease expires if no renewal arrives. */
  deadline: number;
}

/** All keep-alives of a client over one LeaseKeepAlive stream, as clientv3's lessor does. */
export class KeepAliveManager {
  private readonly leases = new Map<bigint, LeaseState>();
  private stream: { call: grpc.ClientDuplexStream<unknown, unknown>; conn: Connection } | undefined;
  private readonly dialer: StreamDialer;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly pool: EndpointPool,
    private readonly opts: { readonly dialTimeoutMs: number; readonly firstResponseTimeoutMs: number; readonly logger: Logger },
  ) {
    this.dialer = new StreamDialer(pool, opts.dialTimeoutMs, opts.logger);
  }

  keepAlive(id: bigint): LeaseKeepAlive {
    if (this.closed) throw new KetchClientError('CLOSED', 'client is closed');
    const handle = new LeaseKeepAlive(id, this);
    let state = this.leases.get(id);
    if (state === undefined) {
      const now = Date.now();
      state = { id, handles: new Set(), nextAt: now, deadline: now + this.opts.firstResponseTimeoutMs };
      this.leases.set(id, state);
    }
    state.handles.add(handle);
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.tick(), TICK_MS);
      this.timer.unref();
    }
    this.tick();
    return handle;
  }

  remove(handle: LeaseKeepAlive): void {
    const state = this.leases.get(handle.id);
    if (state === undefined) return;
    state.handles.delete(handle);
    if (state.handles.size === 0) this.leases.delete(handle.id);
    this.maybeIdle();
  }

  private maybeIdle(): void {
    if (this.leases.size > 0) return;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    const s = this.stream;
    this.stream = undefined;
    if (s !== undefined) {
      s.call.removeAllListeners();
      s.call.on('error', () => {});
      s.call.end();
    }
  }

  private lose(state: LeaseState, err: KetchClientError): void {
    this.leases.delete(state.id);
    for (const h of state.handles) h.end(err);
    this.maybeIdle();
  }

  private tick(): void {
    if (this.closed) return;
    const now = Date.now();
    for (const state of [...this.leases.values()]) {
      if (now >= state.deadline) {
        this.lose(state, new KetchClientError('LEASE_EXPIRED', `lease ${state.id.toString(16)} was not renewed before it expired`));
      }
    }
    if (this.leases.size === 0) return;
    const s = this.stream;
    if (s === undefined) {
      this.connect();
      return;
    }
    for (const state of this.leases.values()) {
      if (now < state.nextAt) continue;
      state.nextAt = now + RESEND_MS;
      s.call.write({ ID: wireId(state.id) });
    }
  }

  private connect(): void {
    this.dialer.dial(
      () => this.closed || this.leases.size === 0,
      (conn) => {
        const call = openDuplex(conn, 'Lease', 'LeaseKeepAlive', new grpc.Metadata());
        const s = { call, conn };
        this.stream = s;
        call.on('data', (resp: PbKeepAliveResponse) => this.onResponse(resp));
        const broken = (err?: Error): void => {
          if (this.stream !== s) return;
          this.stream = undefined;
          this.pool.markDown(conn);
          this.opts.logger.debug({ endpoint: conn.address, err: err?.message }, 'keep-alive stream ended');
          // Resend at once on the next stream: an answer may have been lost with this one.
          for (const st of this.leases.values()) st.nextAt = 0;
        };
        call.on('error', broken);
        call.on('end', () => broken());
        for (const st of this.leases.values()) st.nextAt = 0;
      },
      () => this.tick(),
    );
  }

  private onResponse(pb: PbKeepAliveResponse): void {
    const id = id64(pb.ID);
    const state = this.leases.get(id);
    if (state === undefined) return;
    const ttl = num(pb.TTL);
    if (ttl <= 0) {
      this.lose(state, new KetchClientError('LEASE_EXPIRED', 'etcdserver: requested lease not found'));
      return;
    }
    const now = Date.now();
    state.nextAt = now + (ttl * 1000) / 3;
    state.deadline = now + ttl * 1000;
    const resp: LeaseKeepAliveResponse = { header: decodeHeader(pb.header), id, ttl };
    for (const h of state.handles) h.deliver(resp);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const state of [...this.leases.values()]) for (const h of state.handles) h.end(new KetchClientError('CLOSED', 'client is closed'));
    this.leases.clear();
    this.maybeIdle();
  }
}

/** One keep-alive request and its answer on a stream of its own (clientv3's KeepAliveOnce). */
export async function keepAliveOnce(pool: EndpointPool, id: bigint, opts: { dialTimeoutMs: number; timeoutMs: number }): Promise<LeaseKeepAliveResponse> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const conn = await connectForStream(pool, opts.dialTimeoutMs, () => false, deadline);
    if (conn === undefined) break;
    try {
      return await new Promise<LeaseKeepAliveResponse>((resolve, reject) => {
        const call = openDuplex(conn, 'Lease', 'LeaseKeepAlive', new grpc.Metadata());
        const timer = setTimeout(() => {
          call.cancel();
          reject(new KetchClientError('DEADLINE_EXCEEDED', DEADLINE_MESSAGE));
        }, Math.max(0, deadline - Date.now()));
        call.on('data', (pb: PbKeepAliveResponse) => {
          clearTimeout(timer);
          call.removeAllListeners();
          call.on('error', () => {});
          call.end();
          const ttl = num(pb.TTL);
          if (ttl <= 0) reject(new KetchClientError('LEASE_NOT_FOUND', 'etcdserver: requested lease not found', { grpcCode: grpc.status.NOT_FOUND }));
          else resolve({ header: decodeHeader(pb.header), id: id64(pb.ID), ttl });
        });
        call.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
        call.write({ ID: wireId(id) });
      });
    } catch (err) {
      // A keep-alive is idempotent: any transient failure is tried again on another endpoint.
      const f = classifyAttempt(err, conn.address, false);
      if (!f.transient) throw f.error;
      lastError = f.error;
      pool.markDown(conn);
    }
  }
  throw new KetchClientError('DEADLINE_EXCEEDED', DEADLINE_MESSAGE, { cause: lastError });
}
