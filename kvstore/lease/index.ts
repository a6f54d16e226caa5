/**
 * kvstore/lease: the lessor. Leases are granted and revoked through Raft (the apply loop calls the
 * lessor on every member); only the leader's lessor tracks expiry, renews on keep-alive, and hands
 * out expired leases for the leader to propose revoking. Transport-free; the clock is injected.
 */
export {
  Lessor,
  SILENT_LEASE_LOGGER,
  EXPIRY_CHECK_INTERVAL_MS,
  DEFAULT_REVOKE_RATE_PER_SECOND,
  DEFAULT_EXPIRED_RETRY_INTERVAL_MS,
  type LessorOptions,
  type LeaseLogger,
  type LeaseCheckpoint,
  type TimeToLive,
  type LeaseChange,
  type LeaseObserver,
  type KeyDeleter,
} from './lessor.js';
export { type LeaseRecord } from './lease.js';
export { NO_LEASE, MAX_LEASE_TTL_SECONDS, isValidLeaseId, validateGrant, minLeaseTtlSeconds, randomLeaseId } from './grant.js';
export { storeKeyDeleter, leasedKeys } from './store_bridge.js';
export { LeaseError, LeaseErrorCode, LEASE_WIRE_ERRORS, GrpcStatus, type EtcdWireError } from './errors.js';
