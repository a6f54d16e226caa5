/**
 * Raw grpc-js clients of etcd's v3 services (the same code path for ketch and etcd), over a fixed
 * number of separate HTTP/2 connections, as etcd's benchmark does with --conns: clients are
 * multiplexed over them round-robin.
 */
import * as grpc from '@grpc/grpc-js';
import { loadEtcdServices } from '../../kvstore/server/proto.js';

/** A promise-returning unary method bound to one client. */
export type Unary<Req, Res> = (req: Req, timeoutMs: number) => Promise<Res>;

type RawUnary = (req: unknown, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: unknown) => void) => unknown;

export function unary<Req, Res>(client: grpc.Client, method: string): Unary<Req, Res> {
  const fn = (client as unknown as Record<string, RawUnary | undefined>)[method];
  if (fn === undefined) throw new Error(`no gRPC method ${method}`);
  return (req, timeoutMs) =>
    new Promise<Res>((resolve, reject) => {
      fn.call(client, req, { deadline: Date.now() + timeoutMs }, (err, res) => (err === null ? resolve(res as Res) : reject(err)));
    });
}

/** "CODE: details" for a gRPC error, the message otherwise. */
export function describeError(err: unknown): string {
  const e = err as Partial<grpc.ServiceError>;
  if (typeof e.code === 'number') return `${grpc.status[e.code] ?? e.code}: ${e.details ?? ''}`;
  return err instanceof Error ? err.message : String(err);
}

export interface Connection {
  readonly address: string;
  readonly kv: grpc.Client;
  readonly watch: grpc.Client;
}

/** `count` connections to `addresses` (connection i to addresses[i % n]), each its own HTTP/2 session. */
export async function openConnections(addresses: readonly string[], count: number, timeoutMs = 10_000): Promise<Connection[]> {
  const svc = loadEtcdServices();
  const creds = grpc.credentials.createInsecure();
  const conns: Connection[] = [];
  for (let i = 0; i < count; i++) {
    const address = addresses[i % addresses.length];
    if (address === undefined) throw new Error('no addresses to connect to');
    // A local subchannel pool gives this channel its own connection instead of sharing one per address.
    const channel = new grpc.Channel(address, creds, { 'grpc.use_local_subchannel_pool': 1 });
    const options = { channelOverride: channel };
    conns.push({ address, kv: new svc.KV(address, creds, options), watch: new svc.Watch(address, creds, options) });
  }
  await Promise.all(conns.map((c) => new Promise<void>((resolve, reject) => c.kv.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve())))));
  return conns;
}

export function closeConnections(conns: readonly Connection[]): void {
  for (const c of conns) {
    c.kv.close();
    c.watch.close();
    c.kv.getChannel().close();
  }
}

interface StatusResponse {
  header?: { member_id?: number };
  leader?: number;
}

/** The client address of the member that answers as leader (asked of every member). */
export async function findLeader(addresses: readonly string[], timeoutMs = 10_000): Promise<string> {
  const svc = loadEtcdServices();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const address of addresses) {
      const client = new svc.Maintenance(address, grpc.credentials.createInsecure());
      try {
        const s = await unary<object, StatusResponse>(client, 'Status')({}, 2_000);
        if (s.leader !== undefined && s.leader !== 0 && s.header?.member_id === s.leader) return address;
      } catch {
        // not answering yet; ask the next
      } finally {
        client.close();
      }
    }
    if (Date.now() > deadline) throw new Error(`no member reported itself leader within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
