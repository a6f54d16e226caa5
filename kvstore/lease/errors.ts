/**
 * The lessor's error catalog. Codes are stable strings that callers and tests match on; a code is
 * never reused for another meaning. Each code also names what etcd sends on the wire for it (gRPC
 * status and exact message), so kvstore/server can answer as etcd does and clients recognise it.
 */
export const LeaseErrorCode = {
  /** No lease with that id ("etcdserver: requested lease not found", NOT_FOUND). */
  NOT_FOUND: 'LEASE_NOT_FOUND',
  /** A grant names an id that is already granted ("etcdserver: lease already exists"). */
  EXISTS: 'LEASE_EXISTS',
  /** A grant asks for more than MAX_LEASE_TTL_SECONDS ("etcdserver: too large lease TTL"). */
  TTL_TOO_LARGE: 'LEASE_TTL_TOO_LARGE',
  /**
   * A leader-only operation (renew, time-to-live) on a member that is not the primary lessor. etcd
   * forwards these to the leader instead of answering; if the server cannot, "etcdserver: not leader".
   */
  NOT_PRIMARY: 'LEASE_NOT_PRIMARY',
  /**
   * Renew of a lease past its expiry whose revoke is not applied yet. etcd waits for the revoke and
   * then answers "requested lease not found" (a keep-alive then reports TTL 0).
   */
  EXPIRED: 'LEASE_EXPIRED',
  /** A lease id that is not a positive safe integer (0 is "no lease"). ketch-specific. */
  INVALID_ID: 'LEASE_INVALID_ID',
  /** A TTL that is not an integer. ketch-specific (etcd's TTL is an int64). */
  INVALID_TTL: 'LEASE_INVALID_TTL',
} as const;

export type LeaseErrorCode = (typeof LeaseErrorCode)[keyof typeof LeaseErrorCode];

/** gRPC status codes used by the catalog (google.rpc.Code numbers). */
export const GrpcStatus = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  FAILED_PRECONDITION: 9,
  OUT_OF_RANGE: 11,
  UNAVAILABLE: 14,
} as const;

export type GrpcStatus = (typeof GrpcStatus)[keyof typeof GrpcStatus];

export interface EtcdWireError {
  readonly grpcStatus: GrpcStatus;
  /** The exact message etcd sends (api/v3rpc/rpctypes/error.go), or ketch's own where etcd has none. */
  readonly message: string;
}

/** What etcd sends for each code (etcd: lease.Err* → rpctypes.ErrGRPC* in v3rpc/util.go). */
export const LEASE_WIRE_ERRORS: Readonly<Record<LeaseErrorCode, EtcdWireError>> = {
  [LeaseErrorCode.NOT_FOUND]: { grpcStatus: GrpcStatus.NOT_FOUND, message: 'etcdserver: requested lease not found' },
  [LeaseErrorCode.EXISTS]: { grpcStatus: GrpcStatus.FAILED_PRECONDITION, message: 'etcdserver: lease already exists' },
  [LeaseErrorCode.TTL_TOO_LARGE]: { grpcStatus: GrpcStatus.OUT_OF_RANGE, message: 'etcdserver: too large lease TTL' },
  [LeaseErrorCode.NOT_PRIMARY]: { grpcStatus: GrpcStatus.UNAVAILABLE, message: 'etcdserver: not leader' },
  [LeaseErrorCode.EXPIRED]: { grpcStatus: GrpcStatus.NOT_FOUND, message: 'etcdserver: requested lease not found' },
  [LeaseErrorCode.INVALID_ID]: { grpcStatus: GrpcStatus.INVALID_ARGUMENT, message: 'etcdserver: invalid lease ID' },
  [LeaseErrorCode.INVALID_TTL]: { grpcStatus: GrpcStatus.INVALID_ARGUMENT, message: 'etcdserver: invalid lease TTL' },
};

export class LeaseError extends Error {
  readonly code: LeaseErrorCode;
  constructor(code: LeaseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LeaseError';
    this.code = code;
  }

  /** The gRPC status and exact etcd message for this error. */
  get wire(): EtcdWireError {
    return LEASE_WIRE_ERRORS[this.code];
  }
}
