import { describe, expect, it } from 'vitest';
import { runSeed, type SimResult } from './run.js';

/** Runs seeds [from, to) and reports every failure with its replay command. */
function failuresIn(from: number, to: number): string[] {
  const failures: string[] = [];
  for (let seed = from; seed < to; seed++) {
    const r = runSeed(seed);
    if (!r.ok) failures.push(`seed ${seed}: ${r.error?.message} (replay: npm run sim -- --seeds 1 --seed-start ${seed} --trace)`);
  }
  return failures;
}

describe('simulated clusters stay safe under faults and converge once healed', () => {
  for (let from = 0; from < 1000; from += 250) {
    it(`seeds ${from}..${from + 249}`, () => {
      expect(failuresIn(from, from + 250)).toEqual([]);
    });
  }
});

describe('the simulator', () => {
  it('replays a seed exactly', () => {
    const summary = (r: SimResult): unknown => ({ ok: r.ok, stats: r.stats, trace: r.trace.lines() });
    expect(summary(runSeed(7, { traceLimit: Infinity }))).toEqual(summary(runSeed(7, { traceLimit: Infinity })));
  });

  it('exercises what it claims to: faults, snapshots, membership changes, reads', () => {
    const total = { crashes: 0, dropped: 0, duplicated: 0, snapshotsInstalled: 0, confChangesApplied: 0, readStates: 0, leadersElected: 0 };
    for (let seed = 0; seed < 30; seed++) {
      const { stats } = runSeed(seed);
      for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += stats[k];
    }
    for (const [k, v] of Object.entries(total)) expect(v, k).toBeGreaterThan(30);
  });

  it('catches a driver that sends votes it has not persisted', () => {
    const r = runSeed(3, { unsafeDriver: 'forgetVotes' });
    expect(r.ok).toBe(false);
    expect(r.error?.invariant).toBe('VoteDurability');
    expect(r.trace.lines().at(-1)).toMatch(/FAILED: VoteDurability violated/);
  });
});
