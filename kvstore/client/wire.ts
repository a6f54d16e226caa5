import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoDir } from '../server/proto.js';

/**
 * The etcd v3 wire messages as the client decodes them. Unlike the server, the client leaves int64
 * fields as protobufjs Longs and converts each itself: revisions and counts to numbers, ids (lease,
 * member, cluster: full 64-bit on a real etcd) to exact bigints. On the way out, a bigint goes as its
 * decimal string, which protobufjs parses exactly.
 */
export type WireInt64 = { readonly low: number; readonly high: number; readonly unsigned?: boolean } | number | string;

/** An int64 that fits a double (revisions, counts, TTLs). */
export function num(v: WireInt64 | undefined | null): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Number(v);
  return (v.unsigned === true ? v.high >>> 0 : v.high) * 4294967296 + (v.low >>> 0);
}

/** A 64-bit id, exactly (etcd's lease ids are int64, member and cluster ids uint64). */
export function id64(v: WireInt64 | undefined | null): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'string') return BigInt(v);
  const bits = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return v.unsigned === true ? bits : BigInt.asIntN(64, bits);
}

/** A 64-bit id for a request field. */
export function wireId(v: bigint | number): string | number {
  return typeof v === 'bigint' ? v.toString() : v;
}

export interface PbHeader {
  cluster_id: WireInt64;
  member_id: WireInt64;
  revision: WireInt64;
  raft_term: WireInt64;
}

export interface PbKeyValue {
  key: Buffer;
  create_revision: WireInt64;
  mod_revision: WireInt64;
  version: WireInt64;
  value: Buffer;
  lease: WireInt64;
}

export interface PbRangeResponse {
  header: PbHeader | null;
  kvs: PbKeyValue[];
  more: boolean;
  count: WireInt64;
}

export interface PbPutResponse {
  header: PbHeader | null;
  prev_kv: PbKeyValue | null;
}

export interface PbDeleteRangeResponse {
  header: PbHeader | null;
  deleted: WireInt64;
  prev_kvs: PbKeyValue[];
}

export interface PbResponseOp {
  response?: 'response_range' | 'response_put' | 'response_delete_range' | 'response_txn';
  response_range?: PbRangeResponse | null;
  response_put?: PbPutResponse | null;
  response_delete_range?: PbDeleteRangeResponse | null;
  response_txn?: PbTxnResponse | null;
}

export interface PbTxnResponse {
  header: PbHeader | null;
  succeeded: boolean;
  responses: PbResponseOp[];
}

export interface PbEvent {
  type: 'PUT' | 'DELETE';
  kv: PbKeyValue | null;
  prev_kv: PbKeyValue | null;
}

export interface PbWatchResponse {
  header: PbHeader | null;
  watch_id: WireInt64;
  created: boolean;
  canceled: boolean;
  compact_revision: WireInt64;
  cancel_reason: string;
  fragment: boolean;
  events: PbEvent[];
}

export interface PbMember {
  ID: WireInt64;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

export interface PbStatusResponse {
  header: PbHeader | null;
  version: string;
  dbSize: WireInt64;
  leader: WireInt64;
  raftIndex: WireInt64;
  raftTerm: WireInt64;
  raftAppliedIndex: WireInt64;
  errors: string[];
  dbSizeInUse: WireInt64;
  isLearner: boolean;
}

/** The service clients one endpoint needs, over one shared channel. */
export interface EtcdServiceClients {
  readonly KV: grpc.Client;
  readonly Watch: grpc.Client;
  readonly Lease: grpc.Client;
  readonly Cluster: grpc.Client;
  readonly Maintenance: grpc.Client;
}

export type ServiceName = keyof EtcdServiceClients;

let constructors: Record<ServiceName, grpc.ServiceClientConstructor> | undefined;

function loadConstructors(): Record<ServiceName, grpc.ServiceClientConstructor> {
  if (constructors !== undefined) return constructors;
  const dir = protoDir();
  const def = protoLoader.loadSync(path.join(dir, 'rpc.proto'), {
    keepCase: true,
    enums: String,
    bytes: Buffer,
    defaults: true,
    oneofs: true,
    includeDirs: [dir],
  });
  const pkg = (grpc.loadPackageDefinition(def) as unknown as { etcdserverpb: Record<ServiceName, grpc.ServiceClientConstructor> }).etcdserverpb;
  constructors = { KV: pkg.KV, Watch: pkg.Watch, Lease: pkg.Lease, Cluster: pkg.Cluster, Maintenance: pkg.Maintenance };
  return constructors;
}

/** Service clients for `address` that all use `channel`. */
export function serviceClients(address: string, channel: grpc.Channel): EtcdServiceClients {
  const c = loadConstructors();
  const creds = grpc.credentials.createInsecure();
  const opts = { channelOverride: channel };
  return {
    KV: new c.KV(address, creds, opts),
    Watch: new c.Watch(address, creds, opts),
    Lease: new c.Lease(address, creds, opts),
    Cluster: new c.Cluster(address, creds, opts),
    Maintenance: new c.Maintenance(address, creds, opts),
  };
}
