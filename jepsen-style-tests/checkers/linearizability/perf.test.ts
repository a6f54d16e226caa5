import { describe, expect, it } from 'vitest';
import { checkLinearizability } from './check.js';
import { kvModel } from './kv_model.js';
import { readOperations } from './load.js';
import { registerModel } from './register_model.js';
import { injectStaleRead, simulateHistory, toJsonLines, type RecordedEvent } from './testing/simulate.js';

/**
 * Larger histories: 5,000 operations from 50 processes over 10 keys, as a Jepsen-style run records
 * them, with some info and fail outcomes. No timed assertion (speed targets live in benchmarks):
 * the check must complete within the test timeout, and the time is printed.
 */
const SHAPE = { processes: 50, operations: 5000, keys: 10, infoRate: 0.02, failRate: 0.02 } as const;

function time(label: string, events: RecordedEvent[], model: typeof registerModel): ReturnType<typeof checkLinearizability> {
  const ops = readOperations(toJsonLines(events), `${label}.jsonl`, model);
  const startMs = performance.now();
  const report = checkLinearizability(ops, model);
  const ms = performance.now() - startMs;
  const searchMs = report.partitions.reduce((sum, p) => sum + p.elapsedMs, 0);
  console.log(
    `${label}: ${ops.length} operations, ${SHAPE.processes} processes, ${report.partitionsTotal} keys: linearizable ${String(report.linearizable)} in ${ms.toFixed(0)} ms ` +
      `(search ${searchMs.toFixed(0)} ms, ${Math.round(ops.length / (ms / 1000))} ops/s; ${report.partitions.reduce((s, p) => s + p.steps, 0)} steps)`,
  );
  return report;
}

describe('performance: 5,000 operations, 50 processes, 10 keys', () => {
  for (const [name, model] of [
    ['register', registerModel],
    ['kv', kvModel],
  ] as const) {
    it(`${name}: a linearizable history checks true`, () => {
      const events = simulateHistory({ seed: 7, model: name, ...SHAPE });
      expect(time(`${name}-ok`, events, model).linearizable).toBe(true);
    });

    it(`${name}: with a stale read injected, false, with a small window`, () => {
      const events = injectStaleRead(simulateHistory({ seed: 8, model: name, ...SHAPE }))!;
      const report = time(`${name}-stale`, events, model);
      expect(report.linearizable).toBe(false);
      expect(report.failure!.diagnosis!.window.length).toBeLessThanOrEqual(6);
    });
  }
});
