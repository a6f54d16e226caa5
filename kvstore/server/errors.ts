import { status as Status, type ServiceError, Metadata } from '@grpc/grpc-js';
import { LEASE_WIRE_ERRORS, LeaseError } from '../lease/index.js';
import { MvccError, MvccErrorCode } from '../mvcc/index.js';
import { StoreError, StoreErrorCode } from '../node/errors.js';
import { WatchError } from '../watch/errors.js';

/**
 * Every error a client can see, as etcd sends it: the gRPC status code and etcd's exact message
 * (etcd's rpctypes), so that etcd clients recognise and print them as they would etcd's.
 */
const MVCC: Record<MvccErrorCode, [Status, string]> = {
  [MvccErrorCode.COMPACTED]: [Status.OUT_OF_RANGE, 'etcdserver: mvcc: required revision has been compacted'],
  [MvccErrorCode.FUTURE_REVISION]: [Status.OUT_OF_RANGE, 'etcdserver: mvcc: required revision is a future revision'],
  [MvccErrorCode.KEY_NOT_PROVIDED]: [Status.INVALID_ARGUMENT, 'etcdserver: key is not provided'],
  [MvccErrorCode.LEASE_NOT_FOUND]: [Status.NOT_FOUND, 'etcdserver: requested lease not found'],
  [MvccErrorCode.TOO_MANY_OPS]: [Status.INVALID_ARGUMENT, 'etcdserver: too many operations in txn request'],
  [MvccErrorCode.DUPLICATE_KEY]: [Status.INVALID_ARGUMENT, 'etcdserver: duplicate key given in txn request'],
  [MvccErrorCode.KEY_NOT_FOUND]: [Status.INVALID_ARGUMENT, 'etcdserver: key not found'],
  [MvccErrorCode.VALUE_PROVIDED]: [Status.INVALID_ARGUMENT, 'etcdserver: value is provided'],
  [MvccErrorCode.LEASE_PROVIDED]: [Status.INVALID_ARGUMENT, 'etcdserver: lease is provided'],
  [MvccErrorCode.INTERNAL]: [Status.INTERNAL, 'etcdserver: internal error'],
};

const STORE: Record<StoreErrorCode, [Status, string] | undefined> = {
  [StoreErrorCode.TIMEOUT]: [Status.UNAVAILABLE, 'etcdserver: request timed out'],
  [StoreErrorCode.NO_LEADER]: [Status.UNAVAILABLE, 'etcdserver: no leader'],
  [StoreErrorCode.STOPPED]: [Status.UNAVAILABLE, 'etcdserver: server stopped'],
  [StoreErrorCode.REQUEST_TOO_LARGE]: [Status.INVALID_ARGUMENT, 'etcdserver: request is too large'],
  [StoreErrorCode.LEADER_CHANGED]: [Status.UNAVAILABLE, 'etcdserver: leader changed'],
  [StoreErrorCode.NO_SPACE]: [Status.RESOURCE_EXHAUSTED, 'etcdserver: mvcc: database space exceeded'],
  [StoreErrorCode.MEMBER]: undefined, // carries its own etcd message and status in the error
  [StoreErrorCode.CORRUPT]: undefined,
  [StoreErrorCode.DATA_DIR_MISMATCH]: undefined,
  [StoreErrorCode.BAD_CONFIG]: undefined,
};

/** A gRPC error with an explicit status (for membership and other request-specific errors). */
export class GrpcStatusError extends Error {
  constructor(
    readonly status: Status,
    message: string,
  ) {
    super(message);
    this.name = 'GrpcStatusError';
  }
}

export function toServiceError(err: unknown): Partial<ServiceError> {
  const [code, details] = classify(err);
  return { code, details, message: details, metadata: new Metadata() };
}

function classify(err: unknown): [Status, string] {
  if (err instanceof GrpcStatusError) return [err.status, err.message];
  if (err instanceof MvccError) return MVCC[err.code];
  if (err instanceof StoreError) {
    const m = STORE[err.code];
    if (m !== undefined) return m;
    return [Status.FAILED_PRECONDITION, err.message];
  }
  if (err instanceof LeaseError) return leaseStatus(err);
  if (err instanceof WatchError) return [Status.INVALID_ARGUMENT, err.message];
  return [Status.UNKNOWN, err instanceof Error ? err.message : String(err)];
}

function leaseStatus(err: LeaseError): [Status, string] {
  const wire = LEASE_WIRE_ERRORS[err.code];
  return [wire.grpcStatus as number as Status, wire.message];
}
