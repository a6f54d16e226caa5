import * as grpc from '@grpc/grpc-js';
import { KetchClientError } from './errors.js';
import { serviceClients, type EtcdServiceClients } from './wire.js';

const { connectivityState: State } = grpc;

/** host:port from "host:port", "http://host:port" or "host" (port 2379, as etcdctl). */
export function parseEndpoint(endpoint: string): string {
  const s = endpoint.trim();
  if (s.length === 0) throw new KetchClientError('INVALID_ARGUMENT', 'empty endpoint');
  if (s.includes('://')) {
    let url: URL;
    try {
      url = new URL(s);
    } catch {
      throw new KetchClientError('INVALID_ARGUMENT', `bad endpoint ${JSON.stringify(endpoint)}`);
    }
    if (url.protocol !== 'http:') throw new KetchClientError('INVALID_ARGUMENT', `endpoint ${endpoint}: only http:// is supported`);
    return `${url.hostname.includes(':') ? `[${url.hostname}]` : url.hostname}:${url.port === '' ? '2379' : url.port}`;
  }
  return /:\d+$/.test(s) ? s : `${s}:2379`;
}

export interface ConnectionOptions {
  readonly keepAliveTimeMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxCallSendBytes: number;
  readonly maxCallRecvBytes: number;
}

/** One endpoint: a gRPC channel and the etcd service clients on it. */
export class Connection {
  readonly channel: grpc.Channel;
  readonly clients: EtcdServiceClients;
  /** Skip this endpoint until then (ms since epoch): it failed recently. */
  downUntil = 0;

  constructor(
    readonly address: string,
    opts: ConnectionOptions,
  ) {
    this.channel = new grpc.Channel(address, grpc.credentials.createInsecure(), {
      'grpc.keepalive_time_ms': opts.keepAliveTimeMs,
      'grpc.keepalive_timeout_ms': opts.keepAliveTimeoutMs,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1000,
      'grpc.max_send_message_length': opts.maxCallSendBytes,
      'grpc.max_receive_message_length': opts.maxCallRecvBytes,
      // Each endpoint gets its own connection, never shared with another Connection to the same address.
      'grpc.use_local_subchannel_pool': 1,
    });
    this.clients = serviceClients(address, this.channel);
  }

  isReady(): boolean {
    return this.channel.getConnectivityState(false) === State.READY;
  }

  /**
   * Resolves true once the channel is connected, false if it fails to connect (connection refused,
   * or still connecting at `deadlineMs`). A request is only sent on a ready channel, so a false here
   * means the request was certainly not sent.
   */
  waitReady(deadlineMs: number): Promise<boolean> {
    const state = this.channel.getConnectivityState(true);
    if (state === State.READY) return Promise.resolve(true);
    if (state === State.TRANSIENT_FAILURE || state === State.SHUTDOWN) return Promise.resolve(false);
    if (Date.now() >= deadlineMs) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wait = (current: grpc.connectivityState): void => {
        this.channel.watchConnectivityState(current, deadlineMs, (err) => {
          if (err) return resolve(false);
          const next = this.channel.getConnectivityState(true);
          if (next === State.READY) return resolve(true);
          if (next === State.TRANSIENT_FAILURE || next === State.SHUTDOWN) return resolve(false);
          wait(next);
        });
      };
      wait(state);
    });
  }

  close(): void {
    for (const c of Object.values(this.clients)) (c as grpc.Client).close();
    this.channel.close();
  }
}

/**
 * The endpoints of a client and which one requests go to. Requests stick to the current endpoint
 * until it fails; then the next one that has not failed recently takes over (round robin).
 */
export class EndpointPool {
  private readonly connections: Connection[];
  /** Connections to addresses outside the list (a leader found through the member list). */
  private readonly extra = new Map<string, Connection>();
  private current = 0;
  private closed = false;

  constructor(
    addresses: readonly string[],
    private readonly opts: ConnectionOptions & { readonly downForMs: number },
  ) {
    if (addresses.length === 0) throw new KetchClientError('INVALID_ARGUMENT', 'no endpoints given');
    const unique = [...new Set(addresses.map(parseEndpoint))];
    this.connections = unique.map((a) => new Connection(a, opts));
  }

  get addresses(): string[] {
    return this.connections.map((c) => c.address);
  }

  get size(): number {
    return this.connections.length;
  }

  isClosed(): boolean {
    return this.closed;
  }

  /**
   * The connection for the next attempt: `preferred` if given and not down, else the current one if
   * not down, else the next that is not down, else the one that comes back soonest.
   */
  pick(preferred?: string): Connection {
    if (this.closed) throw new KetchClientError('CLOSED', 'client is closed');
    const now = Date.now();
    if (preferred !== undefined) {
      const p = this.connections.find((c) => c.address === preferred);
      if (p !== undefined && p.downUntil <= now) return p;
    }
    for (let i = 0; i < this.connections.length; i++) {
      const idx = (this.current + i) % this.connections.length;
      const c = this.connections[idx]!;
      if (c.downUntil <= now) {
        this.current = idx;
        return c;
      }
    }
    let best = this.connections[0]!;
    for (const c of this.connections) if (c.downUntil < best.downUntil) best = c;
    return best;
  }

  /** The connection to one address: one of the list, or a new one kept until close. */
  get(address: string): Connection {
    if (this.closed) throw new KetchClientError('CLOSED', 'client is closed');
    const a = parseEndpoint(address);
    const listed = this.connections.find((c) => c.address === a);
    if (listed !== undefined) return listed;
    let c = this.extra.get(a);
    if (c === undefined) {
      c = new Connection(a, this.opts);
      this.extra.set(a, c);
    }
    return c;
  }

  /** The endpoint failed: skip it for a while, and move the current endpoint past it. */
  markDown(c: Connection): void {
    c.downUntil = Date.now() + this.opts.downForMs;
    const idx = this.connections.indexOf(c);
    if (idx === this.current) this.current = (idx + 1) % this.connections.length;
  }

  markUp(c: Connection): void {
    c.downUntil = 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.connections) c.close();
    for (const c of this.extra.values()) c.close();
    this.extra.clear();
  }
}
