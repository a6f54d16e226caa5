import type { Logger } from 'pino';
import { StatusError } from './errors.js';
import type { ApiContext } from './http/context.js';
import { startLoop } from './loop.js';
import { internalWrite, type DeleteOptions, type WriteContext } from './registry/rest.js';
import type { KubeObject, ResourceDecl } from './registry/types.js';

/**
 * Garbage collection by ownerReferences, the part of kube-controller-manager's garbage collector
 * that deletion's propagation policies rely on:
 *
 * - **Background** (kubectl's default): an object whose owners are all gone is deleted. "Gone" is
 *   confirmed by a live read of each owner (absent, or another object under its name, with another
 *   uid), never from the watch caches alone: a cache may not have seen a just-created owner yet.
 * - **Orphan** (`--cascade=orphan`): an owner deleted with the `orphan` finalizer has its
 *   reference removed from every dependent, then the finalizer dropped (so it goes).
 * - **Foreground** (`--cascade=foreground`): an owner with the `foregroundDeletion` finalizer has
 *   its dependents deleted (in the foreground themselves when they have dependents of their own),
 *   and the finalizer is dropped once no dependent with `blockOwnerDeletion: true` is left.
 *
 * Each sweep reads the watch caches (the whole graph, by uid) and makes only conditional writes
 * (an update at the resourceVersion it read, a delete with the uid as precondition), so several API
 * servers may run it together: whatever loses a race is done again, or found done, next sweep.
 */

const SWEEP_MS = 2000;
const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';

interface OwnerReference {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly uid?: string;
  readonly blockOwnerDeletion?: boolean;
}

interface Node {
  readonly decl: ResourceDecl;
  readonly obj: KubeObject;
}

export function startGarbageCollector(api: ApiContext, logger: Logger): { sweep(): Promise<void>; stop(): void } {
  const log = logger.child({ component: 'garbage-collector' });
  const ctx = (): WriteContext => internalWrite('kube-controller-manager');

  /** One version of every stored resource (every version shares the keys), with its cached objects. */
  const graph = async (): Promise<{ nodes: Node[]; byUid: Map<string, Node>; dependents: Map<string, Node[]> }> => {
    const nodes: Node[] = [];
    for (const decl of api.registry.all()) {
      if (decl.virtual === true || api.registry.versionsOf(decl.group, decl.plural)[0] !== decl) continue;
      const cache = api.cache(decl);
      await cache.ready();
      for (const obj of cache.objects()) nodes.push({ decl, obj });
    }
    const byUid = new Map<string, Node>();
    const dependents = new Map<string, Node[]>();
    for (const n of nodes) {
      const uid = n.obj.metadata?.uid;
      if (uid !== undefined) byUid.set(uid, n);
      for (const ref of ownerRefs(n.obj)) {
        if (ref.uid === undefined) continue;
        const list = dependents.get(ref.uid);
        if (list === undefined) dependents.set(ref.uid, [n]);
        else list.push(n);
      }
    }
    return { nodes, byUid, dependents };
  };

  const sweep = async (): Promise<void> => {
    const { nodes, byUid, dependents } = await graph();
    for (const n of nodes) {
      const meta = n.obj.metadata ?? {};
      const finalizers = meta.finalizers ?? [];
      if (meta.deletionTimestamp !== undefined && finalizers.includes(ORPHAN)) await orphanDependents(n, dependents.get(meta.uid ?? '') ?? []);
      else if (meta.deletionTimestamp !== undefined && finalizers.includes(FOREGROUND)) await deleteDependents(n, dependents, dependents.get(meta.uid ?? '') ?? []);
      const refs = ownerRefs(n.obj);
      if (refs.length > 0 && meta.deletionTimestamp === undefined && refs.every((r) => r.uid === undefined || !byUid.has(r.uid))) await collectIfDangling(n, refs);
    }
  };

  const orphanDependents = async (owner: Node, deps: readonly Node[]): Promise<void> => {
    const uid = owner.obj.metadata?.uid;
    for (const d of deps) {
      await write(d, 'orphan a dependent', () => {
        const next = structuredClone(d.obj);
        const kept = ownerRefs(next).filter((r) => r.uid !== uid);
        if (kept.length > 0) next.metadata!.ownerReferences = kept as Array<Record<string, unknown>>;
        else delete next.metadata!.ownerReferences;
        return next;
      });
    }
    await dropFinalizer(owner, ORPHAN);
  };

  const deleteDependents = async (owner: Node, all: ReadonlyMap<string, Node[]>, deps: readonly Node[]): Promise<void> => {
    const uid = owner.obj.metadata?.uid;
    for (const d of deps) {
      if (d.obj.metadata?.deletionTimestamp !== undefined) continue;
      const hasOwn = (all.get(d.obj.metadata?.uid ?? '') ?? []).length > 0;
      await remove(d, { propagationPolicy: hasOwn ? 'Foreground' : 'Background' });
    }
    const blocking = deps.some((d) => ownerRefs(d.obj).some((r) => r.uid === uid && r.blockOwnerDeletion === true));
    // The dependents deleted in this sweep are still in this sweep's graph: the finalizer goes next sweep.
    if (!blocking) await dropFinalizer(owner, FOREGROUND);
  };

  /** Deletes `n` when a live read of every owner finds it gone (its name free, or held by another uid). */
  const collectIfDangling = async (n: Node, refs: readonly OwnerReference[]): Promise<void> => {
    const namespace = n.obj.metadata?.namespace ?? '';
    for (const ref of refs) {
      const decl = ownerDecl(ref);
      // An owner of a kind this server does not serve cannot be checked: the dependent stays.
      if (decl === undefined || ref.name === undefined || ref.uid === undefined) return;
      if (decl.namespaced && namespace === '') return;
      const live = await api.store.get(api.rest(decl).stored, decl.namespaced ? namespace : '', ref.name);
      if (live !== undefined && live.metadata?.uid === ref.uid) return;
    }
    await remove(n, { propagationPolicy: 'Background' });
    log.debug({ resource: n.decl.plural, namespace, name: n.obj.metadata?.name }, 'deleted an object whose owners are gone');
  };

  const ownerDecl = (ref: OwnerReference): ResourceDecl | undefined => {
    const [group, version] = (ref.apiVersion ?? '').includes('/') ? (ref.apiVersion ?? '').split('/', 2) : ['', ref.apiVersion ?? ''];
    return api.registry.byKind(group ?? '', version ?? '', ref.kind ?? '') ?? api.registry.all().find((d) => d.group === group && d.kind === ref.kind);
  };

  const dropFinalizer = (n: Node, finalizer: string): Promise<void> =>
    write(n, `drop the ${finalizer} finalizer`, () => {
      const next = structuredClone(n.obj);
      next.metadata!.finalizers = (next.metadata?.finalizers ?? []).filter((f) => f !== finalizer);
      return next;
    });

  /** An update from the cached copy, at its resourceVersion: a stale copy is a Conflict, retried next sweep. */
  const write = async (n: Node, what: string, change: () => KubeObject): Promise<void> => {
    const meta = n.obj.metadata ?? {};
    try {
      await api.rest(n.decl).update(meta.namespace ?? '', meta.name ?? '', change(), ctx());
    } catch (err) {
      if (!isRace(err)) throw err;
      log.debug({ resource: n.decl.plural, name: meta.name, reason: (err as StatusError).reason }, `could not ${what} yet`);
    }
  };

  const remove = async (n: Node, opts: DeleteOptions): Promise<void> => {
    const meta = n.obj.metadata ?? {};
    try {
      await api.rest(n.decl).delete(meta.namespace ?? '', meta.name ?? '', { ...opts, preconditions: { uid: meta.uid } }, ctx());
    } catch (err) {
      if (!isRace(err)) throw err;
    }
  };

  const loop = startLoop(SWEEP_MS, sweep, log, 'garbage collection sweep failed');
  return { sweep, stop: loop.stop };
}

function ownerRefs(obj: KubeObject): OwnerReference[] {
  const refs = obj.metadata?.ownerReferences;
  return Array.isArray(refs) ? (refs as OwnerReference[]) : [];
}

/** Someone else changed or removed the object since the cache saw it: try again next sweep. */
function isRace(err: unknown): boolean {
  return err instanceof StatusError && (err.reason === 'Conflict' || err.reason === 'NotFound');
}
