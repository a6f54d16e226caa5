import { MvccError, MvccErrorCode } from './errors.js';
import { keyString, type MvccStore, type WriteTxn } from './store.js';
import type {
  Compare,
  DeleteRangeRequest,
  KeyValue,
  PutRequest,
  RangeRequest,
  RequestOp,
  ResponseOp,
  TxnRequest,
  TxnResponse,
} from './types.js';

/** What the transaction layer needs from the lessor: whether a lease exists, and key attachment. */
export interface LeaseHooks {
  exists(leaseId: number): boolean;
  attach(leaseId: number, key: Uint8Array): void;
  detach(leaseId: number, key: Uint8Array): void;
}

export const NO_LEASES: LeaseHooks = { exists: () => false, attach() {}, detach() {} };

/**
 * A tree of branch decisions: for a txn, whether its compares succeeded, then (in op order) the
 * paths of the nested txns in the chosen branch.
 */
interface TxnPath {
  readonly succeeded: boolean;
  readonly nested: TxnPath[];
}

type ReadFn = (key: Uint8Array, rangeEnd: Uint8Array | undefined) => KeyValue[];

/**
 * Applies a transaction as etcd does: every compare on the chosen path (nested ones included) is
 * evaluated against the state before the transaction, the chosen requests are checked (leases exist,
 * keys exist for ignore_value/ignore_lease, read revisions valid) and only then executed, all in one
 * write transaction that takes a single revision.
 */
export function applyTxn(store: MvccStore, req: TxnRequest, leases: LeaseHooks): TxnResponse {
  const read: ReadFn = (key, rangeEnd) => store.range(key, rangeEnd === undefined ? {} : { rangeEnd }).kvs;
  const path = compareToPath(read, req);
  checkRequests(store, req, path, leases);
  const w = store.write();
  try {
    return executeTxn(w, req, path, leases);
  } finally {
    w.end();
  }
}

/** A single put as its own transaction. */
export function applyPut(store: MvccStore, req: PutRequest, leases: LeaseHooks): { prevKv?: KeyValue; revision: number } {
  checkPut(store, req, leases);
  const w = store.write();
  const res = executePut(w, req, leases);
  w.end();
  return { ...(res.prevKv === undefined ? {} : { prevKv: res.prevKv }), revision: w.revision };
}

/** A single delete-range as its own transaction. */
export function applyDeleteRange(store: MvccStore, req: DeleteRangeRequest, leases: LeaseHooks): { deleted: number; prevKvs: KeyValue[]; revision: number } {
  const w = store.write();
  const res = executeDelete(w, req, leases);
  w.end();
  return { ...res, revision: res.deleted > 0 ? w.revision : store.currentRevision };
}

function compareToPath(read: ReadFn, req: TxnRequest): TxnPath {
  const succeeded = req.compare.every((c) => applyCompare(read, c));
  const nested: TxnPath[] = [];
  for (const op of succeeded ? req.success : req.failure) {
    if (op.type === 'txn') nested.push(compareToPath(read, op.request));
  }
  return { succeeded, nested };
}

function applyCompare(read: ReadFn, c: Compare): boolean {
  const kvs = read(c.key, c.rangeEnd);
  if (kvs.length === 0) {
    // A value compare on a missing key always fails: there is no way to express "missing" as a value.
    if (c.target === 'value') return false;
    return compareKv(c, undefined);
  }
  return kvs.every((kv) => compareKv(c, kv));
}

function compareKv(c: Compare, kv: KeyValue | undefined): boolean {
  let result: number;
  switch (c.target) {
    case 'value':
      result = Buffer.compare(kv?.value ?? EMPTY, c.value ?? EMPTY);
      break;
    case 'create':
      result = Math.sign((kv?.createRevision ?? 0) - (c.number ?? 0));
      break;
    case 'mod':
      result = Math.sign((kv?.modRevision ?? 0) - (c.number ?? 0));
      break;
    case 'version':
      result = Math.sign((kv?.version ?? 0) - (c.number ?? 0));
      break;
    case 'lease':
      result = Math.sign((kv?.lease ?? 0) - (c.number ?? 0));
      break;
  }
  switch (c.result) {
    case 'equal':
      return result === 0;
    case 'notEqual':
      return result !== 0;
    case 'greater':
      return result > 0;
    case 'less':
      return result < 0;
  }
}

function checkRequests(store: MvccStore, req: TxnRequest, path: TxnPath, leases: LeaseHooks): void {
  let nestedAt = 0;
  for (const op of path.succeeded ? req.success : req.failure) {
    switch (op.type) {
      case 'put':
        checkPut(store, op.request, leases);
        break;
      case 'range':
        checkRange(store, op.request);
        break;
      case 'deleteRange':
        break;
      case 'txn':
        checkRequests(store, op.request, path.nested[nestedAt++] as TxnPath, leases);
        break;
    }
  }
}

function checkPut(store: MvccStore, req: PutRequest, leases: LeaseHooks): void {
  if (req.ignoreValue || req.ignoreLease) {
    if (store.range(req.key).kvs.length === 0) throw new MvccError(MvccErrorCode.KEY_NOT_FOUND, 'etcdserver: key not found');
  }
  const lease = req.lease ?? 0;
  if (lease !== 0 && !req.ignoreLease && !leases.exists(lease)) {
    throw new MvccError(MvccErrorCode.LEASE_NOT_FOUND, 'etcdserver: requested lease not found');
  }
}

function checkRange(store: MvccStore, req: RangeRequest): void {
  const rev = req.revision ?? 0;
  if (rev > store.currentRevision) throw new MvccError(MvccErrorCode.FUTURE_REVISION, 'mvcc: required revision is a future revision');
  if (rev > 0 && rev < store.compactRevision) throw new MvccError(MvccErrorCode.COMPACTED, 'mvcc: required revision has been compacted');
}

function executeTxn(w: WriteTxn, req: TxnRequest, path: TxnPath, leases: LeaseHooks): TxnResponse {
  const responses: ResponseOp[] = [];
  let nestedAt = 0;
  for (const op of path.succeeded ? req.success : req.failure) {
    responses.push(executeOp(w, op, leases, () => path.nested[nestedAt++] as TxnPath));
  }
  return { succeeded: path.succeeded, responses };
}

function executeOp(w: WriteTxn, op: RequestOp, leases: LeaseHooks, nextPath: () => TxnPath): ResponseOp {
  switch (op.type) {
    case 'range': {
      const { key, ...options } = op.request;
      return { type: 'range', response: w.range(key, options) };
    }
    case 'put':
      return { type: 'put', response: executePut(w, op.request, leases) };
    case 'deleteRange':
      return { type: 'deleteRange', response: executeDelete(w, op.request, leases) };
    case 'txn':
      return { type: 'txn', response: executeTxn(w, op.request, nextPath(), leases) };
  }
}

function executePut(w: WriteTxn, req: PutRequest, leases: LeaseHooks): { prevKv?: KeyValue } {
  const prev = w.get(req.key);
  const value = req.ignoreValue ? (prev?.value ?? EMPTY) : req.value;
  const lease = req.ignoreLease ? (prev?.lease ?? 0) : (req.lease ?? 0);
  w.put(req.key, value, lease);
  if (prev !== undefined && prev.lease !== 0 && prev.lease !== lease) leases.detach(prev.lease, req.key);
  if (lease !== 0) leases.attach(lease, req.key);
  return req.prevKv && prev !== undefined ? { prevKv: prev } : {};
}

function executeDelete(w: WriteTxn, req: DeleteRangeRequest, leases: LeaseHooks): { deleted: number; prevKvs: KeyValue[] } {
  const res = w.deleteRange(req.key, req.rangeEnd);
  for (const kv of res.prevKvs) if (kv.lease !== 0) leases.detach(kv.lease, kv.key);
  return { deleted: res.deleted, prevKvs: req.prevKv ? res.prevKvs : [] };
}

const EMPTY = new Uint8Array(0);

/** Limits checked before a request is proposed, as etcd's API layer does. */
export interface RequestLimits {
  /** Maximum operations per txn branch and compares per txn (etcd's --max-txn-ops, default 128). */
  readonly maxTxnOps: number;
}

/** Validates a txn before it is proposed: key presence, op counts, ignore flags, duplicate keys. */
export function validateTxn(req: TxnRequest, limits: RequestLimits): void {
  checkTxnShape(req, limits);
  checkIntervals(req.success);
  checkIntervals(req.failure);
}

export function validatePut(req: PutRequest): void {
  if (req.key.length === 0) throw new MvccError(MvccErrorCode.KEY_NOT_PROVIDED, 'etcdserver: key is not provided');
  if (req.ignoreValue && req.value.length !== 0) throw new MvccError(MvccErrorCode.VALUE_PROVIDED, 'etcdserver: value is provided');
  if (req.ignoreLease && (req.lease ?? 0) !== 0) throw new MvccError(MvccErrorCode.LEASE_PROVIDED, 'etcdserver: lease is provided');
}

export function validateKey(key: Uint8Array): void {
  if (key.length === 0) throw new MvccError(MvccErrorCode.KEY_NOT_PROVIDED, 'etcdserver: key is not provided');
}

function checkTxnShape(req: TxnRequest, limits: RequestLimits): void {
  if (req.compare.length > limits.maxTxnOps || req.success.length > limits.maxTxnOps || req.failure.length > limits.maxTxnOps) {
    throw new MvccError(MvccErrorCode.TOO_MANY_OPS, 'etcdserver: too many operations in txn request');
  }
  for (const c of req.compare) validateKey(c.key);
  for (const op of [...req.success, ...req.failure]) {
    switch (op.type) {
      case 'range':
        validateKey(op.request.key);
        break;
      case 'put':
        validatePut(op.request);
        break;
      case 'deleteRange':
        validateKey(op.request.key);
        break;
      case 'txn':
        checkTxnShape(op.request, limits);
        break;
    }
  }
}

interface Interval {
  readonly lo: string;
  /** undefined: a single point. */
  readonly hi: string | undefined;
}

function intersects(dels: readonly Interval[], k: string): boolean {
  return dels.some((d) => (d.hi === undefined ? d.lo === k : d.lo <= k && k < d.hi));
}

/**
 * etcd's duplicate-key rule: within one branch, a key may be written once, and not both put and
 * deleted; a put in a nested txn's success and the same put in its failure is fine (only one runs).
 */
function checkIntervals(reqs: readonly RequestOp[]): { puts: Set<string>; dels: Interval[] } {
  const dup = (): never => {
    throw new MvccError(MvccErrorCode.DUPLICATE_KEY, 'etcdserver: duplicate key given in txn request');
  };
  const dels: Interval[] = [];
  for (const op of reqs) {
    if (op.type !== 'deleteRange') continue;
    const r = op.request;
    dels.push({ lo: keyString(r.key), hi: r.rangeEnd !== undefined && r.rangeEnd.length > 0 ? keyString(r.rangeEnd) : undefined });
  }
  const puts = new Set<string>();
  for (const op of reqs) {
    if (op.type !== 'txn') continue;
    const then = checkIntervals(op.request.success);
    const otherwise = checkIntervals(op.request.failure);
    for (const k of then.puts) {
      if (puts.has(k) || intersects(dels, k)) dup();
      puts.add(k);
    }
    for (const k of otherwise.puts) {
      if (puts.has(k) && !then.puts.has(k)) dup();
      if (intersects(dels, k)) dup();
      puts.add(k);
    }
    dels.push(...then.dels, ...otherwise.dels);
  }
  for (const op of reqs) {
    if (op.type !== 'put') continue;
    const k = keyString(op.request.key);
    if (puts.has(k) || intersects(dels, k)) dup();
    puts.add(k);
  }
  return { puts, dels };
}
