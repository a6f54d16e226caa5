import type { Logger } from 'pino';
import type { Registry } from '../registry/registry.js';
import { Rest, storedResource, type Machinery } from '../registry/rest.js';
import type { KubeObject, ResourceDecl } from '../registry/types.js';
import type { ObjectStore } from '../storage/store.js';
import { WatchCache } from '../storage/watch_cache.js';

/**
 * What every handler shares: the registry of types, the store, one REST and one watch cache per
 * resource (made on first use; a CRD's are dropped when it goes).
 */
export class ApiContext {
  private readonly rests = new Map<string, Rest>();
  private readonly caches = new Map<string, WatchCache>();
  /** Called when a request names a resource the registry lacks (a CRD this server has not seen yet). */
  onUnknownResource: (() => Promise<void>) | undefined;

  constructor(
    readonly registry: Registry,
    readonly store: ObjectStore,
    readonly machinery: Machinery,
    readonly logger: Logger,
    readonly options: { readonly bookmarkIntervalMs: number; readonly watchCacheCapacity: number; readonly maxWatchBufferBytes: number },
  ) {}

  private static key(decl: ResourceDecl): string {
    return `${decl.group}/${decl.version}/${decl.plural}`;
  }

  rest(decl: ResourceDecl): Rest {
    const k = ApiContext.key(decl);
    let r = this.rests.get(k);
    if (r === undefined || r.decl !== decl) {
      r = new Rest(decl, this.store, this.machinery, (ns) => this.namespace(ns));
      this.rests.set(k, r);
    }
    return r;
  }

  /** The watch cache of a resource: shared by every version (one store prefix). */
  cache(decl: ResourceDecl): WatchCache {
    const k = `${decl.group}/${decl.plural}`;
    let c = this.caches.get(k);
    if (c === undefined) {
      c = new WatchCache(this.store, storedResource(decl), { logger: this.logger, capacity: this.options.watchCacheCapacity });
      this.caches.set(k, c);
    }
    return c;
  }

  /** Client watches per resource (`pods`, `deployments.apps`), for /metrics. */
  watchCounts(): Array<[string, number]> {
    return [...this.caches.values()].map((c) => [c.resource.group === '' ? c.resource.resource : `${c.resource.resource}.${c.resource.group}`, c.watchCount]);
  }

  dropCache(group: string, plural: string): void {
    const k = `${group}/${plural}`;
    this.caches.get(k)?.stop();
    this.caches.delete(k);
  }

  /** A namespace, read from the store (a cache could lag behind a namespace created just before). */
  async namespace(name: string): Promise<KubeObject | undefined> {
    const decl = this.registry.lookup('', 'v1', 'namespaces');
    if (decl === undefined) return undefined;
    return this.store.get(storedResource(decl), '', name);
  }

  stop(): void {
    for (const c of this.caches.values()) c.stop();
    this.caches.clear();
  }
}
