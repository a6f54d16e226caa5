import type {
  Compare,
  DeleteRangeRequest,
  KeyValue,
  PutRequest,
  RangeRequest,
  RequestOp,
  ResponseOp,
  SortOrder,
  SortTarget,
  TxnRequest,
  TxnResponse,
} from '../mvcc/index.js';

/**
 * Conversions between the etcd v3 wire messages (as @grpc/proto-loader decodes them: snake_case,
 * enums as names, bytes as Buffers, int64 as numbers) and the MVCC store's types.
 */

export interface PbHeader {
  cluster_id: number;
  member_id: number;
  revision: number;
  raft_term: number;
}

export interface PbKeyValue {
  key: Buffer;
  create_revision: number;
  mod_revision: number;
  version: number;
  value: Buffer;
  lease: number;
}

const EMPTY = Buffer.alloc(0);

export function toPbKv(kv: KeyValue): PbKeyValue {
  return {
    key: asBuffer(kv.key),
    create_revision: kv.createRevision,
    mod_revision: kv.modRevision,
    version: kv.version,
    value: asBuffer(kv.value),
    lease: kv.lease,
  };
}

export function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/** An optional bytes field: proto3 has no presence, so empty means unset. */
function optBytes(b: Buffer | undefined): Uint8Array | undefined {
  return b === undefined || b.length === 0 ? undefined : b;
}

interface PbRangeRequest {
  key: Buffer;
  range_end: Buffer;
  limit: number;
  revision: number;
  sort_order: string;
  sort_target: string;
  serializable: boolean;
  keys_only: boolean;
  count_only: boolean;
  min_mod_revision: number;
  max_mod_revision: number;
  min_create_revision: number;
  max_create_revision: number;
}

export function fromPbRange(r: PbRangeRequest): RangeRequest & { serializable: boolean } {
  const rangeEnd = optBytes(r.range_end);
  return {
    key: r.key ?? EMPTY,
    ...(rangeEnd === undefined ? {} : { rangeEnd }),
    limit: r.limit ?? 0,
    revision: r.revision ?? 0,
    sortOrder: ((r.sort_order ?? 'NONE').toLowerCase() as SortOrder) ?? 'none',
    sortTarget: (r.sort_target ?? 'KEY').toLowerCase() as SortTarget,
    serializable: r.serializable ?? false,
    keysOnly: r.keys_only ?? false,
    countOnly: r.count_only ?? false,
    minModRevision: r.min_mod_revision ?? 0,
    maxModRevision: r.max_mod_revision ?? 0,
    minCreateRevision: r.min_create_revision ?? 0,
    maxCreateRevision: r.max_create_revision ?? 0,
  };
}

interface PbPutRequest {
  key: Buffer;
  value: Buffer;
  lease: number;
  prev_kv: boolean;
  ignore_value: boolean;
  ignore_lease: boolean;
}

export function fromPbPut(r: PbPutRequest): PutRequest {
  return {
    key: r.key ?? EMPTY,
    value: r.value ?? EMPTY,
    lease: r.lease ?? 0,
    prevKv: r.prev_kv ?? false,
    ignoreValue: r.ignore_value ?? false,
    ignoreLease: r.ignore_lease ?? false,
  };
}

interface PbDeleteRangeRequest {
  key: Buffer;
  range_end: Buffer;
  prev_kv: boolean;
}

export function fromPbDelete(r: PbDeleteRangeRequest): DeleteRangeRequest {
  const rangeEnd = optBytes(r.range_end);
  return { key: r.key ?? EMPTY, ...(rangeEnd === undefined ? {} : { rangeEnd }), prevKv: r.prev_kv ?? false };
}

interface PbCompare {
  result: string;
  target: string;
  key: Buffer;
  target_union?: string;
  version?: number;
  create_revision?: number;
  mod_revision?: number;
  value?: Buffer;
  lease?: number;
  range_end: Buffer;
}

const COMPARE_RESULT: Record<string, Compare['result']> = { EQUAL: 'equal', GREATER: 'greater', LESS: 'less', NOT_EQUAL: 'notEqual' };

function fromPbCompare(c: PbCompare): Compare {
  const target = (c.target ?? 'VERSION').toLowerCase() as Compare['target'];
  const rangeEnd = optBytes(c.range_end);
  const base = { key: c.key ?? EMPTY, ...(rangeEnd === undefined ? {} : { rangeEnd }), target, result: COMPARE_RESULT[c.result ?? 'EQUAL'] ?? 'equal' };
  switch (target) {
    case 'value':
      return { ...base, value: c.value ?? EMPTY };
    case 'version':
      return { ...base, number: c.version ?? 0 };
    case 'create':
      return { ...base, number: c.create_revision ?? 0 };
    case 'mod':
      return { ...base, number: c.mod_revision ?? 0 };
    case 'lease':
      return { ...base, number: c.lease ?? 0 };
  }
}

interface PbRequestOp {
  request?: string;
  request_range?: PbRangeRequest;
  request_put?: PbPutRequest;
  request_delete_range?: PbDeleteRangeRequest;
  request_txn?: PbTxnRequest;
}

export interface PbTxnRequest {
  compare: PbCompare[];
  success: PbRequestOp[];
  failure: PbRequestOp[];
}

function fromPbOp(op: PbRequestOp): RequestOp {
  if (op.request_range != null) {
    const { serializable: _s, ...request } = fromPbRange(op.request_range);
    return { type: 'range', request };
  }
  if (op.request_put != null) return { type: 'put', request: fromPbPut(op.request_put) };
  if (op.request_delete_range != null) return { type: 'deleteRange', request: fromPbDelete(op.request_delete_range) };
  if (op.request_txn != null) return { type: 'txn', request: fromPbTxn(op.request_txn) };
  // An empty RequestOp: etcd treats it as a range over the empty key, which fails validation.
  return { type: 'range', request: { key: EMPTY } };
}

export function fromPbTxn(t: PbTxnRequest): TxnRequest {
  return {
    compare: (t.compare ?? []).map(fromPbCompare),
    success: (t.success ?? []).map(fromPbOp),
    failure: (t.failure ?? []).map(fromPbOp),
  };
}

export function toPbTxnResponse(t: TxnResponse, header: PbHeader): Record<string, unknown> {
  // As etcd: the responses inside a txn carry only the revision in their headers.
  const inner = { revision: header.revision } as PbHeader;
  return { header, succeeded: t.succeeded, responses: t.responses.map((r) => toPbResponseOp(r, inner)) };
}

function toPbResponseOp(r: ResponseOp, header: PbHeader): Record<string, unknown> {
  switch (r.type) {
    case 'range':
      return { response_range: { header, kvs: r.response.kvs.map(toPbKv), more: r.response.more, count: r.response.count } };
    case 'put':
      return { response_put: { header, ...(r.response.prevKv === undefined ? {} : { prev_kv: toPbKv(r.response.prevKv) }) } };
    case 'deleteRange':
      return { response_delete_range: { header, deleted: r.response.deleted, prev_kvs: r.response.prevKvs.map(toPbKv) } };
    case 'txn':
      return { response_txn: { header, succeeded: r.response.succeeded, responses: r.response.responses.map((x) => toPbResponseOp(x, header)) } };
  }
}

/** Whether a txn only reads (etcd serves those without proposing, when every range is serializable). */
export function isReadOnlyTxn(t: TxnRequest): boolean {
  const ops = [...t.success, ...t.failure];
  return ops.every((op) => op.type === 'range' || (op.type === 'txn' && isReadOnlyTxn(op.request)));
}
