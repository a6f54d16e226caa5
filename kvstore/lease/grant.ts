import { randomBytes } from 'node:crypto';
import { LeaseError, LeaseErrorCode } from './errors.js';

/** The lease id meaning "no lease" (a key's `lease` field, a grant's "pick one for me"). */
export const NO_LEASE = 0;

/** The largest TTL a grant may ask for (etcd's lease.MaxLeaseTTL). */
export const MAX_LEASE_TTL_SECONDS = 9_000_000_000;

/** Lease ids are positive integers below 2^53, so they survive as JS numbers everywhere. */
export function isValidLeaseId(id: number): boolean {
  return Number.isSafeInteger(id) && id > 0;
}

/**
 * Checks what a grant asks for; the lessor applies the same checks, so a proposer may call this to
 * reject bad input before proposing. A TTL below the minimum is not an error: it is raised.
 */
export function validateGrant(id: number, ttlSeconds: number): void {
  if (!isValidLeaseId(id)) {
    throw new LeaseError(LeaseErrorCode.INVALID_ID, `lease id ${id} is not a positive integer below 2^53`);
  }
  if (Number.isNaN(ttlSeconds) || (Number.isFinite(ttlSeconds) && !Number.isInteger(ttlSeconds))) {
    throw new LeaseError(LeaseErrorCode.INVALID_TTL, `lease TTL ${ttlSeconds} is not a whole number of seconds`);
  }
  if (ttlSeconds > MAX_LEASE_TTL_SECONDS) {
    throw new LeaseError(LeaseErrorCode.TTL_TOO_LARGE, `lease TTL ${ttlSeconds}s exceeds ${MAX_LEASE_TTL_SECONDS}s`);
  }
}

/**
 * The smallest TTL granted: a lease must outlive a leader election, or a leader change alone could
 * expire it. As etcd: ceil(((3 * electionTicks) / 2, in integer division) * heartbeatMs / 1000).
 */
export function minLeaseTtlSeconds(electionTicks: number, heartbeatMs: number): number {
  return Math.ceil((Math.floor((3 * electionTicks) / 2) * heartbeatMs) / 1000);
}

const ID_BITS_MASK = (1n << 53n) - 1n;

/**
 * A random lease id for a grant that asked for id 0. The proposer picks it before proposing, so that
 * applying the grant is deterministic on every member (etcd takes it from the request id generator).
 * `random(n)` returns n random bytes; it defaults to the system CSPRNG.
 */
export function randomLeaseId(random: (n: number) => Uint8Array = randomBytes): number {
  for (;;) {
    const bytes = random(8);
    let v = 0n;
    for (const byte of bytes.subarray(0, 8)) v = (v << 8n) | BigInt(byte);
    const id = Number(v & ID_BITS_MASK);
    if (id !== NO_LEASE) return id;
  }
}
