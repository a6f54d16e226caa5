/**
 * Cases ported from k8s.io/apimachinery/pkg/util/strategicpatch/patch_test.go, against the same
 * MergeItem type (as a schema): `current` is the live object, `patch` the two- or three-way patch
 * kubectl would send, `want` the object kube-apiserver stores.
 */
import { describe, expect, it } from 'vitest';
import type { Schema } from '../registry/schema.js';
import { applyStrategicMergePatch } from './strategic_merge.js';
import { PatchErrorCode } from './errors.js';
import { deepFreeze, directiveKeys, expectPatchError } from './testing.js';

const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const mergeItemProps: Record<string, Schema> = {};
/** upstream's MergeItem struct, with its patchStrategy / patchMergeKey tags. Recursive, like the struct. */
const mergeItem: Schema = { type: 'object', properties: mergeItemProps };
Object.assign(mergeItemProps, {
  name: str,
  value: str,
  other: str,
  mergingList: { type: 'array', items: mergeItem, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name' },
  nonMergingList: { type: 'array', items: mergeItem },
  mergingIntList: { type: 'array', items: int, 'x-kubernetes-patch-strategy': 'merge' },
  nonMergingIntList: { type: 'array', items: int },
  simpleMap: { type: 'object', additionalProperties: str },
  replacingItem: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, 'x-kubernetes-patch-strategy': 'replace' },
  retainKeysMap: {
    type: 'object',
    'x-kubernetes-patch-strategy': 'retainKeys',
    properties: {
      name: str,
      value: str,
      other: str,
      simpleMap: { type: 'object', additionalProperties: str },
      mergingIntList: { type: 'array', items: int, 'x-kubernetes-patch-strategy': 'merge' },
      mergingList: { type: 'array', items: mergeItem, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name' },
      nonMergingList: { type: 'array', items: mergeItem },
    },
  },
  retainKeysMergingList: {
    type: 'array',
    items: mergeItem,
    'x-kubernetes-patch-strategy': 'merge,retainKeys',
    'x-kubernetes-patch-merge-key': 'name',
  },
} satisfies Record<string, Schema>);

interface Case {
  readonly name: string;
  readonly current: Record<string, unknown>;
  readonly patch: Record<string, unknown>;
  readonly want?: Record<string, unknown>;
  readonly code?: PatchErrorCode;
  readonly message?: string | RegExp;
}

const cases: Case[] = [
  // customStrategicMergePatchTestCaseData
  {
    name: 'unique scalars when merging lists',
    current: { mergingIntList: [1, 2] },
    patch: { mergingIntList: [2, 3] },
    want: { mergingIntList: [1, 2, 3] },
  },
  {
    name: 'delete map from nested map',
    current: { simpleMap: { key1: 1, key2: 1 } },
    patch: { simpleMap: { $patch: 'delete' } },
    want: { simpleMap: {} },
  },
  {
    name: 'delete all items from merging list',
    current: { mergingList: [{ name: 1 }, { name: 2 }] },
    patch: { mergingList: [{ $patch: 'replace' }] },
    want: { mergingList: [] },
  },
  { name: 'merge empty merging lists', current: { mergingList: [] }, patch: { mergingList: [] }, want: { mergingList: [] } },
  { name: 'delete all keys from map', current: { name: 1, value: 1 }, patch: { $patch: 'replace' }, want: {} },
  {
    name: 'add key and delete all keys from map',
    current: { name: 1, value: 1 },
    patch: { other: 'a', $patch: 'replace' },
    want: { other: 'a' },
  },
  {
    name: 'delete all duplicate entries in a merging list',
    current: { mergingList: [{ name: 1 }, { name: 1 }, { name: 2, value: 'a' }, { name: 3 }, { name: 3 }] },
    patch: {
      mergingList: [
        { name: 1, $patch: 'delete' },
        { name: 3, $patch: 'delete' },
      ],
    },
    want: { mergingList: [{ name: 2, value: 'a' }] },
  },
  {
    name: 'retainKeys map can add a field when no retainKeys directive present',
    current: { retainKeysMap: { name: 'foo' } },
    patch: { retainKeysMap: { value: 'bar' } },
    want: { retainKeysMap: { name: 'foo', value: 'bar' } },
  },
  {
    name: 'retainKeys map can change a field when no retainKeys directive present',
    current: { retainKeysMap: { name: 'foo', value: 'a' } },
    patch: { retainKeysMap: { value: 'b' } },
    want: { retainKeysMap: { name: 'foo', value: 'b' } },
  },
  {
    name: 'retainKeys map can delete a field when no retainKeys directive present',
    current: { retainKeysMap: { name: 'foo', value: 'a' } },
    patch: { retainKeysMap: { value: null } },
    want: { retainKeysMap: { name: 'foo' } },
  },
  {
    name: 'retainKeys map merge an empty map',
    current: { retainKeysMap: { name: 'foo', value: 'a' } },
    patch: { retainKeysMap: {} },
    want: { retainKeysMap: { name: 'foo', value: 'a' } },
  },
  {
    name: 'retainKeys list can add a field when no retainKeys directive present',
    current: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo' }] },
    patch: { retainKeysMergingList: [{ name: 'foo', value: 'a' }] },
    want: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'a' }] },
  },
  {
    name: 'retainKeys list can change a field when no retainKeys directive present',
    current: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'a' }] },
    patch: { retainKeysMergingList: [{ name: 'foo', value: 'b' }] },
    want: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'b' }] },
  },
  {
    name: 'retainKeys list can delete a field when no retainKeys directive present',
    current: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'a' }] },
    patch: { retainKeysMergingList: [{ name: 'foo', value: null }] },
    want: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo' }] },
  },
  {
    name: 'preserve the order from the patch in a merging list',
    current: { mergingList: [{ name: 1 }, { name: 2, value: 'b' }, { name: 3 }] },
    patch: { mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }, { name: 2, other: 'x' }] },
    want: { mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }, { name: 2, value: 'b', other: 'x' }] },
  },
  {
    name: 'preserve the order from the patch in a merging list 2',
    current: { mergingList: [{ name: 1 }, { name: 2, value: 'b' }, { name: 3 }] },
    patch: { mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }] },
    want: { mergingList: [{ name: 2, value: 'b' }, { name: 3, value: 'c' }, { name: 1, value: 'a' }] },
  },
  {
    name: 'preserve the order from the patch in a merging int list',
    current: { mergingIntList: [1, 2, 3] },
    patch: { mergingIntList: [3, 1, 2] },
    want: { mergingIntList: [3, 1, 2] },
  },
  {
    name: 'preserve the order from the patch in a merging int list 2',
    current: { mergingIntList: [1, 2, 3] },
    patch: { mergingIntList: [3, 1] },
    want: { mergingIntList: [2, 3, 1] },
  },
  // customStrategicMergePatchRawTestCases
  {
    name: '$setElementOrder contains item that is not present in the list to be merged',
    current: { mergingList: [{ name: 1 }, { name: 3 }] },
    patch: {
      '$setElementOrder/mergingList': [{ name: 3 }, { name: 2 }, { name: 1 }],
      mergingList: [
        { name: 3, value: 3 },
        { name: 1, value: 1 },
      ],
    },
    want: {
      mergingList: [
        { name: 3, value: 3 },
        { name: 1, value: 1 },
      ],
    },
  },
  {
    name: '$setElementOrder contains item that is not present in the int list to be merged',
    current: { mergingIntList: [1, 3] },
    patch: { '$setElementOrder/mergingIntList': [3, 2, 1] },
    want: { mergingIntList: [3, 1] },
  },
  {
    name: 'should check if order in $setElementOrder and patch list match',
    current: { mergingList: [{ name: 1 }, { name: 3 }, { name: 2 }] },
    patch: {
      '$setElementOrder/mergingList': [{ name: 1 }, { name: 2 }, { name: 3 }],
      mergingList: [
        { name: 3, value: 3 },
        { name: 1, value: 1 },
      ],
    },
    code: PatchErrorCode.SMP_SET_ELEMENT_ORDER_MISMATCH,
    message: /doesn't match/,
  },
  {
    name: 'should check if order in $setElementOrder and patch int list match',
    current: { mergingIntList: [1, 3, 2] },
    patch: { '$setElementOrder/mergingIntList': [1, 2, 3], mergingIntList: [3, 1] },
    code: PatchErrorCode.SMP_SET_ELEMENT_ORDER_MISMATCH,
    message: /doesn't match/,
  },
  {
    name: 'missing merge key should error out',
    current: { mergingList: [{ name: 1, value: 'a' }] },
    patch: { mergingList: [{ value: 'b' }] },
    code: PatchErrorCode.SMP_NO_MERGE_KEY,
    message: 'map: map[value:b] does not contain declared merge key: name',
  },
  // strategicMergePatchRawTestCases (three-way patch applied to current)
  {
    name: 'delete items in lists of scalars',
    current: { mergingIntList: [1, 2, 3, 4] },
    patch: { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] },
    want: { mergingIntList: [1, 2, 4] },
  },
  {
    name: 'delete all duplicate items in lists of scalars',
    current: { mergingIntList: [1, 2, 3, 3, 4] },
    patch: { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] },
    want: { mergingIntList: [1, 2, 4] },
  },
  {
    name: 'add and delete items in lists of scalars',
    current: { mergingIntList: [1, 2, 3, 4] },
    patch: {
      '$setElementOrder/mergingIntList': [1, 2, 4],
      '$deleteFromPrimitiveList/mergingIntList': [3],
    },
    want: { mergingIntList: [1, 2, 4] },
  },
  {
    name: 'merge lists of maps',
    current: { mergingList: [{ name: 1, other: 'a' }, { name: 2, value: 2, other: 'b' }] },
    patch: {
      '$setElementOrder/mergingList': [{ name: 4 }, { name: 1 }, { name: 2 }, { name: 3 }],
      mergingList: [
        { name: 4, value: 4 },
        { name: 3, value: 3 },
      ],
    },
    want: {
      mergingList: [{ name: 4, value: 4 }, { name: 1, other: 'a' }, { name: 2, value: 2, other: 'b' }, { name: 3, value: 3 }],
    },
  },
  {
    name: 'merge lists of maps with conflict',
    current: { mergingList: [{ name: 1, other: 'a' }, { name: 2, value: 3, other: 'b' }] },
    patch: {
      '$setElementOrder/mergingList': [{ name: 1 }, { name: 2 }, { name: 3 }],
      mergingList: [
        { name: 2, value: 2 },
        { name: 3, value: 3 },
      ],
    },
    want: { mergingList: [{ name: 1, other: 'a' }, { name: 2, value: 2, other: 'b' }, { name: 3, value: 3 }] },
  },
  {
    name: 'add field to map in merging list',
    current: { mergingList: [{ name: 1, other: 'a' }, { name: 2, value: 2, other: 'b' }] },
    patch: { '$setElementOrder/mergingList': [{ name: 1 }, { name: 2 }], mergingList: [{ name: 1, value: 1 }] },
    want: { mergingList: [{ name: 1, value: 1, other: 'a' }, { name: 2, value: 2, other: 'b' }] },
  },
  {
    name: 'retainKeys map with simpleMap',
    current: { retainKeysMap: { name: 'foo', value: 'bar', simpleMap: { key1: 'new', key2: 'b', key3: 'c' } } },
    patch: { retainKeysMap: { $retainKeys: ['name', 'simpleMap', 'value'], simpleMap: { key1: 'modified' } } },
    want: { retainKeysMap: { name: 'foo', value: 'bar', simpleMap: { key1: 'modified', key2: 'b', key3: 'c' } } },
  },
  {
    name: 'retainKeys map replaces non-merging list',
    current: { retainKeysMap: { name: 'foo', value: 'bar', nonMergingList: [{ name: 'a' }, { name: 'b' }] } },
    patch: {
      retainKeysMap: {
        $retainKeys: ['name', 'nonMergingList', 'value'],
        nonMergingList: [{ name: 'a' }, { name: 'c' }, { name: 'b' }],
      },
    },
    want: { retainKeysMap: { name: 'foo', value: 'bar', nonMergingList: [{ name: 'a' }, { name: 'c' }, { name: 'b' }] } },
  },
  {
    name: 'retainKeys map nested non-merging list with no change with conflict',
    current: { retainKeysMap: { name: 'foo', nonMergingList: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } },
    patch: {
      retainKeysMap: {
        $retainKeys: ['name', 'nonMergingList', 'value'],
        value: 'bar',
        nonMergingList: [{ name: 'a' }, { name: 'b' }],
      },
    },
    want: { retainKeysMap: { name: 'foo', value: 'bar', nonMergingList: [{ name: 'a' }, { name: 'b' }] } },
  },
  {
    name: 'retainKeys map deletes nested non-merging list',
    current: { retainKeysMap: { name: 'foo', nonMergingList: [{ name: 'a' }, { name: 'b' }] } },
    patch: { retainKeysMap: { $retainKeys: ['name', 'value'], value: 'bar', nonMergingList: null } },
    want: { retainKeysMap: { name: 'foo', value: 'bar' } },
  },
  {
    name: 'retainKeys map nested merging int list with no change',
    current: { retainKeysMap: { name: 'foo', mergingIntList: [1, 2, 3] } },
    patch: {
      retainKeysMap: { $retainKeys: ['mergingIntList', 'name', 'value'], '$setElementOrder/mergingIntList': [1, 2], value: 'bar' },
    },
    want: { retainKeysMap: { name: 'foo', value: 'bar', mergingIntList: [1, 2, 3] } },
  },
  {
    name: 'retainKeys map adds an item in nested merging int list',
    current: { retainKeysMap: { name: 'foo', mergingIntList: [1, 2, 3] } },
    patch: {
      retainKeysMap: {
        '$setElementOrder/mergingIntList': [1, 2, 4],
        $retainKeys: ['mergingIntList', 'name'],
        mergingIntList: [4],
      },
    },
    want: { retainKeysMap: { name: 'foo', mergingIntList: [1, 2, 4, 3] } },
  },
  {
    name: 'retainKeys map deletes an item in nested merging int list',
    current: { retainKeysMap: { name: 'foo', mergingIntList: [1, 2, 3, 4] } },
    patch: {
      retainKeysMap: {
        $retainKeys: ['mergingIntList', 'name'],
        '$deleteFromPrimitiveList/mergingIntList': [2],
        '$setElementOrder/mergingIntList': [1, 3],
      },
    },
    want: { retainKeysMap: { name: 'foo', mergingIntList: [1, 3, 4] } },
  },
  {
    name: 'retainKeys map adds an item and deletes an item in nested merging int list',
    current: { retainKeysMap: { name: 'foo', mergingIntList: [1, 2, 3, 4] } },
    patch: {
      retainKeysMap: {
        $retainKeys: ['mergingIntList', 'name'],
        mergingIntList: [5],
        '$deleteFromPrimitiveList/mergingIntList': [2],
        '$setElementOrder/mergingIntList': [1, 3, 5],
      },
    },
    want: { retainKeysMap: { name: 'foo', mergingIntList: [1, 3, 5, 4] } },
  },
  {
    name: 'retainKeys map deletes nested merging int list',
    current: { retainKeysMap: { name: 'foo', mergingIntList: [1, 2, 3] } },
    patch: { retainKeysMap: { $retainKeys: ['name'], mergingIntList: null } },
    want: { retainKeysMap: { name: 'foo' } },
  },
  {
    name: 'retainKeys map nested merging list with no change',
    current: { retainKeysMap: { name: 'foo', mergingList: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } },
    patch: {
      retainKeysMap: {
        $retainKeys: ['mergingList', 'name', 'value'],
        '$setElementOrder/mergingList': [{ name: 'a' }, { name: 'b' }],
        value: 'bar',
      },
    },
    want: { retainKeysMap: { name: 'foo', value: 'bar', mergingList: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } },
  },
  {
    name: 'retainKeys map adds an item in nested merging list',
    current: { retainKeysMap: { name: 'foo', mergingList: [{ name: 'a' }, { name: 'b' }, { name: 'x' }] } },
    patch: {
      retainKeysMap: {
        $retainKeys: ['mergingList', 'name'],
        '$setElementOrder/mergingList': [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
        mergingList: [{ name: 'c' }],
      },
    },
    want: { retainKeysMap: { name: 'foo', mergingList: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'x' }] } },
  },
  {
    name: 'retainKeys map changes an item in nested merging list',
    current: { retainKeysMap: { name: 'foo', mergingList: [{ name: 'a' }, { name: 'b', value: 'foo' }, { name: 'x' }] } },
    patch: {
      retainKeysMap: {
        $retainKeys: ['mergingList', 'name'],
        '$setElementOrder/mergingList': [{ name: 'a' }, { name: 'b' }],
        mergingList: [{ name: 'b', value: 'bar' }],
      },
    },
    want: { retainKeysMap: { name: 'foo', mergingList: [{ name: 'a' }, { name: 'b', value: 'bar' }, { name: 'x' }] } },
  },
  {
    name: 'retainKeys map deletes nested merging list',
    current: { retainKeysMap: { name: 'foo', mergingList: [{ name: 'a' }, { name: 'b' }] } },
    patch: { retainKeysMap: { $retainKeys: ['name', 'value'], value: 'bar', mergingList: null } },
    want: { retainKeysMap: { name: 'foo', value: 'bar' } },
  },
  {
    name: 'retainKeys map deletes an item in nested merging list',
    current: { retainKeysMap: { name: 'foo', mergingList: [{ name: 'a' }, { name: 'b' }, { name: 'x' }] } },
    patch: {
      retainKeysMap: {
        $retainKeys: ['mergingList', 'name'],
        '$setElementOrder/mergingList': [{ name: 'a' }],
        mergingList: [{ name: 'b', $patch: 'delete' }],
      },
    },
    want: { retainKeysMap: { name: 'foo', mergingList: [{ name: 'a' }, { name: 'x' }] } },
  },
  {
    name: 'retainKeys list of maps clears a field',
    current: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'a', other: 'x' }] },
    patch: {
      '$setElementOrder/retainKeysMergingList': [{ name: 'bar' }, { name: 'foo' }],
      retainKeysMergingList: [{ $retainKeys: ['name', 'value'], name: 'foo' }],
    },
    want: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'a' }] },
  },
  {
    name: 'retainKeys list of maps clears a field with conflict',
    current: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'new', other: 'x' }] },
    patch: {
      '$setElementOrder/retainKeysMergingList': [{ name: 'bar' }, { name: 'foo' }],
      retainKeysMergingList: [{ $retainKeys: ['name', 'value'], name: 'foo', value: 'modified' }],
    },
    want: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'modified' }] },
  },
  // createStrategicMergePatchTestCaseData (two-way patches)
  {
    name: 'add field and delete field from map',
    current: { name: 1, other: 'a' },
    patch: { name: null, value: 1 },
    want: { value: 1, other: 'a' },
  },
  {
    name: 'delete field from nested map',
    current: { simpleMap: { key1: 1, key2: 1, other: 'a' } },
    patch: { simpleMap: { key2: null } },
    want: { simpleMap: { key1: 1, other: 'a' } },
  },
  {
    name: 'replace list of scalars',
    current: { nonMergingIntList: [1, 2] },
    patch: { nonMergingIntList: [2, 3] },
    want: { nonMergingIntList: [2, 3] },
  },
  {
    name: 'delete all maps from merging list',
    current: { mergingList: [{ name: 1, other: 'a' }, { name: 2, other: 'b' }] },
    patch: {
      mergingList: [
        { name: 1, $patch: 'delete' },
        { name: 2, $patch: 'delete' },
      ],
    },
    want: { mergingList: [] },
  },
  {
    name: 'delete all maps from empty merging list',
    current: { mergingList: [] },
    patch: {
      mergingList: [
        { name: 1, $patch: 'delete' },
        { name: 2, $patch: 'delete' },
      ],
    },
    want: { mergingList: [] },
  },
  {
    name: 'defined null values should propagate removing original fields',
    current: { name: 'original-name', value: 'original-value', other: 'current-other' },
    patch: { name: 'modified-name', value: null },
    want: { name: 'modified-name', other: 'current-other' },
  },
  {
    name: 'replace strategy replaces a map whole',
    current: { replacingItem: { a: { b: 1 }, c: 2 } },
    patch: { replacingItem: { a: { d: 3 } } },
    want: { replacingItem: { a: { d: 3 } } },
  },
];

describe('applyStrategicMergePatch: upstream strategicpatch cases', () => {
  it.each(cases)('$name', ({ current, patch, want, code, message }) => {
    const run = (): unknown => applyStrategicMergePatch(deepFreeze(current), deepFreeze(patch), mergeItem);
    if (code !== undefined) {
      const err = expectPatchError(run, code);
      if (message !== undefined) expect(err.message).toMatch(message);
      return;
    }
    const got = run();
    expect(got).toEqual(want);
    expect(directiveKeys(got)).toEqual([]);
  });
});
