/**
 * A raw etcd v3 gRPC client for the integration tests (grpc-js with etcd's .proto files), for
 * requests no higher-level client would send, and for asking one particular member.
 */
import * as grpc from '@grpc/grpc-js';
import type { LocalCluster, LocalMember } from '../cluster/index.js';
import { loadEtcdServices } from '../server/proto.js';
import { waitFor } from './processes.js';

export type ServiceName = 'KV' | 'Watch' | 'Lease' | 'Cluster' | 'Maintenance';

type UnaryMethod = (req: unknown, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void;

export interface PbHeader {
  cluster_id: number;
  member_id: number;
  revision: number;
  raft_term: number;
}

export interface PbKv {
  key: Buffer;
  value: Buffer;
  create_revision: number;
  mod_revision: number;
  version: number;
  lease: number;
}

export interface PbStatus {
  header: PbHeader;
  leader: number;
  raftIndex: number;
  raftTerm: number;
  raftAppliedIndex: number;
}

export interface PbRangeResponse {
  header: PbHeader;
  kvs: PbKv[];
  count: number;
  more: boolean;
}

/** Clients for every etcd service at one address (host:port). */
export class EtcdGrpc {
  private readonly clients: Record<ServiceName, grpc.Client>;

  constructor(readonly address: string) {
    const svc = loadEtcdServices();
    const creds = grpc.credentials.createInsecure();
    const options: grpc.ChannelOptions = { 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 };
    this.clients = {
      KV: new svc.KV(address, creds, options),
      Watch: new svc.Watch(address, creds, options),
      Lease: new svc.Lease(address, creds, options),
      Cluster: new svc.Cluster(address, creds, options),
      Maintenance: new svc.Maintenance(address, creds, options),
    };
  }

  /** One unary call with a deadline; rejects with the grpc ServiceError (code, details). */
  call<Res>(service: ServiceName, method: string, req: unknown, timeoutMs = 5000): Promise<Res> {
    const client = this.clients[service] as unknown as Record<string, UnaryMethod | undefined>;
    const fn = client[method];
    if (fn === undefined) throw new Error(`no method ${service}.${method}`);
    return new Promise((resolve, reject) => {
      fn.call(client, req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(err) : resolve(res as Res)));
    });
  }

  /** The call's gRPC error (code and details), or throws if the call succeeded. */
  async callError(service: ServiceName, method: string, req: unknown, timeoutMs = 5000): Promise<{ code: grpc.status; details: string }> {
    try {
      const res = await this.call<unknown>(service, method, req, timeoutMs);
      throw new Error(`expected ${service}.${method} to fail, but it answered ${JSON.stringify(res).slice(0, 300)}`);
    } catch (err) {
      const e = err as Partial<grpc.ServiceError>;
      if (typeof e.code !== 'number') throw err;
      return { code: e.code, details: e.details ?? '' };
    }
  }

  put(key: string, value: string | Buffer, timeoutMs = 5000): Promise<{ header: PbHeader }> {
    return this.call('KV', 'Put', { key: Buffer.from(key), value: Buffer.isBuffer(value) ? value : Buffer.from(value) }, timeoutMs);
  }

  get(key: string, opts: { serializable?: boolean; rangeEnd?: string; revision?: number } = {}, timeoutMs = 5000): Promise<PbRangeResponse> {
    return this.call(
      'KV',
      'Range',
      {
        key: Buffer.from(key),
        ...(opts.rangeEnd === undefined ? {} : { range_end: Buffer.from(opts.rangeEnd) }),
        serializable: opts.serializable ?? false,
        revision: opts.revision ?? 0,
      },
      timeoutMs,
    );
  }

  /** Every key with the prefix, paged so that no response gets large. */
  async getPrefix(prefix: string, opts: { serializable?: boolean } = {}, timeoutMs = 10_000): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    // The empty prefix is every key: from "\0" to "\0" in etcd's terms.
    const end = prefixEnd(Buffer.from(prefix));
    let from = prefix === '' ? Buffer.from([0]) : Buffer.from(prefix);
    let revision = 0;
    for (;;) {
      const res = await this.call<PbRangeResponse>(
        'KV',
        'Range',
        { key: from, range_end: end, limit: 1000, serializable: opts.serializable ?? false, revision },
        timeoutMs,
      );
      revision = res.header.revision;
      for (const kv of res.kvs) out.set(kv.key.toString(), kv.value.toString());
      const last = res.kvs[res.kvs.length - 1];
      if (!res.more || last === undefined) return out;
      from = Buffer.concat([last.key, Buffer.from([0])]);
    }
  }

  status(timeoutMs = 2000): Promise<PbStatus> {
    return this.call('Maintenance', 'Status', {}, timeoutMs);
  }

  /** A bidirectional Watch stream. */
  watchStream(): grpc.ClientDuplexStream<unknown, unknown> {
    const client = this.clients.Watch as unknown as { Watch(): grpc.ClientDuplexStream<unknown, unknown> };
    return client.Watch();
  }

  close(): void {
    for (const c of Object.values(this.clients)) c.close();
  }
}

/** The smallest key after every key with this prefix (etcd's GetPrefixRangeEnd). */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if ((end[i] as number) < 0xff) {
      end[i] = (end[i] as number) + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

export function memberAddress(m: LocalMember): string {
  return `127.0.0.1:${m.clientPort}`;
}

/**
 * The member every running member agrees is the leader (by Status), once they agree, with the
 * member ID of each running member.
 */
export async function findLeader(cluster: LocalCluster, timeoutMs = 20_000): Promise<{ leader: LocalMember; ids: Map<string, number> }> {
  const running = cluster.members.filter((m) => m.process !== undefined && m.process.exitCode === null && m.process.signalCode === null);
  return waitFor(
    'the running members to agree on a leader',
    async () => {
      const ids = new Map<string, number>();
      const leaders = new Set<number>();
      await Promise.all(
        running.map(async (m) => {
          const c = new EtcdGrpc(memberAddress(m));
          try {
            const s = await c.status();
            ids.set(m.name, s.header.member_id);
            leaders.add(s.leader);
          } finally {
            c.close();
          }
        }),
      );
      const [leaderId] = [...leaders];
      if (leaders.size !== 1 || leaderId === undefined || leaderId === 0) return undefined;
      const leader = running.find((m) => ids.get(m.name) === leaderId);
      return leader === undefined ? undefined : { leader, ids };
    },
    timeoutMs,
    200,
  );
}
