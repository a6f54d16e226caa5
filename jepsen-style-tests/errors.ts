/**
 * The error catalog of the Jepsen-style suite. Codes are stable strings: callers and tests match on
 * `code`, never on message text. A code is never reused for a different meaning.
 */
export const JepsenErrorCode = {
  /** A history file is not what the format says: bad JSON, a missing or mistyped field, an
   *  unpaired completion, or a value the model cannot read. The error names the line. */
  HISTORY_MALFORMED: 'JEPSEN_HISTORY_MALFORMED',
  /** A checker was asked for a model it does not know. */
  UNKNOWN_MODEL: 'JEPSEN_UNKNOWN_MODEL',
  /** An internal invariant was broken. This is a bug in the suite. */
  INVARIANT: 'JEPSEN_INVARIANT',
} as const;

export type JepsenErrorCode = (typeof JepsenErrorCode)[keyof typeof JepsenErrorCode];

export class JepsenError extends Error {
  readonly code: JepsenErrorCode;
  constructor(code: JepsenErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JepsenError';
    this.code = code;
  }
}

/**
 * A history that does not follow the format. `message` reads `SOURCE:LINE: detail`, as compilers
 * print, so an editor can jump to the line.
 */
export class HistoryFormatError extends JepsenError {
  readonly source: string;
  readonly line: number;
  readonly detail: string;
  constructor(source: string, line: number, detail: string) {
    super(JepsenErrorCode.HISTORY_MALFORMED, `${source}:${line}: ${detail}`);
    this.name = 'HistoryFormatError';
    this.source = source;
    this.line = line;
    this.detail = detail;
  }
}

/** Fails loudly: a broken invariant means the checker's verdict can no longer be trusted. */
export function invariant(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) {
    throw new JepsenError(JepsenErrorCode.INVARIANT, typeof message === 'string' ? message : message());
  }
}
