import * as grpc from '@grpc/grpc-js';
import { loadEtcdServices } from '../../kvstore/server/proto.js';

type Unary = (req: unknown, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: any) => void) => void;

/**
 * A raw etcd v3 connection to one endpoint, for workloads that must see exactly what the server
 * answered (no client-side retries that would blur an outcome).
 */
export class EtcdConn {
  private readonly kv: grpc.Client;

  constructor(readonly endpoint: string) {
    const svc = loadEtcdServices();
    this.kv = new svc.KV(endpoint, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  }

  call<T>(method: 'Range' | 'Put' | 'Txn', req: unknown, timeoutMs: number): Promise<T> {
    const fn = (this.kv as unknown as Record<string, Unary>)[method] as Unary;
    return new Promise((resolve, reject) => fn.call(this.kv, req, { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(err) : resolve(res as T))));
  }

  close(): void {
    this.kv.close();
  }
}

/**
 * Whether a failed request definitely did not take effect. Only errors the server sends before
 * doing anything qualify (invalid arguments, a refused connection); a timeout or an unavailable
 * server may have applied it.
 */
export function definitelyFailed(err: unknown): boolean {
  const e = err as { code?: number; details?: string };
  if (e.code === grpc.status.INVALID_ARGUMENT || e.code === grpc.status.FAILED_PRECONDITION || e.code === grpc.status.OUT_OF_RANGE) return true;
  // Never reached a server: the connection was refused outright.
  return e.code === grpc.status.UNAVAILABLE && typeof e.details === 'string' && /ECONNREFUSED|No connection established/.test(e.details);
}
