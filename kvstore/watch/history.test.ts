import { describe, expect, it } from 'vitest';
import { applyTxn, NO_LEASES } from '../mvcc/index.js';
import { bytes, RecordingSink, setup, waitFor } from './testing.js';
import type { WatchResponse } from './types.js';

const revs = (n: number, from = 1): number[] => Array.from({ length: n }, (_, i) => from + i);
const eventRevs = (responses: WatchResponse[]): number[] => responses.flatMap((r) => r.events.map((e) => e.kv.modRevision));

/** Per response: events in revision order, no revision split from its previous response, header at or past its events. */
function expectWellFormed(responses: WatchResponse[]): void {
  let lastRev = 0;
  let lastHeader = 0;
  for (const r of responses) {
    expect(r.header.revision).toBeGreaterThanOrEqual(lastHeader);
    lastHeader = r.header.revision;
    const rs = r.events.map((e) => e.kv.modRevision);
    if (rs.length === 0) continue;
    expect(rs[0]!).toBeGreaterThan(lastRev); // never a revision split across responses, never a repeat
    expect([...rs].sort((a, b) => a - b)).toEqual(rs);
    lastRev = rs.at(-1)!;
    expect(r.header.revision).toBeGreaterThanOrEqual(lastRev);
  }
}

describe('watch history replay', () => {
  it('replays from a past revision then goes live, with no gap or duplicate at the boundary', async () => {
    const { sink, put, watch } = setup();
    const putRevs: number[] = [];
    for (let i = 1; i <= 5; i++) putRevs.push(put(`k${i}`, `${i}`));
    expect(putRevs).toEqual(revs(5, 2));
    // From the second put: four revisions to replay.
    const id = watch('k', { rangeEnd: bytes('l'), startRevision: 3 });
    // Commits between the create and the first catch-up turn.
    put('k6', '6');
    put('k7', '7');
    await waitFor(() => eventRevs(sink.of(id)).length === 6, 'replayed events');
    put('k8', '8');
    await waitFor(() => eventRevs(sink.of(id)).length === 7, 'live event');
    expect(eventRevs(sink.of(id))).toEqual(revs(7, 3));
    expect(sink.of(id)[0]).toMatchObject({ created: true, header: { revision: 6 } });
    expectWellFormed(sink.of(id));
  });

  it('catches up in bounded chunks while writes keep coming, exactly once and in order', async () => {
    const { hub, sink, put, watch } = setup({ syncChangesPerTurn: 7, maxRevisionsPerResponse: 3, maxPendingEvents: 5 });
    for (let i = 1; i <= 200; i++) put(`k${i % 13}`, `${i}`);
    const id = watch('k', { rangeEnd: bytes('l'), startRevision: 1 });
    expect(hub.stats().slowWatchers).toBe(1);
    for (let i = 201; i <= 300; i++) {
      put(`k${i % 13}`, `${i}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => eventRevs(sink.of(id)).length >= 300, 'all events');
    // A new store is at revision 1: the puts are revisions 2..301.
    expect(eventRevs(sink.of(id))).toEqual(revs(300, 2));
    expectWellFormed(sink.of(id));
    // Chunks hold at most 3 revisions.
    expect(Math.max(...sink.of(id).map((r) => r.events.length))).toBeLessThanOrEqual(3);
    expect(hub.stats().slowWatchers).toBe(0);
  });

  it('keeps each replayed revision whole, however small the chunks', async () => {
    const { sink, store, put, watch } = setup({ maxPendingEvents: 1, maxRevisionsPerResponse: 1 });
    put('t/0', 'x');
    const op = (k: string) => ({ type: 'put' as const, request: { key: bytes(k), value: bytes('v') } });
    applyTxn(store, { compare: [], success: [op('t/1'), op('t/2'), op('t/3')], failure: [] }, NO_LEASES);
    put('t/4', 'y');
    const id = watch('t/', { rangeEnd: bytes('t0'), startRevision: 1 });
    await waitFor(() => eventRevs(sink.of(id)).length === 5, 'replayed events');
    expect(sink.of(id).filter((r) => r.events.length > 0).map((r) => eventRevs([r]))).toEqual([[2], [3, 3, 3], [4]]);
  });

  it('is resumable: a new watch from the last revision seen + 1 continues exactly', async () => {
    const { hub, sink, stream, put, watch } = setup();
    const id = watch('r/', { rangeEnd: bytes('r0') });
    for (let i = 1; i <= 10; i++) put(`r/${i % 3}`, `${i}`);
    await waitFor(() => eventRevs(sink.of(id)).length === 10, 'first events');
    const seen = eventRevs(sink.of(id)).slice(0, 6);
    stream.close();
    for (let i = 11; i <= 15; i++) put(`r/${i % 3}`, `${i}`);
    const sink2 = new RecordingSink();
    const id2 = hub.openStream(sink2).create({ key: bytes('r/'), rangeEnd: bytes('r0'), startRevision: seen.at(-1)! + 1 });
    put('r/x', '16');
    await waitFor(() => eventRevs(sink2.of(id2)).length === 10, 'resumed events');
    expect(seen).toEqual(revs(6, 2));
    expect([...seen, ...eventRevs(sink2.of(id2))]).toEqual(revs(16, 2));
  });
});

describe('watch and compaction', () => {
  it('answers a compacted start revision with created, then canceled with compact_revision', async () => {
    const { hub, sink, store, put, watch } = setup();
    for (let i = 1; i <= 5; i++) put('k', `${i}`); // revisions 2..6
    store.compact(4);
    const below = watch('k', { startRevision: 3 });
    const at = watch('k', { startRevision: 4 });
    const above = watch('k', { startRevision: 5 });
    await waitFor(() => eventRevs(sink.of(above)).length === 2, 'events above the compaction');
    for (const id of [below, at]) {
      expect(sink.of(id).map((r) => [r.created, r.canceled, r.compactRevision, r.cancelReason])).toEqual([
        [true, false, 0, ''],
        [false, true, 4, ''],
      ]);
    }
    expect(eventRevs(sink.of(above))).toEqual([5, 6]);
    expect(hub.stats()).toMatchObject({ watchers: 1, compactedCancels: 2 });
  });

  it('cancels a watch whose history is compacted before its catch-up turn', async () => {
    const { sink, store, put, watch } = setup();
    for (let i = 1; i <= 5; i++) put('k', `${i}`);
    const id = watch('k', { startRevision: 2 });
    store.compact(4);
    await waitFor(() => sink.of(id).length === 2, 'cancel');
    expect(sink.of(id)[1]).toMatchObject({ canceled: true, compactRevision: 4, events: [] });
  });
});
