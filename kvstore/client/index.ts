/**
 * kvstore/client: ketch's etcd v3 client (works against a real etcd too): endpoint failover,
 * retries that are safe (reads; requests that never left), UNKNOWN_OUTCOME for writes that may
 * have been applied, watches that resume without gaps or duplicates, lease keep-alives.
 */
export { KetchClient, type KetchClientOptions, type RequestOptions, type SnapshotOptions } from './client.js';
export { ClientErrorCode, KetchClientError, isKetchClientError, DEADLINE_MESSAGE } from './errors.js';
export { Compare, Op, TxnBuilder, type CompareOperator, type Comparison, type Operation, type TxnSpec } from './txn.js';
export { Watcher } from './watch.js';
export { LeaseKeepAlive } from './lease_keepalive.js';
export { parseEndpoint } from './endpoints.js';
export { prefixEnd } from './convert.js';
export type * from './types.js';
