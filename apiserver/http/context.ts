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
      const stored = storedResource(decl);
      const cached = decl.virtual === true ? undefined : (namespace: string, name: string): KubeObject | undefined => this.cache(decl).peek(this.store.keys.object(stored, namespace, name));
      r = new Rest(decl, this.store, this.machinery, (ns) => this.namespace(ns), cached);
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

  /**
   * A namespace, for namespace lifecycle checks: from the watch cache when it holds it active (the
   * common case, and no store read per create, as kube-apiserver's lifecycle admission uses its
   * informer), else from the store, since the cache can lag a namespace created or deleted just
   * before.
   */
  async namespace(name: string): Promise<KubeObject | undefined> {
    const decl = this.registry.lookup('', 'v1', 'namespaces');
    if (decl === undefined) return undefined;
    const stored = storedResource(decl);
    const cached = this.cache(decl).peek(this.store.keys.object(stored, '', name));
    if (cached !== undefined && cached.metadata?.deletionTimestamp === undefined) return cached;
    return this.store.get(stored, '', name);
  }

  stop(): void {
    for (const c of this.caches.values()) c.stop();
    this.caches.clear();
  }
}
