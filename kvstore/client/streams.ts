import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Connection, EndpointPool } from './endpoints.js';
import { KetchClientError } from './errors.js';
import type { ServiceName } from './wire.js';

/** etcd's metadata asking a member to fail the stream when it has no leader (clientv3.WithRequireLeader). */
export function requireLeaderMetadata(): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set('hasleader', 'true');
  return md;
}

/**
 * A connection to stream on: the next endpoint whose channel connects. Tries each endpoint in turn
 * (skipping ones that failed recently) until one connects, `shouldStop()` or the deadline.
 */
export async function connectForStream(pool: EndpointPool, dialTimeoutMs: number, shouldStop: () => boolean, deadlineMs = Infinity): Promise<Connection | undefined> {
  let round = 0;
  for (;;) {
    for (let i = 0; i < pool.size; i++) {
      if (shouldStop() || pool.isClosed()) return undefined;
      const conn = pool.pick();
      if (await conn.waitReady(Math.min(deadlineMs, Date.now() + dialTimeoutMs))) {
        pool.markUp(conn);
        return conn;
      }
      pool.markDown(conn);
      if (Date.now() >= deadlineMs) return undefined;
    }
    const backoffMs = Math.min(1000, 50 * 2 ** round++);
    await new Promise((r) => setTimeout(r, Math.min(backoffMs, Math.max(0, deadlineMs - Date.now()))));
    if (Date.now() >= deadlineMs) return undefined;
  }
}

/**
 * Opens a long-lived stream (watch, keep-alive) on the next endpoint that connects, one attempt
 * at a time: `dial` while one is under way does nothing.
 */
export class StreamDialer {
  private dialing = false;

  constructor(
    private readonly pool: EndpointPool,
    private readonly dialTimeoutMs: number,
    private readonly logger: Logger,
  ) {}

  /**
   * Connects unless `unwanted()`, then `open(conn)` (which starts the stream), then `after()`. If
   * `open` throws, the endpoint is skipped and dialing starts again.
   */
  dial(unwanted: () => boolean, open: (conn: Connection) => void, after?: () => void): void {
    if (this.dialing || unwanted()) return;
    this.dialing = true;
    void (async () => {
      let retry = false;
      try {
        const conn = await connectForStream(this.pool, this.dialTimeoutMs, unwanted);
        if (conn === undefined || unwanted()) return;
        try {
          open(conn);
        } catch (err) {
          this.logger.warn({ err, endpoint: conn.address }, 'cannot open stream');
          this.pool.markDown(conn);
          retry = true;
        }
      } finally {
        this.dialing = false;
        if (retry) setTimeout(() => this.dial(unwanted, open, after), 100).unref();
        else after?.();
      }
    })();
  }
}

type DuplexMethod = (md: grpc.Metadata, opts?: grpc.CallOptions) => grpc.ClientDuplexStream<unknown, unknown>;

export function openDuplex(conn: Connection, service: ServiceName, method: string, md: grpc.Metadata): grpc.ClientDuplexStream<unknown, unknown> {
  const client = conn.clients[service] as unknown as Record<string, DuplexMethod>;
  const fn = client[method];
  if (fn === undefined) throw new KetchClientError('INVALID_ARGUMENT', `no method ${service}.${method}`);
  return fn.call(client, md);
}

/** A small single-consumer async queue: push values, end (optionally with an error), iterate. */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private readonly waiters: Array<(r: IteratorResult<T>) => void> = [];
  private done = false;

  constructor(private readonly maxItems = Infinity) {}

  get length(): number {
    return this.items.length;
  }

  get ended(): boolean {
    return this.done;
  }

  push(item: T): void {
    if (this.done) return;
    const w = this.waiters.shift();
    if (w !== undefined) {
      w({ value: item, done: false });
      return;
    }
    this.items.push(item);
    if (this.items.length > this.maxItems) this.items.shift();
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    for (const w of this.waiters.splice(0)) w({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve({ value: item, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.next(), return: async () => ({ value: undefined, done: true }) };
  }
}
