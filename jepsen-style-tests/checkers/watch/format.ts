/**
 * How the watch workload records what it did and saw (the `value`s of its history lines). The
 * checker reads exactly these shapes.
 *
 * Writers, on a few keys under one prefix (every value written is unique):
 * - `put` key k: invoke `{v}`, ok `{v, rev}` (rev: the response header's revision, the put's);
 * - `delete` key k: invoke `{}`, ok `{rev, deleted}` (a delete of nothing makes no revision);
 * - `txn` (no key): invoke `{a, b, v}`: if version(a) > 0 then put a=v, put b=v, else put a=v,
 *   delete b; ok `{succeeded, rev}`. With `rest` (more keys), it has no compare: it puts a, b
 *   and every key of rest to v (so always succeeds).
 *
 * Watchers: one `watch` operation per stream (a session). Invoke `{watcher, start, prevKv,
 * endpoint, resumed}`, where start is the requested start revision (0: from now); the completion is `ok`
 * `{responses, end}` with every response received, in order, and why the session ended.
 *
 * After the run, `final-read`: ok `{rev, kvs}`, every key under the prefix at revision rev.
 */

/** One event: [type, key, value, mod_revision, create_revision, version, prev_kv or null]. */
export type RecordedEvent = [type: 'PUT' | 'DELETE', key: string, value: string, mod: number, create: number, version: number, prev: RecordedKv | null];

/** A key's value as prev_kv carries it: [value, mod_revision, create_revision, version]. */
export type RecordedKv = [value: string, mod: number, create: number, version: number];

export interface RecordedWatchResponse {
  /** header.revision */
  readonly rev: number;
  readonly created?: true;
  readonly canceled?: true;
  readonly compact?: number;
  readonly reason?: string;
  readonly fragment?: true;
  readonly events: RecordedEvent[];
}

export interface WatchSessionInput {
  readonly watcher: string;
  readonly start: number;
  readonly prevKv: boolean;
  readonly endpoint: string;
  /** Whether this stream resumes an earlier one of the same watcher. */
  readonly resumed: boolean;
}

export interface WatchSessionOutput {
  readonly responses: RecordedWatchResponse[];
  readonly end: string;
}

export interface FinalRead {
  readonly rev: number;
  /** [key, value, mod_revision, create_revision, version] */
  readonly kvs: Array<[string, string, number, number, number]>;
}

/** A response with no events that is neither a creation nor a cancel: a progress notification. */
export function isProgress(r: RecordedWatchResponse): boolean {
  return r.events.length === 0 && r.created !== true && r.canceled !== true;
}
