import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LocalCluster } from '../../kvstore/cluster/index.js';
import { isPartition, NEMESIS_KINDS, ProcessNemesis, sleep, type NemesisKind, type NemesisWindow } from './nemesis.js';
import { HistoryRecorder } from './recorder.js';
import { RegisterWorkload } from './register.js';

export interface RunOptions {
  readonly workload: 'register';
  readonly nemesis: readonly NemesisKind[];
  readonly nodes: 3 | 5;
  readonly timeMs: number;
  readonly rate: number;
  readonly concurrency: number;
  readonly storeArgs: readonly string[];
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
  const cluster = await LocalCluster.create({
    nodes: o.nodes,
    dataDir: path.join(o.outDir, 'cluster'),
    storeArgs: o.storeArgs,
    peerProxy: o.nemesis.some(isPartition),
  });
  const historyPath = path.join(o.outDir, 'history.jsonl');
  const history = new HistoryRecorder(historyPath);
  const random = seededRandom(o.seed);
  o.log(`starting ${o.nodes} members`);
  await cluster.startAll();
  let workload: RegisterWorkload | undefined;
  try {
    await cluster.waitHealthy(60_000);
    const until = Date.now() + o.timeMs;
    workload = new RegisterWorkload(
      { endpoints: cluster.endpoints(), concurrency: o.concurrency, keys: 5, rate: o.rate, opTimeoutMs: 2000, random },
      history,
    );
    const nemesis = new ProcessNemesis(cluster, o.nemesis, () => history.nowNs(), random, o.log);
    const progress = setInterval(() => o.log(`${Math.round((until - Date.now()) / 1000)}s left, ${workload?.completed ?? 0} operations`), 5000);
    await Promise.all([workload.run(until), nemesis.run(Math.min(5000, o.timeMs / 4), Math.min(3000, o.timeMs / 6), until)]);
    clearInterval(progress);
    // Heal: every link restored, every member running again, a leader elected.
    if (o.nemesis.some(isPartition)) cluster.heal();
    for (const m of cluster.members) cluster.signal(m, 'SIGCONT');
    await cluster.startAll();
    await cluster.waitHealthy(60_000);
    await sleep(500);
    await writeFile(path.join(o.outDir, 'nemesis.json'), JSON.stringify(nemesis.windows, null, 2));
    return { historyPath, windows: nemesis.windows, operations: workload.completed };
  } finally {
    workload?.close();
    await history.close();
    await cluster.stopAll();
  }
}
