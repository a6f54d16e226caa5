import { describe, expect, it } from 'vitest';
import { KeyIndex } from './key_index.js';
import { MvccErrorCode } from './errors.js';
import type { Revision } from './revision.js';

/** The worked example from key_index.ts: puts at 1, 2, 3; delete at 4; puts at 5, 6. */
function example(): KeyIndex {
  const ki = new KeyIndex('foo');
  ki.put({ main: 1, sub: 0 });
  ki.put({ main: 2, sub: 0 });
  ki.put({ main: 3, sub: 0 });
  ki.tombstone({ main: 4, sub: 0 });
  ki.put({ main: 5, sub: 0 });
  ki.put({ main: 6, sub: 0 });
  return ki;
}

describe('KeyIndex', () => {
  it('finds the revision, creation revision and version visible at each store revision', () => {
    const ki = example();
    expect(ki.get(0)).toBeUndefined();
    expect(ki.get(1)).toEqual({ modified: { main: 1, sub: 0 }, created: { main: 1, sub: 0 }, version: 1 });
    expect(ki.get(3)).toEqual({ modified: { main: 3, sub: 0 }, created: { main: 1, sub: 0 }, version: 3 });
    expect(ki.get(4)).toBeUndefined();
    expect(ki.get(5)).toEqual({ modified: { main: 5, sub: 0 }, created: { main: 5, sub: 0 }, version: 1 });
    expect(ki.get(100)).toEqual({ modified: { main: 6, sub: 0 }, created: { main: 5, sub: 0 }, version: 2 });
    expect(ki.isLive()).toBe(true);
  });

  it('refuses a put at a revision that is not newer', () => {
    const ki = example();
    expect(() => ki.put({ main: 6, sub: 0 })).toThrowError(expect.objectContaining({ code: MvccErrorCode.INTERNAL }));
  });

  it('refuses a tombstone on a deleted key', () => {
    const ki = new KeyIndex('k');
    ki.put({ main: 1, sub: 0 });
    ki.tombstone({ main: 2, sub: 0 });
    expect(() => ki.tombstone({ main: 3, sub: 0 })).toThrowError(expect.objectContaining({ code: MvccErrorCode.INTERNAL }));
    expect(ki.isLive()).toBe(false);
  });

  it('lists revisions since a revision, one per main revision', () => {
    const ki = new KeyIndex('k');
    ki.put({ main: 1, sub: 0 });
    ki.put({ main: 2, sub: 0 });
    ki.put({ main: 2, sub: 1 });
    ki.put({ main: 3, sub: 0 });
    expect(ki.since(2)).toEqual([{ main: 2, sub: 1 }, { main: 3, sub: 0 }]);
  });

  it('compacts: keeps what is visible at the compaction revision and after', () => {
    const cases: Array<{ at: number; keep: string[]; gens: string[]; empty: boolean }> = [
      { at: 1, keep: ['1.0'], gens: ['1,2,3,4', '5,6'], empty: false },
      { at: 2, keep: ['2.0'], gens: ['2,3,4', '5,6'], empty: false },
      { at: 3, keep: ['3.0'], gens: ['3,4', '5,6'], empty: false },
      // Deleted at 4: the whole first generation goes.
      { at: 4, keep: [], gens: ['5,6'], empty: false },
      { at: 5, keep: ['5.0'], gens: ['5,6'], empty: false },
      { at: 6, keep: ['6.0'], gens: ['6'], empty: false },
    ];
    for (const c of cases) {
      const ki = example();
      const keep: string[] = [];
      expect(ki.compact(c.at, (r) => void keep.push(`${r.main}.${r.sub}`))).toBe(c.empty);
      expect(keep).toEqual(c.keep);
      const gens = ki.generationMains().map((g) => g.join(','));
      expect(gens, `compact at ${c.at}`).toEqual(c.gens);
      // Reads at and after the compaction revision are unchanged.
      for (let rev = c.at; rev <= 7; rev++) expect(ki.get(rev), `get(${rev}) after compact(${c.at})`).toEqual(example().get(rev));
    }
  });

  it('compacting a key deleted at or before the revision empties it', () => {
    const ki = new KeyIndex('k');
    ki.put({ main: 1, sub: 0 });
    ki.tombstone({ main: 2, sub: 0 });
    const keep: Revision[] = [];
    expect(ki.compact(3, (r) => void keep.push(r))).toBe(true);
    expect(keep).toEqual([]);
    expect(ki.isEmpty()).toBe(true);
  });

  it('keeps versions and the creation revision of a generation that compaction trimmed', () => {
    const ki = new KeyIndex('k');
    for (let main = 1; main <= 5; main++) ki.put({ main, sub: 0 });
    ki.compact(2, () => {});
    expect(ki.generationMains()).toEqual([[2, 3, 4, 5]]);
    ki.compact(4, () => {});
    expect(ki.generationMains()).toEqual([[4, 5]]);
    expect(ki.get(4)).toEqual({ modified: { main: 4, sub: 0 }, created: { main: 1, sub: 0 }, version: 4 });
    expect(ki.get(9)).toEqual({ modified: { main: 5, sub: 0 }, created: { main: 1, sub: 0 }, version: 5 });
    // Once that generation ends and is compacted away, the next one counts from its own creation.
    ki.tombstone({ main: 6, sub: 0 });
    ki.put({ main: 7, sub: 0 });
    ki.put({ main: 8, sub: 0 });
    expect(ki.compact(7, () => {})).toBe(false);
    expect(ki.generationMains()).toEqual([[7, 8]]);
    expect(ki.get(8)).toEqual({ modified: { main: 8, sub: 0 }, created: { main: 7, sub: 0 }, version: 2 });
    expect(ki.compact(8, () => {})).toBe(false);
    expect(ki.get(8)).toEqual({ modified: { main: 8, sub: 0 }, created: { main: 7, sub: 0 }, version: 2 });
  });

  it('tells tombstones from puts at the same sub revision, and finds the last sub of a main revision', () => {
    const ki = new KeyIndex('k');
    ki.put({ main: 2, sub: 0 });
    ki.put({ main: 2, sub: 3 });
    ki.tombstone({ main: 3, sub: 0 });
    expect(ki.get(2)).toEqual({ modified: { main: 2, sub: 3 }, created: { main: 2, sub: 0 }, version: 2 });
    expect(ki.get(3)).toBeUndefined();
    expect(ki.modified).toEqual({ main: 3, sub: 0 });
    expect(ki.isLive()).toBe(false);
    expect(ki.since(0)).toEqual([{ main: 2, sub: 3 }, { main: 3, sub: 0 }]);
  });

  it('grows past the exactly-sized array for a key written many times', () => {
    const ki = new KeyIndex('k');
    for (let main = 1; main <= 100; main++) {
      if (main % 10 === 0) ki.tombstone({ main, sub: 0 });
      else ki.put({ main, sub: 0 });
    }
    expect(ki.generationMains()).toHaveLength(10);
    expect(ki.get(55)).toEqual({ modified: { main: 55, sub: 0 }, created: { main: 51, sub: 0 }, version: 5 });
    expect(ki.get(60)).toBeUndefined();
  });
});
