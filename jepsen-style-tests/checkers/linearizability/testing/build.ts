import type { Operation } from '../../../history/index.js';
import { readOperations } from '../load.js';
import type { Model } from '../model.js';
import { toJsonLines, type RecordedEvent } from './simulate.js';

/**
 * Hand-written histories for tests: `op(process, f, value, invoke, complete, outcome, result)`
 * gives the invocation and completion events of one operation; `history(...)` sorts events by
 * time (invocation first at a tie) and reads them as a file would be read.
 */
export function op(
  process: number,
  f: string,
  input: unknown,
  invoke: number,
  complete: number | undefined,
  outcome: 'ok' | 'fail' | 'info',
  result: unknown = input,
  key?: string,
): RecordedEvent[] {
  const k = key === undefined ? {} : { key };
  const invocation: RecordedEvent = { process, type: 'invoke', f, ...k, value: input, time: invoke };
  if (complete === undefined) return [invocation];
  return [invocation, { process, type: outcome, f, ...k, value: outcome === 'info' ? null : result, time: complete }];
}

export function history(model: Model, ...ops: RecordedEvent[][]): Operation[] {
  const events = ops.flat().map((e, i) => ({ e, i }));
  events.sort((a, b) => a.e.time - b.e.time || (a.e.type === 'invoke' ? 0 : 1) - (b.e.type === 'invoke' ? 0 : 1) || a.i - b.i);
  return readOperations(toJsonLines(events.map(({ e }) => e)), 'test.jsonl', model);
}
