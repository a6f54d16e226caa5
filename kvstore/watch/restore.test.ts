import { describe, expect, it } from 'vitest';
import { applyPut, MvccStore, NO_LEASES, type Change } from '../mvcc/index.js';
import { bytes, setup, text, waitFor } from './testing.js';

/** The history of a store that went further than ours: what a leader's snapshot image carries. */
function leaderHistory(puts: number): Array<[number, Change[]]> {
  const leader = new MvccStore();
  for (let i = 1; i <= puts; i++) applyPut(leader, { key: bytes(`k${i}`), value: bytes(`v${i}`) }, NO_LEASES);
  const out: Array<[number, Change[]]> = [];
  for (let rev = 2; rev <= leader.currentRevision; rev++) out.push([rev, leader.changesAt(rev)!.filter((c): c is Change => c !== undefined)]);
  return out;
}

describe('WatchHub.restored (a member installed a snapshot)', () => {
  it('catches every synced watcher up from the new state, from the revision it expected next', async () => {
    const { store, hub, sink, put, watch } = setup();
    put('k1', 'v1'); // revision 2, as on the leader
    const id = watch('k', { rangeEnd: bytes('l') });
    await waitFor(() => sink.of(id).length === 1, 'created');
    // The member fell behind; the leader's image holds revisions 2..6. Install it.
    store.reset();
    for (const [rev, changes] of leaderHistory(5)) store.restore(rev, changes, 0);
    hub.restored();
    await waitFor(() => sink.of(id).flatMap((r) => r.events).length === 4, 'events from the image');
    const events = sink.of(id).flatMap((r) => r.events);
    expect(events.map((e) => e.kv.modRevision)).toEqual([3, 4, 5, 6]);
    expect(events.map((e) => text(e.kv.key))).toEqual(['k2', 'k3', 'k4', 'k5']);
    // And live events continue after it.
    put('k6', 'v6');
    await waitFor(() => sink.of(id).flatMap((r) => r.events).length === 5, 'live event');
    expect(sink.of(id).flatMap((r) => r.events).at(-1)?.kv.modRevision).toBe(7);
  });

  it('cancels a watcher as compacted when the new state no longer has the revision it needs', async () => {
    const { store, hub, sink, put, watch } = setup();
    put('k1', 'v1');
    const id = watch('k', { rangeEnd: bytes('l') });
    await waitFor(() => sink.of(id).length === 1, 'created');
    store.reset();
    for (const [rev, changes] of leaderHistory(5)) if (rev >= 5) store.restore(rev, changes, 4);
    hub.restored();
    await waitFor(() => sink.of(id).some((r) => r.canceled), 'compacted cancel');
    expect(sink.of(id).find((r) => r.canceled)).toMatchObject({ canceled: true, compactRevision: 4 });
  });
});
