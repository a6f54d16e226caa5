/**
 * The watch subsystem's error catalog. Codes are stable strings: callers and tests match on `code`,
 * never on message text, and a code is never reused for another meaning. The messages are etcd's,
 * because they travel to clients as a WatchResponse's cancel_reason.
 */
export const WatchErrorCode = {
  /** range_end is set and not after key (etcd's mvcc.ErrEmptyWatcherRange). */
  EMPTY_RANGE: 'WATCH_EMPTY_RANGE',
  /** A client-chosen watch id is already in use on the stream (mvcc.ErrWatcherDuplicateID). */
  DUPLICATE_ID: 'WATCH_DUPLICATE_ID',
  /** A negative start revision (etcd answers it with rpctypes.ErrCompacted). */
  COMPACTED: 'WATCH_COMPACTED',
  /** A hub option is out of range. */
  INVALID_OPTION: 'WATCH_INVALID_OPTION',
  /** An internal invariant was broken. This is a bug in ketch. */
  INVARIANT: 'WATCH_INVARIANT',
} as const;

export type WatchErrorCode = (typeof WatchErrorCode)[keyof typeof WatchErrorCode];

/** etcd's text for each code, sent as cancel_reason where the code reaches a client. */
export const WATCH_ERROR_MESSAGES: Readonly<Record<WatchErrorCode, string>> = {
  WATCH_EMPTY_RANGE: 'mvcc: watcher range is empty',
  WATCH_DUPLICATE_ID: 'mvcc: duplicate watch ID provided on the WatchStream',
  WATCH_COMPACTED: 'etcdserver: mvcc: required revision has been compacted',
  WATCH_INVALID_OPTION: 'watch: invalid option',
  WATCH_INVARIANT: 'watch: internal invariant broken',
};

export class WatchError extends Error {
  readonly code: WatchErrorCode;
  constructor(code: WatchErrorCode, message: string = WATCH_ERROR_MESSAGES[code], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WatchError';
    this.code = code;
  }
}

/** Fails loudly: a broken invariant means a watcher could see a gap or a duplicate. */
export function invariant(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) {
    throw new WatchError(WatchErrorCode.INVARIANT, typeof message === 'string' ? message : message());
  }
}
