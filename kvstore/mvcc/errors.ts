/**
 * The MVCC store's error catalog. Codes are stable strings; kvstore/server maps each to the gRPC
 * status and message etcd sends, so etcd clients recognise them.
 */
export const MvccErrorCode = {
  /** The requested revision has been compacted ("mvcc: required revision has been compacted"). */
  COMPACTED: 'MVCC_COMPACTED',
  /** The requested revision is ahead of the store ("mvcc: required revision is a future revision"). */
  FUTURE_REVISION: 'MVCC_FUTURE_REVISION',
  /** The key is required but empty ("etcdserver: key is not provided"). */
  KEY_NOT_PROVIDED: 'MVCC_KEY_NOT_PROVIDED',
  /** A put references a lease that does not exist ("etcdserver: requested lease not found"). */
  LEASE_NOT_FOUND: 'MVCC_LEASE_NOT_FOUND',
  /** A txn has more operations than allowed ("etcdserver: too many operations in txn request"). */
  TOO_MANY_OPS: 'MVCC_TOO_MANY_OPS',
  /** A txn writes one key twice ("etcdserver: duplicate key given in txn request"). */
  DUPLICATE_KEY: 'MVCC_DUPLICATE_KEY',
  /** ignore_value / ignore_lease on a key that does not exist ("etcdserver: key not found"). */
  KEY_NOT_FOUND: 'MVCC_KEY_NOT_FOUND',
  /** put with ignore_value and a value ("etcdserver: value is provided"). */
  VALUE_PROVIDED: 'MVCC_VALUE_PROVIDED',
  /** put with ignore_lease and a lease ("etcdserver: lease is provided"). */
  LEASE_PROVIDED: 'MVCC_LEASE_PROVIDED',
  /** Compaction at a revision already compacted, or ahead of the store. */
  INTERNAL: 'MVCC_INTERNAL',
} as const;

export type MvccErrorCode = (typeof MvccErrorCode)[keyof typeof MvccErrorCode];

export class MvccError extends Error {
  readonly code: MvccErrorCode;
  constructor(code: MvccErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MvccError';
    this.code = code;
  }
}
