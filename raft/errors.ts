/**
 * The error catalog of the consensus core. Codes are stable strings: callers and tests match on
 * `code`, never on message text. A code is never reused for a different meaning.
 */
export const RaftErrorCode = {
  /** A proposal was made on a member that knows of no leader, so it cannot be forwarded. */
  NO_LEADER: 'RAFT_NO_LEADER',
  /** A proposal was refused: leadership is being transferred, or this member was removed. */
  PROPOSAL_DROPPED: 'RAFT_PROPOSAL_DROPPED',
  /** A membership change was proposed while another is still pending (one change at a time). */
  CONF_CHANGE_PENDING: 'RAFT_CONF_CHANGE_PENDING',
  /** A membership change that makes no sense (removing the last voter, an unknown member, ...). */
  CONF_CHANGE_INVALID: 'RAFT_CONF_CHANGE_INVALID',
  /** Storage: the requested index precedes the first index retained in the log. */
  COMPACTED: 'RAFT_COMPACTED',
  /** Storage: the requested index is beyond the last index in the log. */
  UNAVAILABLE: 'RAFT_UNAVAILABLE',
  /** Storage: a snapshot older than the one already held was offered. */
  SNAPSHOT_OUT_OF_DATE: 'RAFT_SNAPSHOT_OUT_OF_DATE',
  /** Storage: a snapshot is being prepared; ask again later. */
  SNAPSHOT_TEMPORARILY_UNAVAILABLE: 'RAFT_SNAPSHOT_TEMPORARILY_UNAVAILABLE',
  /** A configuration value is invalid. */
  INVALID_CONFIG: 'RAFT_INVALID_CONFIG',
  /** advance() was called with a Ready other than the last one handed out, or without one. */
  READY_MISUSE: 'RAFT_READY_MISUSE',
  /** An internal invariant was broken. This is a bug in ketch: the process must stop. */
  INVARIANT: 'RAFT_INVARIANT',
} as const;

export type RaftErrorCode = (typeof RaftErrorCode)[keyof typeof RaftErrorCode];

export class RaftError extends Error {
  readonly code: RaftErrorCode;
  constructor(code: RaftErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RaftError';
    this.code = code;
  }
}

/** Fails loudly: a broken invariant means the state machine can no longer be trusted. */
export function invariant(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) {
    throw new RaftError(RaftErrorCode.INVARIANT, typeof message === 'string' ? message : message());
  }
}
