import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLinearizability, readOperations, registerModel } from './checkers/linearizability/index.js';
import { parseNemesis, runTest } from './harness/run.js';

/**
 * The short Jepsen-style matrix that CI runs: real `ketch store` processes, concurrent clients,
 * faults, then the history checked. Any anomaly fails the build. The last case proves the suite
 * catches a real bug: a store started with --unsafe-stale-reads must be found non-linearizable.
 */
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function run(name: string, nemesis: string, storeArgs: string[] = []): Promise<{ linearizable: unknown; operations: number }> {
  const outDir = path.join(tmpdir(), `ketch-jepsen-${name}-${process.pid}`);
  dirs.push(outDir);
  await rm(outDir, { recursive: true, force: true });
  const res = await runTest({
    workload: 'register',
    nemesis: parseNemesis(nemesis),
    nodes: 3,
    timeMs: 20_000,
    rate: 0,
    concurrency: 10,
    storeArgs,
    outDir,
    seed: 7,
    log: () => {},
  });
  const ops = readOperations(await readFile(res.historyPath, 'utf8'), res.historyPath, registerModel);
  const report = checkLinearizability(ops, registerModel, { timeoutMs: 60_000 });
  return { linearizable: report.linearizable, operations: ops.length };
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

  it('catches --unsafe-stale-reads: the same run is found non-linearizable', async () => {
    const r = await run('stale', 'partition-leader,pause', ['--unsafe-stale-reads']);
    expect(r.linearizable).toBe(false);
  }, 150_000);
});
