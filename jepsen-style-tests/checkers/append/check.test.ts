import { describe, expect, it } from 'vitest';
import { pairOperations, parseHistory } from '../../history/index.js';
import { checkAppend } from './check.js';

type Micro = ['r', string, number[] | null] | ['append', string, number];

/** A history of list-append transactions; each txn(...) runs alone unless given overlapping times. */
class H {
  private readonly lines: Array<{ time: number; text: string }> = [];
  private t = 0;
  private p = 0;
  txn(done: Micro[], type: 'ok' | 'fail' | 'info' = 'ok', at?: { invoke: number; complete: number }): this {
    const invoke = at?.invoke ?? (this.t += 10);
    const complete = at?.complete ?? (this.t += 10);
    const process = this.p++;
    const input = done.map((m) => (m[0] === 'r' ? ['r', m[1], null] : m));
    this.lines.push({ time: invoke, text: JSON.stringify({ process, type: 'invoke', f: 'txn', value: input, time: invoke }) });
    this.lines.push({ time: complete, text: JSON.stringify({ process, type, f: 'txn', value: type === 'ok' ? done : input, time: complete }) });
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
