import { describe, expect, it } from 'vitest';
import { checkLinearizability } from './check.js';
import { kvModel } from './kv_model.js';
import type { Model } from './model.js';
import { registerModel } from './register_model.js';
import { bruteForceLinearizable } from './testing/brute_force.js';
import { history, op } from './testing/build.js';
import type { RecordedEvent } from './testing/simulate.js';

/** Checks with the real checker and, as a cross-check, the brute-force one. */
function verdict(model: Model, ...ops: RecordedEvent[][]): boolean | 'unknown' {
  const h = history(model, ...ops);
  const result = checkLinearizability(h, model).linearizable;
  if (new Set(h.map((o) => o.key)).size === 1) {
    expect(bruteForceLinearizable(h, model.name as 'register' | 'kv'), 'brute force disagrees').toBe(result);
  }
  return result;
}
const reg = (...ops: RecordedEvent[][]): boolean | 'unknown' => verdict(registerModel, ...ops);
const kv = (...ops: RecordedEvent[][]): boolean | 'unknown' => verdict(kvModel, ...ops);

describe('register model: classic histories', () => {
  it('an empty history is linearizable', () => {
    expect(reg()).toBe(true);
  });

  it('a stale read after a completed write is not linearizable', () => {
    expect(reg(op(0, 'write', 1, 0, 10, 'ok'), op(1, 'read', null, 20, 30, 'ok', null))).toBe(false);
    expect(reg(op(0, 'write', 1, 0, 10, 'ok'), op(0, 'write', 2, 20, 30, 'ok'), op(1, 'read', null, 40, 50, 'ok', 1))).toBe(false);
  });

  it('a read concurrent with a write may see either value', () => {
    expect(reg(op(0, 'write', 1, 0, 100, 'ok'), op(1, 'read', null, 10, 20, 'ok', null))).toBe(true);
    expect(reg(op(0, 'write', 1, 0, 100, 'ok'), op(1, 'read', null, 10, 20, 'ok', 1))).toBe(true);
  });

  it('operations that touch (one returns as the other is invoked) are concurrent', () => {
    expect(reg(op(0, 'write', 1, 0, 10, 'ok'), op(1, 'read', null, 10, 20, 'ok', null))).toBe(true);
    expect(reg(op(0, 'write', 1, 0, 10, 'ok'), op(1, 'read', null, 11, 20, 'ok', null))).toBe(false);
  });

  it('once a concurrent write is seen, a later read cannot see the old value (6.824 quiz, porcupine)', () => {
    const w = op(0, 'write', 100, 0, 100, 'ok');
    expect(reg(op(3, 'write', 0, 0, 0, 'ok'), w, op(1, 'read', null, 25, 75, 'ok', 100), op(2, 'read', null, 30, 60, 'ok', 0))).toBe(true);
    expect(reg(op(3, 'write', 0, 0, 0, 'ok'), w, op(1, 'read', null, 10, 30, 'ok', 100), op(2, 'read', null, 40, 90, 'ok', 0))).toBe(false);
  });

  it('reads may not see concurrent writes flip back', () => {
    const writes = [op(0, 'write', 1, 0, 100, 'ok'), op(1, 'write', 2, 0, 100, 'ok')];
    expect(reg(...writes, op(2, 'read', null, 10, 20, 'ok', 1), op(2, 'read', null, 30, 40, 'ok', 2))).toBe(true);
    expect(reg(...writes, op(2, 'read', null, 10, 20, 'ok', 1), op(2, 'read', null, 30, 40, 'ok', 2), op(2, 'read', null, 50, 60, 'ok', 1))).toBe(false);
  });

  it('a read of a value never written is not linearizable', () => {
    expect(reg(op(0, 'write', 1, 0, 10, 'ok'), op(1, 'read', null, 0, 30, 'ok', 7))).toBe(false);
    expect(reg(op(1, 'read', null, 0, 30, 'ok', 7))).toBe(false);
  });

  it('a read of a missing key returns null', () => {
    expect(reg(op(1, 'read', null, 0, 30, 'ok', null))).toBe(true);
  });

  it('a failed cas observes that the value was not `from`', () => {
    // The value was 1 when the cas ran: the compare would have matched.
    expect(reg(op(0, 'write', 1, 0, 10, 'ok'), op(1, 'cas', [1, 2], 20, 30, 'fail'))).toBe(false);
    expect(reg(op(0, 'write', 1, 0, 10, 'ok'), op(1, 'cas', [3, 2], 20, 30, 'fail'))).toBe(true);
    // Concurrent with the write, it may have run first, against the missing key.
    expect(reg(op(0, 'write', 1, 0, 100, 'ok'), op(1, 'cas', [1, 2], 10, 20, 'fail'))).toBe(true);
    // A failed cas changes nothing.
    expect(reg(op(0, 'write', 1, 0, 10, 'ok'), op(1, 'cas', [3, 2], 20, 30, 'fail'), op(1, 'read', null, 40, 50, 'ok', 2))).toBe(false);
  });

  it('a successful cas needs the value to be `from`, and sets `to`', () => {
    expect(reg(op(0, 'write', 1, 0, 10, 'ok'), op(1, 'cas', [1, 2], 20, 30, 'ok'), op(1, 'read', null, 40, 50, 'ok', 2))).toBe(true);
    expect(reg(op(0, 'write', 1, 0, 10, 'ok'), op(1, 'cas', [1, 2], 20, 30, 'ok'), op(1, 'read', null, 40, 50, 'ok', 1))).toBe(false);
    expect(reg(op(0, 'write', 1, 0, 10, 'ok'), op(1, 'cas', [3, 2], 20, 30, 'ok'))).toBe(false);
    // cas from a missing key (null)
    expect(reg(op(1, 'cas', [null, 2], 20, 30, 'ok'), op(1, 'read', null, 40, 50, 'ok', 2))).toBe(true);
  });

  it('an indeterminate write that later appears in a read is linearizable', () => {
    expect(reg(op(0, 'write', 1, 0, 10, 'info'), op(1, 'read', null, 20, 30, 'ok', 1))).toBe(true);
    // It may take effect long after the client gave up on it.
    expect(reg(op(0, 'write', 1, 0, 10, 'info'), op(1, 'read', null, 20, 30, 'ok', null), op(1, 'read', null, 40, 50, 'ok', 1))).toBe(true);
    // A write with no completion at all is the same.
    expect(reg(op(0, 'write', 1, 0, undefined, 'info'), op(1, 'read', null, 20, 30, 'ok', null), op(1, 'read', null, 40, 50, 'ok', 1))).toBe(true);
  });

  it('an indeterminate write that never appears is linearizable', () => {
    expect(reg(op(0, 'write', 1, 0, 10, 'info'), op(1, 'read', null, 20, 30, 'ok', null))).toBe(true);
    expect(reg(op(0, 'write', 1, 0, undefined, 'info'), op(1, 'read', null, 20, 30, 'ok', null))).toBe(true);
  });

  it('an indeterminate write cannot take effect before its invocation, nor be undone', () => {
    expect(reg(op(1, 'read', null, 0, 5, 'ok', 1), op(0, 'write', 1, 10, 20, 'info'))).toBe(false);
    expect(reg(op(0, 'write', 1, 0, 10, 'info'), op(1, 'read', null, 20, 30, 'ok', 1), op(1, 'read', null, 40, 50, 'ok', null))).toBe(false);
  });

  it('an indeterminate cas takes effect only if its compare matches', () => {
    expect(reg(op(0, 'write', 1, 0, 10, 'ok'), op(1, 'cas', [1, 2], 20, 30, 'info'), op(2, 'read', null, 40, 50, 'ok', 2))).toBe(true);
    expect(reg(op(0, 'write', 1, 0, 10, 'ok'), op(1, 'cas', [5, 2], 20, 30, 'info'), op(2, 'read', null, 40, 50, 'ok', 2))).toBe(false);
  });

  it('an indeterminate read is ignored, whatever it carries', () => {
    expect(reg(op(0, 'write', 1, 0, 10, 'ok'), op(1, 'read', null, 20, 30, 'info'))).toBe(true);
    expect(reg(op(0, 'write', 1, 0, 10, 'ok'), op(1, 'read', null, 20, undefined, 'info'))).toBe(true);
  });

  it('a failed read or write did not happen', () => {
    expect(reg(op(0, 'write', 1, 0, 10, 'fail'), op(1, 'read', null, 20, 30, 'ok', null))).toBe(true);
    expect(reg(op(0, 'write', 1, 0, 10, 'fail'), op(1, 'read', null, 20, 30, 'ok', 1))).toBe(false);
    expect(reg(op(0, 'write', 1, 0, 10, 'ok'), op(1, 'read', null, 20, 30, 'fail', 99))).toBe(true);
  });

  it('keys are checked independently', () => {
    expect(reg(op(0, 'write', 1, 0, 10, 'ok', 1, 'a'), op(1, 'read', null, 20, 30, 'ok', null, 'b'))).toBe(true);
    expect(reg(op(0, 'write', 1, 0, 10, 'ok', 1, 'a'), op(1, 'read', null, 20, 30, 'ok', 1, 'b'))).toBe(false);
    expect(reg(op(0, 'write', 1, 0, 10, 'ok', 1, 'a'), op(1, 'read', null, 20, 30, 'ok', 1, 'a'), op(2, 'read', null, 20, 30, 'ok', null, 'b'))).toBe(true);
  });

  it('zero-length operations (porcupine)', () => {
    const w = op(0, 'write', 100, 0, 100, 'ok');
    const init = op(9, 'write', 0, 0, 0, 'ok');
    expect(reg(init, w, op(1, 'read', null, 25, 75, 'ok', 100), op(2, 'read', null, 30, 30, 'ok', 0), op(3, 'read', null, 30, 30, 'ok', 0))).toBe(true);
    const w2 = op(0, 'write', 200, 0, 100, 'ok');
    expect(reg(init, w2, op(1, 'read', null, 10, 10, 'ok', 200), op(2, 'read', null, 10, 10, 'ok', 200), op(3, 'read', null, 40, 90, 'ok', 0))).toBe(false);
  });
});

describe('kv model: classic histories', () => {
  it('a get of an absent key returns ""', () => {
    expect(kv(op(0, 'get', null, 0, 10, 'ok', ''))).toBe(true);
    expect(kv(op(0, 'get', null, 0, 10, 'ok', 'x'))).toBe(false);
  });

  it('concurrent appends land in some order, both of them, once', () => {
    const appends = [op(0, 'append', 'a', 0, 100, 'ok'), op(1, 'append', 'b', 0, 100, 'ok')];
    expect(kv(...appends, op(2, 'get', null, 110, 120, 'ok', 'ab'))).toBe(true);
    expect(kv(...appends, op(2, 'get', null, 110, 120, 'ok', 'ba'))).toBe(true);
    expect(kv(...appends, op(2, 'get', null, 110, 120, 'ok', 'a'))).toBe(false);
    expect(kv(...appends, op(2, 'get', null, 110, 120, 'ok', 'aba'))).toBe(false);
    expect(kv(...appends, op(2, 'get', null, 50, 60, 'ok', 'b'), op(2, 'get', null, 110, 120, 'ok', 'ba'))).toBe(true);
    expect(kv(...appends, op(2, 'get', null, 50, 60, 'ok', 'b'), op(2, 'get', null, 110, 120, 'ok', 'ab'))).toBe(false);
    expect(kv(...appends, op(2, 'get', null, 10, 20, 'ok', 'ab'), op(3, 'get', null, 30, 40, 'ok', 'ba'))).toBe(false);
  });

  it('put replaces, append extends', () => {
    expect(kv(op(0, 'put', 'x', 0, 10, 'ok'), op(0, 'append', 'y', 20, 30, 'ok'), op(1, 'get', null, 40, 50, 'ok', 'xy'))).toBe(true);
    expect(kv(op(0, 'append', 'y', 0, 10, 'ok'), op(0, 'put', 'x', 20, 30, 'ok'), op(1, 'get', null, 40, 50, 'ok', 'x'))).toBe(true);
    expect(kv(op(0, 'put', 'x', 0, 10, 'ok'), op(0, 'append', 'y', 20, 30, 'ok'), op(1, 'get', null, 40, 50, 'ok', 'y'))).toBe(false);
  });

  it('an indeterminate append may or may not land; a failed one did not', () => {
    expect(kv(op(0, 'append', 'a', 0, 10, 'info'), op(1, 'get', null, 20, 30, 'ok', 'a'))).toBe(true);
    expect(kv(op(0, 'append', 'a', 0, 10, 'info'), op(1, 'get', null, 20, 30, 'ok', ''))).toBe(true);
    expect(kv(op(0, 'append', 'a', 0, 10, 'info'), op(0, 'append', 'b', 20, 30, 'ok'), op(1, 'get', null, 40, 50, 'ok', 'ba'))).toBe(true);
    expect(kv(op(0, 'append', 'a', 0, 10, 'fail'), op(1, 'get', null, 20, 30, 'ok', 'a'))).toBe(false);
    expect(kv(op(0, 'append', 'a', 0, 10, 'info'), op(1, 'get', null, 20, 30, 'ok', 'a'), op(1, 'get', null, 40, 50, 'ok', ''))).toBe(false);
  });

  it('a stale get is not linearizable', () => {
    expect(kv(op(0, 'put', 'x', 0, 10, 'ok'), op(0, 'put', 'y', 20, 30, 'ok'), op(1, 'get', null, 40, 50, 'ok', 'x'))).toBe(false);
  });
});
