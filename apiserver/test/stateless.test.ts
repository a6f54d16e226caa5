import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, ketchBin } from '../../kvstore/cluster/index.js';
import { haveRealEtcd, waitFor } from '../../kvstore/test/processes.js';
import { startHarness, type ApiHarness } from './harness.js';

/**
 * The API server keeps no state of its own: it runs unchanged on a real etcd, and two of them
 * serve one ketch store cluster, each seeing the other's writes, watches included.
 */

describe.skipIf(!haveRealEtcd())('on a real etcd (Debian etcd-server)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startHarness('on-etcd', { store: 'etcd' });
  }, 90_000);
  afterAll(async () => {
    await h?.close();
  });

  it('serves kubectl: namespaces, a deployment, a scale, a server-side apply and a conflict', async () => {
    expect(await h.k(['get', 'ns', '-o', 'name'])).toContain('namespace/kube-system');
    await h.k(['create', 'deployment', 'web', '--image=nginx:1.27']);
    await h.k(['scale', 'deployment', 'web', '--replicas=3']);
    expect(await h.k(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).toBe('3');
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: on-etcd\ndata:\n  k: v\n';
    expect(await h.k(['apply', '--server-side', '-f', '-'], { input: cm })).toMatch(/serverside-applied/);
    const r = await h.kubectl(['apply', '--server-side', '--field-manager', 'other', '-f', '-'], { input: cm.replace('k: v', 'k: w') });
    expect(r.stderr).toMatch(/conflict/i);
  });
});

describe('two API servers on one store', () => {
  let h: ApiHarness;
  let second: { url: string; stop(signal?: NodeJS.Signals): Promise<void> };
  let third: typeof second | undefined;

  /** Another `ketch apiserver` process on the same store. */
  async function startServer(): Promise<typeof second> {
    const port = await freePort();
    const p = spawn(process.execPath, [ketchBin(), 'apiserver', '--etcd-servers', h.storeEndpoints.map((e) => `http://${e}`).join(','), '--port', String(port)], { stdio: 'ignore' });
    const url = `http://127.0.0.1:${port}`;
    await waitFor('another apiserver ready', async () => {
      try {
        return (await fetch(`${url}/readyz`)).ok ? true : undefined;
      } catch {
        return undefined;
      }
    }, 30_000);
    return {
      url,
      stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
        if (p.exitCode !== null || p.signalCode !== null) return;
        const exited = new Promise((r) => p.once('exit', r));
        p.kill(signal);
        await exited;
      },
    };
  }

  beforeAll(async () => {
    h = await startHarness('two-servers', { nodes: 3 });
    second = await startServer();
  }, 120_000);
  afterAll(async () => {
    await third?.stop('SIGKILL');
    await second?.stop();
    await h?.close();
  });

  it('a write through one is read, watched and conflicted on through the other', async () => {
    const ac = new AbortController();
    const watch = await fetch(`${second.url}/api/v1/namespaces/default/configmaps?watch=1&fieldSelector=metadata.name%3Dshared`, { signal: ac.signal });
    const reader = (watch.body as ReadableStream<Uint8Array>).getReader();
    const created = await (await h.fetch('/api/v1/namespaces/default/configmaps', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ metadata: { name: 'shared' }, data: { v: '1' } }) })).json() as { metadata: { resourceVersion: string; uid: string } };
    let text = '';
    while (!text.includes('\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    ac.abort();
    expect(JSON.parse(text.split('\n')[0]!)).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'shared', uid: created.metadata.uid, resourceVersion: created.metadata.resourceVersion } } });
    const viaSecond = (await (await fetch(`${second.url}/api/v1/namespaces/default/configmaps/shared`)).json()) as { metadata: { resourceVersion: string } };
    expect(viaSecond.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    const put = (url: string, v: string): Promise<Response> => fetch(`${url}/api/v1/namespaces/default/configmaps/shared`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ metadata: { name: 'shared', resourceVersion: created.metadata.resourceVersion }, data: { v } }) });
    expect((await put(second.url, '2')).status).toBe(200);
    expect((await put(h.url, '3')).status).toBe(409);
  });

  it('lists every server in the kubernetes endpoints: one that stops drops out at once, one that dies when its lease expires', async () => {
    type Endpoints = { subsets?: Array<{ addresses: Array<{ ip: string }>; ports: Array<{ port: number }> }> };
    const listed = async (): Promise<string[]> => {
      const ep = (await (await h.fetch('/api/v1/namespaces/default/endpoints/kubernetes')).json()) as Endpoints;
      return (ep.subsets ?? []).flatMap((s) => s.addresses.flatMap((a) => s.ports.map((p) => `${a.ip}:${p.port}`))).sort();
    };
    third = await startServer();
    const [one, two, three] = [h.url, second.url, third.url].map((u) => `127.0.0.1:${new URL(u).port}`);
    const expectListed = (want: string[], what: string, ms: number): Promise<unknown> =>
      waitFor(what, async () => ((await listed()).join() === [...want].sort().join() ? true : undefined), ms);
    // Each server lists itself once it listens: the others may still be on their way.
    await expectListed([one!, two!, three!], 'all three servers listed', 15_000);
    // A clean stop revokes the server's lease and drops it at once.
    await second.stop();
    expect(await listed()).toEqual([one!, three!].sort());
    // One that dies stays until its 15 s lease expires, then the next check drops it.
    await third.stop('SIGKILL');
    expect(await listed()).toEqual([one!, three!].sort());
    await expectListed([one!], 'the killed server dropped', 40_000);
  }, 60_000);
});
