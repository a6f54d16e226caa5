/**
 * Phase 2, lists of every pod in a namespace, three ways kube clients do it:
 * - full: `GET …/pods`, no limit: a consistent read of every object from the store;
 * - paginated: `limit=N` then `continue` until done (what kubectl get and informers' pagers do);
 * - resourceVersion=0: served from the API server's watch cache (what informers do first).
 * Latency is from the request to the last byte of the last page; the body is parsed afterwards
 * (outside the timing) to check that the list holds exactly the pods created.
 */
import { Histogram } from '../store/histogram.js';
import type { ApiClient } from './http_client.js';
import { podsPath } from './pods.js';

export type ListKind = 'full' | 'paginated' | 'rv0';

export interface ListResult {
  readonly kind: ListKind;
  readonly latency: Histogram;
  readonly runs: number;
  /** Bytes of one whole list (all pages). */
  readonly bytes: number;
  readonly items: number;
  readonly pages: number;
  /** Runs whose item count was not the expected one. */
  readonly wrongCounts: string[];
}

interface ListBody {
  metadata?: { continue?: string; resourceVersion?: string };
  items?: unknown[];
}

async function listOnce(client: ApiClient, namespace: string, kind: ListKind, pageSize: number): Promise<{ ns: bigint; bytes: number; items: number; pages: number }> {
  const base = podsPath(namespace);
  const bodies: Buffer[] = [];
  const t0 = process.hrtime.bigint();
  let ns: bigint;
  if (kind === 'paginated') {
    let cont: string | undefined;
    let tPause = 0n;
    do {
      const q = `?limit=${pageSize}${cont !== undefined ? `&continue=${encodeURIComponent(cont)}` : ''}`;
      const r = await client.request('GET', `${base}${q}`);
      bodies.push(r.body);
      // Finding the continue token needs a parse: keep it out of the timing.
      const p0 = process.hrtime.bigint();
      const parsed = JSON.parse(r.body.toString('utf8')) as ListBody;
      cont = parsed.metadata?.continue;
      if (cont === '') cont = undefined;
      tPause += process.hrtime.bigint() - p0;
    } while (cont !== undefined);
    ns = process.hrtime.bigint() - t0 - tPause;
  } else {
    const r = await client.request('GET', kind === 'rv0' ? `${base}?resourceVersion=0` : base);
    ns = process.hrtime.bigint() - t0;
    bodies.push(r.body);
  }
  let items = 0;
  for (const b of bodies) items += (JSON.parse(b.toString('utf8')) as ListBody).items?.length ?? 0;
  return { ns, bytes: bodies.reduce((s, b) => s + b.length, 0), items, pages: bodies.length };
}

/** One unmeasured list, then `runs` measured ones. */
export async function runLists(client: ApiClient, namespace: string, kind: ListKind, opts: { runs: number; pageSize: number; expectedItems: number; label: string }): Promise<ListResult> {
  const latency = new Histogram();
  const wrongCounts: string[] = [];
  let last = { bytes: 0, items: 0, pages: 0 };
  for (let run = 0; run <= opts.runs; run++) {
    const r = await listOnce(client, namespace, kind, opts.pageSize);
    if (r.items !== opts.expectedItems) wrongCounts.push(`run ${run}: ${r.items} items, expected ${opts.expectedItems}`);
    if (run === 0) continue;
    latency.recordNs(r.ns);
    last = r;
    process.stderr.write(`  ${opts.label}: run ${run}/${opts.runs} ${(Number(r.ns) / 1e6).toFixed(0)} ms, ${r.items} items, ${(r.bytes / 1024 ** 2).toFixed(1)} MiB in ${r.pages} page${r.pages === 1 ? '' : 's'}\n`);
  }
  return { kind, latency, runs: opts.runs, ...last, wrongCounts };
}
