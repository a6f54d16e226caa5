/**
 * kvstore/mvcc: the multi-version key-value store (revisions, key index, range, put, delete, txn,
 * compaction). Pure and synchronous; the member's apply loop drives it and the backend persists it.
 */
export { MvccStore, WriteTxn, keyString, keyBytes, type CommitObserver } from './store.js';
export { KeyIndex } from './key_index.js';
export { type Revision, compareRevisions, encodeRevision, decodeRevision } from './revision.js';
export { MvccError, MvccErrorCode } from './errors.js';
export { applyTxn, applyPut, applyDeleteRange, validateTxn, validatePut, validateKey, NO_LEASES, type LeaseHooks, type RequestLimits } from './txn.js';
export * from './types.js';
