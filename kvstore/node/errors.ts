/**
 * The store member's error catalog. Codes are stable strings; kvstore/server maps the ones a client
 * can see to the gRPC status and message etcd would send.
 */
export const StoreErrorCode = {
  /** Persistent data is corrupt somewhere other than a torn tail: start-up stops. */
  CORRUPT: 'STORE_CORRUPT',
  /** The data directory belongs to another cluster or member. */
  DATA_DIR_MISMATCH: 'STORE_DATA_DIR_MISMATCH',
  /** The flags describe an impossible cluster (bad --initial-cluster, unknown --name, ...). */
  BAD_CONFIG: 'STORE_BAD_CONFIG',
  /** A proposal was not applied in time ("etcdserver: request timed out"). */
  TIMEOUT: 'STORE_TIMEOUT',
  /** No leader is known ("etcdserver: no leader"). */
  NO_LEADER: 'STORE_NO_LEADER',
  /** The member is stopping ("etcdserver: server stopped"). */
  STOPPED: 'STORE_STOPPED',
  /** A request exceeds --max-request-bytes ("etcdserver: request is too large"). */
  REQUEST_TOO_LARGE: 'STORE_REQUEST_TOO_LARGE',
  /** Leadership was lost while the request was in flight ("etcdserver: leader changed"). */
  LEADER_CHANGED: 'STORE_LEADER_CHANGED',
  /** A membership request that cannot be honoured (unknown member, not a learner, ...). */
  MEMBER: 'STORE_MEMBER',
  /** The backend quota is exhausted ("etcdserver: mvcc: database space exceeded"). */
  NO_SPACE: 'STORE_NO_SPACE',
} as const;

export type StoreErrorCode = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}
