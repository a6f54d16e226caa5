import { describe, expect, it } from 'vitest';
import { History, HISTORY_LAYOUT } from './history.js';
import { MvccErrorCode } from './errors.js';
import type { Change } from './types.js';

const b = (s: string): Buffer => Buffer.from(s);
const put = (key: string, value: string, createRevision: number, version: number, lease = 0): Change => ({
  type: 'put',
  kv: { key: b(key), value: b(value), createRevision, modRevision: 0, version, lease },
});
const del = (key: string): Change => ({ type: 'delete', kv: { key: b(key), value: new Uint8Array(0), createRevision: 0, modRevision: 0, version: 0, lease: 0 } });
const text = (c: Change | undefined): string =>
  c === undefined ? '-' : `${c.type}:${Buffer.from(c.kv.key).toString()}=${Buffer.from(c.kv.value).toString()}@${c.kv.modRevision}/${c.kv.createRevision}/v${c.kv.version}/l${c.kv.lease}`;

describe('History', () => {
  it('returns every field of a change as appended, with the mod revision of its row', () => {
    const h = new History();
    const lease = 2 ** 52 + 7;
    const stored = h.append(2, 0, put('k', 'v', 2, 1, lease));
    expect(text({ type: 'put', kv: stored })).toBe(`put:k=v@2/2/v1/l${lease}`);
    h.append(3, 0, del('k'));
    expect(text({ type: 'put', kv: h.kv({ main: 2, sub: 0 })! })).toBe(`put:k=v@2/2/v1/l${lease}`);
    expect(h.changesAt(3)?.map(text)).toEqual(['delete:k=@3/0/v0/l0']);
    expect(h.kv({ main: 2, sub: 1 })).toBeUndefined();
    expect(h.changesAt(4)).toBeUndefined();
  });

  it('copies the bytes it is given: later changes to the caller buffer do not show', () => {
    const h = new History();
    const value = b('abc');
    h.append(2, 0, { type: 'put', kv: { key: b('k'), value, createRevision: 2, modRevision: 2, version: 1, lease: 0 } });
    value.fill(0x78);
    expect(Buffer.from(h.kv({ main: 2, sub: 0 })!.value).toString()).toBe('abc');
  });

  it('refuses a revision that is not after the last one', () => {
    const h = new History();
    h.append(5, 1, put('a', '1', 5, 1));
    expect(() => h.append(5, 1, put('b', '1', 5, 1))).toThrowError(expect.objectContaining({ code: MvccErrorCode.INTERNAL }));
    expect(() => h.append(4, 9, put('b', '1', 4, 1))).toThrowError(expect.objectContaining({ code: MvccErrorCode.INTERNAL }));
    h.append(5, 2, put('b', '1', 5, 1));
    expect(h.size).toBe(2);
  });

  it('visits changes between two revisions in order and stops when asked', () => {
    const h = new History();
    for (let main = 2; main <= 6; main++) for (let sub = 0; sub < 2; sub++) h.append(main, sub, put(`k${sub}`, `${main}`, main, 1));
    const seen: string[] = [];
    h.forEachBetween(3, 5, (main, c) => void seen.push(`${main}:${Buffer.from(c.kv.key).toString()}`));
    expect(seen).toEqual(['3:k0', '3:k1', '4:k0', '4:k1', '5:k0', '5:k1']);
    const firstTwo: number[] = [];
    h.forEachBetween(0, 100, (main) => firstTwo.push(main) < 2);
    expect(firstTwo).toEqual([2, 2]);
  });

  it('spreads records over chunks, including one larger than a chunk, and reads them all back', () => {
    const h = new History();
    const big = 'x'.repeat(3 * 1024 * 1024);
    for (let main = 1; main <= 3000; main++) h.append(main, 0, put(`key${main}`, main === 1500 ? big : `value-${main}`.repeat(40), main, 1));
    expect(h.bytes).toBeGreaterThan(3 * 1024 * 1024 + 3000 * 280);
    for (const main of [1, 1499, 1500, 1501, 3000]) {
      const kv = h.kv({ main, sub: 0 })!;
      expect(Buffer.from(kv.key).toString()).toBe(`key${main}`);
      expect(Buffer.from(kv.value).toString()).toBe(main === 1500 ? big : `value-${main}`.repeat(40));
    }
  });

  it('compacts: drops changes at or below the revision unless kept, keeps sub positions, frees the space', () => {
    const h = new History();
    const value = 'v'.repeat(1000);
    for (let main = 2; main <= 1001; main++) {
      h.append(main, 0, put(`a${main}`, value, main, 1));
      h.append(main, 1, put(`b${main}`, value, main, 1));
    }
    const before = h.bytes;
    const kvBefore = h.kv({ main: 500, sub: 1 })!;
    // Keep one change at 500 (sub 1 only) and everything after 900.
    const removed = h.compact(900, [500, 1, 1000, 0, 12345, 0]);
    expect(removed).toBe(898);
    expect(h.size).toBe(1 + 2 * 101);
    expect(Array.from(h.changesAt(500) ?? [], text)).toEqual(['-', `put:b500=${value}@500/500/v1/l0`]);
    expect(h.changesAt(2)).toBeUndefined();
    expect(h.kv({ main: 901, sub: 1 })?.modRevision).toBe(901);
    expect(h.bytes).toBeLessThan(before / 4);
    // A view read before compaction still reads what it did.
    expect(Buffer.from(kvBefore.key).toString()).toBe('b500');
    // Appends after compaction go on in order.
    h.append(1002, 0, put('c', '1', 1002, 1));
    expect(h.changesAt(1002)?.map(text)).toEqual(['put:c=1@1002/1002/v1/l0']);
  });

  it('places a record that exactly fills a chunk, and one a byte too big for the rest of it, intact', () => {
    const { headerBytes, minChunkBytes, initialRows } = HISTORY_LAYOUT;
    const rowBytes = initialRows * (8 + 4 + 8);
    const h = new History();
    const fill = (n: number, byte: number): string => String.fromCharCode(byte).repeat(n);
    // Two records that fill the first chunk to its last byte.
    const half = minChunkBytes / 2 - headerBytes - 1;
    h.append(2, 0, put('a', fill(half, 0x61), 2, 1));
    h.append(3, 0, put('b', fill(half, 0x62), 3, 1));
    expect(h.bytes).toBe(rowBytes + minChunkBytes);
    // An empty value and key still take a header, so the next record opens a second, larger chunk.
    h.append(4, 0, { type: 'put', kv: { key: new Uint8Array(0), value: new Uint8Array(0), createRevision: 4, modRevision: 4, version: 1, lease: 0 } });
    expect(h.bytes).toBe(rowBytes + minChunkBytes + 2 * minChunkBytes);
    // The rest of that chunk, less one byte, and then a record one byte too big for what is left.
    const rest = 2 * minChunkBytes - headerBytes - headerBytes - 1;
    h.append(5, 0, put('c', fill(rest - 1, 0x63), 5, 1));
    h.append(6, 0, put('d', 'dd', 6, 1));
    expect(h.bytes).toBe(rowBytes + minChunkBytes + 2 * minChunkBytes + 4 * minChunkBytes);
    expect(Buffer.from(h.kv({ main: 2, sub: 0 })!.value).toString()).toBe(fill(half, 0x61));
    expect(Buffer.from(h.kv({ main: 3, sub: 0 })!.value).toString()).toBe(fill(half, 0x62));
    const empty = h.kv({ main: 4, sub: 0 })!;
    expect([empty.key.length, empty.value.length, empty.createRevision, empty.version]).toEqual([0, 0, 4, 1]);
    expect(Buffer.from(h.kv({ main: 5, sub: 0 })!.value).toString()).toBe(fill(rest - 1, 0x63));
    expect(text({ type: 'put', kv: h.kv({ main: 6, sub: 0 })! })).toBe('put:d=dd@6/6/v1/l0');
  });

  it('gives a record larger than the largest chunk a chunk of its own, and goes on in a normal one after it', () => {
    const { maxChunkBytes } = HISTORY_LAYOUT;
    const h = new History();
    const big = Buffer.alloc(maxChunkBytes + 5000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) & 0xff;
    h.append(2, 0, put('small', 's', 2, 1));
    h.append(3, 0, { type: 'put', kv: { key: b('big'), value: big, createRevision: 3, modRevision: 3, version: 1, lease: 0 } });
    h.append(4, 0, put('after', 'a', 4, 1));
    expect(Buffer.compare(Buffer.from(h.kv({ main: 3, sub: 0 })!.value), big)).toBe(0);
    expect(text({ type: 'put', kv: h.kv({ main: 2, sub: 0 })! })).toBe('put:small=s@2/2/v1/l0');
    expect(text({ type: 'put', kv: h.kv({ main: 4, sub: 0 })! })).toBe('put:after=a@4/4/v1/l0');
    // Compaction copies it like any other record.
    h.compact(3, [3, 0]);
    expect(Buffer.compare(Buffer.from(h.kv({ main: 3, sub: 0 })!.value), big)).toBe(0);
    expect(h.has({ main: 2, sub: 0 })).toBe(false);
  });

  it('keeps KeyValues read out valid through compactions and the appends after them', () => {
    const h = new History();
    const expected = new Map<number, string>();
    for (let main = 2; main <= 400; main++) {
      const value = `${main}:`.repeat(main % 50);
      h.append(main, 0, put(`k${main % 7}`, value, main, 1, main));
      expected.set(main, `put:k${main % 7}=${value}@${main}/${main}/v1/l${main}`);
    }
    const readOut = [2, 3, 100, 399, 400].map((main) => ({ main, kv: h.kv({ main, sub: 0 })! }));
    h.compact(200, [100, 0, 150, 0]);
    h.compact(350, [100, 0]);
    for (let main = 401; main <= 2000; main++) h.append(main, 0, put('new', 'x'.repeat(main % 300), main, 1));
    for (const { main, kv } of readOut) expect(text({ type: 'put', kv })).toBe(expected.get(main));
    // And what is still held reads back the same.
    expect(text({ type: 'put', kv: h.kv({ main: 100, sub: 0 })! })).toBe(expected.get(100));
    expect(h.has({ main: 150, sub: 0 })).toBe(false);
    expect(text({ type: 'put', kv: h.kv({ main: 351, sub: 0 })! })).toBe(expected.get(351));
  });

  it('moves a chunk whose records all stay over as it is, and copies only out of the others', () => {
    const h = new History();
    const value = 'v'.repeat(2000);
    for (let main = 2; main <= 3001; main++) h.append(main, 0, put(`k${main % 10}`, value, main, 1));
    const before = h.bytes;
    const late = h.kv({ main: 3000, sub: 0 })!;
    const early = h.kv({ main: 1000, sub: 0 })!;
    // Everything after 2000 stays: the chunks holding only those records are not copied.
    h.compact(2000, []);
    expect(h.size).toBe(1001);
    expect(h.kv({ main: 3000, sub: 0 })!.value.buffer).toBe(late.value.buffer);
    expect(h.has({ main: 1000, sub: 0 })).toBe(false);
    expect(h.bytes).toBeLessThan(before / 2);
    // Appends after it go on into the chunks it kept or made, and everything reads back.
    for (let main = 3002; main <= 3500; main++) h.append(main, 0, put(`n${main}`, `${main}`, main, 1));
    for (const main of [2001, 2500, 3000, 3001, 3002, 3500]) expect(h.kv({ main, sub: 0 })?.modRevision).toBe(main);
    expect(Buffer.from(h.kv({ main: 3500, sub: 0 })!.value).toString()).toBe('3500');
    expect(Buffer.from(early.value).toString()).toBe(value);
  });

  it('clear empties it', () => {
    const h = new History();
    h.append(2, 0, put('a', '1', 2, 1));
    h.clear();
    expect(h.size).toBe(0);
    expect(h.kv({ main: 2, sub: 0 })).toBeUndefined();
    h.append(2, 0, put('a', '2', 2, 1));
    expect(Buffer.from(h.kv({ main: 2, sub: 0 })!.value).toString()).toBe('2');
  });
});
