import type { Logger } from 'pino';
import type { KeyValue, Watcher } from '../../kvstore/client/index.js';
import { errors, StatusError } from '../errors.js';
import type { KubeObject } from '../registry/types.js';
import type { ObjectStore, StoredResource } from './store.js';

/**
 * One resource's watch cache, as kube-apiserver's cacher: a single store watch on the resource's
 * prefix keeps an in-memory copy of every object and a window of recent events, and fans events
 * out to any number of client watches. Lists at resourceVersion "0" are served from memory. A
 * client watch from a revision inside the window replays from memory; older gets 410 Expired. A
 * client that cannot take events as fast as they come is cut off (it re-watches or re-lists),
 * so it neither slows the others nor grows memory without bound.
 */

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface ClientEvent {
  readonly type: WatchEventType;
  readonly object: KubeObject;
}

interface CacheEvent {
  readonly type: 'put' | 'delete';
  readonly key: string;
  /** The object after the event; for a delete, the last state with the delete's resourceVersion. */
  readonly object: KubeObject;
  readonly prev: KubeObject | undefined;
  readonly revision: number;
}

export interface CacheWatchOptions {
  /** Which objects the client watches (namespace, name, label and field selectors). */
  readonly filter: (obj: KubeObject) => boolean;
  /** Only objects under this key prefix (a namespace), or all. */
  readonly keyPrefix?: string;
  /** Events after this revision. Undefined: synthetic ADDED events for the current state first. */
  readonly fromRevision?: number;
  /** Deliver one event; false means the client's buffer is full and the watch is cut off. */
  readonly send: (event: ClientEvent) => boolean;
  /** The watch ended from the cache's side ('slow': the client fell behind; 'reset': the cache restarted). */
  readonly onClose: (why: 'slow' | 'reset') => void;
}

export interface CacheWatch {
  close(): void;
}

export interface WatchCacheOptions {
  /** Events kept for watches that resume from a revision. */
  readonly capacity?: number;
  readonly logger: Logger;
}

interface ActiveWatch extends CacheWatchOptions {
  closed: boolean;
}

export class WatchCache {
  private readonly state = new Map<string, KubeObject>();
  private readonly history: CacheEvent[] = [];
  private historyStart = 0;
  /** Every event after `floor` is in history. */
  private floor = 0;
  /** Every event up to this revision has been applied to `state`. */
  private rev = 0;
  private readonly watches = new Set<ActiveWatch>();
  private readonly waiters: Array<{ revision: number; resolve: () => void }> = [];
  private storeWatch: Watcher | undefined;
  private readyPromise: Promise<void> | undefined;
  private stopped = false;
  private loaded = false;
  private readonly capacity: number;
  private readonly log: Logger;

  constructor(
    private readonly store: ObjectStore,
    readonly resource: StoredResource,
    opts: WatchCacheOptions,
  ) {
    this.capacity = opts.capacity ?? 10_000;
    this.log = opts.logger.child({ component: 'watch-cache', resource: `${resource.resource}${resource.group === '' ? '' : `.${resource.group}`}` });
  }

  /** The revision the cache is current to. */
  get revision(): number {
    return this.rev;
  }

  get watchCount(): number {
    return this.watches.size;
  }

  /** Starts (once) and resolves when the initial list is loaded. */
  ready(): Promise<void> {
    this.readyPromise ??= this.load();
    return this.readyPromise;
  }

  private async load(): Promise<void> {
    const { kvs, revision } = await this.store.listAll(this.resource);
    this.state.clear();
    for (const kv of kvs) this.state.set(kv.key.toString('utf8'), this.store.decode(kv));
    this.history.length = 0;
    this.historyStart = 0;
    this.floor = revision;
    this.rev = revision;
    this.loaded = true;
    this.startStoreWatch(revision + 1);
    this.log.debug({ objects: this.state.size, revision }, 'watch cache loaded');
  }

  private startStoreWatch(fromRevision: number): void {
    const w = this.store.client.watch(this.store.keys.resource(this.resource), { prefix: true, startRevision: fromRevision, prevKv: true, progressNotify: true });
    this.storeWatch = w;
    void (async () => {
      try {
        for await (const resp of w) {
          if (this.stopped || this.storeWatch !== w) return;
          if (resp.canceled) break;
          if (resp.events.length === 0) this.advance(resp.header.revision);
          for (const e of resp.events) this.apply(e.type, e.kv, e.prevKv);
        }
      } catch (err) {
        if (this.stopped) return;
        this.log.warn({ err }, 'store watch ended');
      }
      if (this.stopped || this.storeWatch !== w) return;
      // Compacted or canceled under us: start over from a fresh list, ending every client watch.
      this.log.warn({ revision: this.rev }, 'store watch lost; reloading the cache');
      this.reset();
    })();
  }

  private reset(): void {
    for (const watch of [...this.watches]) this.end(watch, 'reset');
    this.readyPromise = this.load().catch((err: unknown) => {
      this.log.error({ err }, 'watch cache reload failed; retrying');
      this.readyPromise = undefined;
      setTimeout(() => {
        if (!this.stopped) this.reset();
      }, 1000).unref();
    });
  }

  private apply(type: 'put' | 'delete', kv: KeyValue, prevKv: KeyValue | undefined): void {
    const key = kv.key.toString('utf8');
    const revision = kv.modRevision;
    const prev = this.state.get(key);
    let object: KubeObject;
    if (type === 'put') {
      object = this.store.decode(kv);
      this.state.set(key, object);
    } else {
      const last = prev ?? (prevKv !== undefined ? this.store.decode(prevKv) : undefined);
      if (last === undefined) {
        this.advance(revision);
        return;
      }
      object = { ...last, metadata: { ...(last.metadata ?? {}), resourceVersion: String(revision) } };
      this.state.delete(key);
    }
    const event: CacheEvent = { type, key, object, prev, revision };
    this.history.push(event);
    this.evict();
    this.rev = Math.max(this.rev, revision);
    for (const watch of [...this.watches]) this.dispatch(watch, event);
    this.wake();
  }

  private advance(revision: number): void {
    if (revision > this.rev) {
      this.rev = revision;
      this.wake();
    }
  }

  private evict(): void {
    while (this.history.length - this.historyStart > this.capacity) {
      const first = this.history[this.historyStart]!;
      this.floor = first.revision;
      this.historyStart++;
      // Keep whole revisions only: drop the rest of the evicted revision too.
      while (this.historyStart < this.history.length && this.history[this.historyStart]!.revision === this.floor) this.historyStart++;
    }
    if (this.historyStart > 4096 && this.historyStart * 2 > this.history.length) {
      this.history.splice(0, this.historyStart);
      this.historyStart = 0;
    }
  }

  private wake(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (w.revision <= this.rev) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  /** Resolves once the cache has every event up to `revision`; a 504 Timeout Status after `timeoutMs`. */
  async waitFor(revision: number, timeoutMs = 3000): Promise<void> {
    await this.ready();
    if (this.rev >= revision) return;
    // Ask the store to confirm progress (a quiet resource's cache hears of newer revisions only so),
    // again every little while in case an answer was skipped.
    this.store.client.requestProgress();
    const nudge = setInterval(() => this.store.client.requestProgress(), 250);
    try {
      await new Promise<void>((resolve, reject) => {
        const waiter = { revision, resolve: () => (clearTimeout(timer), resolve()) };
        const timer = setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(errors.timeout(`Too large resource version: ${revision}, current: ${this.rev}`));
        }, timeoutMs);
        this.waiters.push(waiter);
      });
    } finally {
      clearInterval(nudge);
    }
  }

  /** Waits until the cache is as fresh as the store is now (a consistent read from the cache). */
  async waitFresh(): Promise<void> {
    await this.ready();
    const current = await this.store.currentRevision();
    await this.waitFor(current);
  }

  /**
   * The cached object at a key, once the cache has loaded; undefined when it has not or holds no
   * such object. It may lag the store: callers use it only where a stale copy fails safely (as the
   * base of a compare-and-swap). Shared, never to be mutated.
   */
  peek(key: string): KubeObject | undefined {
    return this.loaded ? this.state.get(key) : undefined;
  }

  /** The objects passing `filter` under `keyPrefix`, in key order, and the cache's revision. */
  list(filter: (obj: KubeObject) => boolean, keyPrefix = ''): { items: KubeObject[]; revision: number } {
    const keys = [...this.state.keys()].filter((k) => k.startsWith(keyPrefix)).sort();
    const items: KubeObject[] = [];
    for (const k of keys) {
      const obj = this.state.get(k)!;
      if (filter(obj)) items.push(obj);
    }
    return { items, revision: this.rev };
  }

  /** The objects under `keyPrefix`, in no particular order (for readers that need no list, such as RBAC). */
  objects(keyPrefix = ''): KubeObject[] {
    const out: KubeObject[] = [];
    for (const [k, obj] of this.state) if (k.startsWith(keyPrefix)) out.push(obj);
    return out;
  }

  /** Starts a client watch. Throws a 410 Expired Status when `fromRevision` is older than the window. */
  watch(opts: CacheWatchOptions): CacheWatch {
    const watch: ActiveWatch = { ...opts, closed: false };
    const prefix = opts.keyPrefix ?? '';
    if (opts.fromRevision === undefined) {
      for (const { items } of [this.list(opts.filter, prefix)]) {
        for (const object of items) if (!this.deliver(watch, { type: 'ADDED', object })) return { close: () => {} };
      }
    } else {
      if (opts.fromRevision < this.floor) throw errors.expired(`too old resource version: ${opts.fromRevision} (${this.floor})`);
      for (let i = this.historyStart; i < this.history.length; i++) {
        const e = this.history[i]!;
        if (e.revision > opts.fromRevision && e.key.startsWith(prefix)) {
          this.dispatch(watch, e);
          if (watch.closed) return { close: () => {} };
        }
      }
    }
    this.watches.add(watch);
    return { close: () => this.remove(watch) };
  }

  /** A BOOKMARK event at the cache's revision, for a watch that asked for bookmarks. */
  bookmark(annotations?: Record<string, string>): ClientEvent {
    const object: KubeObject = { kind: this.resource.kind, apiVersion: this.resource.apiVersion, metadata: { resourceVersion: String(this.rev), ...(annotations !== undefined ? { annotations } : {}) } };
    return { type: 'BOOKMARK', object };
  }

  private dispatch(watch: ActiveWatch, e: CacheEvent): void {
    if (watch.closed) return;
    const prefix = watch.keyPrefix ?? '';
    if (prefix !== '' && !e.key.startsWith(prefix)) return;
    const oldPasses = e.prev !== undefined && watch.filter(e.prev);
    if (e.type === 'delete') {
      if (oldPasses) this.deliver(watch, { type: 'DELETED', object: e.object });
      return;
    }
    const newPasses = watch.filter(e.object);
    if (newPasses) this.deliver(watch, { type: oldPasses ? 'MODIFIED' : 'ADDED', object: e.object });
    else if (oldPasses) this.deliver(watch, { type: 'DELETED', object: { ...e.prev!, metadata: { ...(e.prev!.metadata ?? {}), resourceVersion: String(e.revision) } } });
  }

  private deliver(watch: ActiveWatch, event: ClientEvent): boolean {
    if (watch.closed) return false;
    if (watch.send(event)) return true;
    this.end(watch, 'slow');
    return false;
  }

  private end(watch: ActiveWatch, why: 'slow' | 'reset'): void {
    if (watch.closed) return;
    this.remove(watch);
    watch.onClose(why);
  }

  private remove(watch: ActiveWatch): void {
    watch.closed = true;
    this.watches.delete(watch);
  }

  stop(): void {
    this.stopped = true;
    for (const watch of [...this.watches]) this.end(watch, 'reset');
    void this.storeWatch?.cancel();
  }
}

export function isExpired(err: unknown): boolean {
  return err instanceof StatusError && err.code === 410;
}
