import { keyBytes, keyString, type LeaseHooks } from '../mvcc/index.js';
import { LeaseError, LeaseErrorCode } from './errors.js';
import { validateGrant } from './grant.js';
import { Lease, type LeaseRecord } from './lease.js';
import { TimerQueue } from './timer_queue.js';

/** Receives the lessor's structured log lines; the driver adapts it to pino. */
export interface LeaseLogger {
  debug(fields: Record<string, unknown>, msg: string): void;
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
}

export const SILENT_LEASE_LOGGER: LeaseLogger = { debug() {}, info() {}, warn() {} };

/** How often the leader should call expiredLeases (etcd's lessor run loop: every 500 ms). */
export const EXPIRY_CHECK_INTERVAL_MS = 500;
/** etcd's leaseRevokeRate: revokes proposed per second at most. */
export const DEFAULT_REVOKE_RATE_PER_SECOND = 1000;
/** etcd's default for re-proposing the revoke of an expired lease that is still there. */
export const DEFAULT_EXPIRED_RETRY_INTERVAL_MS = 3000;

export interface LessorOptions {
  /** Granted TTLs below this are raised to it (see minLeaseTtlSeconds). */
  readonly minTtlSeconds: number;
  /** Wall clock in ms. Only the primary's expiry bookkeeping reads it; apply never depends on it. */
  readonly clock: () => number;
  readonly logger?: LeaseLogger;
  /**
   * After expiredLeases hands out a lease, it hands it out again only after this long if the lease
   * is still there (the revoke proposal was lost). etcd's server passes its request timeout
   * (5 s + 2 × election timeout); the lessor's own default is 3 s. Must be > 0.
   */
  readonly expiredRetryIntervalMs?: number;
  /**
   * The rate the caller proposes revokes at; promote spreads expiries so that at most 3/4 of it
   * expire in any second (etcd's leaseRevokeRate). Default 1000.
   */
  readonly revokeRatePerSecond?: number;
  /**
   * Remaining-TTL checkpoints (etcd 3.4+ --experimental-enable-lease-checkpoint): the primary hands
   * out, every this many ms per lease, the lease's remaining TTL to propose, so that a new leader
   * does not restart it from the full TTL. 0 or absent: off.
   */
  readonly checkpointIntervalMs?: number;
}

/** A lease's remaining TTL to propose as a checkpoint (0 clears it: the full TTL applies again). */
export interface LeaseCheckpoint {
  readonly id: number;
  readonly remainingTtlSeconds: number;
}

export interface TimeToLive {
  readonly id: number;
  /** Remaining seconds, rounded down (it expires in under ttl + 1 s); -1 once expired. */
  readonly ttlSeconds: number;
  readonly grantedTtlSeconds: number;
  /** Attached keys in byte order, when asked for. */
  readonly keys?: Uint8Array[];
}

/** A change to the replicated lease state, for the backend to persist with the store state. */
export type LeaseChange =
  | { readonly type: 'grant'; readonly lease: LeaseRecord }
  | { readonly type: 'revoke'; readonly id: number }
  | { readonly type: 'checkpoint'; readonly lease: LeaseRecord };

export type LeaseObserver = (change: LeaseChange) => void;

/** Deletes the given keys in one MVCC write transaction, so that they go in one revision. */
export type KeyDeleter = (keys: Uint8Array[]) => void;

/**
 * The lessor: which leases exist, with which TTL and keys, and — on the leader only — when each
 * expires. As etcd's lessor:
 *
 * - grant, revoke, checkpoint, attach and detach are replicated state changes. The member's apply
 *   loop calls them for committed entries, identically on every member; they never read the clock
 *   to decide anything.
 * - The leader's lessor is the primary (promote). It alone tracks expiry times (wall clock), renews
 *   leases on keep-alive (not replicated: followers forward keep-alives to the leader), and hands
 *   out expired leases for the leader to propose revoking — it never revokes on its own.
 * - Other members' lessors hold every expiry at FOREVER (demote).
 */
export class Lessor implements LeaseHooks {
  private readonly leasesById = new Map<number, Lease>();
  /** Primary only: when each lease is next looked at for expiry. Invariant: empty unless primary. */
  private readonly expiryQueue = new TimerQueue();
  /** Primary only: when each lease's remaining TTL is next checkpointed. */
  private readonly checkpointQueue = new TimerQueue();
  /** Primary only: renewed leases whose checkpointed remaining TTL must be cleared (set to 0). */
  private readonly pendingClears = new Set<number>();
  private primary = false;
  private readonly observers: LeaseObserver[] = [];

  private readonly minTtlSeconds: number;
  private readonly clock: () => number;
  private readonly logger: LeaseLogger;
  private readonly retryIntervalMs: number;
  private readonly revokeRatePerSecond: number;
  private readonly checkpointIntervalMs: number;

  constructor(opts: LessorOptions) {
    this.minTtlSeconds = opts.minTtlSeconds;
    this.clock = opts.clock;
    this.logger = opts.logger ?? SILENT_LEASE_LOGGER;
    this.retryIntervalMs = opts.expiredRetryIntervalMs ?? DEFAULT_EXPIRED_RETRY_INTERVAL_MS;
    this.revokeRatePerSecond = opts.revokeRatePerSecond ?? DEFAULT_REVOKE_RATE_PER_SECOND;
    this.checkpointIntervalMs = opts.checkpointIntervalMs ?? 0;
    if (!(this.retryIntervalMs > 0)) throw new RangeError('expiredRetryIntervalMs must be > 0');
    if (!(this.revokeRatePerSecond >= 4)) throw new RangeError('revokeRatePerSecond must be >= 4');
    if (!(this.checkpointIntervalMs >= 0)) throw new RangeError('checkpointIntervalMs must be >= 0');
  }

  onChange(observer: LeaseObserver): void {
    this.observers.push(observer);
  }

  // ---- replicated: called by the apply loop on every member ------------------------------------

  /**
   * Grants a lease. The id must be chosen before proposing (randomLeaseId for a request with id 0).
   * A TTL below the minimum is raised to it. Throws INVALID_ID, INVALID_TTL, TTL_TOO_LARGE, EXISTS.
   */
  grant(id: number, ttlSeconds: number): LeaseRecord {
    validateGrant(id, ttlSeconds);
    if (this.leasesById.has(id)) throw new LeaseError(LeaseErrorCode.EXISTS, `lease ${id} already exists`);
    const lease = new Lease(id, Math.max(ttlSeconds, this.minTtlSeconds));
    this.leasesById.set(id, lease);
    if (this.primary) this.startExpiring(lease, this.clock(), 0);
    const record = lease.record();
    this.emit({ type: 'grant', lease: record });
    return record;
  }

  /**
   * Revokes a lease: deletes its keys, in byte order, through one call of deleteKeys (one MVCC write
   * transaction, so one revision and one delete event per key), then forgets the lease. deleteKeys
   * is not called when the lease has no keys. Throws NOT_FOUND.
   */
  revoke(id: number, deleteKeys: KeyDeleter): void {
    const lease = this.mustGet(id);
    const keys = lease.sortedKeys();
    // Keys go first: should deleteKeys fail, the lease and its keys are still there to retry.
    if (keys.length > 0) deleteKeys(keys.map(keyBytes));
    this.leasesById.delete(id);
    this.expiryQueue.delete(id);
    this.checkpointQueue.delete(id);
    this.pendingClears.delete(id);
    this.emit({ type: 'revoke', id });
  }

  /** Applies a committed remaining-TTL checkpoint. An unknown id is ignored, as in etcd. */
  checkpoint(id: number, remainingTtlSeconds: number): void {
    const lease = this.leasesById.get(id);
    if (lease === undefined) return;
    lease.remainingTtlSeconds = Number.isFinite(remainingTtlSeconds) && remainingTtlSeconds > 0 ? Math.floor(remainingTtlSeconds) : 0;
    if (this.primary) this.scheduleCheckpoint(lease, this.clock());
    this.emit({ type: 'checkpoint', lease: lease.record() });
  }

  exists(id: number): boolean {
    return this.leasesById.has(id);
  }

  /**
   * Attaches a key (LeaseHooks, called by MVCC puts). MVCC checks `exists` before writing, so an
   * unknown lease here is a broken invariant: it throws NOT_FOUND.
   */
  attach(id: number, key: Uint8Array): void {
    const lease = this.leasesById.get(id);
    if (lease === undefined) {
      throw new LeaseError(LeaseErrorCode.NOT_FOUND, `attach to lease ${id}, which does not exist`);
    }
    lease.keys.add(keyString(key));
  }

  /** Detaches a key (LeaseHooks). Unknown leases and keys are ignored. */
  detach(id: number, key: Uint8Array): void {
    this.leasesById.get(id)?.keys.delete(keyString(key));
  }

  // ---- leader only, not replicated ---------------------------------------------------------------

  isPrimary(): boolean {
    return this.primary;
  }

  /**
   * Makes this lessor the primary, when this member becomes leader and has applied every entry of
   * earlier terms (etcd: on applying the leader's first, empty entry of its term). Every lease gets
   * expiry = now + extendMs + TTL (the checkpointed remainder if any), so that a leader change never
   * expires a lease early; extendMs is the election timeout. With as many leases as the revoke rate,
   * expiries are spread so that no second holds more than 3/4 of that rate.
   */
  promote(extendMs: number): void {
    this.primary = true;
    const now = this.clock();
    for (const lease of this.leasesById.values()) this.startExpiring(lease, now, extendMs);
    if (this.leasesById.size >= this.revokeRatePerSecond) this.spreadExpiries(now, extendMs);
    this.logger.info({ leases: this.leasesById.size, extendMs }, 'lease: promoted to primary lessor');
  }

  /** Stops expiring leases, when this member stops being leader. */
  demote(): void {
    const wasPrimary = this.primary;
    this.primary = false;
    for (const lease of this.leasesById.values()) lease.expiryMs = Number.POSITIVE_INFINITY;
    this.expiryQueue.clear();
    this.checkpointQueue.clear();
    this.pendingClears.clear();
    if (wasPrimary) this.logger.info({ leases: this.leasesById.size }, 'lease: demoted');
  }

  /**
   * Renews a lease on keep-alive: expiry = now + full TTL. Returns the granted TTL in seconds.
   * Throws NOT_PRIMARY (the caller forwards to the leader), NOT_FOUND, or EXPIRED when the lease is
   * past its expiry and its revoke is not applied yet (etcd waits for the revoke, then NOT_FOUND).
   */
  renew(id: number): number {
    this.mustBePrimary('renew');
    const lease = this.mustGet(id);
    const now = this.clock();
    if (lease.expired(now)) throw new LeaseError(LeaseErrorCode.EXPIRED, `lease ${id} has expired`);
    lease.expiryMs = now + lease.ttlSeconds * 1000;
    this.expiryQueue.set(id, lease.expiryMs);
    if (this.checkpointIntervalMs > 0 && lease.remainingTtlSeconds > 0) this.pendingClears.add(id);
    return lease.ttlSeconds;
  }

  /**
   * The leases the leader should propose revoking now, at most `limit`, soonest expiry first. A
   * lease handed out is handed out again only after the retry interval, if it is still there. On a
   * member that is not primary: none. The caller rate-limits (etcd: every 500 ms, limit 500).
   */
  expiredLeases(limit: number): number[] {
    const out: number[] = [];
    if (!this.primary) return out;
    const now = this.clock();
    while (out.length < limit) {
      const next = this.expiryQueue.peek();
      if (next === undefined || now < next.atMs) break;
      const lease = this.leasesById.get(next.id);
      if (lease === undefined) {
        this.expiryQueue.delete(next.id);
        continue;
      }
      this.expiryQueue.set(next.id, now + this.retryIntervalMs);
      if (lease.expired(now)) out.push(lease.id);
    }
    if (out.length > 0) this.logger.debug({ leases: out.length }, 'lease: found expired leases');
    return out;
  }

  /**
   * The remaining-TTL checkpoints the leader should propose now, at most `limit`: first clears for
   * renewed leases, then leases whose checkpoint time has come. None when checkpoints are off or this
   * lessor is not primary. Call it periodically, and after renews.
   */
  dueCheckpoints(limit: number): LeaseCheckpoint[] {
    const out: LeaseCheckpoint[] = [];
    if (!this.primary || this.checkpointIntervalMs === 0) return out;
    for (const id of this.pendingClears) {
      if (out.length >= limit) return out;
      this.pendingClears.delete(id);
      if (this.leasesById.has(id)) out.push({ id, remainingTtlSeconds: 0 });
    }
    const now = this.clock();
    while (out.length < limit) {
      const next = this.checkpointQueue.peek();
      if (next === undefined || next.atMs > now) break;
      this.checkpointQueue.pop();
      const lease = this.leasesById.get(next.id);
      if (lease === undefined || lease.expired(now)) continue;
      const remainingTtlSeconds = Math.ceil(lease.remainingMs(now) / 1000);
      if (remainingTtlSeconds >= lease.ttlSeconds) continue;
      out.push({ id: lease.id, remainingTtlSeconds });
    }
    return out;
  }

  /** Remaining TTL as the primary sees it. Throws NOT_PRIMARY (forward to the leader), NOT_FOUND. */
  timeToLive(id: number, withKeys = false): TimeToLive {
    this.mustBePrimary('time-to-live');
    const lease = this.mustGet(id);
    const remainingMs = lease.remainingMs(this.clock());
    const ttl: TimeToLive = {
      id,
      ttlSeconds: remainingMs > 0 ? Math.floor(remainingMs / 1000) : -1,
      grantedTtlSeconds: lease.ttlSeconds,
    };
    return withKeys ? { ...ttl, keys: lease.sortedKeys().map(keyBytes) } : ttl;
  }

  // ---- reads, on any member ----------------------------------------------------------------------

  /** Ids of all leases, ascending. */
  leases(): number[] {
    return [...this.leasesById.keys()].sort((a, b) => a - b);
  }

  get(id: number): LeaseRecord | undefined {
    return this.leasesById.get(id)?.record();
  }

  // ---- persistence -------------------------------------------------------------------------------

  /** The replicated lease state, ordered by id (attached keys are rebuilt from the MVCC store). */
  snapshot(): LeaseRecord[] {
    return this.leases().map((id) => (this.leasesById.get(id) as Lease).record());
  }

  /**
   * Replaces all lease state with a snapshot (at start-up, or on receiving a raft snapshot), then
   * attaches the given keys (the live keys of the restored MVCC store). TTLs below the minimum are
   * raised to it. Keys naming an unknown lease are skipped with a warning, as etcd does.
   */
  restore(records: Iterable<LeaseRecord>, kvs: Iterable<{ readonly key: Uint8Array; readonly lease: number }>): void {
    this.leasesById.clear();
    this.expiryQueue.clear();
    this.checkpointQueue.clear();
    this.pendingClears.clear();
    for (const r of records) {
      const lease = new Lease(r.id, Math.max(r.ttlSeconds, this.minTtlSeconds));
      lease.remainingTtlSeconds = r.remainingTtlSeconds;
      this.leasesById.set(r.id, lease);
    }
    let orphans = 0;
    for (const kv of kvs) {
      if (kv.lease === 0) continue;
      const lease = this.leasesById.get(kv.lease);
      if (lease === undefined) orphans++;
      else lease.keys.add(keyString(kv.key));
    }
    if (orphans > 0) this.logger.warn({ keys: orphans }, 'lease: keys attached to unknown leases were not attached');
    if (this.primary) {
      const now = this.clock();
      for (const lease of this.leasesById.values()) this.startExpiring(lease, now, 0);
    }
  }

  // ---- internals ---------------------------------------------------------------------------------

  private mustGet(id: number): Lease {
    const lease = this.leasesById.get(id);
    if (lease === undefined) throw new LeaseError(LeaseErrorCode.NOT_FOUND, `lease ${id} not found`);
    return lease;
  }

  private mustBePrimary(what: string): void {
    if (!this.primary) throw new LeaseError(LeaseErrorCode.NOT_PRIMARY, `${what} needs the primary lessor (the leader)`);
  }

  private startExpiring(lease: Lease, now: number, extendMs: number): void {
    lease.refresh(now, extendMs);
    this.expiryQueue.set(lease.id, lease.expiryMs);
    this.scheduleCheckpoint(lease, now);
  }

  private scheduleCheckpoint(lease: Lease, now: number): void {
    if (this.checkpointIntervalMs === 0) return;
    if (lease.refreshTtlSeconds() * 1000 > this.checkpointIntervalMs) this.checkpointQueue.set(lease.id, now + this.checkpointIntervalMs);
  }

  /**
   * etcd's Promote pile-up avoidance: walk leases by expiry in one-second windows; past 3/4 of the
   * revoke rate in a window, push each further lease out by the delay the rate implies.
   */
  private spreadExpiries(now: number, extendMs: number): void {
    const leases = [...this.leasesById.values()].sort((a, b) => a.expiryMs - b.expiryMs || a.id - b.id);
    const first = leases[0];
    if (first === undefined) return;
    const targetPerSecond = Math.floor((3 * this.revokeRatePerSecond) / 4);
    let baseWindow = first.remainingMs(now);
    let nextWindow = baseWindow + 1000;
    let expires = 0;
    for (const lease of leases) {
      const remaining = lease.remainingMs(now);
      if (remaining > nextWindow) {
        baseWindow = remaining;
        nextWindow = baseWindow + 1000;
        expires = 1;
        continue;
      }
      expires++;
      if (expires <= targetPerSecond) continue;
      // Leases already `remaining - baseWindow` ahead of the window need that much less delay.
      const delayMs = Math.trunc((1000 * expires) / targetPerSecond - (remaining - baseWindow));
      nextWindow = baseWindow + delayMs;
      lease.refresh(now, delayMs + extendMs);
      this.expiryQueue.set(lease.id, lease.expiryMs);
    }
  }

  private emit(change: LeaseChange): void {
    for (const o of this.observers) o(change);
  }
}
