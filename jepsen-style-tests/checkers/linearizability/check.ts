import { partitionByKey, type Operation } from '../../history/index.js';
import { diagnose, type Diagnosis } from './diagnose.js';
import type { Model } from './model.js';
import { searchLinearization, type Verdict } from './search.js';

/**
 * Checks a history against a model, one key at a time (P-compositionality: a history is
 * linearizable iff each key's subhistory is). The first key found not linearizable ends the check
 * and is diagnosed; a key whose search runs out of time makes the verdict 'unknown', unless another
 * key is then found not linearizable.
 */

export interface CheckOptions {
  /** Time for the whole check, diagnosis included; none when undefined. */
  readonly timeoutMs?: number;
  /** Whether to look for a small failing window when not linearizable (default true). */
  readonly diagnose?: boolean;
  /** Time the diagnosis may take at most (default 10 s), within timeoutMs. */
  readonly diagnoseBudgetMs?: number;
  /** Called after each key, and about every 65,536 search steps within a key. */
  readonly onProgress?: (progress: CheckProgress) => void;
}

export interface CheckProgress {
  readonly partitionsDone: number;
  readonly partitionsTotal: number;
  /** The key being searched, for calls made during a search. */
  readonly current: { readonly key: string | undefined; readonly operations: number; readonly deepest: number } | undefined;
  readonly elapsedMs: number;
}

export interface PartitionReport {
  readonly key: string | undefined;
  /** Operations the search considered (failed operations and indeterminate reads are left out). */
  readonly operations: number;
  readonly verdict: Verdict;
  readonly unknownReason: 'timeout' | 'budget' | 'memory' | undefined;
  readonly elapsedMs: number;
  readonly steps: number;
  readonly cacheEntries: number;
}

export interface LinearizabilityFailure {
  readonly key: string | undefined;
  /** Every operation of that key, as recorded. */
  readonly operations: readonly Operation[];
  /** Undefined when diagnosis was turned off or found nothing in its budget. */
  readonly diagnosis: Diagnosis | undefined;
}

export interface LinearizabilityReport {
  readonly model: string;
  readonly linearizable: Verdict;
  /** Why the verdict is 'unknown'. */
  readonly unknownReason: 'timeout' | 'memory' | undefined;
  /** The keys checked, in order; a check that stops early leaves some out. */
  readonly partitions: readonly PartitionReport[];
  readonly partitionsTotal: number;
  readonly operations: number;
  readonly elapsedMs: number;
  readonly failure: LinearizabilityFailure | undefined;
}

const DEFAULT_DIAGNOSE_BUDGET_MS = 10_000;

export function checkLinearizability(ops: readonly Operation[], model: Model, options: CheckOptions = {}): LinearizabilityReport {
  const startMs = performance.now();
  const deadlineMs = options.timeoutMs === undefined ? Infinity : startMs + options.timeoutMs;
  const partitions = partitionByKey(ops);
  const reports: PartitionReport[] = [];
  const onProgress = options.onProgress;
  let unknownReason: 'timeout' | 'memory' | undefined;

  const finish = (linearizable: Verdict, failure: LinearizabilityFailure | undefined): LinearizabilityReport => ({
    model: model.name,
    linearizable,
    unknownReason: linearizable === 'unknown' ? unknownReason : undefined,
    partitions: reports,
    partitionsTotal: partitions.length,
    operations: ops.length,
    elapsedMs: performance.now() - startMs,
    failure,
  });

  for (const partition of partitions) {
    const partitionStartMs = performance.now();
    const problem = model.compile(partition.operations);
    const tick =
      onProgress === undefined
        ? undefined
        : (deepest: number): void =>
            onProgress({
              partitionsDone: reports.length,
              partitionsTotal: partitions.length,
              current: { key: partition.key, operations: problem.ops.length, deepest },
              elapsedMs: performance.now() - startMs,
            });
    const result = searchLinearization(problem, { deadlineMs, onTick: tick });
    reports.push({
      key: partition.key,
      operations: problem.ops.length,
      verdict: result.verdict,
      unknownReason: result.unknownReason,
      elapsedMs: performance.now() - partitionStartMs,
      steps: result.steps,
      cacheEntries: result.cacheEntries,
    });
    onProgress?.({ partitionsDone: reports.length, partitionsTotal: partitions.length, current: undefined, elapsedMs: performance.now() - startMs });

    if (result.verdict === false) {
      const diagnosis =
        options.diagnose === false
          ? undefined
          : diagnose(model, partition.operations, {
              deadlineMs: Math.min(deadlineMs, performance.now() + (options.diagnoseBudgetMs ?? DEFAULT_DIAGNOSE_BUDGET_MS)),
              maxStepsPerSearch: Math.max(1_000_000, 4 * result.steps),
              provenSteps: result.steps,
            });
      return finish(false, { key: partition.key, operations: partition.operations, diagnosis });
    }
    if (result.verdict === 'unknown') {
      if (result.unknownReason === 'timeout') {
        unknownReason = 'timeout';
        return finish('unknown', undefined);
      }
      unknownReason ??= 'memory';
    }
  }
  return finish(unknownReason === undefined ? true : 'unknown', undefined);
}
