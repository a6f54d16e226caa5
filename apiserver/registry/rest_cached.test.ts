import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KetchClient } from '../../kvstore/client/index.js';
import { startTestCluster, type TestCluster } from '../../kvstore/client/testing.js';
import { StatusError } from '../errors.js';
import { fieldsMachinery, patchMachinery } from '../machinery.js';
import { ObjectStore } from '../storage/store.js';
import { builtinResources } from './builtin/index.js';
import { Rest, type WriteContext } from './rest.js';
import type { KubeObject } from './types.js';

/**
 * Updates start from the watch cache's copy of the object (no read before the write). These tests
 * hand the REST layer a copy that is deliberately stale, as a lagging cache would, and check that
 * every outcome is still the one a fresh read gives: the compare-and-swap catches the stale base,
 * and what the stale copy alone would decide (a resourceVersion mismatch, nothing to write, the
 * object still existing) is confirmed against the store.
 */

const configMaps = builtinResources.find((d) => d.group === '' && d.plural === 'configmaps')!;
const ctx = (): WriteContext => ({ dryRun: false, fieldValidation: 'Strict', fieldManager: 'test', now: new Date(), warnings: [] });
const cm = (name: string, data: Record<string, string>, resourceVersion?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', ...(resourceVersion !== undefined ? { resourceVersion } : {}) },
  data,
});

describe('REST writes from a stale cached copy', () => {
  let tc: TestCluster;
  let client: KetchClient;
  let store: ObjectStore;
  /** What the fake cache answers, per name: set to an old copy to make it stale. */
  const cache = new Map<string, KubeObject>();
  let rest: Rest;

  beforeAll(async () => {
    tc = await startTestCluster(1);
    client = new KetchClient({ endpoints: tc.endpoints, logger: pino({ level: 'silent' }) });
    store = new ObjectStore(client, '/registry-test');
    const namespace = async (name: string): Promise<KubeObject | undefined> => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    rest = new Rest(configMaps, store, { ...patchMachinery, ...fieldsMachinery }, namespace, (_ns, name) => cache.get(name));
  }, 60_000);
  afterAll(async () => {
    client?.close();
    await tc?.stop();
  });

  /** Creates `name`, keeps that first state as the cache's (soon stale) copy, then changes it behind the cache. */
  async function staleSetup(name: string): Promise<{ stale: KubeObject; current: KubeObject }> {
    const stale = await rest.create('default', cm(name, { a: '1' }), ctx());
    cache.set(name, stale);
    const current = await rest.update('default', name, cm(name, { a: '2', b: 'x' }), { ...ctx(), fieldManager: 'other' });
    return { stale, current };
  }

  it('a PUT that matches the stale copy but not the store is written', async () => {
    const { current } = await staleSetup('same-as-stale');
    const out = await rest.update('default', 'same-as-stale', cm('same-as-stale', { a: '1' }), ctx());
    expect(out.data).toEqual({ a: '1' });
    expect(Number(out.metadata?.resourceVersion)).toBeGreaterThan(Number(current.metadata?.resourceVersion));
    expect((await store.mustGet(rest.stored, 'default', 'same-as-stale')).data).toEqual({ a: '1' });
  });

  it('a PUT with the current resourceVersion succeeds though the copy is older', async () => {
    const { current } = await staleSetup('current-rv');
    const out = await rest.update('default', 'current-rv', cm('current-rv', { a: '3' }, current.metadata?.resourceVersion), ctx());
    expect(out.data).toEqual({ a: '3' });
  });

  it("a PUT with the stale copy's resourceVersion is a 409 Conflict, and nothing is written", async () => {
    const { stale, current } = await staleSetup('old-rv');
    const err = await rest.update('default', 'old-rv', cm('old-rv', { a: '9' }, stale.metadata?.resourceVersion), ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).code).toBe(409);
    const now = await store.mustGet(rest.stored, 'default', 'old-rv');
    expect(now.metadata?.resourceVersion).toBe(current.metadata?.resourceVersion);
  });

  it('a merge patch applies to the current object, not to the stale copy', async () => {
    await staleSetup('patched');
    const out = await rest.patch('default', 'patched', 'merge', { data: { c: 'y' } }, ctx());
    expect(out.data).toEqual({ a: '2', b: 'x', c: 'y' });
  });

  it('a patch that changes nothing against the stale copy still changes the store', async () => {
    await staleSetup('noop-vs-stale');
    const out = await rest.patch('default', 'noop-vs-stale', 'json', [{ op: 'replace', path: '/data', value: { a: '1' } }], ctx());
    expect(out.data).toEqual({ a: '1' });
    expect((await store.mustGet(rest.stored, 'default', 'noop-vs-stale')).data).toEqual({ a: '1' });
  });

  it('a server-side apply creates an object the stale copy still shows after its delete', async () => {
    const { stale } = await staleSetup('deleted');
    await rest.delete('default', 'deleted', {}, ctx());
    cache.set('deleted', stale);
    const c = { ...ctx(), fieldManager: 'applier' };
    const out = await rest.patch('default', 'deleted', 'apply', cm('deleted', { z: '1' }), c);
    expect(c.created).toBe(true);
    expect(out.data).toEqual({ z: '1' });
    expect(out.metadata?.uid).not.toBe(stale.metadata?.uid);
  });

  it('an update of an object deleted behind the copy is a 404', async () => {
    const { stale } = await staleSetup('gone');
    await rest.delete('default', 'gone', {}, ctx());
    cache.set('gone', stale);
    const err = await rest.update('default', 'gone', cm('gone', { a: '5' }), ctx()).catch((e: unknown) => e);
    expect((err as StatusError).code).toBe(404);
  });
});
