import { describe, expect, it } from 'vitest';
import { HistoryFormatError, JepsenErrorCode } from '../errors.js';
import { kvModel, readOperations, registerModel } from '../checkers/linearizability/index.js';
import { pairOperations } from './operations.js';
import { parseHistory } from './parse.js';
import { partitionByKey } from './partition.js';

const line = (o: Record<string, unknown>): string => JSON.stringify(o);
const inv = (process: number, f: string, value: unknown, time: number, key?: string): string => line({ process, type: 'invoke', f, value, time, ...(key === undefined ? {} : { key }) });
const ok = (process: number, f: string, value: unknown, time: number, key?: string): string => line({ process, type: 'ok', f, value, time, ...(key === undefined ? {} : { key }) });

/** The error a history raises, for asserting its code, line and message. */
function errorOf(text: string, model = registerModel): HistoryFormatError {
  try {
    readOperations(text, 'h.jsonl', model);
  } catch (err) {
    if (err instanceof HistoryFormatError) return err;
    throw err;
  }
  throw new Error('expected a HistoryFormatError');
}

describe('parseHistory', () => {
  it('reads events, skips blank lines, keeps line numbers, reads number keys as strings', () => {
    const events = parseHistory(`${inv(1, 'write', 3, 10, 'a')}\n\n  \n${line({ process: 1, type: 'ok', f: 'write', value: 3, time: 20, key: 7, node: 'n1' })}\n`, 'h');
    expect(events).toEqual([
      { process: 1, type: 'invoke', f: 'write', key: 'a', value: 3, timeNs: 10, line: 1 },
      { process: 1, type: 'ok', f: 'write', key: '7', value: 3, timeNs: 20, line: 4 },
    ]);
  });

  it('names the file and line of a bad type, as the CLI prints it', () => {
    const good = Array.from({ length: 8 }, (_, i) => `${inv(i, 'read', null, i * 10)}\n${ok(i, 'read', null, i * 10 + 5)}`).join('\n');
    const err = errorOf(`${good}\n${line({ process: 9, type: 'done', f: 'read', time: 100 })}\n`);
    expect(err.code).toBe(JepsenErrorCode.HISTORY_MALFORMED);
    expect(err.line).toBe(17);
    expect(err.message).toBe('h.jsonl:17: expected "type" to be one of invoke|ok|fail|info');
  });

  it.each([
    ['not JSON', '{"process": 1,', /invalid JSON/],
    ['an array', '[1, 2]', /expected a JSON object/],
    ['a missing process', line({ type: 'invoke', f: 'read', time: 1 }), /"process" to be an integer/],
    ['a fractional process', line({ process: 1.5, type: 'invoke', f: 'read', time: 1 }), /"process" to be an integer/],
    ['a missing f', line({ process: 1, type: 'invoke', time: 1 }), /"f" to be a non-empty string/],
    ['a boolean key', line({ process: 1, type: 'invoke', f: 'read', key: true, time: 1 }), /"key"/],
    ['a missing time', line({ process: 1, type: 'invoke', f: 'read' }), /"time" to be a non-negative integer/],
    ['a negative time', line({ process: 1, type: 'invoke', f: 'read', time: -5 }), /"time" to be a non-negative integer/],
  ])('rejects %s, naming the line', (_name, bad, message) => {
    const err = errorOf(`${inv(0, 'read', null, 0)}\n${ok(0, 'read', null, 1)}\n${bad}\n`);
    expect(err.code).toBe(JepsenErrorCode.HISTORY_MALFORMED);
    expect(err.line).toBe(3);
    expect(err.detail).toMatch(message);
  });
});

describe('pairOperations', () => {
  it('pairs invocations with completions per process, in invocation order; unfinished ones are pending', () => {
    const ops = pairOperations(
      parseHistory([inv(1, 'write', 1, 0), inv(2, 'read', null, 1), ok(2, 'read', 1, 5), line({ process: 1, type: 'info', f: 'write', value: null, time: 6 }), inv(3, 'write', 2, 7)].join('\n'), 'h'),
      'h',
    );
    expect(ops.map((o) => [o.id, o.process, o.outcome, o.input, o.output, o.invokeNs, o.completeNs, o.invokeLine, o.completeLine])).toEqual([
      [0, 1, 'info', 1, undefined, 0, 6, 1, 4],
      [1, 2, 'ok', null, 1, 1, 5, 2, 3],
      [2, 3, 'pending', 2, undefined, 7, undefined, 5, undefined],
    ]);
  });

  it.each([
    ['a completion with nothing outstanding', [ok(1, 'read', 1, 5)], 1, /no invocation outstanding/],
    ['a second invocation before the first completes', [inv(1, 'read', null, 0), inv(1, 'write', 2, 1)], 2, /while its "read" from line 1/],
    ['a completion of another function', [inv(1, 'read', null, 0), ok(1, 'write', 2, 1)], 2, /invoked "read"/],
    ['a completion on another key', [inv(1, 'read', null, 0, 'a'), ok(1, 'read', 2, 1, 'b')], 2, /on key "b"/],
    ['a completion before its invocation', [inv(1, 'read', null, 10), ok(1, 'read', 2, 5)], 2, /before its invocation/],
  ])('rejects %s', (_name, lines, lineNo, message) => {
    const err = errorOf(lines.join('\n'));
    expect(err.line).toBe(lineNo);
    expect(err.detail).toMatch(message);
  });
});

describe('model validation', () => {
  it.each([
    ['register: an unknown f', registerModel, [inv(1, 'delete', null, 0)], 1, /unknown "f" "delete"/],
    ['register: a write without a number', registerModel, [inv(1, 'write', { v: 1 }, 0)], 1, /"write" needs "value"/],
    ['register: a cas that is not [from, to]', registerModel, [inv(1, 'cas', [1], 0)], 1, /"cas" needs "value": \[from, to\]/],
    ['register: an ok read of an object', registerModel, [inv(1, 'read', null, 0), ok(1, 'read', [1], 1)], 2, /an ok "read" needs "value"/],
    ['kv: an ok get of a number', kvModel, [inv(1, 'get', null, 0), ok(1, 'get', 5, 1)], 2, /an ok "get" needs "value"/],
    ['kv: an append of a number', kvModel, [inv(1, 'append', 5, 0)], 1, /"append" needs "value": a string/],
  ])('%s names the line', (_name, model, lines, lineNo, message) => {
    const err = errorOf(lines.join('\n'), model);
    expect(err.line).toBe(lineNo);
    expect(err.detail).toMatch(message);
  });

  it('accepts a failed or indeterminate read with any value', () => {
    expect(() => readOperations([inv(1, 'read', null, 0), line({ process: 1, type: 'fail', f: 'read', value: 'timeout', time: 1 })].join('\n'), 'h', registerModel)).not.toThrow();
  });
});

describe('partitionByKey', () => {
  it('splits by key, sorted, the keyless first, keeping order within a key', () => {
    const ops = pairOperations(parseHistory([inv(1, 'read', null, 0, 'b'), inv(2, 'read', null, 1), inv(3, 'read', null, 2, 'a'), inv(4, 'read', null, 3, 'b')].join('\n'), 'h'), 'h');
    expect(partitionByKey(ops).map((p) => [p.key, p.operations.map((o) => o.process)])).toEqual([
      [undefined, [2]],
      ['a', [3]],
      ['b', [1, 4]],
    ]);
  });
});
