import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KetchClient } from '../../kvstore/client/index.js';
import { startHarness, type ApiHarness } from './harness.js';

/**
 * Bad requests against a real API server: each gets the Status kube-apiserver sends, nothing
 * is written by a failed request, and the server goes on serving.
 */

let h: ApiHarness;

beforeAll(async () => {
  h = await startHarness('bad-input');
}, 90_000);

afterAll(async () => {
  await h?.close();
});

const CMS = '/api/v1/namespaces/default/configmaps';

async function post(path: string, body: string, contentType = 'application/json'): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const r = await h.fetch(path, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: r.status, json: (await r.json()) as Record<string, unknown>, headers: r.headers };
}

async function exists(name: string): Promise<boolean> {
  return (await h.fetch(`${CMS}/${name}`)).status === 200;
}

describe('bad input', () => {
  it('malformed JSON and YAML are 400 BadRequest, and write nothing', async () => {
    const j = await post(CMS, '{"metadata": {"name": "half"');
    expect(j.status).toBe(400);
    expect(j.json).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 });
    const y = await post(CMS, 'metadata:\n  name: [half\n', 'application/yaml');
    expect(y.status).toBe(400);
    expect(await exists('half')).toBe(false);
  });

  it('a body of the wrong kind or apiVersion is refused', async () => {
    const kind = await post(CMS, JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'wrong-kind' } }));
    expect(kind.status).toBe(400);
    expect(String(kind.json.message)).toContain('does not match the expected kind (ConfigMap)');
    const version = await post(CMS, JSON.stringify({ apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 'wrong-version' } }));
    expect(version.status).toBe(400);
    expect(String(version.json.message)).toContain('does not match the expected API version (v1)');
    expect(await exists('wrong-kind')).toBe(false);
    expect(await exists('wrong-version')).toBe(false);
  });

  it('a name that is not DNS-1123 is 422 Invalid with the field cause', async () => {
    const r = await post(CMS, JSON.stringify({ metadata: { name: 'Not_Valid' } }));
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({ reason: 'Invalid', details: { name: 'Not_Valid', kind: 'ConfigMap', causes: [expect.objectContaining({ reason: 'FieldValueInvalid', field: 'metadata.name' })] } });
    expect(String(r.json.message)).toMatch(/^ConfigMap "Not_Valid" is invalid: metadata.name: Invalid value: "Not_Valid"/);
  });

  it('a body over 3 MiB is 413', async () => {
    const big = JSON.stringify({ metadata: { name: 'big' }, data: { blob: 'x'.repeat(3 * 1024 * 1024 + 10) } });
    const r = await post(CMS, big);
    expect(r.status).toBe(413);
    expect(r.json).toMatchObject({ reason: 'RequestEntityTooLarge' });
    expect(await exists('big')).toBe(false);
  });

  it('unknown fields: Strict refuses, Warn warns, Ignore drops', async () => {
    const body = (name: string): string => JSON.stringify({ metadata: { name }, data: { a: 'b' }, bogus: 1 });
    const strict = await post(`${CMS}?fieldValidation=Strict`, body('strict'));
    expect(strict.status).toBe(400);
    expect(String(strict.json.message)).toContain('strict decoding error: unknown field "bogus"');
    expect(await exists('strict')).toBe(false);
    const warn = await post(`${CMS}?fieldValidation=Warn`, body('warned'));
    expect(warn.status).toBe(201);
    expect(warn.headers.get('warning')).toBe('299 - "unknown field \\"bogus\\""');
    expect(warn.json.bogus).toBeUndefined();
    const ignore = await post(`${CMS}?fieldValidation=Ignore`, body('ignored'));
    expect(ignore.status).toBe(201);
    expect(ignore.headers.get('warning')).toBeNull();
    const bad = await post(`${CMS}?fieldValidation=Loud`, body('loud'));
    expect(bad.status).toBe(400);
  });

  it('dryRun=All answers as a create would and stores nothing', async () => {
    const r = await post(`${CMS}?dryRun=All`, JSON.stringify({ metadata: { name: 'dry' } }));
    expect(r.status).toBe(201);
    expect((r.json.metadata as { uid?: string }).uid).toBeDefined();
    expect(await exists('dry')).toBe(false);
  });

  it('a stale resourceVersion is 409 Conflict, and a failed patch leaves the object as it was', async () => {
    const created = await post(CMS, JSON.stringify({ metadata: { name: 'cas' }, data: { v: '1' } }));
    const rv = (created.json.metadata as { resourceVersion: string }).resourceVersion;
    const put = (v: string, at: string): Promise<Response> => h.fetch(`${CMS}/cas`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ metadata: { name: 'cas', resourceVersion: at }, data: { v } }) });
    expect((await put('2', rv)).status).toBe(200);
    const stale = await put('3', rv);
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ reason: 'Conflict', message: 'Operation cannot be fulfilled on configmaps "cas": the object has been modified; please apply your changes to the latest version and try again' });
    const patch = await h.fetch(`${CMS}/cas`, { method: 'PATCH', headers: { 'content-type': 'application/json-patch+json' }, body: JSON.stringify([{ op: 'test', path: '/data/v', value: 'nope' }, { op: 'replace', path: '/data/v', value: 'patched' }]) });
    expect(patch.status).toBe(422);
    const now = (await (await h.fetch(`${CMS}/cas`)).json()) as { data: { v: string } };
    expect(now.data.v).toBe('2');
    const wrongType = await h.fetch(`${CMS}/cas`, { method: 'PATCH', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(wrongType.status).toBe(415);
  });

  it('unknown paths are 404, wrong methods 405, and protected namespaces cannot be deleted', async () => {
    const r = await h.fetch('/api/v1/namespaces/default/widgets');
    expect(r.status).toBe(404);
    expect(await r.json()).toMatchObject({ kind: 'Status', reason: 'NotFound' });
    expect((await h.fetch(`${CMS}/x`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(405);
    const del = await h.fetch('/api/v1/namespaces/kube-system', { method: 'DELETE' });
    expect(del.status).toBe(403);
  });

  it('a continue token whose revision was compacted is 410 Expired', async () => {
    for (let i = 0; i < 4; i++) await post(CMS, JSON.stringify({ metadata: { name: `page-${i}`, labels: { paged: 'yes' } } }));
    const first = (await (await h.fetch(`${CMS}?limit=2&labelSelector=paged%3Dyes`)).json()) as { metadata: { continue: string } };
    expect(first.metadata.continue).toBeTruthy();
    await post(CMS, JSON.stringify({ metadata: { name: 'after-page' } }));
    const store = new KetchClient({ endpoints: [...h.storeEndpoints] });
    const { header } = await store.get('/registry/configmaps/default/after-page');
    await store.compact(header.revision);
    store.close();
    const r = await h.fetch(`${CMS}?limit=2&labelSelector=paged%3Dyes&continue=${encodeURIComponent(first.metadata.continue)}`);
    expect(r.status).toBe(410);
    expect(await r.json()).toMatchObject({ reason: 'Expired', code: 410 });
    const garbage = await h.fetch(`${CMS}?limit=2&continue=garbage`);
    expect(garbage.status).toBe(400);
  });

  it('still serves after all of it', async () => {
    expect((await h.fetch('/readyz')).status).toBe(200);
    expect((await h.fetch(CMS)).status).toBe(200);
  });
});
