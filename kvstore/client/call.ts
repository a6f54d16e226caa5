import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Connection, EndpointPool } from './endpoints.js';
import { classifyAttempt, DEADLINE_MESSAGE, KetchClientError, type AttemptFailure } from './errors.js';
import type { ServiceName } from './wire.js';

export interface CallOptions {
  /** The request changes state: once it may have reached a server it is never sent again. */
  readonly mutation: boolean;
  /** Send only to this endpoint (host:port); no failover. */
  readonly endpoint?: string;
  /** Prefer this endpoint (the leader) while it is up. */
  readonly preferred?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface CallResult<Res> {
  readonly response: Res;
  readonly endpoint: string;
}

type UnaryMethod = (req: unknown, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => grpc.ClientUnaryCall;

const BACKOFF_MIN_MS = 25;
const BACKOFF_MAX_MS = 500;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs unary requests with failover. An attempt goes out only on a connected channel (so a failure
 * to connect means "not sent", and the next endpoint is tried at once). After an attempt fails:
 * - a read, or anything the server certainly did not apply, is tried again on another endpoint
 *   while the deadline allows, when the failure is transient (endpoint down, no leader there, ...);
 * - a write that may have reached a server surfaces as UNKNOWN_OUTCOME, and is never resent.
 */
export class Caller {
  constructor(
    private readonly pool: EndpointPool,
    private readonly defaults: { readonly requestTimeoutMs: number; readonly dialTimeoutMs: number; readonly logger: Logger },
  ) {}

  async unary<Res>(service: ServiceName, method: string, request: unknown, opts: CallOptions): Promise<CallResult<Res>> {
    const deadline = Date.now() + (opts.timeoutMs ?? this.defaults.requestTimeoutMs);
    let last: AttemptFailure | undefined;
    let attemptsThisRound = 0;
    let round = 0;
    for (;;) {
      if (opts.signal?.aborted) throw new KetchClientError('CANCELLED', 'request aborted', { cause: opts.signal.reason });
      const conn = opts.endpoint !== undefined ? this.pool.get(opts.endpoint) : this.pool.pick(opts.preferred);
      const ready = await conn.waitReady(Math.min(deadline, Date.now() + this.defaults.dialTimeoutMs));
      if (ready) {
        try {
          const response = await this.invoke<Res>(conn, service, method, request, deadline, opts.signal);
          this.pool.markUp(conn);
          return { response, endpoint: conn.address };
        } catch (err) {
          const f = classifyAttempt(err, conn.address, opts.mutation);
          if (f.endpointDown) this.pool.markDown(conn);
          else if (f.transient && opts.endpoint === undefined) this.pool.markDown(conn);
          if (!f.transient || !f.notApplied || opts.signal?.aborted === true) throw f.error;
          this.defaults.logger.debug({ endpoint: conn.address, method, err: f.error.message }, 'attempt failed; trying again');
          last = f;
        }
      } else {
        this.pool.markDown(conn);
        last = {
          error: new KetchClientError('UNAVAILABLE', `${conn.address}: no connection`, { endpoint: conn.address }),
          notApplied: true,
          transient: true,
          endpointDown: true,
        };
      }
      if (Date.now() >= deadline) break;
      attemptsThisRound++;
      if (opts.endpoint !== undefined || attemptsThisRound >= this.pool.size) {
        attemptsThisRound = 0;
        const backoff = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** round++);
        await sleep(Math.min(backoff, Math.max(0, deadline - Date.now())), opts.signal);
        if (Date.now() >= deadline) break;
      }
    }
    const lastError = last?.error;
    const code = lastError?.code === 'UNAVAILABLE' ? 'UNAVAILABLE' : 'DEADLINE_EXCEEDED';
    throw new KetchClientError(code, DEADLINE_MESSAGE, { cause: lastError, endpoint: lastError?.endpoint, grpcCode: grpc.status.DEADLINE_EXCEEDED });
  }

  private invoke<Res>(conn: Connection, service: ServiceName, method: string, request: unknown, deadline: number, signal: AbortSignal | undefined): Promise<Res> {
    const client = conn.clients[service] as unknown as Record<string, UnaryMethod>;
    const fn = client[method];
    if (fn === undefined) throw new KetchClientError('INVALID_ARGUMENT', `no method ${service}.${method}`);
    return new Promise<Res>((resolve, reject) => {
      const onAbort = (): void => call.cancel();
      const call = fn.call(client, request, new grpc.Metadata(), { deadline }, (err, res) => {
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(res as Res);
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
