import { KetchClientError } from './errors.js';
import type {
  Bytes,
  DeleteOptions,
  DeleteResponse,
  GetOptions,
  GetResponse,
  KeyValue,
  LeaseId,
  Member,
  PutOptions,
  PutResponse,
  RangeOptions,
  ResponseHeader,
  ResponseOp,
  StatusResponse,
  TxnResponse,
} from './types.js';
import {
  id64,
  num,
  wireId,
  type PbDeleteRangeResponse,
  type PbHeader,
  type PbKeyValue,
  type PbMember,
  type PbPutResponse,
  type PbRangeResponse,
  type PbResponseOp,
  type PbStatusResponse,
  type PbTxnResponse,
} from './wire.js';

const EMPTY = Buffer.alloc(0);
const ZERO_KEY = Buffer.from([0]);

export function toBuffer(b: Bytes): Buffer {
  if (typeof b === 'string') return Buffer.from(b, 'utf8');
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** The smallest key after every key with this prefix (etcd's GetPrefixRangeEnd); "\0" (all keys) if none. */
export function prefixEnd(prefix: Uint8Array): Buffer {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const b = prefix[i]!;
    if (b < 0xff) {
      const end = Buffer.from(prefix.subarray(0, i + 1));
      end[i] = b + 1;
      return end;
    }
  }
  return ZERO_KEY;
}

/** A key range on the wire. range_end is left out when empty: protobufjs would send an explicitly
 * empty bytes field, which etcd (unlike ketch) reads as "no upper bound" rather than "one key". */
export interface WireKeyRange {
  key: Buffer;
  range_end?: Buffer;
}

/** key and range_end for a range request, as clientv3's WithPrefix / WithFromKey / WithRange set them. */
export function keyRange(key: Bytes, opts: RangeOptions): WireKeyRange {
  let k = toBuffer(key);
  const set = (opts.prefix === true ? 1 : 0) + (opts.fromKey === true ? 1 : 0) + (opts.rangeEnd !== undefined ? 1 : 0);
  if (set > 1) throw new KetchClientError('INVALID_ARGUMENT', 'only one of prefix, fromKey and rangeEnd may be given');
  if (opts.prefix === true) {
    if (k.length === 0) return { key: ZERO_KEY, range_end: ZERO_KEY };
    return { key: k, range_end: prefixEnd(k) };
  }
  if (opts.fromKey === true) {
    if (k.length === 0) k = ZERO_KEY;
    return { key: k, range_end: ZERO_KEY };
  }
  const end = opts.rangeEnd === undefined ? EMPTY : toBuffer(opts.rangeEnd);
  return end.length === 0 ? { key: k } : { key: k, range_end: end };
}

function nonNegative(name: string, v: number | undefined): number {
  if (v === undefined) return 0;
  if (!Number.isSafeInteger(v) || v < 0) throw new KetchClientError('INVALID_ARGUMENT', `${name} must be a non-negative integer, got ${String(v)}`);
  return v;
}

const SORT_TARGET = { key: 'KEY', version: 'VERSION', create: 'CREATE', mod: 'MOD', value: 'VALUE' } as const;
const SORT_ORDER = { none: 'NONE', ascend: 'ASCEND', descend: 'DESCEND' } as const;

export function rangeRequest(key: Bytes, opts: GetOptions = {}): Record<string, unknown> {
  const target = opts.sort?.target ?? 'key';
  let order = opts.sort?.order ?? 'none';
  // clientv3's WithSort: ascending by key is what the server does anyway.
  if (target === 'key' && order === 'ascend') order = 'none';
  return {
    ...keyRange(key, opts),
    limit: nonNegative('limit', opts.limit),
    revision: nonNegative('revision', opts.revision),
    sort_order: SORT_ORDER[order],
    sort_target: SORT_TARGET[target],
    serializable: opts.serializable === true,
    keys_only: opts.keysOnly === true,
    count_only: opts.countOnly === true,
    min_mod_revision: nonNegative('minModRevision', opts.minModRevision),
    max_mod_revision: nonNegative('maxModRevision', opts.maxModRevision),
    min_create_revision: nonNegative('minCreateRevision', opts.minCreateRevision),
    max_create_revision: nonNegative('maxCreateRevision', opts.maxCreateRevision),
  };
}

export function putRequest(key: Bytes, value: Bytes, opts: PutOptions = {}): Record<string, unknown> {
  return {
    key: toBuffer(key),
    value: toBuffer(value),
    lease: wireId(opts.lease ?? 0),
    prev_kv: opts.prevKv === true,
    ignore_value: opts.ignoreValue === true,
    ignore_lease: opts.ignoreLease === true,
  };
}

export function deleteRequest(key: Bytes, opts: DeleteOptions = {}): Record<string, unknown> {
  return { ...keyRange(key, opts), prev_kv: opts.prevKv === true };
}

export function leaseIdArg(id: LeaseId): string | number {
  if (typeof id === 'number' && !Number.isSafeInteger(id)) throw new KetchClientError('INVALID_ARGUMENT', `lease id ${id} is not an integer`);
  return wireId(id);
}

// --- responses -------------------------------------------------------------------------------

const NO_HEADER: ResponseHeader = { clusterId: 0n, memberId: 0n, revision: 0, raftTerm: 0 };

export function header(h: PbHeader | null | undefined): ResponseHeader {
  if (h === null || h === undefined) return NO_HEADER;
  return { clusterId: id64(h.cluster_id), memberId: id64(h.member_id), revision: num(h.revision), raftTerm: num(h.raft_term) };
}

export function keyValue(kv: PbKeyValue): KeyValue {
  return {
    key: kv.key ?? EMPTY,
    value: kv.value ?? EMPTY,
    createRevision: num(kv.create_revision),
    modRevision: num(kv.mod_revision),
    version: num(kv.version),
    lease: id64(kv.lease),
  };
}

export function getResponse(r: PbRangeResponse): GetResponse {
  return { header: header(r.header), kvs: (r.kvs ?? []).map(keyValue), more: r.more === true, count: num(r.count) };
}

export function putResponse(r: PbPutResponse): PutResponse {
  const h = header(r.header);
  return r.prev_kv === null || r.prev_kv === undefined ? { header: h } : { header: h, prevKv: keyValue(r.prev_kv) };
}

export function deleteResponse(r: PbDeleteRangeResponse): DeleteResponse {
  return { header: header(r.header), deleted: num(r.deleted), prevKvs: (r.prev_kvs ?? []).map(keyValue) };
}

function responseOp(r: PbResponseOp): ResponseOp {
  if (r.response_range != null) return { type: 'range', response: getResponse(r.response_range) };
  if (r.response_put != null) return { type: 'put', response: putResponse(r.response_put) };
  if (r.response_delete_range != null) return { type: 'delete', response: deleteResponse(r.response_delete_range) };
  if (r.response_txn != null) return { type: 'txn', response: txnResponse(r.response_txn) };
  throw new KetchClientError('FAILED', 'txn response holds an empty ResponseOp');
}

export function txnResponse(r: PbTxnResponse): TxnResponse {
  return { header: header(r.header), succeeded: r.succeeded === true, responses: (r.responses ?? []).map(responseOp) };
}

export function member(m: PbMember): Member {
  return { id: id64(m.ID), name: m.name ?? '', peerUrls: m.peerURLs ?? [], clientUrls: m.clientURLs ?? [], isLearner: m.isLearner === true };
}

export function statusResponse(r: PbStatusResponse): StatusResponse {
  return {
    header: header(r.header),
    version: r.version ?? '',
    dbSize: num(r.dbSize),
    leader: id64(r.leader),
    raftIndex: num(r.raftIndex),
    raftTerm: num(r.raftTerm),
    raftAppliedIndex: num(r.raftAppliedIndex),
    errors: r.errors ?? [],
    dbSizeInUse: num(r.dbSizeInUse),
    isLearner: r.isLearner === true,
  };
}
