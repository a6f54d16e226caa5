import type { Logger } from 'pino';
import type { ApiContext } from './http/context.js';
import { timestamp } from './registry/meta.js';
import { crdSpec, declsFromCrd, versionOrder } from './registry/crd.js';
import { storedResource } from './registry/rest.js';
import type { Schema } from './registry/schema.js';
import type { KubeObject } from './registry/types.js';

/**
 * Serves custom resources: follows CustomResourceDefinitions through their watch cache, registers
 * each established CRD's versions (so discovery, OpenAPI and the resource endpoints pick them up),
 * unregisters deleted ones, and reports the CRD's status conditions (NamesAccepted, Established)
 * as kube-apiserver's CRD controllers do. Every API server runs it; the status writes are idempotent.
 */

export interface CrdController {
  start(): Promise<void>;
  /** Re-reads every CRD from the store (for a request that raced a CRD's creation). */
  sync(): Promise<void>;
  stop(): void;
}

export function startCrdController(api: ApiContext, metadataSchema: Schema, logger: Logger): CrdController {
  const log = logger.child({ component: 'crd-controller' });
  const crdDecl = api.registry.lookup('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
  const served = new Map<string, { group: string; plural: string; json: string }>();
  let watch: { close(): void } | undefined;

  const register = (crd: KubeObject): void => {
    const name = crd.metadata?.name ?? '';
    const spec = crdSpec(crd);
    if (spec === undefined) return;
    const json = JSON.stringify(crd.spec);
    const prior = served.get(name);
    if (prior !== undefined && prior.json === json) return;
    if (prior !== undefined && (prior.group !== spec.group || prior.plural !== spec.names.plural)) unregister(name);
    const decls = declsFromCrd(crd, metadataSchema);
    api.registry.replace(spec.group, spec.names.plural, decls, versionOrder(crd));
    if (decls[0] !== undefined) void api.cache(decls[0]).ready().catch((err: unknown) => log.warn({ err, crd: name }, 'custom resource cache failed to start'));
    served.set(name, { group: spec.group, plural: spec.names.plural, json });
    log.info({ crd: name }, 'serving custom resource');
    void markEstablished(crd);
  };

  const unregister = (name: string): void => {
    const s = served.get(name);
    if (s === undefined) return;
    served.delete(name);
    api.registry.remove(s.group, s.plural);
    api.dropCache(s.group, s.plural);
    log.info({ crd: name }, 'stopped serving custom resource');
  };

  const markEstablished = async (crd: KubeObject): Promise<void> => {
    if (crdDecl === undefined) return;
    const spec = crdSpec(crd)!;
    const status = (crd.status ?? {}) as { conditions?: Array<{ type: string; status: string }> };
    const established = (status.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
    const accepted = JSON.stringify((crd.status as { acceptedNames?: unknown } | undefined)?.acceptedNames) === JSON.stringify(withDefaults(spec.names));
    if (established && accepted) return;
    try {
      await api.store.guaranteedUpdate(storedResource(crdDecl), '', crd.metadata?.name ?? '', (cur) => {
        const now = timestamp(new Date());
        const storage = (crdSpec(cur)?.versions ?? []).filter((v) => v.storage === true).map((v) => v.name);
        const prev = (cur.status ?? {}) as { storedVersions?: string[] };
        cur.status = {
          conditions: [
            { type: 'NamesAccepted', status: 'True', lastTransitionTime: now, reason: 'NoConflicts', message: 'no conflicts found' },
            { type: 'Established', status: 'True', lastTransitionTime: now, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
          ],
          acceptedNames: withDefaults(crdSpec(cur)!.names),
          storedVersions: [...new Set([...(prev.storedVersions ?? []), ...storage])],
        };
        return cur;
      });
    } catch (err) {
      log.debug({ err, crd: crd.metadata?.name }, 'could not update CRD status');
    }
  };

  const sync = async (): Promise<void> => {
    if (crdDecl === undefined) return;
    const { items } = await api.store.list(storedResource(crdDecl), '');
    const names = new Set<string>();
    for (const crd of items) {
      names.add(crd.metadata?.name ?? '');
      if (crd.metadata?.deletionTimestamp === undefined) register(crd);
    }
    for (const name of [...served.keys()]) if (!names.has(name)) unregister(name);
  };

  return {
    start: async () => {
      if (crdDecl === undefined) return;
      const cache = api.cache(crdDecl);
      await cache.ready();
      watch = cache.watch({
        filter: () => true,
        send: (e) => {
          if (e.type === 'DELETED') unregister(e.object.metadata?.name ?? '');
          else if (e.type !== 'BOOKMARK') register(e.object);
          return true;
        },
        onClose: (why) => {
          log.warn({ why }, 'CRD watch ended; resyncing');
          void sync().catch((err: unknown) => log.error({ err }, 'CRD resync failed'));
        },
      });
    },
    sync,
    stop: () => watch?.close(),
  };
}

function withDefaults(names: { plural: string; singular?: string; kind: string; listKind?: string; shortNames?: string[]; categories?: string[] }): Record<string, unknown> {
  return {
    plural: names.plural,
    singular: names.singular ?? names.kind.toLowerCase(),
    ...(names.shortNames !== undefined ? { shortNames: names.shortNames } : {}),
    kind: names.kind,
    listKind: names.listKind ?? `${names.kind}List`,
    ...(names.categories !== undefined ? { categories: names.categories } : {}),
  };
}
