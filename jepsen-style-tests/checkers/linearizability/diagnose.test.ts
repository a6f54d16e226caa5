import { describe, expect, it } from 'vitest';
import { checkLinearizability } from './check.js';
import { kvModel } from './kv_model.js';
import type { Model } from './model.js';
import { registerModel } from './register_model.js';
import { bruteForceLinearizable } from './testing/brute_force.js';
import { history, op } from './testing/build.js';
import type { RecordedEvent } from './testing/simulate.js';

function diagnosisOf(model: Model, ...ops: RecordedEvent[][]) {
  const report = checkLinearizability(history(model, ...ops), model);
  expect(report.linearizable).toBe(false);
  const d = report.failure!.diagnosis!;
  const describe = (o: (typeof d.window)[number]): string => `${o.process}:${model.describe(o)}`;
  return { d, culprit: describe(d.culprit), window: d.window.map(describe) };
}

/** Sequential noise: a reader and a writer going back and forth, on values 100 and up. */
function noise(from: number, count: number): RecordedEvent[][] {
  const ops: RecordedEvent[][] = [];
  for (let i = 0; i < count; i++) {
    const t = from + i * 10;
    ops.push(op(7, 'write', 100 + i, t, t + 4, 'ok'), op(8, 'read', null, t + 5, t + 9, 'ok', 100 + i));
  }
  return ops;
}

describe('diagnosis: the culprit and the smallest failing window', () => {
  it('a stale read keeps the old write, the newer one and the read', () => {
    const { d, culprit, window } = diagnosisOf(
      registerModel,
      ...noise(0, 20),
      op(1, 'write', 1, 300, 310, 'ok'),
      ...noise(320, 5),
      op(2, 'write', 2, 400, 410, 'ok'),
      ...noise(420, 5),
      op(3, 'read', null, 500, 510, 'ok', 1),
      ...noise(520, 20),
    );
    expect(culprit).toBe('3:read → 1');
    expect(d.kind).toBe('real-time');
    expect(d.minimal).toBe(true);
    // the old write, a newer one (write 2, or any write of the noise in between), the read
    expect(window).toHaveLength(3);
    expect(window[0]).toBe('1:write 1');
    expect(window[1]).toMatch(/^\d:write \d+$/);
    expect(d.prefixOperations).toBe(2 * 30 + 3);
    // the others linearize: write 1, then the newer write
    expect(d.linearization.map((s) => registerModel.describe(s.op))).toEqual([window[0]!.slice(2), window[1]!.slice(2)]);
  });

  it('a read of a value never written is its own window', () => {
    const { d, culprit, window } = diagnosisOf(registerModel, ...noise(0, 10), op(3, 'read', null, 200, 210, 'ok', 42), ...noise(220, 10));
    expect(culprit).toBe('3:read → 42');
    expect(d.kind).toBe('value');
    expect(window).toEqual(['3:read → 42']);
  });

  it('a failed cas that should have matched', () => {
    const { d, window } = diagnosisOf(registerModel, ...noise(0, 10), op(1, 'write', 5, 200, 210, 'ok'), op(2, 'cas', [5, 6], 220, 230, 'fail'), ...noise(240, 5));
    expect(d.kind).toBe('real-time');
    expect(window).toEqual(['1:write 5', '2:cas 5→6 (failed: value ≠ 5)']);
  });

  it('operations that complete after the culprit count as pending in the window', () => {
    // The long write of 9 completes after the stale read: at the culprit's completion it is pending.
    const { d } = diagnosisOf(registerModel, op(1, 'write', 1, 0, 10, 'ok'), op(2, 'write', 9, 5, 1000, 'ok'), op(1, 'write', 2, 20, 30, 'ok'), op(3, 'read', null, 40, 50, 'ok', 1));
    expect(d.window.every((o) => o.outcome === 'ok' || o.outcome === 'pending')).toBe(true);
    expect(d.window.find((o) => o.process === 2)).toBeUndefined(); // not needed for the anomaly
  });

  it('a failed write is never the culprit: the read that saw it is', () => {
    const { culprit, window } = diagnosisOf(registerModel, op(1, 'write', 1, 0, 100, 'fail'), op(2, 'read', null, 10, 20, 'ok', 1));
    expect(culprit).toBe('2:read → 1');
    expect(window).toEqual(['2:read → 1']);
  });

  it('kv: a get inconsistent with an earlier one keeps both appends and both gets', () => {
    const { d, window } = diagnosisOf(
      kvModel,
      op(1, 'append', 'a', 0, 100, 'ok'),
      op(2, 'append', 'b', 0, 100, 'ok'),
      op(3, 'get', null, 50, 60, 'ok', 'b'),
      op(3, 'get', null, 110, 120, 'ok', 'ab'),
    );
    expect(d.kind).toBe('inconsistent');
    expect(window).toEqual(['1:append "a"', '2:append "b"', '3:get → "b"', '3:get → "ab"']);
  });

  it('kv: a get that lost a completed append is a real-time anomaly', () => {
    const { d, window } = diagnosisOf(kvModel, op(1, 'append', 'a', 0, 10, 'ok'), op(2, 'append', 'b', 20, 30, 'ok'), op(3, 'get', null, 40, 50, 'ok', 'a'));
    expect(d.kind).toBe('real-time');
    expect(window).toEqual(['1:append "a"', '2:append "b"', '3:get → "a"']);
  });

  it('every window fails on its own, by brute force', () => {
    const { d } = diagnosisOf(registerModel, ...noise(0, 8), op(1, 'write', 1, 100, 110, 'ok'), op(2, 'write', 2, 120, 130, 'info'), op(3, 'read', null, 140, 150, 'ok', 2), op(3, 'read', null, 160, 170, 'ok', 1));
    expect(bruteForceLinearizable(d.window, 'register')).toBe(false);
    expect(d.window).toContain(d.culprit);
  });
});
