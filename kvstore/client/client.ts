import { PassThrough, type Readable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import pino, { type Logger } from 'pino';
import { Caller, type CallOptions } from './call.js';
import {
  deleteRequest,
  deleteResponse,
  getResponse,
  header,
  leaseIdArg,
  member,
  putRequest,
  putResponse,
  rangeRequest,
  statusResponse,
  txnResponse,
} from './convert.js';
import { EndpointPool, parseEndpoint } from './endpoints.js';
import { classifyAttempt, KetchClientError } from './errors.js';
import { KeepAliveManager, keepAliveOnce, type LeaseKeepAlive } from './lease_keepalive.js';
import { connectForStream } from './streams.js';
import { isReadOnly, txnRequest, TxnBuilder, type TxnSpec } from './txn.js';
import type {
  Bytes,
  CompactResponse,
  DeleteOptions,
  DeleteResponse,
  GetOptions,
  GetResponse,
  LeaseGrantResponse,
  LeaseId,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeResponse,
  LeaseTimeToLiveResponse,
  MemberAddResponse,
  MemberId,
  MemberListResponse,
  PutOptions,
  PutResponse,
  ResponseHeader,
  StatusResponse,
  TxnResponse,
  WatchOptions,
} from './types.js';
import { WatchManager, type Watcher } from './watch.js';
import { id64, num, wireId, type PbDeleteRangeResponse, type PbHeader, type PbMember, type PbPutResponse, type PbRangeResponse, type PbStatusResponse, type PbTxnResponse, type WireInt64 } from './wire.js';

export interface KetchClientOptions {
  /** host:port or http://host:port, one per member (or a subset). */
  readonly endpoints: readonly string[];
  /** How long to wait for one endpoint to connect before trying the next. Default 2000. */
  readonly dialTimeoutMs?: number;
  /** Deadline of one request, retries included. Default 5000. */
  readonly requestTimeoutMs?: number;
  /** gRPC keepalive ping interval on idle connections; a dead peer is noticed within time + timeout. Default 10000. */
  readonly keepAliveTimeMs?: number;
  readonly keepAliveTimeoutMs?: number;
  /** Send requests to the leader while it is among the endpoints (found through Status). */
  readonly preferLeader?: boolean;
  /** How long an endpoint that failed is skipped. Default 1000. */
  readonly endpointDownMs?: number;
  readonly maxCallSendBytes?: number;
  readonly maxCallRecvBytes?: number;
  readonly logger?: Logger;
}

/** Per-request options every method takes. */
export interface RequestOptions {
  readonly signal?: AbortSignal;
  /** This request's deadline, retries included (default requestTimeoutMs). */
  readonly timeoutMs?: number;
}

export interface SnapshotOptions {
  /** Which member's backend to copy (default: the current endpoint). */
  readonly endpoint?: string;
}

const DEFAULTS = {
  dialTimeoutMs: 2000,
  requestTimeoutMs: 5000,
  keepAliveTimeMs: 10_000,
  keepAliveTimeoutMs: 5000,
  endpointDownMs: 1000,
  maxCallSendBytes: 2 * 1024 * 1024,
  maxCallRecvBytes: 2 ** 31 - 1,
};

/**
 * ketch's etcd v3 client (also a client of a real etcd). Every method mirrors clientv3's; failures
 * are KetchClientErrors (errors.ts), where UNKNOWN_OUTCOME alone means "may have been applied".
 */
export class KetchClient {
  private readonly pool: EndpointPool;
  private readonly caller: Caller;
  private readonly watches: WatchManager;
  private readonly keepAlives: KeepAliveManager;
  private readonly logger: Logger;
  private readonly dialTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly preferLeader: boolean;
  private leaderEndpoint: string | undefined;
  private leaderProbe: Promise<string | undefined> | undefined;

  constructor(options: KetchClientOptions) {
    this.logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'kvstore-client' });
    this.dialTimeoutMs = options.dialTimeoutMs ?? DEFAULTS.dialTimeoutMs;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
    this.preferLeader = options.preferLeader === true;
    this.pool = new EndpointPool(options.endpoints, {
      keepAliveTimeMs: options.keepAliveTimeMs ?? DEFAULTS.keepAliveTimeMs,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? DEFAULTS.keepAliveTimeoutMs,
      maxCallSendBytes: options.maxCallSendBytes ?? DEFAULTS.maxCallSendBytes,
      maxCallRecvBytes: options.maxCallRecvBytes ?? DEFAULTS.maxCallRecvBytes,
      downForMs: options.endpointDownMs ?? DEFAULTS.endpointDownMs,
    });
    this.caller = new Caller(this.pool, { requestTimeoutMs: this.requestTimeoutMs, dialTimeoutMs: this.dialTimeoutMs, logger: this.logger });
    this.watches = new WatchManager(this.pool, { dialTimeoutMs: this.dialTimeoutMs, logger: this.logger });
    this.keepAlives = new KeepAliveManager(this.pool, { dialTimeoutMs: this.dialTimeoutMs, firstResponseTimeoutMs: this.requestTimeoutMs, logger: this.logger });
  }

  /** The endpoints, as host:port. */
  get endpoints(): string[] {
    return this.pool.addresses;
  }

  /** The endpoint requests go to now (the last that answered). */
  get currentEndpoint(): string {
    return this.pool.pick().address;
  }

  /** The endpoint of the shared watch stream, while one is open. */
  get watchEndpoint(): string | undefined {
    return this.watches.endpoint;
  }

  private async call<Res>(service: 'KV' | 'Lease' | 'Cluster' | 'Maintenance', method: string, request: unknown, mutation: boolean, opts: RequestOptions & { endpoint?: string } = {}): Promise<Res> {
    const preferred = this.preferLeader && opts.endpoint === undefined ? await this.cachedLeader() : undefined;
    const callOpts: CallOptions = {
      mutation,
      ...(opts.endpoint === undefined ? {} : { endpoint: opts.endpoint }),
      ...(preferred === undefined ? {} : { preferred }),
      ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    };
    try {
      return (await this.caller.unary<Res>(service, method, request, callOpts)).response;
    } catch (err) {
      if (preferred !== undefined && err instanceof KetchClientError && (err.endpoint === preferred || err.code === 'NOT_LEADER')) this.leaderEndpoint = undefined;
      throw err;
    }
  }

  // --- KV --------------------------------------------------------------------------------------

  async get(key: Bytes, opts: GetOptions & RequestOptions = {}): Promise<GetResponse> {
    return getResponse(await this.call<PbRangeResponse>('KV', 'Range', rangeRequest(key, opts), false, opts));
  }

  async put(key: Bytes, value: Bytes, opts: PutOptions & RequestOptions = {}): Promise<PutResponse> {
    return putResponse(await this.call<PbPutResponse>('KV', 'Put', putRequest(key, value, opts), true, opts));
  }

  async delete(key: Bytes, opts: DeleteOptions & RequestOptions = {}): Promise<DeleteResponse> {
    return deleteResponse(await this.call<PbDeleteRangeResponse>('KV', 'DeleteRange', deleteRequest(key, opts), true, opts));
  }

  /** txn(): a builder (when/andThen/orElse/commit); txn(spec): commits spec. */
  txn(): TxnBuilder;
  txn(spec: TxnSpec, opts?: RequestOptions): Promise<TxnResponse>;
  txn(spec?: TxnSpec, opts: RequestOptions = {}): TxnBuilder | Promise<TxnResponse> {
    if (spec === undefined) return new TxnBuilder((t) => this.commitTxn(t, {}));
    return this.commitTxn(spec, opts);
  }

  private async commitTxn(spec: TxnSpec, opts: RequestOptions): Promise<TxnResponse> {
    return txnResponse(await this.call<PbTxnResponse>('KV', 'Txn', txnRequest(spec), !isReadOnly(spec), opts));
  }

  async compact(revision: number, opts: { physical?: boolean } & RequestOptions = {}): Promise<CompactResponse> {
    const r = await this.call<{ header: PbHeader | null }>('KV', 'Compact', { revision, physical: opts.physical === true }, true, opts);
    return { header: header(r.header) };
  }

  // --- leases ----------------------------------------------------------------------------------

  /** Grants a lease of `ttlSeconds`; `id` 0 (default) lets the server choose. */
  async leaseGrant(ttlSeconds: number, id: LeaseId = 0, opts: RequestOptions = {}): Promise<LeaseGrantResponse> {
    const r = await this.call<{ header: PbHeader | null; ID: WireInt64; TTL: WireInt64; error: string }>('Lease', 'LeaseGrant', { TTL: ttlSeconds, ID: leaseIdArg(id) }, true, opts);
    if (r.error !== undefined && r.error !== '') throw new KetchClientError('FAILED', r.error);
    return { header: header(r.header), id: id64(r.ID), ttl: num(r.TTL) };
  }

  async leaseRevoke(id: LeaseId, opts: RequestOptions = {}): Promise<LeaseRevokeResponse> {
    const r = await this.call<{ header: PbHeader | null }>('Lease', 'LeaseRevoke', { ID: leaseIdArg(id) }, true, opts);
    return { header: header(r.header) };
  }

  /** Keeps a lease alive (renewing at a third of its TTL) until the handle is closed or the lease lost. */
  leaseKeepAlive(id: LeaseId): LeaseKeepAlive {
    return this.keepAlives.keepAlive(BigInt(leaseIdArg(id)));
  }

  /** One renewal; LEASE_NOT_FOUND if the lease does not exist. */
  leaseKeepAliveOnce(id: LeaseId, opts: RequestOptions = {}): Promise<LeaseKeepAliveResponse> {
    return keepAliveOnce(this.pool, BigInt(leaseIdArg(id)), { dialTimeoutMs: this.dialTimeoutMs, timeoutMs: opts.timeoutMs ?? this.requestTimeoutMs });
  }

  async leaseTimeToLive(id: LeaseId, opts: { keys?: boolean } & RequestOptions = {}): Promise<LeaseTimeToLiveResponse> {
    const r = await this.call<{ header: PbHeader | null; ID: WireInt64; TTL: WireInt64; grantedTTL: WireInt64; keys: Buffer[] }>(
      'Lease',
      'LeaseTimeToLive',
      { ID: leaseIdArg(id), keys: opts.keys === true },
      false,
      opts,
    );
    return { header: header(r.header), id: id64(r.ID), ttl: num(r.TTL), grantedTtl: num(r.grantedTTL), keys: r.keys ?? [] };
  }

  async leaseLeases(opts: RequestOptions = {}): Promise<LeaseLeasesResponse> {
    const r = await this.call<{ header: PbHeader | null; leases: Array<{ ID: WireInt64 }> }>('Lease', 'LeaseLeases', {}, false, opts);
    return { header: header(r.header), leases: (r.leases ?? []).map((l) => id64(l.ID)) };
  }

  // --- cluster ---------------------------------------------------------------------------------

  async memberList(opts: { linearizable?: boolean } & RequestOptions = {}): Promise<MemberListResponse> {
    const r = await this.call<{ header: PbHeader | null; members: PbMember[] }>('Cluster', 'MemberList', { linearizable: opts.linearizable === true }, false, opts);
    return { header: header(r.header), members: (r.members ?? []).map(member) };
  }

  async memberAdd(peerUrls: readonly string[], opts: { learner?: boolean } & RequestOptions = {}): Promise<MemberAddResponse> {
    const r = await this.call<{ header: PbHeader | null; member: PbMember | null; members: PbMember[] }>('Cluster', 'MemberAdd', { peerURLs: peerUrls, isLearner: opts.learner === true }, true, opts);
    if (r.member === null || r.member === undefined) throw new KetchClientError('FAILED', 'member add response holds no member');
    return { header: header(r.header), member: member(r.member), members: (r.members ?? []).map(member) };
  }

  async memberRemove(id: MemberId, opts: RequestOptions = {}): Promise<MemberListResponse> {
    const r = await this.call<{ header: PbHeader | null; members: PbMember[] }>('Cluster', 'MemberRemove', { ID: wireId(id) }, true, opts);
    return { header: header(r.header), members: (r.members ?? []).map(member) };
  }

  async memberPromote(id: MemberId, opts: RequestOptions = {}): Promise<MemberListResponse> {
    const r = await this.call<{ header: PbHeader | null; members: PbMember[] }>('Cluster', 'MemberPromote', { ID: wireId(id) }, true, opts);
    return { header: header(r.header), members: (r.members ?? []).map(member) };
  }

  async memberUpdate(id: MemberId, peerUrls: readonly string[], opts: RequestOptions = {}): Promise<MemberListResponse> {
    const r = await this.call<{ header: PbHeader | null; members: PbMember[] }>('Cluster', 'MemberUpdate', { ID: wireId(id), peerURLs: peerUrls }, true, opts);
    return { header: header(r.header), members: (r.members ?? []).map(member) };
  }

  // --- maintenance -----------------------------------------------------------------------------

  /** The status of one member, asked at `endpoint` (host:port or URL; need not be in the list). */
  async status(endpoint: string, opts: RequestOptions = {}): Promise<StatusResponse> {
    return statusResponse(await this.call<PbStatusResponse>('Maintenance', 'Status', {}, false, { ...opts, endpoint: parseEndpoint(endpoint) }));
  }

  /** The cluster's active alarms (etcd's AlarmList): member id and alarm type ('NOSPACE', 'CORRUPT'). */
  async alarmList(opts: RequestOptions & { endpoint?: string } = {}): Promise<{ header: ResponseHeader; alarms: Array<{ memberId: bigint; alarm: string }> }> {
    const r = await this.call<{ header: PbHeader | null; alarms: Array<{ memberID: WireInt64; alarm: string }> }>(
      'Maintenance',
      'Alarm',
      { action: 'GET', memberID: 0, alarm: 'NONE' },
      false,
      opts.endpoint === undefined ? opts : { ...opts, endpoint: parseEndpoint(opts.endpoint) },
    );
    return { header: header(r.header), alarms: (r.alarms ?? []).map((a) => ({ memberId: id64(a.memberID), alarm: a.alarm })) };
  }

  /**
   * The current leader: its member id, and the endpoint to reach it (one of ours if it is among
   * them, else its first client URL from the member list). Asks every endpoint's Status.
   */
  async leader(opts: RequestOptions = {}): Promise<{ id: bigint; endpoint: string }> {
    const timeoutMs = opts.timeoutMs ?? this.requestTimeoutMs;
    const statuses = await Promise.allSettled(this.pool.addresses.map(async (a) => ({ endpoint: a, status: await this.status(a, { timeoutMs }) })));
    let leaderId = 0n;
    for (const s of statuses) {
      if (s.status !== 'fulfilled') continue;
      if (s.value.status.leader !== 0n && s.value.status.leader === s.value.status.header.memberId) return { id: s.value.status.leader, endpoint: s.value.endpoint };
      if (leaderId === 0n) leaderId = s.value.status.leader;
    }
    if (leaderId === 0n) {
      const failed = statuses.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      throw failed?.reason instanceof KetchClientError ? failed.reason : new KetchClientError('NO_LEADER', 'etcdserver: no leader');
    }
    const members = await this.memberList(opts);
    const url = members.members.find((m) => m.id === leaderId)?.clientUrls[0];
    if (url === undefined) throw new KetchClientError('NO_LEADER', `leader ${leaderId.toString(16)} has no client URL`);
    return { id: leaderId, endpoint: parseEndpoint(url) };
  }

  private cachedLeader(): Promise<string | undefined> {
    if (this.leaderEndpoint !== undefined) return Promise.resolve(this.leaderEndpoint);
    if (this.leaderProbe === undefined) {
      this.leaderProbe = this.leader({ timeoutMs: this.dialTimeoutMs })
        .then(
          (l) => (this.pool.addresses.includes(l.endpoint) ? l.endpoint : undefined),
          () => undefined,
        )
        .then((e) => {
          this.leaderEndpoint = e;
          this.leaderProbe = undefined;
          return e;
        });
    }
    return this.leaderProbe;
  }

  /** Hands leadership to member `targetId` (asked of the current leader, as etcdctl move-leader). */
  async moveLeader(targetId: MemberId, opts: RequestOptions = {}): Promise<{ header: ResponseHeader }> {
    const leader = await this.leader(opts);
    const r = await this.call<{ header: PbHeader | null }>('Maintenance', 'MoveLeader', { targetID: wireId(targetId) }, true, { ...opts, endpoint: leader.endpoint });
    this.leaderEndpoint = undefined;
    return { header: header(r.header) };
  }

  /**
   * A copy of one member's backend, streamed. The stream errors with a KetchClientError if the
   * transfer breaks (it is never resumed from another member: the images differ).
   */
  snapshot(opts: SnapshotOptions = {}): Readable {
    const out = new PassThrough();
    void (async () => {
      const conn =
        opts.endpoint !== undefined
          ? this.pool.get(opts.endpoint)
          : await connectForStream(this.pool, this.dialTimeoutMs, () => false, Date.now() + this.requestTimeoutMs);
      if (conn === undefined || !(await conn.waitReady(Date.now() + this.requestTimeoutMs))) {
        out.destroy(new KetchClientError('UNAVAILABLE', 'context deadline exceeded'));
        return;
      }
      const client = conn.clients.Maintenance as unknown as { Snapshot(req: unknown, md: grpc.Metadata): grpc.ClientReadableStream<{ blob: Buffer }> };
      const call = client.Snapshot({}, new grpc.Metadata());
      call.on('data', (msg: { blob: Buffer }) => {
        if (msg.blob !== undefined && msg.blob.length > 0 && !out.write(msg.blob)) {
          call.pause();
          out.once('drain', () => call.resume());
        }
      });
      call.on('end', () => out.end());
      call.on('error', (err) => out.destroy(classifyAttempt(err, conn.address, false).error));
      out.on('close', () => call.cancel());
    })().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
    return out;
  }

  /** The whole snapshot in memory. */
  async snapshotBuffer(opts: SnapshotOptions = {}): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.snapshot(opts)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  // --- watch -----------------------------------------------------------------------------------

  /** Watches a key or range; see Watcher. Resumes on another endpoint if its stream breaks. */
  watch(key: Bytes, opts: WatchOptions = {}): Watcher {
    return this.watches.watch(key, opts);
  }

  /** Asks for a progress notification on every open watch. */
  requestProgress(): void {
    this.watches.requestProgress();
  }

  /** Closes every stream and connection; pending and later requests fail with CLOSED. */
  close(): void {
    this.watches.close();
    this.keepAlives.close();
    this.pool.close();
  }
}
