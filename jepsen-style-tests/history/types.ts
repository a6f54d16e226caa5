/**
 * A history, as a Jepsen-style test records it at the client: one event per line of a JSON Lines
 * file, each line an object
 *
 *   {"process": 3, "type": "invoke", "f": "write", "key": "k1", "value": 4, "time": 120034}
 *
 * `process` names a client that runs one operation at a time; `type` is "invoke" when it sends a
 * request and "ok", "fail" or "info" when the request completes; `time` is in nanoseconds since the
 * start of the run. `key` is optional; when present, checkers partition the history by it.
 */

export const EVENT_TYPES = ['invoke', 'ok', 'fail', 'info'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** One line of a history. */
export interface HistoryEvent {
  readonly process: number;
  readonly type: EventType;
  readonly f: string;
  /** Always a string here; a number key in the file is read as its decimal text. */
  readonly key: string | undefined;
  /** The line's "value" as parsed JSON; undefined when the line has none. */
  readonly value: unknown;
  readonly timeNs: number;
  /** 1-based line in the source. */
  readonly line: number;
}

/**
 * What became of an operation:
 * - ok: it happened, and the completion's value is its result;
 * - fail: the store answered that it did not happen (what that observes, if anything, is the
 *   model's business: a failed compare-and-set saw a value other than the expected one);
 * - info: the outcome is unknown: it may take effect at any time after it was invoked, or never;
 * - pending: invoked and never completed; the same as info.
 */
export type Outcome = 'ok' | 'fail' | 'info' | 'pending';

/** An invocation paired with its completion. */
export interface Operation {
  /** Position in invocation order over the whole history, from 0. */
  readonly id: number;
  readonly process: number;
  readonly f: string;
  readonly key: string | undefined;
  /** The invocation's value (what was asked: the value to write, [from, to] of a cas, ...). */
  readonly input: unknown;
  /** The completion's value (what was answered); undefined for info and pending operations. */
  readonly output: unknown;
  readonly outcome: Outcome;
  readonly invokeNs: number;
  /** When the completion was recorded; undefined when there was none (pending). An info
   *  operation has a completion time, but may still take effect after it. */
  readonly completeNs: number | undefined;
  readonly invokeLine: number;
  readonly completeLine: number | undefined;
}

/** Whether the operation's outcome is unknown: it may or may not take effect, at any time after it was invoked. */
export function isIndeterminate(op: Operation): boolean {
  return op.outcome === 'info' || op.outcome === 'pending';
}
