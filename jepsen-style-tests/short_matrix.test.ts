import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLinearizability, readOperations, registerModel } from './checkers/linearizability/index.js';
import { checkHistory, type RunVerdict } from './checkers/run_checks.js';
import { findEtcd } from './harness/etcd_cluster.js';
import { parseNemesis, runTest, type RunResult } from './harness/run.js';
import type { WorkloadName } from './harness/workload.js';

/**
 * The short Jepsen-style matrix that CI runs: real `ketch store` processes, concurrent clients,
 * faults, then the history checked. Any anomaly fails the build. The last case proves the suite
 * catches a real bug: a store started with --unsafe-stale-reads must be found non-linearizable.
 */
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function runWorkload(workload: WorkloadName, name: string, nemesis: string, storeArgs: string[] = [], target: 'ketch' | 'etcd' = 'ketch'): Promise<RunResult> {
  const outDir = path.join(tmpdir(), `ketch-jepsen-${name}-${process.pid}`);
  dirs.push(outDir);
  await rm(outDir, { recursive: true, force: true });
  return runTest({
    workload,
    nemesis: parseNemesis(nemesis),
    nodes: 3,
    timeMs: 20_000,
    rate: 0,
    concurrency: 10,
    storeArgs,
    target,
    outDir,
    seed: 7,
    log: () => {},
  });
}

async function run(name: string, nemesis: string, storeArgs: string[] = []): Promise<{ linearizable: unknown; operations: number; faults: string[] }> {
  const res = await runWorkload('register', name, nemesis, storeArgs);
  const ops = readOperations(await readFile(res.historyPath, 'utf8'), res.historyPath, registerModel);
  const report = checkLinearizability(ops, registerModel, { timeoutMs: 60_000 });
  return { linearizable: report.linearizable, operations: ops.length, faults: res.windows.filter((w) => w.endNs !== undefined).map((w) => w.kind) };
}

describe('Jepsen-style short matrix (register workload)', () => {
  it('stays linearizable through partitions (isolated leader, halves, bridge)', async () => {
    const r = await run('partition', 'partition-leader,partition-halves,partition-bridge');
    expect(r.operations).toBeGreaterThan(200);
    expect(r.linearizable).toBe(true);
  }, 150_000);

  it('stays linearizable through kill -9 of the leader and pauses', async () => {
    const r = await run('kill', 'kill-leader,pause,kill');
    expect(r.operations).toBeGreaterThan(200);
    expect(r.linearizable).toBe(true);
  }, 150_000);

  it('stays linearizable through delay on every peer link and a member removed and added back', async () => {
    const r = await run('delay-member', 'delay,member');
    expect(r.faults).toEqual(['delay', 'member']);
    expect(r.operations).toBeGreaterThan(200);
    expect(r.linearizable).toBe(true);
  }, 150_000);

  it('catches --unsafe-stale-reads: the same run is found non-linearizable', async () => {
    const r = await run('stale', 'partition-leader,pause', ['--unsafe-stale-reads']);
    expect(r.linearizable).toBe(false);
  }, 150_000);
});

/** Runs a workload and checks its history with the workload's checkers. */
async function runChecked(workload: WorkloadName, name: string, nemesis: string, storeArgs: string[] = [], target: 'ketch' | 'etcd' = 'ketch'): Promise<RunVerdict> {
  const res = await runWorkload(workload, name, nemesis, storeArgs, target);
  return checkHistory(workload, await readFile(res.historyPath, 'utf8'), res.historyPath);
}

/** "kind: count" of every checker's anomalies, for a readable failure. */
function anomalies(v: RunVerdict): Record<string, unknown> {
  return Object.fromEntries(v.checkers.map((c) => [c.name, c.valid === true ? 'valid' : { counts: c.json['counts'], first: c.anomalies.slice(0, 3) }]));
}

describe('Jepsen-style short matrix (watch workload)', () => {
  it("keeps etcd's watch guarantees through kill -9 and an isolated leader", async () => {
    const v = await runChecked('watch', 'watch', 'kill,partition-leader');
    expect(anomalies(v)).toEqual({ watch: 'valid' });
    expect(v.operations.filter((o) => o.f === 'watch').length).toBeGreaterThan(5);
  }, 150_000);

  it('catches --unsafe-watch-drop-slow-events: the same run loses events for the slow watcher', async () => {
    const v = await runChecked('watch', 'watch-drop', 'kill,partition-leader', ['--unsafe-watch-drop-slow-events']);
    const watch = v.checkers.find((c) => c.name === 'watch');
    expect(watch?.valid).toBe(false);
    expect(watch?.anomalies.some((a) => a.kind === 'reliable' && a.who === 'slow')).toBe(true);
  }, 150_000);
});

describe('Jepsen-style short matrix (set, append, lease-lock workloads)', () => {
  it('set: every acknowledged add is on every member after partitions and kill -9', async () => {
    const v = await runChecked('set', 'set', 'partition-halves,kill');
    expect(anomalies(v)).toEqual({ set: 'valid' });
    expect(v.operations.filter((o) => o.f === 'final-read' && o.outcome === 'ok')).toHaveLength(3);
  }, 150_000);

  it('append: no lost, duplicated or non-monotonic appends and no dependency cycle through an isolated leader and kill -9', async () => {
    const v = await runChecked('append', 'append', 'partition-leader,kill');
    expect(anomalies(v)).toEqual({ append: 'valid' });
    expect(v.operations.filter((o) => o.outcome === 'ok').length).toBeGreaterThan(100);
  }, 150_000);

  it('append catches --unsafe-stale-reads: read-only transactions miss acknowledged appends', async () => {
    const v = await runChecked('append', 'append-stale', 'partition-leader,pause', ['--unsafe-stale-reads']);
    const append = v.checkers.find((c) => c.name === 'append');
    expect(append?.valid).toBe(false);
    expect(append?.anomalies.some((a) => a.kind === 'lost' || a.kind === 'non-monotonic')).toBe(true);
  }, 150_000);

  it('lease-lock: fencing holds and no two holders overlap through pauses and kill -9 of the leader', async () => {
    const v = await runChecked('lease-lock', 'lease-lock', 'pause,kill-leader');
    expect(anomalies(v)).toEqual({ 'lease-lock': 'valid' });
    expect(v.operations.filter((o) => o.f === 'acquire' && o.outcome === 'ok').length).toBeGreaterThan(5);
  }, 150_000);
});

/**
 * The same harness against the reference system: the checkers must agree that a real etcd keeps
 * its guarantees (skipped, saying why, where no etcd binary is installed).
 */
const etcd = findEtcd();
describe.skipIf(etcd === undefined)(`--target etcd (the reference system${etcd === undefined ? ': skipped, no etcd binary on PATH or in ETCD_BIN' : ''})`, () => {
  it('append on a real etcd through an isolated leader and kill -9: no anomaly', async () => {
    const v = await runChecked('append', 'etcd-append', 'partition-leader,kill', [], 'etcd');
    expect(anomalies(v)).toEqual({ append: 'valid' });
    expect(v.operations.filter((o) => o.outcome === 'ok').length).toBeGreaterThan(100);
  }, 150_000);
});
