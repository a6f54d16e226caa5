import { WatchError, WatchErrorCode } from './errors.js';

export interface WatchHubOptions {
  /**
   * Events a stream may hold that its transport has not taken yet. A watcher whose events do not
   * fit becomes slow (unsynced) and is caught up from history once the stream drains. One revision
   * is never split, so a stream with nothing pending still takes a revision larger than this.
   * Default 4096 (etcd bounds its stream channel at 128 responses).
   */
  readonly maxPendingEvents?: number;
  /**
   * A response larger than this is split into fragments for watches created with fragment=true.
   * Default 2 MiB: etcd's default --max-request-bytes (1.5 MiB) plus its 512 KiB gRPC overhead.
   */
  readonly maxResponseBytes?: number;
  /** Period of progress notifications for progress_notify watches. Default 10 minutes, as etcd. */
  readonly progressNotifyIntervalMs?: number;
  /** History entries scanned per catch-up turn, over all slow watchers (one turn per setImmediate). Default 10,000. */
  readonly syncChangesPerTurn?: number;
  /** Revisions with events in one catch-up response (etcd's watchBatchMaxRevs). Default 1000. */
  readonly maxRevisionsPerResponse?: number;
  /**
   * TEST ONLY (--unsafe-watch-drop-slow-events): a watcher whose stream is full skips the events it
   * cannot take instead of catching up from history. Breaks the "reliable" guarantee on purpose, so
   * that the fault-injection suite can show its watch checker catches it.
   */
  readonly unsafeDropSlowEvents?: boolean;
}

export type ResolvedWatchHubOptions = { readonly [K in Exclude<keyof WatchHubOptions, 'unsafeDropSlowEvents'>]-?: number } & {
  readonly unsafeDropSlowEvents: boolean;
};

export const DEFAULT_WATCH_HUB_OPTIONS: ResolvedWatchHubOptions = {
  maxPendingEvents: 4096,
  maxResponseBytes: 2 * 1024 * 1024,
  progressNotifyIntervalMs: 10 * 60 * 1000,
  syncChangesPerTurn: 10_000,
  maxRevisionsPerResponse: 1000,
  unsafeDropSlowEvents: false,
};

export function resolveOptions(options: WatchHubOptions): ResolvedWatchHubOptions {
  const resolved = { ...DEFAULT_WATCH_HUB_OPTIONS, ...stripUndefined(options) };
  for (const [name, value] of Object.entries(resolved)) {
    if (name === 'unsafeDropSlowEvents') continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      throw new WatchError(WatchErrorCode.INVALID_OPTION, `watch: ${name} must be a positive integer, got ${String(value)}`);
    }
  }
  return resolved;
}

function stripUndefined(options: WatchHubOptions): WatchHubOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}
