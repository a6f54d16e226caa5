import { RaftError, RaftErrorCode } from './errors.js';
import type { Prng } from './rand.js';
import type { Storage } from './storage.js';
import type { NodeId } from './types.js';

/** Receives the core's structured log lines. The driver adapts it to pino; tests may collect it. */
export interface RaftLogger {
  debug(fields: Record<string, unknown>, msg: string): void;
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
}

export const SILENT_LOGGER: RaftLogger = { debug() {}, info() {}, warn() {} };

export interface RaftConfig {
  /** This member's id. Must not be 0. */
  readonly id: NodeId;
  /**
   * Ticks a follower waits without hearing from a leader before it campaigns. The actual timeout
   * is randomized in [electionTick, 2 * electionTick). Must exceed heartbeatTick; 10x is usual.
   */
  readonly electionTick: number;
  /** Ticks between a leader's heartbeats. */
  readonly heartbeatTick: number;
  /** The durable log and state. The core only reads it. */
  readonly storage: Storage;
  /** The last index the application has applied. Committed entries above it are handed out again. */
  readonly applied?: number;
  /** Maximum payload bytes of entries in one MsgApp (at least one entry is always sent). */
  readonly maxSizePerMsgBytes?: number;
  /** Maximum MsgApp messages in flight to one follower while replicating optimistically. */
  readonly maxInflightMsgs?: number;
  /** Maximum payload bytes in flight to one follower (0: no limit). */
  readonly maxInflightBytes?: number;
  /** Maximum payload bytes of committed entries handed out in one Ready (0: no limit). */
  readonly maxCommittedSizePerReadyBytes?: number;
  /** Maximum payload bytes of proposals appended but not yet committed by a leader (0: no limit). */
  readonly maxUncommittedEntriesBytes?: number;
  /** Run a PreVote round before campaigning, so a partitioned member does not inflate terms. */
  readonly preVote?: boolean;
  /**
   * A leader that has not heard from a quorum within an election timeout steps down. Also turns on
   * the leader lease: voters that heard from a leader recently ignore campaigns.
   */
  readonly checkQuorum?: boolean;
  /** Source of randomness for election timeouts. */
  readonly rng: Prng;
  readonly logger?: RaftLogger;
}

export interface ResolvedRaftConfig extends Required<Omit<RaftConfig, 'logger'>> {
  readonly logger: RaftLogger;
}

export function resolveConfig(c: RaftConfig): ResolvedRaftConfig {
  const r: ResolvedRaftConfig = {
    id: c.id,
    electionTick: c.electionTick,
    heartbeatTick: c.heartbeatTick,
    storage: c.storage,
    applied: c.applied ?? 0,
    maxSizePerMsgBytes: c.maxSizePerMsgBytes ?? 1024 * 1024,
    maxInflightMsgs: c.maxInflightMsgs ?? 256,
    maxInflightBytes: c.maxInflightBytes ?? 0,
    maxCommittedSizePerReadyBytes: c.maxCommittedSizePerReadyBytes ?? 0,
    maxUncommittedEntriesBytes: c.maxUncommittedEntriesBytes ?? 0,
    preVote: c.preVote ?? true,
    checkQuorum: c.checkQuorum ?? true,
    rng: c.rng,
    logger: c.logger ?? SILENT_LOGGER,
  };
  const bad = (msg: string): never => {
    throw new RaftError(RaftErrorCode.INVALID_CONFIG, msg);
  };
  if (!Number.isSafeInteger(r.id) || r.id <= 0) bad(`id must be a positive integer, got ${r.id}`);
  if (!(r.heartbeatTick > 0)) bad('heartbeatTick must be greater than 0');
  if (!(r.electionTick > r.heartbeatTick)) bad('electionTick must be greater than heartbeatTick');
  if (!(r.maxInflightMsgs > 0)) bad('maxInflightMsgs must be greater than 0');
  if (r.maxInflightBytes !== 0 && r.maxInflightBytes < r.maxSizePerMsgBytes) {
    bad('maxInflightBytes must be 0 (no limit) or at least maxSizePerMsgBytes');
  }
  return r;
}
