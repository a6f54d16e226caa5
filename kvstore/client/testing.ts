/**
 * Test support for the client's integration tests: a real ketch cluster (LocalCluster, free
 * ports) and deadline-bounded waits. No vitest import, so the build may include this file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalCluster } from '../cluster/index.js';
import { KetchClientError } from './errors.js';

export interface TestCluster {
  readonly cluster: LocalCluster;
  readonly endpoints: string[];
  stop(): Promise<void>;
}

/** Starts `nodes` ketch store processes on free loopback ports and waits until all are healthy. */
export async function startTestCluster(nodes = 3): Promise<TestCluster> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ketch-client-'));
  const cluster = await LocalCluster.create({ nodes, dataDir: dir, basePort: 0 });
  await cluster.startAll();
  try {
    await cluster.waitHealthy(30_000);
  } catch (err) {
    await Promise.all(cluster.members.map((m) => cluster.kill(m)));
    throw err;
  }
  return {
    cluster,
    endpoints: cluster.endpoints(),
    stop: async () => {
      await Promise.all(cluster.members.map((m) => cluster.kill(m)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves with `probe`'s first value that is not undefined; throws naming `what` at the deadline. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${what} within ${timeoutMs} ms${last instanceof Error ? ` (last error: ${last.message})` : ''}`);
}

/** The KetchClientError a promise rejects with; throws if it resolves or rejects with anything else. */
export async function rejection(p: Promise<unknown>): Promise<KetchClientError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof KetchClientError) return err;
    throw new Error(`expected a KetchClientError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected a rejection, the promise resolved');
}
