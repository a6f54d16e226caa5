/** What is persisted of a lease (with the store state) and replicated in snapshots. */
export interface LeaseRecord {
  readonly id: number;
  /** The granted TTL (after raising to the minimum). */
  readonly ttlSeconds: number;
  /** The last checkpointed remaining TTL; 0 when unset (the full TTL applies). */
  readonly remainingTtlSeconds: number;
}

/** Expiry of a lease on a member that is not the primary lessor: it never expires there. */
export const FOREVER = Number.POSITIVE_INFINITY;

/**
 * One lease as the lessor holds it. `id`, `ttlSeconds`, `remainingTtlSeconds` and `keys` are
 * replicated state, identical on every member; `expiryMs` is the primary's wall-clock view only.
 */
export class Lease {
  /** Invariant: FOREVER on every member that is not the primary lessor. */
  expiryMs = FOREVER;
  remainingTtlSeconds = 0;
  /** Attached keys, as latin1 strings (see mvcc keyString), so that string order is byte order. */
  readonly keys = new Set<string>();

  constructor(
    readonly id: number,
    readonly ttlSeconds: number,
  ) {}

  /** The TTL a refresh counts from: the checkpointed remaining TTL if set, else the full TTL. */
  refreshTtlSeconds(): number {
    return this.remainingTtlSeconds > 0 ? this.remainingTtlSeconds : this.ttlSeconds;
  }

  /** Expiry := now + extend + TTL (the checkpointed remainder, if any). */
  refresh(nowMs: number, extendMs: number): void {
    this.expiryMs = nowMs + extendMs + this.refreshTtlSeconds() * 1000;
  }

  /** Remaining time in ms; Infinity when the lease does not expire here. */
  remainingMs(nowMs: number): number {
    return this.expiryMs - nowMs;
  }

  expired(nowMs: number): boolean {
    return this.remainingMs(nowMs) <= 0;
  }

  record(): LeaseRecord {
    return { id: this.id, ttlSeconds: this.ttlSeconds, remainingTtlSeconds: this.remainingTtlSeconds };
  }

  /** Attached keys in byte order, so that revokes delete in the same order on every member. */
  sortedKeys(): string[] {
    return [...this.keys].sort();
  }
}
