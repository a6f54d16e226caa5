import type { Entry } from '../../raft/index.js';

/**
 * Compact copies of raft entries for the in-memory log. An entry's data arrives as a view into
 * something larger: Node's shared 8 KiB buffer pool on the leader (which the other small buffers of
 * the moment share, so a slab kept by one entry is mostly other bytes), or a whole transport frame
 * on a follower. The log keeps entries until a snapshot compacts them, tens of thousands at a time,
 * so it keeps copies instead, packed back to back into chunks of its own.
 *
 * Chunks are append-only and entries leave the log oldest first, so each chunk is freed (by the
 * garbage collector, with the last view into it) soon after the entries in it are compacted away.
 * A chunk is never written where a view was handed out, so a copy stays valid for as long as it is
 * referenced.
 */
export class EntryArena {
  private chunk: Buffer | undefined;
  private used = 0;

  /** The entry with its data copied into the arena (the same entry when it has no data). */
  own(e: Entry): Entry {
    const n = e.data.length;
    if (n === 0) return e;
    if (n > OWN_CHUNK_ABOVE_BYTES) {
      // A big entry gets an exact copy of its own: it would waste most of a chunk's room.
      const copy = Buffer.allocUnsafeSlow(n);
      copy.set(e.data);
      return { ...e, data: copy };
    }
    let chunk = this.chunk;
    if (chunk === undefined || this.used + n > chunk.length) {
      // allocUnsafeSlow: never a slice of the shared pool, which is what this is avoiding.
      chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
      this.chunk = chunk;
      this.used = 0;
    }
    chunk.set(e.data, this.used);
    const data = chunk.subarray(this.used, this.used + n);
    this.used += n;
    return { ...e, data };
  }

  ownAll(entries: readonly Entry[]): Entry[] {
    return entries.map((e) => this.own(e));
  }
}

const CHUNK_BYTES = 64 * 1024;
const OWN_CHUNK_ABOVE_BYTES = CHUNK_BYTES / 8;
