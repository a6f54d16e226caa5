import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LocalCluster } from '../../kvstore/cluster/index.js';
import type { ClusterControl } from './cluster.js';
import { DOCKER_NETWORK_FAULTS_UNSUPPORTED, DockerCluster } from './docker_cluster.js';
import { EtcdCluster } from './etcd_cluster.js';
import { DEGRADATIONS, isDegradation, NEMESIS_KINDS, needsNetwork, ProcessNemesis, sleep, type NemesisKind, type NemesisWindow } from './nemesis.js';
import { UnsupportedFaultError } from '../../kvstore/cluster/index.js';
import { HistoryRecorder } from './recorder.js';
import { RegisterWorkload } from './register.js';
import { AppendWorkload } from './append.js';
import { LeaseLockWorkload } from './lease_lock.js';
import { SetWorkload } from './set.js';
import { WatchWorkload } from './watch.js';
import type { Workload, WorkloadContext, WorkloadName } from './workload.js';

/** Where a run's members live (see RunOptions.net). */
export type ClusterNet = 'loopback' | 'netns' | 'docker';

export interface RunOptions {
  readonly workload: WorkloadName;
  readonly nemesis: readonly NemesisKind[];
  readonly nodes: 3 | 5;
  readonly timeMs: number;
  readonly rate: number;
  readonly concurrency: number;
  readonly storeArgs: readonly string[];
  /** The system under test: ketch store processes, or a real etcd cluster (the etcd binary). */
  readonly target?: 'ketch' | 'etcd';
  /**
   * Where members run and how faults reach the network: 'loopback' (default; no root, partitions
   * and delay through peer proxies) or 'netns' (root on Linux: a namespace and IP per member,
   * partitions and loss as nftables drops) or 'docker' (a container per member, built from the
   * project's Dockerfile through testcontainers; process faults only). netns and docker: ketch only.
   */
  readonly net?: ClusterNet;
  readonly outDir: string;
  readonly seed: number;
  readonly log: (line: string) => void;
}

export interface RunResult {
  readonly historyPath: string;
  readonly windows: NemesisWindow[];
  readonly operations: number;
}

/** A small seeded generator for the workload's and the nemesis's choices (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function parseNemesis(spec: string): NemesisKind[] {
  const kinds = spec.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  for (const k of kinds) {
    if (!(NEMESIS_KINDS as readonly string[]).includes(k)) throw new Error(`unknown nemesis "${k}" (known: ${NEMESIS_KINDS.join(', ')})`);
  }
  return kinds as NemesisKind[];
}

/**
 * One Jepsen-style run against real `ketch store` processes: start a cluster, drive the workload
 * while the nemesis injects faults, heal everything, let the cluster recover, and leave the
 * history (history.jsonl) and the member logs in outDir.
 */
export async function runTest(o: RunOptions): Promise<RunResult> {
  await mkdir(o.outDir, { recursive: true });
  // A fresh cluster every run: an --out reused from an earlier run would otherwise restart that
  // run's cluster from its data, and its old revisions would be checked against the new history.
  await rm(path.join(o.outDir, 'cluster'), { recursive: true, force: true });
  const dataDir = path.join(o.outDir, 'cluster');
  const net = o.net ?? 'loopback';
  if (net !== 'loopback' && o.target === 'etcd') throw new Error(`--net ${net} runs ketch members only (use --target ketch)`);
  const networkKinds = o.nemesis.filter(needsNetwork);
  if (net === 'docker' && networkKinds.length > 0) throw new UnsupportedFaultError(networkKinds.join(','), DOCKER_NETWORK_FAULTS_UNSUPPORTED);
  const peerProxy = net === 'loopback' && networkKinds.length > 0;
  const cluster: ClusterControl =
    o.target === 'etcd'
      ? await EtcdCluster.create({ nodes: o.nodes, dataDir, etcdArgs: o.storeArgs, peerProxy })
      : net === 'docker'
        ? await DockerCluster.create({ nodes: o.nodes, dataDir, storeArgs: o.storeArgs })
        : await LocalCluster.create({ nodes: o.nodes, dataDir, storeArgs: o.storeArgs, peerProxy, net });
  // A fault this cluster cannot inject fails the run before it starts, saying why, rather than
  // running without it and reporting a verdict for faults that never happened.
  for (const kind of o.nemesis.filter(isDegradation)) {
    const reason = cluster.unsupportedReason(DEGRADATIONS[kind]);
    if (reason !== undefined) {
      await cluster.stopAll();
      throw new UnsupportedFaultError(kind, reason);
    }
  }
  const historyPath = path.join(o.outDir, 'history.jsonl');
  const history = new HistoryRecorder(historyPath);
  const random = seededRandom(o.seed);
  const where = net === 'netns' ? `a network namespace each: ${cluster.endpoints().join(', ')}` : net === 'docker' ? 'a container each' : 'loopback';
  o.log(`starting ${o.nodes} ${o.target ?? 'ketch'} members (${where})`);
  await cluster.startAll();
  let workload: Workload | undefined;
  try {
    await cluster.waitHealthy(60_000);
    const until = Date.now() + o.timeMs;
    workload = createWorkload(o.workload, { endpoints: cluster.endpoints(), concurrency: o.concurrency, rate: o.rate, opTimeoutMs: 2000, random, history, log: o.log });
    const nemesis = new ProcessNemesis(cluster, o.nemesis, () => history.nowNs(), random, o.log);
    const progress = setInterval(() => o.log(`${Math.round((until - Date.now()) / 1000)}s left, ${workload?.completed ?? 0} operations`), 5000);
    await Promise.all([workload.run(until), nemesis.run(Math.min(5000, o.timeMs / 4), Math.min(3000, o.timeMs / 6), until)]);
    clearInterval(progress);
    // Heal: every link restored, every member running again, a leader elected.
    if (networkKinds.length > 0) await cluster.heal();
    for (const m of cluster.members) cluster.signal(m, 'SIGCONT');
    await cluster.startAll();
    await cluster.waitHealthy(60_000);
    await sleep(500);
    o.log('faults healed; final observations');
    await workload.finish();
    await writeFile(path.join(o.outDir, 'nemesis.json'), JSON.stringify(nemesis.windows, null, 2));
    return { historyPath, windows: nemesis.windows, operations: workload.completed };
  } finally {
    workload?.close();
    await history.close();
    await cluster.stopAll();
  }
}

function createWorkload(name: WorkloadName, ctx: WorkloadContext): Workload {
  switch (name) {
    case 'register':
      return new RegisterWorkload({ endpoints: ctx.endpoints, concurrency: ctx.concurrency, keys: 5, rate: ctx.rate, opTimeoutMs: ctx.opTimeoutMs, random: ctx.random }, ctx.history);
    case 'watch':
      return new WatchWorkload(ctx);
    case 'set':
      return new SetWorkload(ctx);
    case 'append':
      return new AppendWorkload(ctx);
    case 'lease-lock':
      return new LeaseLockWorkload(ctx);
    default: {
      const unknown: never = name;
      throw new Error(`unknown workload ${String(unknown)}`);
    }
  }
}
