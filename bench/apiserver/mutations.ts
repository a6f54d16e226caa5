/**
 * Phase 1, mutating requests: pod creates (POST) and updates (PUT with the current
 * resourceVersion, and merge PATCH of a label), each at a fixed offered rate (open loop) and at
 * the maximum N clients can drive (closed loop); also the fill up to the list phase's pod count.
 */
import { MERGE_PATCH, type ApiClient } from './http_client.js';
import { runClosedLoop, runOpenLoop, type LoadResult } from './load.js';
import { benchPod, labelPatch, podsPath, type PodObject } from './pods.js';

/** The pods created so far in one namespace, with the last state of those that get updated. */
export class PodPool {
  /** Pods that get updated, in creation order, with their last known state. */
  private readonly objects = new Map<string, PodObject>();
  private names: string[] = [];
  private created = 0;
  private revisionCounter = 0;

  constructor(
    private readonly client: ApiClient,
    readonly namespace: string,
  ) {}

  /** Pods created (acknowledged) in the namespace. */
  get size(): number {
    return this.created;
  }

  get updatable(): readonly string[] {
    return this.names;
  }

  async create(name: string, keep: boolean): Promise<void> {
    const obj = await this.client.json<PodObject>('POST', podsPath(this.namespace), benchPod(this.namespace, name));
    this.created++;
    if (keep) {
      this.objects.set(name, obj);
      this.names.push(name);
    }
  }

  /** PUT of the last state with one label changed, preconditioned on its resourceVersion. */
  async put(name: string): Promise<void> {
    const last = this.objects.get(name);
    if (last === undefined) throw new Error(`no pod ${name} to update`);
    const next: PodObject = { ...last, metadata: { ...last.metadata, labels: { ...last.metadata.labels, 'bench-rev': String(++this.revisionCounter) } } };
    const obj = await this.client.json<PodObject>('PUT', podsPath(this.namespace, name), next);
    this.objects.set(name, obj);
  }

  async patch(name: string): Promise<void> {
    const obj = await this.client.json<PodObject>('PATCH', podsPath(this.namespace, name), labelPatch(String(++this.revisionCounter)), MERGE_PATCH);
    this.objects.set(name, obj);
  }
}

export interface MutationSettings {
  readonly qps: number;
  readonly clients: number;
  readonly warmupMs: number;
  readonly durationMs: number;
}

export type MutationKind = 'create' | 'put' | 'patch';

function target(pool: PodPool, i: number): string {
  const names = pool.updatable;
  if (names.length === 0) throw new Error('no pods to update (the create phases made none)');
  return names[i % names.length]!;
}

export function openLoop(pool: PodPool, kind: MutationKind, s: MutationSettings, label: string): Promise<LoadResult> {
  const request = (i: number): Promise<void> => {
    switch (kind) {
      case 'create':
        return pool.create(`open-${i}`, true);
      case 'put':
        return pool.put(target(pool, i));
      case 'patch':
        return pool.patch(target(pool, i));
      default: {
        const never: never = kind;
        throw new Error(`unknown mutation ${String(never)}`);
      }
    }
  };
  return runOpenLoop({ label, qps: s.qps, warmupMs: s.warmupMs, durationMs: s.durationMs, request });
}

export function closedLoop(pool: PodPool, kind: 'create' | 'put', s: MutationSettings, label: string): Promise<LoadResult> {
  const until = { warmupMs: s.warmupMs, durationMs: s.durationMs };
  if (kind === 'create') return runClosedLoop({ label, clients: s.clients, until, request: (c, seq) => pool.create(`closed-${c}-${seq}`, true) });
  // Each client updates its own pods (client c: pods c, c + N, c + 2N, …) so that no two race on one.
  const names = pool.updatable.slice();
  const perClient = Math.floor(names.length / s.clients);
  if (perClient === 0) throw new Error(`too few pods (${names.length}) for ${s.clients} update clients`);
  return runClosedLoop({ label, clients: s.clients, until, request: (c, seq) => pool.put(names[c + s.clients * (seq % perClient)]!) });
}

/** Creates pods until the namespace holds `total` (not kept for updates). */
export function fill(pool: PodPool, total: number, clients: number, label: string): Promise<LoadResult> {
  return runClosedLoop({ label, clients, until: { count: Math.max(0, total - pool.size) }, request: (c, seq) => pool.create(`fill-${c}-${seq}`, false) });
}
