import { describe, expect, it } from 'vitest';
import { RecordingSink, bytes, setup, waitFor } from './testing.js';

/** A sink that refuses everything until opened, like a transport whose buffer is full. */
class StalledSink extends RecordingSink {
  open = false;
  override send(r: Parameters<RecordingSink['send']>[0]): boolean {
    super.send(r);
    return this.open;
  }
}

async function runStalled(unsafeDropSlowEvents: boolean): Promise<number[]> {
  const { hub, put } = setup({ maxPendingEvents: 4, unsafeDropSlowEvents });
  const sink = new StalledSink();
  const stream = hub.openStream(sink);
  const id = stream.create({ key: bytes('k'), rangeEnd: bytes('l') });
  await waitFor(() => sink.of(id).length === 1, 'created');
  for (let i = 0; i < 50; i++) put(`k${i}`, `${i}`);
  sink.open = true;
  stream.resume();
  // One more write once the stream drains: it is delivered either way, and marks the end.
  put('k-last', 'x');
  await waitFor(() => sink.of(id).flatMap((r) => r.events).at(-1)?.kv.modRevision === 52, 'the last event');
  return sink.of(id).flatMap((r) => r.events.map((e) => e.kv.modRevision));
}

describe('--unsafe-watch-drop-slow-events (test-only switch)', () => {
  it('off (the default): a stalled watcher later gets every event, without a gap', async () => {
    const revs = await runStalled(false);
    expect(revs).toEqual(Array.from({ length: 51 }, (_, i) => i + 2));
  });

  it('on: a stalled watcher silently loses events (the gap the watch checker must find)', async () => {
    const revs = await runStalled(true);
    expect(revs.length).toBeLessThan(51);
    expect(revs.at(-1)).toBe(52);
    // Somewhere a revision was skipped: the reliable guarantee is broken, as intended.
    expect(revs.some((r, i) => i > 0 && r !== (revs[i - 1] as number) + 1)).toBe(true);
  });
});
