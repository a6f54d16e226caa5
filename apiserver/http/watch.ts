import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors, StatusError } from '../errors.js';
import { storedResource } from '../registry/rest.js';
import type { KubeObject, ResourceDecl } from '../registry/types.js';
import type { ClientEvent } from '../storage/watch_cache.js';
import type { ApiContext } from './context.js';
import { selectionFilter } from './list_filter.js';
import { negotiate } from './negotiate.js';
import { toTable, type IncludeObject } from './table.js';
import { EncodedEvent } from './watch_event.js';

/**
 * Watches, as kube-apiserver serves them: a stream of `{"type": ..., "object": ...}` events, one
 * JSON document per line over chunked HTTP, or one per message over a WebSocket. Served from the
 * resource's watch cache, with Kubernetes' resourceVersion semantics (unset: current state as
 * ADDED events, then changes; "0": the same from any state; N: changes after N, or 410 Expired as
 * an ERROR event), bookmarks when asked for, sendInitialEvents with the initial-events-end
 * bookmark, and timeoutSeconds.
 */

type Query = Record<string, string | undefined>;

/** Where a watch's events go: the HTTP response or a WebSocket. */
export interface WatchSink {
  /** One serialized event; false when the client is too far behind (the watch is then cut off). */
  write(event: EncodedEvent): boolean;
  end(): void;
  /** Called once when the client goes away. */
  onClose(cb: () => void): void;
}

const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

function bool(v: string | undefined): boolean {
  return v !== undefined && v !== 'false' && v !== '0';
}

/** Checks the parameters and starts the watch; 4xx Statuses for bad parameters are thrown before any event. */
export async function openWatch(api: ApiContext, decl: ResourceDecl, namespace: string, q: Query, accept: string | undefined, sink: WatchSink): Promise<void> {
  const n = negotiate(accept, { listish: true, tableAllowed: true });
  const filter = selectionFilter(decl, q.labelSelector, q.fieldSelector) ?? (() => true);
  const rv = q.resourceVersion ?? '';
  if (rv !== '' && !/^\d+$/.test(rv)) throw errors.badRequest(`invalid resource version "${rv}"`);
  const bookmarks = bool(q.allowWatchBookmarks);
  const sendInitial = q.sendInitialEvents === undefined ? undefined : bool(q.sendInitialEvents);
  if (sendInitial !== undefined) {
    if (q.resourceVersionMatch !== 'NotOlderThan') {
      throw errors.invalid('ListOptions', 'meta.k8s.io', '', [{ reason: 'FieldValueForbidden', field: 'sendInitialEvents', message: "Forbidden: sendInitialEvents is forbidden for watch unless resourceVersionMatch is set to NotOlderThan" }]);
    }
    if (sendInitial && !bookmarks) {
      throw errors.invalid('ListOptions', 'meta.k8s.io', '', [{ reason: 'FieldValueForbidden', field: 'allowWatchBookmarks', message: 'Forbidden: allowWatchBookmarks must be set to true when sendInitialEvents is set to true' }]);
    }
  } else if (q.resourceVersionMatch !== undefined && q.resourceVersionMatch !== '') {
    throw errors.badRequest('resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided');
  }
  const timeoutSeconds = q.timeoutSeconds !== undefined && q.timeoutSeconds !== '' ? Number(q.timeoutSeconds) : 1800 * (1 + Math.random());
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 0) throw errors.badRequest(`invalid value for timeoutSeconds: ${q.timeoutSeconds}`);

  const cache = api.cache(decl);
  const keyPrefix = api.store.keys.collection(storedResource(decl), namespace);
  // Which state to start from: initial events from a fresh state (rv unset), from any state (rv 0), or none.
  const initial = sendInitial ?? (rv === '' || rv === '0');
  try {
    if (rv === '') await cache.waitFresh();
    else if (rv !== '' && rv !== '0') await cache.waitFor(Number(rv));
    else await cache.ready();
  } catch (err) {
    if (err instanceof StatusError) return endWithError(sink, err);
    throw err;
  }

  let first = true;
  const include = (q.includeObject as IncludeObject | undefined) ?? 'Metadata';
  const encode = (e: ClientEvent): EncodedEvent => {
    // Plain events are serialized once for every watcher that gets them (the object is shared).
    if (n.transform === 'none' && e.type !== 'BOOKMARK') return shared(e);
    let object: unknown = e.object;
    if (e.type !== 'BOOKMARK') {
      if (n.transform === 'Table') {
        object = toTable(decl, [e.object], { include, noHeaders: !first, resourceVersion: e.object.metadata?.resourceVersion ?? '' });
        first = false;
      } else if (n.transform !== 'none') {
        object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: e.object.metadata ?? {} };
      }
    }
    return new EncodedEvent(JSON.stringify({ type: e.type, object }));
  };

  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let bookmarkTimer: NodeJS.Timeout | undefined;
  const finish = (): void => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    clearInterval(bookmarkTimer);
    watch?.close();
    sink.end();
  };
  let watch: { close(): void } | undefined;
  const fromRevision = initial ? undefined : rv === '' ? cache.revision : Number(rv);
  try {
    watch = cache.watch({
      filter,
      keyPrefix,
      ...(fromRevision !== undefined ? { fromRevision } : {}),
      send: (e) => !closed && sink.write(encode(e)),
      onClose: () => finish(),
    });
  } catch (err) {
    if (err instanceof StatusError) return endWithError(sink, err);
    throw err;
  }
  if (closed) return;
  if (initial && bookmarks && sendInitial === true) sink.write(encode(cache.bookmark({ [INITIAL_EVENTS_END]: 'true' })));
  sink.onClose(finish);
  timer = setTimeout(finish, timeoutSeconds * 1000);
  if (bookmarks) {
    bookmarkTimer = setInterval(() => {
      api.store.client.requestProgress();
      // The bookmark goes out on the next tick, after the progress answer has had a chance to arrive.
      setTimeout(() => {
        if (!closed && !sink.write(encode(cache.bookmark()))) finish();
      }, 200).unref();
    }, api.options.bookmarkIntervalMs);
    bookmarkTimer.unref();
  }
}

/** Serialized plain events, per object and event type: a fan-out to N watchers encodes once. */
const encoded = new WeakMap<object, Partial<Record<ClientEvent['type'], EncodedEvent>>>();

function shared(e: ClientEvent): EncodedEvent {
  let byType = encoded.get(e.object);
  if (byType === undefined) {
    byType = {};
    encoded.set(e.object, byType);
  }
  let event = byType[e.type];
  if (event === undefined) {
    event = new EncodedEvent(JSON.stringify({ type: e.type, object: e.object }));
    byType[e.type] = event;
  }
  return event;
}

export function errorEvent(err: StatusError): EncodedEvent {
  return new EncodedEvent(JSON.stringify({ type: 'ERROR', object: err.toStatus() }));
}

function endWithError(sink: WatchSink, err: StatusError): void {
  sink.write(errorEvent(err));
  sink.end();
}

/** A watch over chunked HTTP: the response is taken over and written line by line. */
export async function serveWatch(api: ApiContext, req: FastifyRequest, reply: FastifyReply, decl: ResourceDecl, namespace: string, q: Query): Promise<void> {
  // Parameter errors answer as plain HTTP errors, before the stream starts.
  negotiate(req.headers.accept, { listish: true, tableAllowed: true });
  selectionFilter(decl, q.labelSelector, q.fieldSelector);
  reply.hijack();
  const raw = reply.raw;
  let started = false;
  const start = (): void => {
    if (started) return;
    started = true;
    raw.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'cache-control': 'no-cache, private' });
    raw.flushHeaders();
  };
  const limit = api.options.maxWatchBufferBytes;
  const sink: WatchSink = {
    write: (event) => {
      start();
      raw.write(event.line);
      return raw.writableLength <= limit;
    },
    end: () => {
      start();
      raw.end();
    },
    // The response's 'close' is the connection going away (or the stream ending); the request's
    // 'close' only means its (empty) body was read.
    onClose: (cb) => raw.once('close', cb),
  };
  try {
    await openWatch(api, decl, namespace, q, req.headers.accept, sink);
    start();
  } catch (err) {
    if (started) {
      raw.end();
      return;
    }
    const status = err instanceof StatusError ? err : errors.internal((err as Error).message, err);
    raw.writeHead(status.code, { 'content-type': 'application/json' });
    raw.end(JSON.stringify(status.toStatus()));
  }
}

export type { KubeObject };
