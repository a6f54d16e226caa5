import { HistoryFormatError } from '../errors.js';
import type { HistoryEvent, Operation, Outcome } from './types.js';

/**
 * Pairs each invocation with the next completion of the same process. A process runs one operation
 * at a time: a second invocation before the first completes, a completion with nothing outstanding,
 * or a completion of a different function or key is a format error. Invocations never completed
 * become `pending` operations. The result is in invocation order (`id` = index).
 */
export function pairOperations(events: readonly HistoryEvent[], source: string): Operation[] {
  const ops: Operation[] = [];
  /** process -> the index in `ops` of its outstanding invocation */
  const outstanding = new Map<number, number>();
  for (const e of events) {
    const fail = (detail: string): never => {
      throw new HistoryFormatError(source, e.line, detail);
    };
    const open = outstanding.get(e.process);
    if (e.type === 'invoke') {
      if (open !== undefined) {
        const prior = ops[open]!;
        fail(`process ${e.process} invokes "${e.f}" while its "${prior.f}" from line ${prior.invokeLine} has not completed`);
      }
      outstanding.set(e.process, ops.length);
      ops.push({
        id: ops.length,
        process: e.process,
        f: e.f,
        key: e.key,
        input: e.value,
        output: undefined,
        outcome: 'pending',
        invokeNs: e.timeNs,
        completeNs: undefined,
        invokeLine: e.line,
        completeLine: undefined,
      });
      continue;
    }
    if (open === undefined) return fail(`process ${e.process} completes "${e.f}" but has no invocation outstanding`);
    const invoked = ops[open]!;
    if (invoked.f !== e.f) fail(`process ${e.process} completes "${e.f}" but invoked "${invoked.f}" (line ${invoked.invokeLine})`);
    if (e.key !== undefined && e.key !== invoked.key) {
      fail(`process ${e.process} completes on key ${JSON.stringify(e.key)} but invoked on ${invoked.key === undefined ? 'no key' : `key ${JSON.stringify(invoked.key)}`} (line ${invoked.invokeLine})`);
    }
    if (e.timeNs < invoked.invokeNs) fail(`completion time ${e.timeNs} is before its invocation's time ${invoked.invokeNs} (line ${invoked.invokeLine})`);
    outstanding.delete(e.process);
    const outcome: Outcome = e.type;
    ops[open] = {
      ...invoked,
      output: outcome === 'info' ? undefined : e.value,
      outcome,
      completeNs: e.timeNs,
      completeLine: e.line,
    };
  }
  return ops;
}
