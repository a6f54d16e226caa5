import { Inflights } from './inflights.js';

/**
 * How the leader is replicating to one follower.
 * - probe: the leader does not know where the follower's log diverges; it sends one MsgApp at a
 *   time and waits for the answer (used after a rejection, a restart or an unreachable report).
 * - replicate: the follower is known to match up to `match`; the leader streams entries
 *   optimistically, limited by the inflights window.
 * - snapshot: the follower needs a snapshot; nothing more is sent until it reports back.
 */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/** The leader's view of one follower. */
export class Progress {
  /** The highest index known to be replicated on the follower. Invariant: match < next. */
  match: number;
  /** The next index to send. */
  next: number;
  state: ProgressState = 'probe';
  /** In snapshot state, the index of the snapshot being sent. */
  pendingSnapshot = 0;
  /** Whether we heard from the follower in the current election timeout (for CheckQuorum). */
  recentActive = false;
  /**
   * Probe state: a probe is outstanding, send nothing more until it is answered. Replicate state
   * with a full window: the one empty probe of this heartbeat round has been sent.
   */
  msgAppFlowPaused = false;
  readonly inflights: Inflights;
  isLearner: boolean;

  constructor(match: number, next: number, maxInflightMsgs: number, maxInflightBytes: number, isLearner: boolean) {
    this.match = match;
    this.next = next;
    this.inflights = new Inflights(maxInflightMsgs, maxInflightBytes);
    this.isLearner = isLearner;
  }

  private resetState(state: ProgressState): void {
    this.msgAppFlowPaused = false;
    this.pendingSnapshot = 0;
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    if (this.state === 'snapshot') {
      // The snapshot was delivered (or given up on): resume after it.
      const pending = this.pendingSnapshot;
      this.resetState('probe');
      this.next = Math.max(this.match + 1, pending + 1);
    } else {
      this.resetState('probe');
      this.next = this.match + 1;
    }
  }

  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snapshotIndex;
  }

  /** Accounts for a MsgApp with `entries` entries (and `bytes` payload) starting at this.next. */
  sentEntries(entries: number, bytes: number): void {
    if (this.state === 'replicate') {
      if (entries > 0) {
        const last = this.next + entries - 1;
        this.next = last + 1;
        this.inflights.add(last, bytes);
      }
      // An empty append in replicate state carries only the commit index: no flow control needed.
    } else if (this.state === 'probe') {
      this.msgAppFlowPaused = true;
    }
  }

  /**
   * In replicate state with the whole window in flight, the leader may send one empty MsgApp per
   * heartbeat round, to find out whether the window was lost (every message in it dropped). This
   * claims that one probe; it is released by a heartbeat response or an acknowledgement.
   */
  takeWindowProbe(): boolean {
    if (this.msgAppFlowPaused) return false;
    this.msgAppFlowPaused = true;
    return true;
  }

  /** The follower acknowledged index n. Returns whether match moved forward. */
  maybeUpdate(n: number): boolean {
    let updated = false;
    if (this.match < n) {
      this.match = n;
      updated = true;
      this.msgAppFlowPaused = false;
    }
    this.next = Math.max(this.next, n + 1);
    return updated;
  }

  /**
   * The follower rejected a MsgApp at index `rejected`; `matchHint` is its guess of the last
   * index that may match. Returns false when the rejection is stale (out of order) and ignored.
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.msgAppFlowPaused = false;
    return true;
  }

  /** Whether sending to this follower is currently throttled. */
  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.msgAppFlowPaused;
      case 'replicate':
        return this.inflights.full() && this.msgAppFlowPaused;
      case 'snapshot':
        return true;
    }
  }

  toString(): string {
    return `${this.state} match=${this.match} next=${this.next}${this.isLearner ? ' learner' : ''}${
      this.state === 'snapshot' ? ` pendingSnap=${this.pendingSnapshot}` : ''
    }${this.msgAppFlowPaused ? ' paused' : ''} inflight=${this.inflights.countMsgs()}`;
  }
}
