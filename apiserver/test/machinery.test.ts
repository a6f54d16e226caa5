import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../kvstore/test/processes.js';
import { startHarness, type ApiHarness } from './harness.js';

/**
 * Kubernetes API machinery through the HTTP API of a real server: server-set metadata, generation,
 * the status, scale and binding subresources, finalizers and propagation policies, field selectors.
 */

let h: ApiHarness;

beforeAll(async () => {
  h = await startHarness('machinery');
}, 90_000);

afterAll(async () => {
  await h?.close();
});

type Obj = { metadata: { name: string; uid: string; resourceVersion: string; generation?: number; deletionTimestamp?: string; finalizers?: string[]; creationTimestamp: string }; spec?: Record<string, unknown>; status?: Record<string, unknown> };

async function call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; json: Obj & Record<string, unknown> }> {
  const r = await h.fetch(path, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': contentType } } : {}) });
  return { status: r.status, json: (await r.json()) as Obj & Record<string, unknown> };
}

const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';
const deployment = (name: string): unknown => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  status: { replicas: 99 },
});

describe('server-set metadata and generation', () => {
  it('sets uid, creationTimestamp, generation, names from generateName, and drops status on create', async () => {
    const a = await call('POST', DEPLOYS, deployment('gen'));
    expect(a.status).toBe(201);
    expect(a.json.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.json.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(a.json.metadata.generation).toBe(1);
    expect(a.json.status).toBeUndefined();
    const g = await call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { generateName: 'cfg-' } });
    expect(g.json.metadata.name).toMatch(/^cfg-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('bumps generation on spec changes only; main-resource writes keep status, /status writes only status', async () => {
    const path = `${DEPLOYS}/gen`;
    const labelled = await call('PATCH', path, { metadata: { labels: { x: 'y' } } }, 'application/merge-patch+json');
    expect(labelled.json.metadata.generation).toBe(1);
    const scaled = await call('PATCH', path, { spec: { replicas: 3 }, status: { replicas: 5 } }, 'application/merge-patch+json');
    expect(scaled.json.metadata.generation).toBe(2);
    expect(scaled.json.status).toBeUndefined();
    const st = await call('PATCH', `${path}/status`, { spec: { replicas: 7 }, status: { replicas: 3, readyReplicas: 2 } }, 'application/merge-patch+json');
    expect(st.status).toBe(200);
    expect(st.json.status).toMatchObject({ replicas: 3, readyReplicas: 2 });
    expect((st.json.spec as { replicas: number }).replicas).toBe(3);
    expect(st.json.metadata.generation).toBe(2);
    const scale = await call('GET', `${path}/scale`);
    expect(scale.json).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 3 }, status: { replicas: 3, selector: 'app=gen' } });
    const put = await call('PUT', `${path}/scale`, { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'gen' }, spec: { replicas: 4 } });
    expect(put.json).toMatchObject({ spec: { replicas: 4 } });
    const stale = await call('PUT', `${path}/scale`, { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'gen', resourceVersion: scale.json.metadata.resourceVersion }, spec: { replicas: 6 } });
    expect(stale.status).toBe(409);
  });
});

describe('deletion', () => {
  it('keeps an object with finalizers until the last one is removed', async () => {
    const path = '/api/v1/namespaces/default/configmaps/held';
    await call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    const del = await call('DELETE', path);
    expect(del.status).toBe(202);
    expect(del.json.metadata.deletionTimestamp).toBeDefined();
    const still = await call('GET', path);
    expect(still.status).toBe(200);
    expect(still.json.metadata.deletionTimestamp).toBeDefined();
    const rel = await call('PATCH', path, { metadata: { finalizers: null } }, 'application/merge-patch+json');
    expect(rel.status).toBe(200);
    expect((await call('GET', path)).status).toBe(404);
  });

  it('records Orphan and Foreground as finalizers', async () => {
    await call('POST', DEPLOYS, deployment('orphaned'));
    const o = await call('DELETE', `${DEPLOYS}/orphaned`, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Orphan' });
    expect(o.status).toBe(202);
    expect(o.json.metadata.finalizers).toEqual(['orphan']);
    await call('POST', DEPLOYS, deployment('fg'));
    const f = await call('DELETE', `${DEPLOYS}/fg?propagationPolicy=Foreground`);
    expect(f.json.metadata.finalizers).toEqual(['foregroundDeletion']);
    const bad = await call('DELETE', `${DEPLOYS}/fg?propagationPolicy=Sideways`);
    expect(bad.status).toBe(422);
  });

  it('checks delete preconditions', async () => {
    const c = await call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'pre' } });
    const wrong = await call('DELETE', '/api/v1/namespaces/default/configmaps/pre', { preconditions: { uid: 'not-the-uid' } });
    expect(wrong.status).toBe(409);
    const right = await call('DELETE', '/api/v1/namespaces/default/configmaps/pre', { preconditions: { uid: c.json.metadata.uid } });
    expect(right.status).toBe(200);
    expect(right.json).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'pre', kind: 'configmaps', uid: c.json.metadata.uid } });
  });
});

describe('garbage collection by ownerReferences', () => {
  const CMS = '/api/v1/namespaces/default/configmaps';
  const owned = (name: string, owner: Obj, extra: Record<string, unknown> = {}): unknown => ({
    metadata: { name, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: owner.metadata.name, uid: owner.metadata.uid, ...extra }] },
  });
  const gone = (path: string) => async (): Promise<true | undefined> => ((await call('GET', path)).status === 404 ? true : undefined);

  it('deletes dependents of a deleted owner (Background), and only those whose owners are really gone', async () => {
    const owner = (await call('POST', DEPLOYS, deployment('gc-owner'))).json;
    const other = (await call('POST', DEPLOYS, deployment('gc-keeper'))).json;
    expect((await call('POST', CMS, owned('gc-dep', owner))).status).toBe(201);
    expect((await call('POST', CMS, owned('gc-kept', other))).status).toBe(201);
    // An owner of a kind this server does not serve cannot be checked: its dependent stays.
    expect((await call('POST', CMS, { metadata: { name: 'gc-unknown-owner', ownerReferences: [{ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', uid: 'u-1' }] } })).status).toBe(201);
    expect((await call('DELETE', `${DEPLOYS}/gc-owner`)).status).toBe(200);
    await waitFor('dependent collected', gone(`${CMS}/gc-dep`), 15_000);
    // A dependent whose owner's name now belongs to another object (another uid) is collected too.
    const recreated = (await call('POST', DEPLOYS, deployment('gc-owner'))).json;
    expect(recreated.metadata.uid).not.toBe(owner.metadata.uid);
    expect((await call('POST', CMS, owned('gc-stale-ref', owner))).status).toBe(201);
    await waitFor('stale reference collected', gone(`${CMS}/gc-stale-ref`), 15_000);
    expect((await call('GET', `${CMS}/gc-kept`)).status).toBe(200);
    expect((await call('GET', `${CMS}/gc-unknown-owner`)).status).toBe(200);
  });

  it('orphans dependents (Orphan): the owner goes, the dependents stay without the reference', async () => {
    const owner = (await call('POST', DEPLOYS, deployment('gc-orphaner'))).json;
    await call('POST', CMS, owned('gc-orphan', owner));
    expect((await call('DELETE', `${DEPLOYS}/gc-orphaner?propagationPolicy=Orphan`)).status).toBe(202);
    await waitFor('owner gone', gone(`${DEPLOYS}/gc-orphaner`), 15_000);
    const dep = await call('GET', `${CMS}/gc-orphan`);
    expect(dep.status).toBe(200);
    expect(dep.json.metadata).not.toHaveProperty('ownerReferences');
  });

  it('deletes dependents first (Foreground): the owner waits for blocking dependents, then goes', async () => {
    const owner = (await call('POST', DEPLOYS, deployment('gc-fg'))).json;
    await call('POST', CMS, { ...(owned('gc-fg-dep', owner, { blockOwnerDeletion: true }) as object), metadata: { ...(owned('gc-fg-dep', owner, { blockOwnerDeletion: true }) as Obj).metadata, finalizers: ['example.com/hold'] } });
    expect((await call('DELETE', `${DEPLOYS}/gc-fg?propagationPolicy=Foreground`)).status).toBe(202);
    // The dependent is being deleted but held by its own finalizer, so the owner waits.
    await waitFor('dependent deleting', async () => ((await call('GET', `${CMS}/gc-fg-dep`)).json.metadata.deletionTimestamp !== undefined ? true : undefined), 15_000);
    await new Promise((r) => setTimeout(r, 2500));
    expect((await call('GET', `${DEPLOYS}/gc-fg`)).json.metadata.finalizers).toEqual(['foregroundDeletion']);
    await call('PATCH', `${CMS}/gc-fg-dep`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
    await waitFor('owner gone', gone(`${DEPLOYS}/gc-fg`), 15_000);
  });

  it('lets kubectl delete with --cascade=orphan and --cascade=foreground finish', async () => {
    await call('POST', DEPLOYS, deployment('gc-kubectl-1'));
    await call('POST', DEPLOYS, deployment('gc-kubectl-2'));
    expect(await h.k(['delete', 'deployment', 'gc-kubectl-1', '--cascade=orphan', '--timeout=20s'])).toMatch(/deleted/);
    expect(await h.k(['delete', 'deployment', 'gc-kubectl-2', '--cascade=foreground', '--timeout=20s'])).toMatch(/deleted/);
    expect((await call('GET', `${DEPLOYS}/gc-kubectl-1`)).status).toBe(404);
    expect((await call('GET', `${DEPLOYS}/gc-kubectl-2`)).status).toBe(404);
  });
});

describe('pods', () => {
  it('binds a pod to a node once, and selects pods by spec.nodeName and status.phase', async () => {
    const pod = { metadata: { name: 'p1' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
    const created = await call('POST', '/api/v1/namespaces/default/pods', pod);
    expect(created.status).toBe(201);
    expect(created.json.status).toMatchObject({ phase: 'Pending' });
    await call('POST', '/api/v1/namespaces/default/pods', { ...pod, metadata: { name: 'p2' } });
    const bind = await call('POST', '/api/v1/namespaces/default/pods/p1/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p1' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-a' } });
    expect(bind.status).toBe(201);
    const again = await call('POST', '/api/v1/namespaces/default/pods/p1/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p1' }, target: { kind: 'Node', name: 'node-b' } });
    expect(again.status).toBe(409);
    const onA = (await call('GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-a')).json as unknown as { items: Obj[] };
    expect(onA.items.map((p) => p.metadata.name)).toEqual(['p1']);
    const unbound = (await call('GET', '/api/v1/namespaces/default/pods?fieldSelector=spec.nodeName%3D,status.phase%3DPending')).json as unknown as { items: Obj[] };
    expect(unbound.items.map((p) => p.metadata.name)).toEqual(['p2']);
  });
});

describe('service cluster IPs', () => {
  const SVCS = '/api/v1/namespaces/default/services';
  const svc = (name: string, spec: Record<string, unknown> = {}): unknown => ({ metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } });
  it('allocates a free address from 10.96.0.0/12, honours a requested one once, and frees it on delete', async () => {
    const a = await call('POST', SVCS, svc('ip-a'));
    expect(a.status).toBe(201);
    const ip = (a.json.spec as { clusterIP: string; clusterIPs: string[] }).clusterIP;
    expect(ip).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    expect((a.json.spec as { clusterIPs: string[] }).clusterIPs).toEqual([ip]);
    const taken = await call('POST', SVCS, svc('ip-b', { clusterIP: ip }));
    expect(taken.status).toBe(422);
    expect(String(taken.json.message)).toContain('provided IP is already allocated');
    const outside = await call('POST', SVCS, svc('ip-c', { clusterIP: '192.168.1.1' }));
    expect(outside.status).toBe(422);
    const headless = await call('POST', SVCS, svc('ip-h', { clusterIP: 'None' }));
    expect((headless.json.spec as { clusterIP: string }).clusterIP).toBe('None');
    expect((await call('DELETE', `${SVCS}/ip-a`)).status).toBe(200);
    const reuse = await call('POST', SVCS, svc('ip-b', { clusterIP: ip }));
    expect(reuse.status).toBe(201);
    expect((reuse.json.spec as { clusterIP: string }).clusterIP).toBe(ip);
  });

  it('shows the address in kubectl get svc', async () => {
    const out = await h.k(['get', 'svc', 'ip-b']);
    expect(out).toMatch(/^ip-b\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP\s+/m);
  });
});
