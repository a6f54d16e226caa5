import { describe, expect, it } from 'vitest';
import type { Change } from '../mvcc/index.js';
import { Outbox, type OutboxItem } from './outbox.js';
import type { Watcher } from './watcher.js';

/** Just what the outbox reads of a watcher. */
const watcher = (id: number, prevKv = false): Watcher => ({ id, prevKv }) as unknown as Watcher;
const change = (rev: number, value = 'v'): Change => ({
  type: 'put',
  kv: { key: Buffer.from('k'), value: Buffer.from(value), createRevision: rev, modRevision: rev, version: 1, lease: 0 },
});
const events = (w: Watcher, revision: number, n = 1, value = 'v'): OutboxItem => ({ kind: 'events', watcher: w, events: Array.from({ length: n }, () => change(revision, value)), headerRevision: revision });
const revisionsOf = (item: OutboxItem): number[] => (item.kind === 'events' ? item.events.map((e) => e.kv.modRevision) : []);

describe('Outbox.takeMergedEvents', () => {
  it('merges each watcher\'s queued revisions in order, up to the first control response', () => {
    const [a, b] = [watcher(1), watcher(2)];
    const box = new Outbox(1000);
    const control: OutboxItem = { kind: 'control', response: { watchId: 1, header: { revision: 5 } } as never };
    for (const item of [events(a, 2), events(b, 2), events(a, 3, 2), events(b, 4), control, events(a, 6)]) box.push(item);
    expect(box.pendingEvents).toBe(6);
    const merged = box.takeMergedEvents(1000, 1 << 20);
    expect(merged.map((m) => (m.kind === 'events' ? [m.watcher.id, m.headerRevision, revisionsOf(m)] : m))).toEqual([
      [1, 3, [2, 3, 3]],
      [2, 4, [2, 4]],
    ]);
    expect(box.pendingEvents).toBe(1);
    expect(box.takeMergedEvents(1000, 1 << 20)).toEqual([]); // the control response is next
    expect(box.shift()).toBe(control);
    expect(box.takeMergedEvents(1000, 1 << 20).map(revisionsOf)).toEqual([[6]]);
  });

  it('starts a new response past the event or byte bound, never splitting a revision', () => {
    const a = watcher(1);
    const box = new Outbox(1000);
    for (const item of [events(a, 2, 2), events(a, 3, 3), events(a, 4, 1)]) box.push(item);
    expect(box.takeMergedEvents(4, 1 << 20).map(revisionsOf)).toEqual([[2, 2], [3, 3, 3, 4]]);
    const big = 'x'.repeat(1000);
    for (const item of [events(a, 5, 1, big), events(a, 6, 1, big), events(a, 7, 1, big)]) box.push(item);
    expect(box.takeMergedEvents(1000, 2200).map(revisionsOf)).toEqual([[5, 6], [7]]);
    // prev_kv counts twice: the same values no longer fit two to a response.
    const p = watcher(2, true);
    for (const item of [events(p, 8, 1, big), events(p, 9, 1, big)]) box.push(item);
    expect(box.takeMergedEvents(1000, 2200).map(revisionsOf)).toEqual([[8], [9]]);
  });

  it('puts back what the transport could not take, ahead of what was queued since', () => {
    const [a, b] = [watcher(1), watcher(2)];
    const box = new Outbox(1000);
    box.push(events(a, 2));
    box.push(events(b, 2));
    const merged = box.takeMergedEvents(1000, 1 << 20);
    box.push(events(a, 3));
    box.requeueFront(merged.slice(1));
    expect(box.pendingEvents).toBe(2);
    expect(box.takeMergedEvents(1000, 1 << 20).map((m) => (m.kind === 'events' ? [m.watcher.id, revisionsOf(m)] : m))).toEqual([
      [2, [2]],
      [1, [3]],
    ]);
  });
});
