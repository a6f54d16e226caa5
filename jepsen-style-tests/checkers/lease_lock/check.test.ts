import { describe, expect, it } from 'vitest';
import { pairOperations, parseHistory } from '../../history/index.js';
import { checkLeaseLock } from './check.js';

/** Lines at explicit times (ns), sorted before parsing. */
class H {
  private readonly lines: Array<{ time: number; text: string }> = [];
  op(process: number, f: string, input: unknown, invoke: number, complete: number, type: 'ok' | 'fail' | 'info', output: unknown = input, key?: string): this {
    const k = key === undefined ? {} : { key };
    this.lines.push({ time: invoke, text: JSON.stringify({ process, type: 'invoke', f, ...k, value: input, time: invoke }) });
    this.lines.push({ time: complete + 0.5, text: JSON.stringify({ process, type, f, ...k, value: output, time: complete }) });
    return this;
  }
  /** acquire at [t, t+1] granted lockRev; fenced writes at the given revisions; release believed until `until`. */
  hold(process: number, t: number, lockRev: number, writes: number[], until: number, releasedAt?: number): this {
    this.op(process, 'acquire', { lease: '1' }, t, t + 1, 'ok', { lockRev });
    writes.forEach((rev, i) => this.op(process, 'fenced-write', { lockRev, v: `${lockRev}:${i}` }, t + 2 + i * 2, t + 3 + i * 2, 'ok', { lockRev, v: `${lockRev}:${i}`, rev }, 'lock/data'));
    return this.op(process, 'release', { lockRev, believedUntilNs: until, reason: 'done' }, until, until + 1, 'ok', { released: true, rev: releasedAt ?? Math.max(lockRev, ...writes) + 1 });
  }
  check() {
    const text = [...this.lines]
      .sort((a, b) => a.time - b.time)
      .map((l) => l.text)
      .join('\n');
    return checkLeaseLock(pairOperations(parseHistory(text, 't'), 't'));
  }
}

describe('lease-lock checker', () => {
  it('accepts holders one after another, each writing inside its tenure', () => {
    const v = new H()
      .hold(0, 0, 2, [3, 4], 20)
      .op(1, 'acquire', { lease: '2' }, 5, 6, 'fail', {})
      .hold(1, 30, 6, [7], 40)
      .check();
    expect(v.anomalies).toEqual([]);
    expect(v.stats).toMatchObject({ grants: 2, 'fenced writes': 3, 'unsafe windows': 0 });
  });

  it('fencing: a write of an old lock accepted after the lock was granted again', () => {
    const v = new H().hold(0, 0, 2, [3, 9], 20, 10).hold(1, 30, 6, [7], 40).check();
    expect(v.counts).toMatchObject({ fencing: 1 });
  });

  it('double-grant: a release that deleted the key after the next grant', () => {
    const v = new H().hold(0, 0, 2, [3], 20, 8).hold(1, 30, 6, [7], 40).check();
    expect(v.counts).toEqual({ 'double-grant': 1 });
  });

  it('unsafe-window: two holders believing at once, reported with its length', () => {
    const v = new H().hold(0, 0, 2, [3], 50, 5).hold(1, 30, 6, [7], 60).check();
    expect(v.counts).toEqual({ 'unsafe-window': 1 });
    expect(v.unsafeWindows).toEqual([{ startNs: 31, endNs: 50, holders: [0, 1], lockRevs: [2, 6] }]);
  });

  it('order: a later acquire granted an older revision', () => {
    const v = new H().hold(0, 0, 9, [10], 20).hold(1, 30, 5, [6], 40).check();
    expect(v.counts.order).toBe(1);
  });
});
