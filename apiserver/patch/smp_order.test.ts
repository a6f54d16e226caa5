import { describe, expect, it } from 'vitest';
import { dedupeScalars, indexOfItem, listElementKind, normalizeElementOrder, partitionByPresence } from './smp_order.js';
import { PatchErrorCode } from './errors.js';
import { expectPatchError } from './testing.js';

const byName = { mergeKey: 'name' } as const;
const scalars = { mergeKey: undefined } as const;
const n = (name: string, extra: Record<string, string> = {}): Record<string, string> => ({ name, ...extra });

describe('normalizeElementOrder', () => {
  it('the worked example: live [a b c], patch [c a] gives [b c a]', () => {
    const live = [n('a'), n('b'), n('c')];
    const patch = [n('c'), n('a')];
    const { present, absent } = partitionByPresence(live, patch, byName);
    expect(normalizeElementOrder(present, absent, patch, live, byName)).toEqual([n('b'), n('c'), n('a')]);
  });

  it('new patch items go before server-only items', () => {
    expect(normalizeElementOrder(['c'], ['a', 'b'], ['c'], ['a', 'b'], scalars)).toEqual(['c', 'a', 'b']);
  });

  it('server-only items keep their live order and interleave by live position', () => {
    // live: x a y b; the patch orders b before a. x and y both stood before b (the first patch
    // item), so both come first, in live order.
    const live = ['x', 'a', 'y', 'b'];
    expect(normalizeElementOrder(['a', 'b'], ['y', 'x'], ['b', 'a'], live, scalars)).toEqual(['x', 'y', 'b', 'a']);
    // live: a x b; patch [b a]: x stood after a but before b, and b comes first now.
    expect(normalizeElementOrder(['a', 'b'], ['x'], ['b', 'a'], ['a', 'x', 'b'], scalars)).toEqual(['x', 'b', 'a']);
  });

  it('a server-only item the live list does not hold goes after the patch items', () => {
    expect(normalizeElementOrder(['a'], ['z'], ['a'], ['a'], scalars)).toEqual(['a', 'z']);
  });

  it('an order list naming items the list lacks is harmless', () => {
    expect(normalizeElementOrder([n('3'), n('1')], [], [n('3'), n('2'), n('1')], [n('1'), n('3')], byName)).toEqual([n('3'), n('1')]);
  });
});

describe('indexOfItem / partitionByPresence', () => {
  it('finds maps by merge key value, structurally', () => {
    expect(indexOfItem([n('a'), { name: 80 }], { name: 80, extra: 1 }, byName)).toBe(1);
    expect(indexOfItem([{ name: '80' }], { name: 80 }, byName)).toBe(-1);
  });

  it('a map without the merge key is found only as itself', () => {
    const nameless = { image: 'x' };
    expect(indexOfItem([{ image: 'x' }], { image: 'x' }, byName)).toBe(-1);
    expect(indexOfItem([n('a'), nameless], nameless, byName)).toBe(1);
  });

  it('partitions keeping order', () => {
    expect(partitionByPresence(['a', 'b', 'c', 'd'], ['d', 'b'], scalars)).toEqual({ present: ['b', 'd'], absent: ['a', 'c'] });
  });
});

describe('listElementKind', () => {
  it('returns the shared kind, or undefined for empty lists', () => {
    expect(listElementKind([], [])).toBeUndefined();
    expect(listElementKind(['a'], ['b'])).toBe('string');
    expect(listElementKind([{}], [{ a: 1 }])).toBe('object');
  });

  it('refuses lists of lists and mixed kinds', () => {
    expectPatchError(() => listElementKind([['a']]), PatchErrorCode.SMP_LIST_OF_LISTS);
    const err = expectPatchError(() => listElementKind([1], ['1']), PatchErrorCode.SMP_MIXED_LIST_TYPES);
    expect(err.message).toBe('list element types are not identical: [[1] [1]]');
  });
});

describe('dedupeScalars', () => {
  it('keeps first occurrences', () => {
    expect(dedupeScalars(['b', 'a', 'b', 1, 1, true, 'a'])).toEqual(['b', 'a', 1, true]);
  });
});
