import { describe, expect, it } from 'vitest';
import type { Entry } from '../../raft/index.js';
import { EntryArena } from './entry_arena.js';

const entry = (index: number, data: Uint8Array): Entry => ({ index, term: 1, type: 'normal', data });

describe('EntryArena', () => {
  it('copies entry data out of the buffer it arrived in, into chunks of its own', () => {
    const arena = new EntryArena();
    // Two entries decoded from one frame, as on a follower.
    const frame = Buffer.from('hello world');
    const a = arena.own(entry(1, frame.subarray(0, 5)));
    const b = arena.own(entry(2, frame.subarray(6)));
    frame.fill(0x78);
    expect([Buffer.from(a.data).toString(), Buffer.from(b.data).toString()]).toEqual(['hello', 'world']);
    expect([a.index, a.term, a.type, b.index]).toEqual([1, 1, 'normal', 2]);
    // Packed back to back in one arena chunk, not in Node's shared 8 KiB pool.
    expect(a.data.buffer).toBe(b.data.buffer);
    expect(a.data.buffer).not.toBe(frame.buffer);
    expect(a.data.buffer.byteLength).toBeGreaterThan(8192);
  });

  it('never rewrites bytes it handed out, across chunks; a big entry gets an exact copy; an empty one is kept', () => {
    const arena = new EntryArena();
    const kept: Array<{ e: Entry; want: string }> = [];
    for (let i = 1; i <= 2000; i++) {
      const s = `entry-${i}-`.repeat(1 + (i % 40));
      kept.push({ e: arena.own(entry(i, Buffer.from(s))), want: s });
    }
    for (const { e, want } of kept) expect(Buffer.from(e.data).toString()).toBe(want);
    expect(new Set(kept.map(({ e }) => e.data.buffer)).size).toBeGreaterThan(1);
    const big = Buffer.alloc(100_000, 7);
    const owned = arena.own(entry(3001, big));
    expect(owned.data.byteLength).toBe(100_000);
    expect(owned.data.buffer.byteLength).toBe(100_000);
    expect(owned.data).not.toBe(big);
    const empty = entry(3002, new Uint8Array(0));
    expect(arena.own(empty)).toBe(empty);
  });
});
