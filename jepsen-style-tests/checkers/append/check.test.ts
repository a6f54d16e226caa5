import { describe, expect, it } from 'vitest';
import { pairOperations, parseHistory } from '../../history/index.js';
import type { RecordedEvent } from '../linearizability/testing/simulate.js';
import { toJsonLines } from '../linearizability/testing/simulate.js';
import { checkAppend, type CycleAnomaly } from './check.js';
import { simulateAppendHistory } from './testing/simulate.js';

type Micro = ['r', string, number[] | null] | ['append', string, number];

/** A history of list-append transactions; each txn(...) runs alone unless given overlapping times. */
class H {
  private readonly lines: Array<{ time: number; text: string }> = [];
  private t = 0;
  private p = 0;
  /** `pending`: invoked and never completed. */
  txn(done: Micro[], type: 'ok' | 'fail' | 'info' | 'pending' = 'ok', at?: { invoke: number; complete: number }): this {
    const invoke = at?.invoke ?? (this.t += 10);
    const complete = at?.complete ?? (this.t += 10);
    const process = this.p++;
    const input = done.map((m) => (m[0] === 'r' ? ['r', m[1], null] : m));
    this.lines.push({ time: invoke, text: JSON.stringify({ process, type: 'invoke', f: 'txn', value: input, time: invoke }) });
    if (type !== 'pending') this.lines.push({ time: complete, text: JSON.stringify({ process, type, f: 'txn', value: type === 'ok' ? done : input, time: complete }) });
    return this;
  }
  check() {
    const text = [...this.lines].sort((a, b) => a.time - b.time).map((l) => l.text).join('\n');
    return checkAppend(pairOperations(parseHistory(text, 't'), 't'));
  }
}

describe('list-append checker', () => {
  it('accepts a serial history', () => {
    const v = new H()
      .txn([['append', 'x', 1], ['r', 'y', []]])
      .txn([['r', 'x', [1]], ['append', 'x', 2], ['r', 'x', [1, 2]]])
      .txn([['append', 'y', 3]])
      .txn([['r', 'x', [1, 2]], ['r', 'y', [3]]])
      .check();
    expect(v.anomalies).toEqual([]);
    expect(v.valid).toBe(true);
  });

  it('lost: a read that began after an append was acknowledged and lacks it', () => {
    const v = new H().txn([['append', 'x', 1]]).txn([['append', 'x', 2]]).txn([['r', 'x', [1]]]).check();
    expect(v.counts).toMatchObject({ lost: 1 });
  });

  it('non-monotonic: a read shorter than one that completed before it began', () => {
    const v = new H()
      .txn([['append', 'x', 1], ['append', 'x', 2]], 'info')
      .txn([['r', 'x', [1, 2]]])
      .txn([['r', 'x', [1]]])
      .check();
    expect(v.counts).toMatchObject({ 'non-monotonic': 1 });
  });

  it('duplicate and garbage values', () => {
    const v = new H().txn([['append', 'x', 1]]).txn([['r', 'x', [1, 1, 7]]]).check();
    expect(v.counts).toMatchObject({ duplicate: 1, garbage: 1 });
  });

  it('incompatible-order: reads that are not prefixes of one another', () => {
    const v = new H()
      .txn([['append', 'x', 1]], 'info')
      .txn([['append', 'x', 2]], 'info')
      .txn([['r', 'x', [1, 2]]])
      .txn([['r', 'x', [2, 1]]])
      .check();
    expect(v.counts).toMatchObject({ 'incompatible-order': 1 });
  });

  it('aborted-read (G1a): a value from a failed transaction', () => {
    const v = new H().txn([['append', 'x', 1]], 'fail').txn([['r', 'x', [1]]]).check();
    expect(v.counts).toEqual({ 'aborted-read': 1 });
  });

  it('intermediate-read (G1b): a value its transaction appended past', () => {
    const v = new H().txn([['append', 'x', 1], ['append', 'x', 2]], 'info').txn([['r', 'x', [1]]]).check();
    expect(v.counts).toEqual({ 'intermediate-read': 1 });
  });

  it('G0: write cycle (x orders T1 before T2, y the other way)', () => {
    const at = { invoke: 1, complete: 100 };
    const v = new H()
      .txn([['append', 'x', 1], ['append', 'y', 2]], 'ok', at)
      .txn([['append', 'x', 3], ['append', 'y', 4]], 'ok', at)
      .txn([['r', 'x', [1, 3]], ['r', 'y', [4, 2]]], 'ok', { invoke: 200, complete: 210 })
      .check();
    expect(v.counts).toEqual({ G0: 1 });
  });

  it('G1c: each transaction reads the other one\'s write', () => {
    const at = { invoke: 1, complete: 100 };
    const v = new H()
      .txn([['append', 'x', 1], ['r', 'y', [2]]], 'ok', at)
      .txn([['append', 'y', 2], ['r', 'x', [1]]], 'ok', at)
      .check();
    expect(v.counts).toEqual({ G1c: 1 });
  });

  it('G2: write skew (each reads the key the other appends to, before it)', () => {
    const at = { invoke: 1, complete: 100 };
    const v = new H()
      .txn([['r', 'x', []], ['append', 'y', 1]], 'ok', at)
      .txn([['r', 'y', []], ['append', 'x', 2]], 'ok', at)
      .txn([['r', 'x', [2]], ['r', 'y', [1]]], 'ok', { invoke: 200, complete: 210 })
      .check();
    expect(v.counts).toEqual({ G2: 1 });
  });
});

/** A transaction running from `invoke` to `complete`. */
const span = (invoke: number, complete: number) => ({ invoke, complete });

describe('list-append checker: real time (strict serializability)', () => {
  it('G2-realtime: a read invoked after an append completed does not see it (serializable, not strictly)', () => {
    const v = new H()
      .txn([['append', 'x', 1]], 'ok', span(0, 10)) // lines 1, 2
      .txn([['r', 'x', []]], 'ok', span(20, 30)) // lines 3, 4
      .txn([['r', 'x', [1]]], 'ok', span(40, 50)) // lines 5, 6
      .check();
    expect(v.counts).toEqual({ lost: 1, 'G2-realtime': 1 });
    const cycle = v.anomalies.find((a) => a.kind === 'G2-realtime') as CycleAnomaly;
    expect(cycle.steps).toHaveLength(2);
    expect(cycle.steps).toEqual(
      expect.arrayContaining([
        { from: 1, to: 3, type: 'realtime', why: 'T@1 completed (line 2) before T@3 was invoked (line 3)' },
        { from: 3, to: 1, type: 'rw', key: 'x', why: 'T@3 read x without 1, which T@1 appended next' },
      ]),
    );
    expect(cycle.detail).toContain('-realtime->');
    expect(cycle.detail).toContain('T@1 completed (line 2) before T@3 was invoked (line 3)');
  });

  it('a run of real-time edges is one step of the cycle: T1 completed before T3 was invoked, by way of T2', () => {
    const v = new H()
      .txn([['append', 'x', 1]], 'ok', span(0, 10)) // lines 1, 2
      .txn([['r', 'z', []]], 'ok', span(20, 30)) // lines 3, 4
      .txn([['r', 'x', []]], 'ok', span(40, 50)) // lines 5, 6
      .txn([['r', 'x', [1]]], 'ok', span(60, 70))
      .check();
    const cycle = v.anomalies.find((a) => a.kind === 'G2-realtime') as CycleAnomaly;
    expect(cycle.steps).toEqual([
      { from: 5, to: 1, type: 'rw', key: 'x', why: 'T@5 read x without 1, which T@1 appended next' },
      { from: 1, to: 5, type: 'realtime', why: 'T@1 completed (line 2) before T@5 was invoked (line 5)' },
    ]);
    expect(cycle.detail).toBe('G2-realtime cycle: T@5 -rw x-> T@1 -realtime-> T@5; T@1 completed (line 2) before T@5 was invoked (line 5)');
  });

  it('G2-realtime across keys, which no per-key check sees: T3 overlaps both writers but orders T2 before T1', () => {
    const v = new H()
      .txn([['append', 'x', 1]], 'ok', span(0, 10))
      .txn([['append', 'y', 2]], 'ok', span(20, 30))
      .txn([['r', 'x', []], ['r', 'y', [2]]], 'ok', span(5, 40))
      .txn([['r', 'x', [1]], ['r', 'y', [2]]], 'ok', span(50, 60))
      .check();
    expect(v.counts).toEqual({ 'G2-realtime': 1 });
    expect((v.anomalies[0] as CycleAnomaly).steps.map((s) => s.type).sort()).toEqual(['realtime', 'rw', 'wr']);
  });

  it('G0-realtime: appends land in the opposite order of their real-time order', () => {
    const v = new H()
      .txn([['append', 'x', 1]], 'ok', span(0, 10))
      .txn([['append', 'x', 2]], 'ok', span(20, 30))
      .txn([['r', 'x', [2, 1]]], 'ok', span(40, 50))
      .check();
    expect(v.counts).toEqual({ 'G0-realtime': 1 });
    expect((v.anomalies[0] as CycleAnomaly).steps).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'ww', key: 'x', why: 'T@1 appended 1 to x right after T@3 appended 2' })]),
    );
  });

  it('G1c-realtime: a transaction reads a value appended by one invoked after it completed', () => {
    const v = new H().txn([['r', 'y', [2]]], 'ok', span(0, 10)).txn([['append', 'y', 2]], 'ok', span(20, 30)).check();
    expect(v.counts).toEqual({ 'G1c-realtime': 1 });
  });

  it('a cycle closable without real-time edges keeps its plain name', () => {
    // T1 -wr x-> T2 -wr y-> T1 is G1c; T1 -realtime-> T2 -wr y-> T1 closes it too.
    const v = new H()
      .txn([['append', 'x', 1], ['r', 'y', [2]]], 'ok', span(0, 10))
      .txn([['append', 'y', 2], ['r', 'x', [1]]], 'ok', span(20, 30))
      .check();
    expect(v.counts).toEqual({ G1c: 1 });
  });

  it('accepts a strictly serializable history with transactions that overlap in time', () => {
    const v = new H()
      .txn([['append', 'x', 1]], 'ok', span(0, 100))
      .txn([['r', 'x', [1]]], 'ok', span(10, 20)) // sees T1 before T1 completes: T1 took effect by then
      .txn([['r', 'x', []], ['r', 'y', []]], 'ok', span(5, 200)) // took effect before T1 did
      .txn([['r', 'x', [1]], ['append', 'y', 2]], 'ok', span(30, 40))
      .txn([['append', 'x', 3], ['r', 'y', [2]]], 'ok', span(110, 120))
      .txn([['r', 'x', [1]]], 'ok', span(105, 130)) // concurrent with the append of 3
      .txn([['r', 'x', [1, 3]], ['r', 'y', [2]]], 'ok', span(140, 150))
      .check();
    expect(v.anomalies).toEqual([]);
    expect(v.stats['real-time edges']).toBeGreaterThan(0);
  });

  it('a completion and an invocation at the same instant are concurrent', () => {
    const v = new H()
      .txn([['append', 'x', 1]], 'ok', span(0, 10))
      .txn([['r', 'x', []]], 'ok', span(10, 20))
      .txn([['r', 'x', [1]]], 'ok', span(30, 40))
      .check();
    expect(v.anomalies).toEqual([]);
  });

  for (const outcome of ['info', 'pending'] as const) {
    it(`an ${outcome} transaction may take effect after its completion: it has no real-time edges out`, () => {
      const v = new H()
        .txn([['append', 'x', 1]], outcome, span(0, 10))
        .txn([['r', 'x', []]], 'ok', span(20, 30))
        .txn([['r', 'x', [1]]], 'ok', span(40, 50))
        .check();
      expect(v.anomalies).toEqual([]);
    });

    it(`an ${outcome} transaction took effect, if at all, after its invocation: it has real-time edges in`, () => {
      const v = new H()
        .txn([['append', 'x', 1]], 'ok', span(0, 10))
        .txn([['append', 'x', 2]], outcome, span(20, 30))
        .txn([['r', 'x', [2, 1]]], 'ok', span(40, 50))
        .check();
      expect(v.counts).toEqual({ 'G0-realtime': 1 });
    });
  }

  it('an info transaction between two others does not stand for their real-time order', () => {
    const v = new H()
      .txn([['append', 'x', 1]], 'ok', span(0, 10))
      .txn([['append', 'z', 9]], 'info', span(20, 30))
      .txn([['append', 'x', 2]], 'ok', span(40, 50))
      .txn([['r', 'x', [2, 1]]], 'ok', span(60, 70))
      .check();
    expect(v.counts).toEqual({ 'G0-realtime': 1 });
  });

  it('a failed transaction did not happen and orders nothing', () => {
    const v = new H()
      .txn([['append', 'x', 1]], 'fail', span(0, 10))
      .txn([['r', 'x', []]], 'ok', span(20, 30))
      .check();
    expect(v.anomalies).toEqual([]);
    expect(v.stats['real-time edges']).toBe(0);
  });
});

describe('list-append checker: simulated histories (20,000 transactions, 50 clients)', () => {
  const shape = { clients: 50, transactions: 20_000 } as const;
  const check = (events: RecordedEvent[]) => checkAppend(pairOperations(parseHistory(toJsonLines(events), 'sim'), 'sim'));

  it('a strictly serializable store: no anomalies', () => {
    const v = check(simulateAppendHistory({ seed: 11, ...shape }));
    expect(v.anomalies).toEqual([]);
    expect(v.stats).toMatchObject({ transactions: 20_001 });
    expect(v.stats['real-time edges']).toBeGreaterThan(20_000);
    expect(v.stats['dependency edges']).toBeGreaterThan(20_000);
  });

  it('a store whose read-only transactions read a slightly old state: real-time cycles', () => {
    const v = check(simulateAppendHistory({ seed: 12, ...shape, staleReadRate: 0.05 }));
    expect(v.valid).toBe(false);
    expect(Object.keys(v.counts).filter((k) => k.endsWith('-realtime'))).not.toEqual([]);
    expect(Object.keys(v.counts).filter((k) => ['G0', 'G1c', 'G2'].includes(k))).toEqual([]);
  });
});
