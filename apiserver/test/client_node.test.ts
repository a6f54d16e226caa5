import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KetchClient } from '../../kvstore/client/index.js';
import { waitFor } from '../../kvstore/test/processes.js';
import { startHarness, type ApiHarness } from './harness.js';

/**
 * The npm @kubernetes/client-node library, unmodified, against a real `ketch apiserver`: CRUD,
 * paginated lists, and an informer that lists, watches, and re-lists after a 410.
 */

let h: ApiHarness;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;

beforeAll(async () => {
  h = await startHarness('client-node');
  kc = new k8s.KubeConfig();
  kc.loadFromFile(h.kubeconfigPath);
  core = kc.makeApiClient(k8s.CoreV1Api);
}, 90_000);

afterAll(async () => {
  await h?.close();
});

const cm = (name: string, data: Record<string, string> = { k: name }): k8s.V1ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { suite: 'client-node' } }, data });

describe('@kubernetes/client-node against ketch', () => {
  it('creates, reads, replaces, patches and deletes', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: cm('one') });
    expect(created.metadata?.uid).toBeDefined();
    const read = await core.readNamespacedConfigMap({ namespace: 'default', name: 'one' });
    expect(read.data).toEqual({ k: 'one' });
    read.data = { k: 'changed' };
    const replaced = await core.replaceNamespacedConfigMap({ namespace: 'default', name: 'one', body: read });
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
    // A replace from the stale copy is a 409 Conflict.
    await expect(core.replaceNamespacedConfigMap({ namespace: 'default', name: 'one', body: { ...created, data: { k: 'stale' } } })).rejects.toMatchObject({ code: 409 });
    const patched = await core.patchNamespacedConfigMap({ namespace: 'default', name: 'one', body: [{ op: 'add', path: '/data/extra', value: 'x' }] });
    expect(patched.data).toEqual({ k: 'changed', extra: 'x' });
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'one' });
    await expect(core.readNamespacedConfigMap({ namespace: 'default', name: 'one' })).rejects.toMatchObject({ code: 404 });
  });

  it('pages through a list with limit and continue, at one resourceVersion', async () => {
    for (let i = 0; i < 7; i++) await core.createNamespacedConfigMap({ namespace: 'default', body: cm(`page-${i}`) });
    const names: string[] = [];
    let token: string | undefined;
    let rv: string | undefined;
    let pages = 0;
    do {
      const page: k8s.V1ConfigMapList = await core.listNamespacedConfigMap({ namespace: 'default', limit: 3, labelSelector: 'suite=client-node', ...(token !== undefined ? { _continue: token } : {}) });
      pages++;
      rv ??= page.metadata?.resourceVersion;
      if (pages === 1) await core.createNamespacedConfigMap({ namespace: 'default', body: cm('page-late') });
      names.push(...page.items.map((i) => i.metadata?.name ?? ''));
      token = page.metadata?._continue;
    } while (token !== undefined && token !== '');
    expect(pages).toBe(3);
    // The late object was created after the first page: a consistent snapshot leaves it out.
    expect(names).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6']);
  });

  it('runs an informer that converges after a 410 re-list', async () => {
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'suite=client-node' }), 'suite=client-node');
    const errors: unknown[] = [];
    informer.on('error', (err) => {
      errors.push(err);
      setTimeout(() => void informer.start(), 500);
    });
    await informer.start();
    await waitFor('informer synced', () => (informer.get('page-6', 'default') !== undefined ? true : undefined));
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('live') });
    await waitFor('informer sees a live add', () => (informer.get('live', 'default') !== undefined ? true : undefined));

    // While the API server is down, the store moves on without it: one object goes and the
    // revision advances past what the informer has seen. Its watch resumes from an old
    // resourceVersion, gets 410 Expired, and must re-list to converge.
    const store = new KetchClient({ endpoints: [...h.storeEndpoints] });
    const exited = new Promise((r) => h.apiserver.once('exit', r));
    h.apiserver.kill('SIGKILL');
    await exited;
    await store.delete('/registry/configmaps/default/page-0');
    await store.put('/unrelated/key', 'bump');
    store.close();
    await h.restartApiserver();
    await waitFor('informer drops the object deleted behind its back', () => (informer.get('page-0', 'default') === undefined ? true : undefined), 60_000);
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('after-restart') });
    await waitFor('informer follows after the re-list', () => (informer.get('after-restart', 'default') !== undefined ? true : undefined), 30_000);
    await informer.stop();
  });
});
