import { describe, expect, it } from 'vitest';
import { pairOperations, parseHistory } from '../../history/index.js';
import { checkWatch } from './check.js';
import type { FinalRead, RecordedEvent, RecordedWatchResponse, WatchSessionInput, WatchSessionOutput } from './format.js';

/**
 * A tiny in-memory store and a history writer: writes go through the store (revisions, versions,
 * prev_kv as etcd computes them), watchers get every event from their start. The mutations below
 * then break one guarantee each, and the checker must name it.
 */
interface Line {
  process: number;
  type: 'invoke' | 'ok' | 'fail' | 'info';
  f: string;
  key?: string;
  value: unknown;
  time: number;
}

class Sim {
  rev = 1;
  readonly state = new Map<string, [string, number, number, number]>();
  readonly log: RecordedEvent[][] = [];
  readonly lines: Line[] = [];
  private time = 0;

  private apply(ops: Array<{ key: string; value?: string }>): RecordedEvent[] {
    const events: RecordedEvent[] = [];
    const rev = this.rev + 1;
    for (const op of ops) {
      const prev = this.state.get(op.key) ?? null;
      if (op.value === undefined) {
        if (prev === null) continue;
        this.state.delete(op.key);
        events.push(['DELETE', op.key, '', rev, 0, 0, prev]);
      } else {
        const kv: [string, number, number, number] = [op.value, rev, prev?.[2] ?? rev, (prev?.[3] ?? 0) + 1];
        this.state.set(op.key, kv);
        events.push(['PUT', op.key, op.value, rev, kv[2], kv[3], prev]);
      }
    }
    if (events.length > 0) {
      this.rev = rev;
      this.log.push(events);
    }
    return events;
  }

  private pair(process: number, f: string, key: string | undefined, invoke: unknown, ok: unknown): void {
    const k = key === undefined ? {} : { key };
    this.lines.push({ process, type: 'invoke', f, ...k, value: invoke, time: this.time++ });
    this.lines.push({ process, type: 'ok', f, ...k, value: ok, time: this.time++ });
  }

  put(key: string, v: string): void {
    this.apply([{ key, value: v }]);
    this.pair(0, 'put', key, { v }, { v, rev: this.rev });
  }

  del(key: string): void {
    const deleted = this.apply([{ key }]).length;
    this.pair(1, 'delete', key, {}, { rev: this.rev, deleted });
  }

  txn(a: string, b: string, v: string): void {
    const succeeded = this.state.has(a);
    this.apply(succeeded ? [{ key: a, value: v }, { key: b, value: v }] : [{ key: a, value: v }, { key: b }]);
    this.pair(2, 'txn', undefined, { a, b, v }, { succeeded, rev: this.rev });
  }

  /** Every event from revision `from` on, one response per revision, then a progress notification. */
  responses(from: number, prevKv: boolean): RecordedWatchResponse[] {
    const out: RecordedWatchResponse[] = [{ rev: this.rev, created: true, events: [] }];
    for (const events of this.log) {
      if ((events[0] as RecordedEvent)[3] < from) continue;
      out.push({ rev: this.rev, events: events.map((e) => (prevKv ? e : [e[0], e[1], e[2], e[3], e[4], e[5], null])) });
    }
    out.push({ rev: this.rev, events: [] });
    return out;
  }

  watch(process: number, input: WatchSessionInput, responses: RecordedWatchResponse[]): void {
    const out: WatchSessionOutput = { responses, end: 'closed' };
    this.pair(process, 'watch', undefined, input, out);
  }

  finalRead(): void {
    const value: FinalRead = { rev: this.rev, kvs: [...this.state].map(([k, kv]) => [k, ...kv]) };
    this.pair(3, 'final-read', undefined, null, value);
  }

  text(): string {
    return this.lines.map((l) => JSON.stringify(l)).join('\n');
  }
}

function workload(): Sim {
  const s = new Sim();
  s.put('a', 'v1');
  s.put('b', 'v2');
  s.txn('a', 'b', 'v3'); // a exists: put a, put b
  s.del('a');
  s.txn('a', 'b', 'v4'); // a absent: put a, delete b
  s.put('c', 'v5');
  s.del('zz'); // nothing to delete: no revision
  s.put('b', 'v6');
  return s;
}

function check(s: Sim) {
  return checkWatch(pairOperations(parseHistory(s.text(), 'test'), 'test'));
}

const input = (watcher: string, start: number, prevKv = true, resumed = false): WatchSessionInput => ({ watcher, start, prevKv, endpoint: 'e', resumed });

describe('watch checker', () => {
  it('finds nothing wrong with a correct history', () => {
    const s = workload();
    s.watch(100, input('first', 1), s.responses(1, true));
    s.watch(101, input('past', 4, false), s.responses(4, false));
    s.finalRead();
    const v = check(s);
    expect(v.anomalies).toEqual([]);
    expect(v.valid).toBe(true);
    expect(v.stats['revisions']).toBe(7);
  });

  it('reliable: a skipped revision', () => {
    const s = workload();
    const full = s.responses(1, true);
    s.watch(100, input('first', 1), full);
    s.watch(101, input('dropper', 1), full.filter((r) => r.events[0]?.[3] !== 4));
    expect(check(s).counts).toEqual({ reliable: 1 });
  });

  it('reliable: an acknowledged write no watcher delivered', () => {
    const s = workload();
    s.watch(100, input('first', 1), s.responses(1, true).filter((r) => r.events[0]?.[3] !== 5));
    const v = check(s);
    expect(v.counts.reliable).toBe(1);
    expect(v.anomalies[0]?.detail).toMatch(/revision 5 \(an acknowledged delete of a\) was delivered to no watcher/);
  });

  it('unique: an event delivered twice on one stream', () => {
    const s = workload();
    const r = s.responses(1, true);
    r.splice(3, 0, r[2] as RecordedWatchResponse);
    s.watch(100, input('first', 1), r);
    expect(check(s).counts).toEqual({ unique: 1 });
  });

  it('ordered: events out of revision order', () => {
    const s = workload();
    const r = s.responses(1, true);
    [r[2], r[3]] = [r[3] as RecordedWatchResponse, r[2] as RecordedWatchResponse];
    s.watch(100, input('first', 1), r);
    expect(check(s).counts.ordered).toBe(1);
  });

  it('atomic: a transaction split over two responses', () => {
    const s = workload();
    const r = s.responses(1, true);
    const txn = r[3] as RecordedWatchResponse; // revision 4: the two puts of the first txn
    expect(txn.events).toHaveLength(2);
    r.splice(3, 1, { rev: txn.rev, events: [txn.events[0] as RecordedEvent] }, { rev: txn.rev, events: [txn.events[1] as RecordedEvent] });
    s.watch(100, input('first', 1), r);
    expect(check(s).counts).toEqual({ atomic: 1 });
  });

  it('atomic: a watcher that got only part of a revision', () => {
    const s = workload();
    s.watch(100, input('first', 1), s.responses(1, true));
    const r = s.responses(1, true);
    const txn = r[3] as RecordedWatchResponse;
    r[3] = { rev: txn.rev, events: [txn.events[0] as RecordedEvent] };
    s.watch(101, input('partial', 1), r);
    expect(check(s).counts).toEqual({ atomic: 1 });
  });

  it('resumable: a resumed stream that redelivers what the last one had', () => {
    const s = workload();
    s.watch(100, input('w', 1), s.responses(1, true).slice(0, 4));
    s.watch(101, input('w', 5, true, true), s.responses(3, true));
    expect(check(s).counts.resumable).toBeGreaterThan(0);
  });

  it('bookmarkable: an event at or below a progress notification it came after', () => {
    const s = workload();
    const r = s.responses(1, true);
    r.splice(2, 0, { rev: 5, events: [] });
    s.watch(100, input('w', 1), r);
    expect(check(s).counts.bookmarkable).toBeGreaterThan(0);
  });

  it('prev_kv: a wrong previous value', () => {
    const s = workload();
    const r = s.responses(1, true);
    const e = (r[2] as RecordedWatchResponse).events[0] as RecordedEvent; // put b=v2 at 3: no prev
    e[6] = ['bogus', 2, 2, 1];
    s.watch(100, input('w', 1), r);
    expect(check(s).counts).toEqual({ prev_kv: 1 });
  });

  it('consistent: an event from a write that failed', () => {
    const s = workload();
    s.lines.push({ process: 9, type: 'invoke', f: 'put', key: 'a', value: { v: 'ghost' }, time: 1000 });
    s.lines.push({ process: 9, type: 'fail', f: 'put', key: 'a', value: { v: 'ghost' }, time: 1001 });
    const r = s.responses(1, true);
    const e = (r[1] as RecordedWatchResponse).events[0] as RecordedEvent;
    e[2] = 'ghost';
    s.watch(100, input('w', 1), r);
    const v = check(s);
    expect(v.counts.consistent).toBeGreaterThan(0);
    expect(v.anomalies.some((a) => /comes from a put that failed/.test(a.detail))).toBe(true);
  });

  it('stalled: a watcher that never catches up with the final read', () => {
    const s = workload();
    s.watch(100, input('first', 1), s.responses(1, true));
    s.watch(101, input('behind', 1), s.responses(1, true).slice(0, 3));
    s.finalRead();
    expect(check(s).counts).toEqual({ stalled: 1 });
  });
});
