import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { waitFor } from '../../kvstore/test/processes.js';
import { startHarness, type ApiHarness } from './harness.js';

/**
 * Bearer tokens from --token-auth-file and RBAC against a real API server: 401 for bad tokens,
 * 403 with kube-apiserver's message until a Role and RoleBinding allow it, the bootstrap roles,
 * and the WebSocket bearer-token subprotocol.
 */

let h: ApiHarness;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ketch-auth-'));
  const tokens = path.join(dir, 'tokens.csv');
  await writeFile(tokens, 'admin-token,admin,uid-admin,"system:masters"\nalice-token,alice,uid-alice\nbob-token,bob,uid-bob,"dev,qa"\n');
  h = await startHarness('auth', { apiserverArgs: ['--token-auth-file', tokens, '--authorization-mode', 'RBAC'] });
}, 90_000);

afterAll(async () => {
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

const as = (token: string | undefined, init: RequestInit = {}): RequestInit => ({ ...init, headers: { ...(init.headers as Record<string, string> | undefined), ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' } });

describe('authentication and RBAC', () => {
  it('refuses an unknown token with 401 and lets anonymous read only public info', async () => {
    const bad = await h.fetch('/api/v1/namespaces', as('wrong'));
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    expect((await h.fetch('/version')).status).toBe(200);
    expect((await h.fetch('/healthz')).status).toBe(200);
    const anon = await h.fetch('/api/v1/namespaces');
    expect(anon.status).toBe(403);
    expect(((await anon.json()) as { message: string }).message).toBe('namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" at the cluster scope');
  });

  it('forbids alice until a Role and RoleBinding grant her pods in one namespace', async () => {
    const denied = await h.fetch('/api/v1/namespaces/default/pods', as('alice-token'));
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ reason: 'Forbidden', message: 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"' });
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'pod-reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }] };
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'alice-reads-pods' }, subjects: [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }], roleRef: { kind: 'Role', name: 'pod-reader', apiGroup: 'rbac.authorization.k8s.io' } };
    expect((await h.fetch('/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', as('admin-token', { method: 'POST', body: JSON.stringify(role) }))).status).toBe(201);
    expect((await h.fetch('/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', as('admin-token', { method: 'POST', body: JSON.stringify(binding) }))).status).toBe(201);
    // The authorizer reads roles from the watch cache: allowed once the binding has arrived there.
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await h.fetch('/api/v1/namespaces/default/pods', as('alice-token'))).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    expect((await h.fetch('/api/v1/namespaces/kube-system/pods', as('alice-token'))).status).toBe(403);
    const create = await h.fetch('/api/v1/namespaces/default/pods', as('alice-token', { method: 'POST', body: JSON.stringify({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }) }));
    expect(create.status).toBe(403);
    expect(((await create.json()) as { message: string }).message).toBe('pods is forbidden: User "alice" cannot create resource "pods" in API group "" in the namespace "default"');
  });

  it('binds groups to the bootstrap view role', async () => {
    expect((await h.fetch('/api/v1/namespaces/default/configmaps', as('bob-token'))).status).toBe(403);
    const crb = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'qa-view' }, subjects: [{ kind: 'Group', name: 'qa', apiGroup: 'rbac.authorization.k8s.io' }], roleRef: { kind: 'ClusterRole', name: 'view', apiGroup: 'rbac.authorization.k8s.io' } };
    expect((await h.fetch('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', as('admin-token', { method: 'POST', body: JSON.stringify(crb) }))).status).toBe(201);
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await h.fetch('/api/v1/namespaces/default/configmaps', as('bob-token'))).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    // view does not include secrets, nor writes.
    expect((await h.fetch('/api/v1/namespaces/default/secrets', as('bob-token'))).status).toBe(403);
    expect((await h.fetch('/api/v1/namespaces/default/configmaps', as('bob-token', { method: 'POST', body: JSON.stringify({ metadata: { name: 'x' } }) }))).status).toBe(403);
  });

  it('accepts the bearer token as a WebSocket subprotocol and never echoes it', async () => {
    const b64 = Buffer.from('admin-token').toString('base64url');
    const url = `${h.url.replace('http', 'ws')}/api/v1/namespaces/default/configmaps?watch=true`;
    const protocol = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(url, [`base64url.bearer.authorization.k8s.io.${b64}`, 'v4.channel.k8s.io']);
      ws.once('open', () => {
        resolve(ws.protocol);
        ws.close();
      });
      ws.once('error', reject);
    });
    expect(protocol).toBe('v4.channel.k8s.io');
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url, [`base64url.bearer.authorization.k8s.io.${Buffer.from('wrong').toString('base64url')}`]);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => {});
    });
    expect(refused).toBe(401);
  });
});

describe('kubectl auth over HTTPS', () => {
  // kubectl sends bearer tokens only over TLS: a server with certificates made by `ketch certs`.
  let t: ApiHarness;
  beforeAll(async () => {
    const tokens = path.join(dir, 'tls-tokens.csv');
    await writeFile(tokens, 'alice-token,alice,uid-alice\nroot-token,root,uid-root,"system:masters"\n');
    t = await startHarness('auth-tls', { tls: true, token: 'alice-token', apiserverArgs: ['--token-auth-file', tokens, '--authorization-mode', 'RBAC'] });
  }, 90_000);
  afterAll(async () => {
    await t?.close();
  });

  it('can-i asks the authorizer, and whoami names the user', async () => {
    expect(await t.kubectl(['auth', 'can-i', 'create', 'selfsubjectaccessreviews'])).toMatchObject({ code: 0, stdout: 'yes\n' });
    expect(await t.kubectl(['auth', 'can-i', 'list', 'pods'])).toMatchObject({ code: 1, stdout: 'no\n' });
    expect(await t.kubectl(['auth', 'can-i', 'get', '/version'])).toMatchObject({ code: 0, stdout: 'yes\n' });
    const who = await t.kubectl(['auth', 'whoami', '-o', 'json']);
    expect(JSON.parse(who.stdout)).toMatchObject({ kind: 'SelfSubjectReview', status: { userInfo: { username: 'alice', uid: 'uid-alice', groups: ['system:authenticated'] } } });
    const denied = await t.kubectl(['get', 'pods']);
    expect(denied.stderr).toMatch(/Error from server \(Forbidden\): pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"/);
  });

  it('lists the kubernetes service as https on 443, to the secure port', async () => {
    const svc = await t.kubectl(['--token', 'root-token', 'get', 'svc', 'kubernetes', '-o', 'jsonpath={.spec.clusterIP} {.spec.ports[0].name} {.spec.ports[0].port} {.spec.ports[0].targetPort}']);
    expect(svc.stdout).toBe(`10.96.0.1 https 443 ${new URL(t.url).port}`);
  });

  it('can-i --list shows the rules of the bound roles, per namespace (SelfSubjectRulesReview)', async () => {
    const row = (out: string, resource: string): string | undefined => out.split('\n').find((l) => l.split(/\s+/)[0] === resource);
    const before = await t.kubectl(['auth', 'can-i', '--list']);
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs/);
    expect(row(before.stdout, 'selfsubjectrulesreviews.authorization.k8s.io')).toMatch(/\[create\]$/);
    expect(before.stdout).toMatch(/\s\[\/version\]\s+\[\]\s+\[get\]/);
    expect(row(before.stdout, 'pods')).toBeUndefined();
    await t.kubectl(['--token', 'root-token', 'create', 'rolebinding', 'alice-view', '--clusterrole', 'view', '--user', 'alice', '-n', 'default']).then((r) => expect(r).toMatchObject({ code: 0 }));
    // The authorizer reads bindings from the watch cache: the rule shows once the binding has arrived.
    await waitFor('binding in the cache', async () => (row((await t.kubectl(['auth', 'can-i', '--list', '-n', 'default'])).stdout, 'pods') !== undefined ? true : undefined), 10_000);
    expect(row((await t.kubectl(['auth', 'can-i', '--list', '-n', 'default'])).stdout, 'pods')).toMatch(/\[get list watch\]$/);
    expect(row((await t.kubectl(['auth', 'can-i', '--list', '-n', 'kube-system'])).stdout, 'pods')).toBeUndefined();
  });
});
