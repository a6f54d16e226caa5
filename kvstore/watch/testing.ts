import { applyDeleteRange, applyPut, MvccStore, NO_LEASES } from '../mvcc/index.js';
import { WatchHub } from './hub.js';
import type { WatchHubOptions } from './options.js';
import { isProgressNotify, type WatchCreateRequest, type WatchResponse, type WatchSink } from './types.js';

/**
 * Test helpers: a sink that records every response and can refuse more (a stalled transport),
 * and condition waits with deadlines. No vitest import, so library builds may include it.
 */
export class RecordingSink implements WatchSink {
  readonly responses: WatchResponse[] = [];
  /** What send returns: false plays a transport whose buffer is full. */
  accepting = true;

  send(response: WatchResponse): boolean {
    this.responses.push(response);
    return this.accepting;
  }

  /** Responses for one watch id, in order. */
  of(watchId: number): WatchResponse[] {
    return this.responses.filter((r) => r.watchId === watchId);
  }

  /** Every event for a watch as "rev:TYPE:key[=value]", in arrival order. */
  events(watchId: number): string[] {
    return this.of(watchId).flatMap((r) => r.events.map((e) => `${e.kv.modRevision}:${e.type}:${text(e.kv.key)}${e.type === 'PUT' ? `=${text(e.kv.value)}` : ''}`));
  }

  progress(): WatchResponse[] {
    return this.responses.filter(isProgressNotify);
  }
}

export function text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export function bytes(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}

/** Waits until `condition` holds, polling between macrotasks; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Lets queued microtasks and immediates (flushes, catch-up turns) run. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A store, a hub over it, one stream recording into a sink, and shorthands for writes and watches. */
export function setup(options: WatchHubOptions = {}) {
  const store = new MvccStore();
  const hub = new WatchHub(store, options);
  const sink = new RecordingSink();
  const stream = hub.openStream(sink);
  const put = (k: string, v: string): number => applyPut(store, { key: bytes(k), value: bytes(v) }, NO_LEASES).revision;
  const del = (k: string, rangeEnd?: string): number =>
    applyDeleteRange(store, rangeEnd === undefined ? { key: bytes(k) } : { key: bytes(k), rangeEnd: bytes(rangeEnd) }, NO_LEASES).revision;
  const watch = (key: string, more: Partial<WatchCreateRequest> = {}): number => stream.create({ key: bytes(key), ...more });
  return { store, hub, sink, stream, put, del, watch };
}
