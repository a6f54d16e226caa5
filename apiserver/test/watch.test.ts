import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { waitFor } from '../../kvstore/test/processes.js';
import { startHarness, type ApiHarness } from './harness.js';

/**
 * Watches over chunked HTTP and WebSocket against a real API server: resourceVersion semantics,
 * 410 Expired, bookmarks, sendInitialEvents, and many WebSocket watchers at once.
 */

let h: ApiHarness;

beforeAll(async () => {
  h = await startHarness('watch', { apiserverArgs: ['--watch-bookmark-interval-seconds', '1'] });
}, 90_000);

afterAll(async () => {
  await h?.close();
});

interface Event {
  type: string;
  object: { kind?: string; code?: number; reason?: string; metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string> } };
}

/** Reads a chunked watch until `until` says stop; returns the events. */
async function watchHttp(path: string, until: (events: Event[]) => boolean, timeoutMs = 15_000): Promise<Event[]> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  const res = await h.fetch(path, { signal: ac.signal });
  expect(res.status).toBe(200);
  const events: Event[] = [];
  let buf = '';
  const decoder = new TextDecoder();
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buf.slice(0, nl)) as Event);
        buf = buf.slice(nl + 1);
      }
      if (until(events)) break;
    }
  } catch (err) {
    if (!ac.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return events;
}

async function createCm(name: string, data: Record<string, string> = { a: name }): Promise<{ metadata: { resourceVersion: string } }> {
  const r = await h.fetch('/api/v1/namespaces/default/configmaps', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data }) });
  expect(r.status).toBe(201);
  return (await r.json()) as { metadata: { resourceVersion: string } };
}

describe('watch over chunked HTTP', () => {
  it('from a resourceVersion: exactly the later events, in order', async () => {
    const first = await createCm('w-1');
    await createCm('w-2');
    await h.fetch('/api/v1/namespaces/default/configmaps/w-1', { method: 'DELETE' });
    const events = await watchHttp(`/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${first.metadata.resourceVersion}`, (e) => e.length >= 2);
    expect(events.map((e) => [e.type, e.object.metadata?.name])).toEqual([
      ['ADDED', 'w-2'],
      ['DELETED', 'w-1'],
    ]);
    const rvs = events.map((e) => Number(e.object.metadata?.resourceVersion));
    expect(rvs[1]).toBeGreaterThan(rvs[0]!);
  });

  it('without a resourceVersion: the current state as ADDED first', async () => {
    const events = await watchHttp('/api/v1/namespaces/default/configmaps?watch=1&fieldSelector=metadata.name%3Dw-2', (e) => e.length >= 1);
    expect(events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'w-2' } } });
  });

  it('a label selector turns a change out of the selection into DELETED', async () => {
    await createCm('sel');
    await h.fetch('/api/v1/namespaces/default/configmaps/sel', { method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: JSON.stringify({ metadata: { labels: { pick: 'yes' } } }) });
    const watching = watchHttp('/api/v1/namespaces/default/configmaps?watch=1&labelSelector=pick%3Dyes', (e) => e.length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    await h.fetch('/api/v1/namespaces/default/configmaps/sel', { method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: JSON.stringify({ metadata: { labels: { pick: 'no' } } }) });
    const events = await watching;
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'DELETED']);
  });

  it('sendInitialEvents ends the initial state with the initial-events-end bookmark, and bookmarks follow', async () => {
    const events = await watchHttp('/api/v1/namespaces/default/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true', (e) => e.filter((x) => x.type === 'BOOKMARK').length >= 2);
    const firstBookmark = events.findIndex((e) => e.type === 'BOOKMARK');
    expect(firstBookmark).toBeGreaterThan(0);
    expect(events.slice(0, firstBookmark).every((e) => e.type === 'ADDED')).toBe(true);
    expect(events[firstBookmark]!.object.metadata?.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    const later = events.filter((e) => e.type === 'BOOKMARK')[1]!;
    expect(Number(later.object.metadata?.resourceVersion)).toBeGreaterThanOrEqual(Number(events[firstBookmark]!.object.metadata?.resourceVersion));
  });

  it('a resourceVersion older than the cache window is a 410 Expired ERROR event', async () => {
    const events = await watchHttp('/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=1', (e) => e.length >= 1);
    expect(events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  });

  it('timeoutSeconds ends the stream', async () => {
    const t0 = Date.now();
    const events = await watchHttp('/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1&resourceVersion=0', () => false, 10_000);
    expect(events.length).toBeGreaterThan(0);
    expect(Date.now() - t0).toBeLessThan(9_000);
  });

  it('rejects a bad selector with a 400 Status before streaming', async () => {
    const r = await h.fetch('/api/v1/namespaces/default/configmaps?watch=1&fieldSelector=spec.nope%3Dx');
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: 'field label not supported: spec.nope' });
  });
});

describe('watch over WebSocket', () => {
  it('fans every event out to 50 watchers, one message per event, in order', async () => {
    const list = (await (await h.fetch('/api/v1/namespaces/default/configmaps')).json()) as { metadata: { resourceVersion: string } };
    const rv = list.metadata.resourceVersion;
    const n = 50;
    const received: string[][] = Array.from({ length: n }, () => []);
    const sockets = await Promise.all(
      received.map(
        (got) =>
          new Promise<WebSocket>((resolve, reject) => {
            const ws = new WebSocket(`${h.url.replace('http', 'ws')}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}&labelSelector=fan%3Dout`);
            ws.on('message', (data: Buffer) => {
              const e = JSON.parse(data.toString()) as Event;
              got.push(`${e.type}:${e.object.metadata?.name}`);
            });
            ws.once('open', () => resolve(ws));
            ws.once('error', reject);
          }),
      ),
    );
    const expected: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await h.fetch('/api/v1/namespaces/default/configmaps', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ metadata: { name: `fan-${i}`, labels: { fan: 'out' } } }) });
      expect(r.status).toBe(201);
      expected.push(`ADDED:fan-${i}`);
    }
    await waitFor('every watcher has every event', () => (received.every((g) => g.length >= 20) ? true : undefined), 20_000);
    for (const got of received) expect(got).toEqual(expected);
    for (const ws of sockets) ws.close();
  });

  it('refuses an upgrade of a request that is not a watch', async () => {
    const code = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${h.url.replace('http', 'ws')}/api/v1/namespaces/default/configmaps`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => {});
    });
    expect(code).toBe(400);
  });
});
