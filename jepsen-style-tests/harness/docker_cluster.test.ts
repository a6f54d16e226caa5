import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KetchClient } from '../../kvstore/client/index.js';
import { DockerCluster, dockerUnavailableReason } from './docker_cluster.js';

/**
 * Docker mode for real: the image built from the project's Dockerfile, three `ketch store`
 * containers on their own network. Without a container engine the suite is skipped, and its
 * title (and one line on stderr) says why.
 */
const unavailable = await dockerUnavailableReason();
if (unavailable !== undefined) process.stderr.write(`docker mode tests skipped: ${unavailable}\n`);

describe.skipIf(unavailable !== undefined)(`docker mode${unavailable !== undefined ? ` (skipped: ${unavailable})` : ''}`, () => {
  let dir: string;
  let cluster: DockerCluster;
  let client: KetchClient;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ketch-docker-'));
    cluster = await DockerCluster.create({ nodes: 3, dataDir: dir });
    await cluster.startAll();
    await cluster.waitHealthy(120_000);
    client = new KetchClient({ endpoints: cluster.endpoints(), requestTimeoutMs: 10_000 });
  }, 600_000);
  afterAll(async () => {
    client?.close();
    await cluster?.stopAll();
    await rm(dir, { recursive: true, force: true });
  });

  it('replicates a write, and a member killed with SIGKILL restarts from its data', async () => {
    await client.put('docker-key', 'v1');
    const m = cluster.members[0]!;
    await cluster.kill(m);
    await client.put('docker-key', 'v2');
    await cluster.start(m);
    await cluster.waitHealthy(60_000);
    const only = new KetchClient({ endpoints: [`127.0.0.1:${m.clientPort}`], requestTimeoutMs: 10_000 });
    try {
      expect((await only.get('docker-key')).kvs[0]?.value.toString()).toBe('v2');
    } finally {
      only.close();
    }
  }, 180_000);

  it('refuses network faults, saying why', () => {
    expect(cluster.unsupportedReason({ delayMs: 10 })).toContain('docker mode injects process faults only');
    expect(() => cluster.cut()).toThrow(/process faults only/);
  });
});
