import type { Change } from '../mvcc/index.js';
import { WATCH_ERROR_MESSAGES, type WatchErrorCode } from './errors.js';
import { eventFieldBytes, responseShellBytes, watchResponseBytes } from './size.js';
import { INVALID_WATCH_ID, type WatchableStore, type WatchEvent, type WatchResponse } from './types.js';
import type { Watcher } from './watcher.js';

/** Builders for every response the subsystem sends; the only place WatchResponse objects are made. */

function response(watchId: number, headerRevision: number, fields: Partial<WatchResponse> = {}): WatchResponse {
  return {
    header: { revision: headerRevision },
    watchId,
    created: false,
    canceled: false,
    compactRevision: 0,
    cancelReason: '',
    fragment: false,
    events: [],
    ...fields,
  };
}

export function createdResponse(watchId: number, revision: number): WatchResponse {
  return response(watchId, revision, { created: true });
}

/** A create that failed: created and canceled at once, with watch id -1 (as etcd). */
export function createFailedResponse(revision: number, code: WatchErrorCode): WatchResponse {
  return response(INVALID_WATCH_ID, revision, { created: true, canceled: true, cancelReason: WATCH_ERROR_MESSAGES[code], cancelCode: code });
}

export function canceledResponse(watchId: number, revision: number): WatchResponse {
  return response(watchId, revision, { canceled: true });
}

/** etcd's compacted cancel: canceled with compact_revision and no cancel_reason (clients map it to ErrCompacted). */
export function compactedResponse(watchId: number, revision: number, compactRevision: number): WatchResponse {
  return response(watchId, revision, { canceled: true, compactRevision });
}

/** A progress notification: no events; every event at or below `revision` has been sent. */
export function progressResponse(watchId: number, revision: number): WatchResponse {
  return response(watchId, revision);
}

/**
 * The response(s) for queued events: prev_kv looked up now (outside the apply loop), then split
 * into fragments when the watch asked for it and the response is too large.
 */
export function eventResponses(store: WatchableStore, watcher: Watcher, changes: readonly Change[], headerRevision: number, maxResponseBytes: number): WatchResponse[] {
  const events = changes.map((c) => toEvent(c, watcher.prevKv ? store : undefined));
  const whole = response(watcher.id, headerRevision, { events });
  return watcher.fragment ? fragments(whole, maxResponseBytes) : [whole];
}

function toEvent(change: Change, store: WatchableStore | undefined): WatchEvent {
  const { kv } = change;
  const type = change.type === 'put' ? 'PUT' : 'DELETE';
  // As etcd's sendLoop: no lookup for a creation (v3rpc.IsCreateEvent), nothing if compacted away.
  const isCreate = type === 'PUT' && kv.createRevision === kv.modRevision;
  const prevKv = store === undefined || isCreate ? undefined : store.kvBefore(kv.key, kv.modRevision);
  return prevKv === undefined ? { type, kv } : { type, kv, prevKv };
}

/**
 * etcd's sendFragments: a response under the limit, or with fewer than two events, goes whole;
 * otherwise events are packed in order into responses with fragment=true, each closed when the
 * next event would bring it to the limit (but holding at least one event), and the last has
 * fragment=false. Every fragment carries the same header and watch id.
 */
export function fragments(whole: WatchResponse, maxResponseBytes: number): WatchResponse[] {
  if (whole.events.length < 2 || watchResponseBytes(whole) < maxResponseBytes) return [whole];
  const shell = responseShellBytes({ ...whole, fragment: true, events: [] });
  const out: WatchResponse[] = [];
  let batch: WatchEvent[] = [];
  let bytes = shell;
  for (const ev of whole.events) {
    const evBytes = eventFieldBytes(ev);
    if (batch.length > 0 && bytes + evBytes >= maxResponseBytes) {
      out.push({ ...whole, fragment: true, events: batch });
      batch = [];
      bytes = shell;
    }
    batch.push(ev);
    bytes += evBytes;
  }
  out.push({ ...whole, fragment: false, events: batch });
  return out;
}
