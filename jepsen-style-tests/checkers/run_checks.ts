import { pairOperations, parseHistory, type Operation } from '../history/index.js';
import type { WorkloadName } from '../harness/workload.js';
import { summarizeCounts, type Anomaly, type CheckerVerdict } from './anomalies.js';
import { checkLinearizability, readOperations, registerModel } from './linearizability/index.js';
import { checkAppend } from './append/check.js';
import { checkLeaseLock } from './lease_lock/check.js';
import { checkSet } from './set/check.js';
import { checkWatch } from './watch/check.js';

/** One checker's verdict as results.json and the report show it. */
export interface CheckerResult {
  readonly name: string;
  readonly valid: boolean | 'unknown';
  /** One line for the report's verdict table. */
  readonly summary: string;
  /** What goes into results.json under checkers.<name>. */
  readonly json: Record<string, unknown>;
  readonly anomalies: readonly Anomaly[];
}

export interface RunVerdict {
  /** true when every checker found the history valid; false when one found an anomaly. */
  readonly valid: boolean | 'unknown';
  readonly checkers: readonly CheckerResult[];
  readonly operations: readonly Operation[];
}

function fromVerdict(name: string, v: CheckerVerdict): CheckerResult {
  const stats = Object.entries(v.stats)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  return {
    name,
    valid: v.valid,
    summary: v.valid ? stats : `${summarizeCounts(v.counts)} (checked ${stats})`,
    json: { valid: v.valid, counts: v.counts, stats: v.stats, anomalies: v.anomalies },
    anomalies: v.anomalies,
  };
}

/** Checks a run's history with the checkers of its workload. */
export function checkHistory(workload: WorkloadName, text: string, source: string): RunVerdict {
  switch (workload) {
    case 'register': {
      const ops = readOperations(text, source, registerModel);
      const report = checkLinearizability(ops, registerModel, { timeoutMs: 120_000 });
      const f = report.failure;
      return {
        valid: report.linearizable,
        operations: ops,
        checkers: [
          {
            name: 'linearizability',
            valid: report.linearizable,
            summary: f === undefined ? `${ops.length} operations` : `key ${f.key}: ${f.diagnosis?.kind ?? 'anomaly'}`,
            json: {
              valid: report.linearizable,
              ...(f === undefined ? {} : { anomaly: { key: f.key, kind: f.diagnosis?.kind, window: f.diagnosis?.window ?? f.operations } }),
            },
            anomalies: [],
          },
        ],
      };
    }
    case 'watch': {
      const ops = pairOperations(parseHistory(text, source), source);
      return combine(ops, [fromVerdict('watch', checkWatch(ops))]);
    }
    case 'set': {
      const ops = pairOperations(parseHistory(text, source), source);
      return combine(ops, [fromVerdict('set', checkSet(ops))]);
    }
    case 'append': {
      const ops = pairOperations(parseHistory(text, source), source);
      return combine(ops, [fromVerdict('append', checkAppend(ops))]);
    }
    case 'lease-lock': {
      const ops = pairOperations(parseHistory(text, source), source);
      const v = checkLeaseLock(ops);
      const r = fromVerdict('lease-lock', v);
      return combine(ops, [{ ...r, json: { ...r.json, unsafeWindows: v.unsafeWindows } }]);
    }
    default: {
      const unknown: never = workload;
      throw new Error(`unknown workload ${String(unknown)}`);
    }
  }
}

function combine(operations: readonly Operation[], checkers: readonly CheckerResult[]): RunVerdict {
  const valid = checkers.some((c) => c.valid === false) ? false : checkers.some((c) => c.valid === 'unknown') ? 'unknown' : true;
  return { valid, checkers, operations };
}
