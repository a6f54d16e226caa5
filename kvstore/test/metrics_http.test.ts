/**
 * The HTTP endpoints on --listen-metrics-urls of a 3-member cluster: /health, /version and
 * /metrics under etcd's metric names, including what they say when the cluster loses quorum.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalMember } from '../cluster/index.js';
import { EtcdGrpc, memberAddress } from './grpc_client.js';
import { restartMember, startKetch, waitFor, type KetchCluster } from './processes.js';

/** Sample values of one metric (without labels: the sum over label sets) from Prometheus text. */
function metric(text: string, name: string): number | undefined {
  let found = false;
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)/.exec(line);
    if (m === null || m[1] !== name) continue;
    found = true;
    sum += Number(m[3]);
  }
  return found ? sum : undefined;
}

describe('/health, /version and /metrics', () => {
  let ketch: KetchCluster;
  const url = (m: LocalMember, p: string) => `http://127.0.0.1:${m.metricsPort}${p}`;
  const getText = async (m: LocalMember, p: string) => {
    const res = await fetch(url(m, p), { signal: AbortSignal.timeout(5000) });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
  };
  const metrics = async (m: LocalMember) => (await getText(m, '/metrics')).body;

  beforeAll(async () => {
    ketch = await startKetch('metrics', 3);
  });

  afterAll(async () => {
    await ketch?.close();
  });

  it('/health answers 200 {"health":"true"} on every member of a healthy cluster', async () => {
    for (const m of ketch.cluster.members) {
      const r = await getText(m, '/health');
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body)).toMatchObject({ health: 'true' });
    }
  });

  it('/version names the server and cluster versions as etcd does', async () => {
    const r = await getText(ketch.cluster.members[0]!, '/version');
    expect(r.status).toBe(200);
    const v = JSON.parse(r.body) as { etcdserver: string; etcdcluster: string };
    expect(v.etcdserver).toMatch(/^3\.\d+\.\d+$/);
    expect(v.etcdcluster).toMatch(/^3\.\d+\.0$/);
    expect(v.etcdcluster.split('.').slice(0, 2)).toEqual(v.etcdserver.split('.').slice(0, 2));
  });

  it('/metrics is Prometheus text with etcd\'s leader gauges: every member has a leader, exactly one is it', async () => {
    const texts = await Promise.all(ketch.cluster.members.map(async (m) => getText(m, '/metrics')));
    for (const t of texts) {
      expect(t.status).toBe(200);
      expect(t.type).toMatch(/^text\/plain/);
      expect(metric(t.body, 'etcd_server_has_leader')).toBe(1);
      expect(metric(t.body, 'etcd_server_leader_changes_seen_total')).toBeGreaterThanOrEqual(1);
      expect(metric(t.body, 'etcd_mvcc_db_total_size_in_bytes')).toBeGreaterThan(0);
      expect(metric(t.body, 'etcd_server_term')).toBeGreaterThanOrEqual(1);
    }
    expect(texts.map((t) => metric(t.body, 'etcd_server_is_leader')).filter((v) => v === 1)).toHaveLength(1);
  });

  it('/metrics follows writes: current revision and committed/applied proposals on every member', async () => {
    const m0 = ketch.cluster.members[0]!;
    const before = await metrics(m0);
    const client = new EtcdGrpc(memberAddress(m0));
    let revision = 0;
    try {
      for (let i = 0; i < 5; i++) revision = (await client.put(`metrics/${i}`, 'v')).header.revision;
    } finally {
      client.close();
    }
    expect(metric(before, 'etcd_mvcc_current_revision')).toBeLessThan(revision);
    for (const m of ketch.cluster.members) {
      await waitFor(`${m.name}'s etcd_mvcc_current_revision to reach ${revision}`, async () => ((metric(await metrics(m), 'etcd_mvcc_current_revision') ?? 0) >= revision ? true : undefined));
    }
    const after = await metrics(m0);
    expect(metric(after, 'etcd_server_proposals_committed_total')).toBeGreaterThanOrEqual((metric(before, 'etcd_server_proposals_committed_total') ?? 0) + 5);
    expect(metric(after, 'etcd_server_proposals_applied_total')).toBeGreaterThanOrEqual((metric(before, 'etcd_server_proposals_applied_total') ?? 0) + 5);
  });

  it('/metrics counts open watchers', async () => {
    const m0 = ketch.cluster.members[0]!;
    const base = metric(await metrics(m0), 'etcd_debugging_mvcc_watcher_total') ?? 0;
    const client = new EtcdGrpc(memberAddress(m0));
    const stream = client.watchStream();
    stream.on('error', () => {});
    stream.on('data', () => {});
    try {
      stream.write({ create_request: { key: Buffer.from('metrics/a') } });
      stream.write({ create_request: { key: Buffer.from('metrics/b') } });
      await waitFor('two more watchers', async () => (metric(await metrics(m0), 'etcd_debugging_mvcc_watcher_total') === base + 2 ? true : undefined));
    } finally {
      stream.cancel();
      client.close();
    }
    await waitFor('the watchers to be gone', async () => (metric(await metrics(m0), 'etcd_debugging_mvcc_watcher_total') === base ? true : undefined));
  });

  it('an unknown path is 404', async () => {
    expect((await getText(ketch.cluster.members[0]!, '/no-such-thing')).status).toBe(404);
  });

  it('after losing quorum a member reports /health 503 and etcd_server_has_leader 0, and recovers when its peers return', async () => {
    const [survivor, ...others] = ketch.cluster.members as [LocalMember, ...LocalMember[]];
    await Promise.all(others.map((m) => ketch.cluster.kill(m)));
    await waitFor('the survivor to lose its leader', async () => (metric(await metrics(survivor), 'etcd_server_has_leader') === 0 ? true : undefined), 30_000);
    const health = await getText(survivor, '/health');
    expect(health.status).toBe(503);
    expect(JSON.parse(health.body)).toMatchObject({ health: 'false' });

    for (const m of others) await restartMember(ketch.cluster, m);
    await ketch.cluster.waitHealthy(30_000);
    expect(metric(await metrics(survivor), 'etcd_server_has_leader')).toBe(1);
    expect((await getText(survivor, '/health')).status).toBe(200);
  });
});
