import type { Logger } from 'pino';
import { StatusError } from './errors.js';
import type { ApiContext } from './http/context.js';
import { startLoop } from './loop.js';
import { timestamp } from './registry/meta.js';
import { internalWrite } from './registry/rest.js';
import type { KubeObject } from './registry/types.js';

/**
 * Namespace lifecycle, the part kube-apiserver and the namespace controller do between them: the
 * system namespaces exist (default, kube-system, kube-public, kube-node-lease) and can't be
 * deleted, and a namespace being deleted has its contents removed and then its `kubernetes`
 * finalizer dropped, so it goes away. Every active namespace gets its `default` ServiceAccount
 * (the serviceaccounts controller's job in Kubernetes), within a sweep of being created or of the
 * account being deleted. Every step is idempotent, so several API servers may run it.
 */

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;
export const UNDELETABLE_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

const SWEEP_MS = 2000;
const DEFAULT_SERVICE_ACCOUNT = 'default';

export function startNamespaceLifecycle(api: ApiContext, logger: Logger): { bootstrap(): Promise<void>; stop(): void } {
  const log = logger.child({ component: 'namespace-lifecycle' });
  let loop: { stop(): void } | undefined;
  let stopped = false;
  const nsDecl = (): ReturnType<typeof api.registry.lookup> => api.registry.lookup('', 'v1', 'namespaces');

  const bootstrap = async (): Promise<void> => {
    const decl = nsDecl();
    if (decl === undefined) return;
    const rest = api.rest(decl);
    for (const name of SYSTEM_NAMESPACES) {
      try {
        await rest.create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, internalWrite('kube-apiserver'));
        log.info({ namespace: name }, 'created system namespace');
      } catch (err) {
        if (!(err instanceof StatusError && err.reason === 'AlreadyExists')) throw err;
      }
    }
    if (!stopped) loop = startLoop(SWEEP_MS, sweep, log, 'namespace sweep failed');
  };

  const sweep = async (): Promise<void> => {
    const decl = nsDecl();
    if (decl === undefined) return;
    const cache = api.cache(decl);
    await cache.ready();
    const terminating = cache.list((o) => o.metadata?.deletionTimestamp !== undefined).items;
    for (const ns of terminating) await finalize(ns);
    await ensureDefaultServiceAccounts(cache.list((o) => o.metadata?.deletionTimestamp === undefined).items);
  };

  const ensureDefaultServiceAccounts = async (active: readonly KubeObject[]): Promise<void> => {
    const decl = api.registry.lookup('', 'v1', 'serviceaccounts');
    if (decl === undefined) return;
    const rest = api.rest(decl);
    const accounts = api.cache(decl);
    await accounts.ready();
    for (const ns of active) {
      const namespace = ns.metadata?.name ?? '';
      if (accounts.peek(api.store.keys.object(rest.stored, namespace, DEFAULT_SERVICE_ACCOUNT)) !== undefined) continue;
      try {
        await rest.create(namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: DEFAULT_SERVICE_ACCOUNT } }, internalWrite('kube-controller-manager'));
        log.debug({ namespace }, 'created the default service account');
      } catch (err) {
        // Another API server made it, or the namespace began terminating since the cache saw it.
        if (!(err instanceof StatusError && (err.reason === 'AlreadyExists' || err.reason === 'Forbidden' || err.reason === 'NotFound'))) throw err;
      }
    }
  };

  const finalize = async (ns: KubeObject): Promise<void> => {
    const name = ns.metadata?.name ?? '';
    let remaining = 0;
    for (const decl of api.registry.all()) {
      if (!decl.namespaced || decl.virtual === true) continue;
      // One version per resource is enough: every version shares the keys.
      if (api.registry.versionsOf(decl.group, decl.plural)[0] !== decl) continue;
      const rest = api.rest(decl);
      const { items } = await api.store.list(rest.stored, name);
      for (const item of items) {
        remaining++;
        if (item.metadata?.deletionTimestamp !== undefined) continue;
        try {
          await rest.delete(name, item.metadata?.name ?? '', { propagationPolicy: 'Background' }, internalWrite('namespace-controller'));
        } catch (err) {
          if (!(err instanceof StatusError && err.reason === 'NotFound')) throw err;
        }
      }
    }
    if (remaining > 0) return;
    const decl = nsDecl()!;
    try {
      await api.store.guaranteedUpdate(api.rest(decl).stored, '', name, (cur) => {
        const spec = (cur.spec ?? {}) as { finalizers?: string[] };
        cur.spec = { ...spec, finalizers: (spec.finalizers ?? []).filter((f) => f !== 'kubernetes') };
        return cur;
      });
      const cur = await api.store.get(api.rest(decl).stored, '', name);
      if (cur !== undefined && ((cur.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).length === 0 && (cur.metadata?.finalizers ?? []).length === 0) {
        await api.store.delete(api.rest(decl).stored, '', name, Number(cur.metadata?.resourceVersion));
        log.info({ namespace: name, at: timestamp(new Date()) }, 'namespace finalized');
      }
    } catch (err) {
      if (!(err instanceof StatusError && (err.reason === 'NotFound' || err.reason === 'Conflict'))) throw err;
    }
  };

  return {
    bootstrap,
    stop: () => {
      stopped = true;
      loop?.stop();
    },
  };
}
