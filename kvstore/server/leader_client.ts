import * as grpc from '@grpc/grpc-js';
import { StoreError, StoreErrorCode } from '../node/errors.js';
import type { Member } from '../node/member.js';
import { GrpcStatusError } from './errors.js';
import { loadEtcdServices } from './proto.js';

type Clients = { Lease: grpc.Client; Cluster: grpc.Client };

/**
 * gRPC clients to the current leader's client URL, for requests only the leader can answer
 * (lease keep-alive and time-to-live, learner promotion), as etcd forwards them.
 */
export class LeaderClients {
  private current: { leader: number; address: string; clients: Clients } | undefined;

  constructor(private readonly member: Member) {}

  get(): Clients {
    const leader = this.member.leaderId();
    if (leader === 0) throw new StoreError(StoreErrorCode.NO_LEADER, 'etcdserver: no leader');
    const url = this.member.registry.get(leader)?.clientUrls[0];
    if (url === undefined) throw new StoreError(StoreErrorCode.NO_LEADER, 'etcdserver: no leader');
    const address = new URL(url).host;
    if (this.current?.leader === leader && this.current.address === address) return this.current.clients;
    this.close();
    const svc = loadEtcdServices();
    const creds = grpc.credentials.createInsecure();
    const clients = { Lease: new svc.Lease(address, creds), Cluster: new svc.Cluster(address, creds) };
    this.current = { leader, address, clients };
    return clients;
  }

  /** A unary call on the leader, with a deadline. */
  call<Res>(service: keyof Clients, method: string, req: unknown, timeoutMs: number): Promise<Res> {
    const client = this.get()[service] as unknown as Record<string, (r: unknown, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: Res) => void) => void>;
    const fn = client[method];
    if (fn === undefined) throw new Error(`no method ${method}`);
    return new Promise((resolve, reject) => {
      // The leader's answer is passed on as the leader gave it: its gRPC status and etcd's message.
      fn.call(client, req, { deadline: Date.now() + timeoutMs }, (err, res) =>
        err ? reject(new GrpcStatusError(err.code, err.details || err.message)) : resolve(res),
      );
    });
  }

  close(): void {
    if (this.current === undefined) return;
    this.current.clients.Lease.close();
    this.current.clients.Cluster.close();
    this.current = undefined;
  }
}
