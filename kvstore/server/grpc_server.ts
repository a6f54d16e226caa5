import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Member } from '../node/member.js';
import { WatchHub } from '../watch/index.js';
import { clusterService } from './cluster_service.js';
import type { ServiceContext } from './context.js';
import { kvService } from './kv_service.js';
import { LeaderClients } from './leader_client.js';
import { leaseService } from './lease_service.js';
import { maintenanceService } from './maintenance_service.js';
import { loadEtcdServices } from './proto.js';
import { watchService } from './watch_service.js';

/** The etcd API version ketch speaks (reported by Status and /version). */
export const ETCD_API_VERSION = '3.5.0';
/** etcd's allowance on top of --max-request-bytes for gRPC framing. */
const GRPC_OVERHEAD_BYTES = 512 * 1024;

export interface ClientServerOptions {
  readonly member: Member;
  readonly dataDir: string;
  readonly listenClientUrls: readonly string[];
  readonly maxRequestBytes: number;
  readonly maxTxnOps: number;
  readonly logger: Logger;
  /** TEST ONLY: see WatchHubOptions.unsafeDropSlowEvents. */
  readonly unsafeDropSlowWatchEvents?: boolean;
}

/** The etcd v3 gRPC API of one member, on its client URLs. */
export class ClientServer {
  readonly hub: WatchHub;
  private readonly server: grpc.Server;
  private readonly leader: LeaderClients;
  private bound: string[] = [];

  constructor(private readonly opts: ClientServerOptions) {
    const ctx: ServiceContext = {
      member: opts.member,
      logger: opts.logger,
      maxTxnOps: opts.maxTxnOps,
      maxRequestBytes: opts.maxRequestBytes,
      version: ETCD_API_VERSION,
    };
    this.hub = new WatchHub(opts.member.mvcc, {
      maxResponseBytes: opts.maxRequestBytes + GRPC_OVERHEAD_BYTES,
      unsafeDropSlowEvents: opts.unsafeDropSlowWatchEvents ?? false,
    });
    opts.member.onRestored(() => this.hub.restored());
    this.leader = new LeaderClients(opts.member);
    this.server = new grpc.Server({
      'grpc.max_receive_message_length': opts.maxRequestBytes + GRPC_OVERHEAD_BYTES,
      'grpc.max_send_message_length': 2 ** 31 - 1,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.http2.min_ping_interval_without_data_ms': 5000,
    });
    const svc = loadEtcdServices();
    this.server.addService(svc.KV.service, kvService(ctx));
    this.server.addService(svc.Watch.service, watchService(ctx, this.hub));
    this.server.addService(svc.Lease.service, leaseService(ctx, this.leader));
    this.server.addService(svc.Cluster.service, clusterService(ctx, this.leader));
    this.server.addService(svc.Maintenance.service, maintenanceService(ctx));
  }

  /** Binds every client URL. A port in use fails with a message naming the URL. */
  async start(): Promise<string[]> {
    for (const u of this.opts.listenClientUrls) {
      const url = new URL(u);
      if (url.protocol !== 'http:') throw new Error(`--listen-client-urls: ${u}: only http:// is supported`);
      const port = await new Promise<number>((resolve, reject) => {
        this.server.bindAsync(url.host, grpc.ServerCredentials.createInsecure(), (err, p) => {
          if (err) reject(new Error(`listen tcp ${url.host}: ${err.message.includes('EADDRINUSE') || err.message.includes('No address added') ? 'bind: address already in use' : err.message}`));
          else resolve(p);
        });
      });
      this.bound.push(`${url.hostname}:${port}`);
    }
    return this.bound;
  }

  addresses(): string[] {
    return this.bound;
  }

  async stop(): Promise<void> {
    this.hub.close();
    this.leader.close();
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, 2000);
      this.server.tryShutdown(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}
