import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { LOADER_OPTIONS, loadEtcdServices, protoDir, type EtcdServices } from '../../kvstore/server/proto.js';

type Unary = (req: unknown, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: any) => void) => void;

let leaseServices: EtcdServices | undefined;

/**
 * The etcd services with int64 fields read as decimal strings. Lease ids are random 63-bit numbers
 * on a real etcd, which a JavaScript number cannot hold: lease calls go through this copy.
 */
function loadServicesWithStringLongs(): EtcdServices {
  if (leaseServices !== undefined) return leaseServices;
  const dir = protoDir();
  const def = protoLoader.loadSync(path.join(dir, 'rpc.proto'), { ...LOADER_OPTIONS, longs: String, includeDirs: [dir] });
  leaseServices = (grpc.loadPackageDefinition(def) as unknown as { etcdserverpb: EtcdServices }).etcdserverpb;
  return leaseServices;
}

/** A watch stream as grpc-js gives it: write requests, read responses (objects, snake_case). */
export type WatchCall = grpc.ClientDuplexStream<unknown, PbWatchResponse>;

export interface PbKv {
  key: Buffer;
  value: Buffer;
  create_revision: number;
  mod_revision: number;
  version: number;
  lease: number;
}

export interface PbWatchResponse {
  header: { revision: number } | null;
  watch_id: number;
  created: boolean;
  canceled: boolean;
  compact_revision: number;
  cancel_reason: string;
  fragment: boolean;
  events: Array<{ type: 'PUT' | 'DELETE'; kv: PbKv | null; prev_kv: PbKv | null }>;
}

/**
 * A raw etcd v3 connection to one endpoint, for workloads that must see exactly what the server
 * answered (no client-side retries that would blur an outcome).
 */
export class EtcdConn {
  private readonly kv: grpc.Client;
  private watchClient: grpc.Client | undefined;
  private leaseClient: grpc.Client | undefined;

  constructor(readonly endpoint: string) {
    const svc = loadEtcdServices();
    this.kv = new svc.KV(endpoint, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  }

  call<T>(method: 'Range' | 'Put' | 'Txn' | 'DeleteRange', req: unknown, timeoutMs: number): Promise<T> {
    return unary<T>(this.kv, method, req, timeoutMs);
  }

  /** A Lease call; int64 fields (the lease ID, TTL) are decimal strings both ways. */
  lease<T>(method: 'LeaseGrant' | 'LeaseRevoke' | 'LeaseTimeToLive', req: unknown, timeoutMs: number): Promise<T> {
    return unary<T>(this.leaseService(), method, req, timeoutMs);
  }

  private leaseService(): grpc.Client {
    if (this.leaseClient === undefined) {
      const svc = loadServicesWithStringLongs();
      this.leaseClient = new svc.Lease(this.endpoint, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
    }
    return this.leaseClient;
  }

  /** A lease keep-alive stream (requests and responses with string ids). */
  keepAlive(): grpc.ClientDuplexStream<{ ID: string }, { ID: string; TTL: string }> {
    const c = this.leaseService() as unknown as { LeaseKeepAlive: () => grpc.ClientDuplexStream<{ ID: string }, { ID: string; TTL: string }> };
    return c.LeaseKeepAlive();
  }

  /**
   * Opens a watch stream. With requireLeader, the server ends it once its member has no leader
   * (etcd's WithRequireLeader), so a watcher on an isolated member moves on instead of stalling.
   */
  watch(requireLeader: boolean): WatchCall {
    if (this.watchClient === undefined) {
      const svc = loadEtcdServices();
      this.watchClient = new svc.Watch(this.endpoint, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
    }
    const md = new grpc.Metadata();
    if (requireLeader) md.set('hasleader', 'true');
    return (this.watchClient as unknown as { Watch: (md: grpc.Metadata) => WatchCall }).Watch(md);
  }

  close(): void {
    this.kv.close();
    this.watchClient?.close();
    this.leaseClient?.close();
  }
}

function unary<T>(client: grpc.Client, method: string, req: unknown, timeoutMs: number): Promise<T> {
  const fn = (client as unknown as Record<string, Unary>)[method] as Unary;
  return new Promise((resolve, reject) => fn.call(client, req, { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(err) : resolve(res as T))));
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

/** Waits ms milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
