import { describe, expect, it } from 'vitest';
import type { Schema } from '../registry/schema.js';
import { isValidStrategicMergePatch, validateStrategicMergePatch } from './smp_validate.js';
import { PatchErrorCode } from './errors.js';
import { expectPatchError } from './testing.js';

const schema: Schema = {
  type: 'object',
  properties: {
    metadata: {
      type: 'object',
      properties: { finalizers: { type: 'array', items: { type: 'string' }, 'x-kubernetes-patch-strategy': 'merge' } },
    },
    spec: {
      type: 'object',
      properties: {
        containers: {
          type: 'array',
          'x-kubernetes-patch-strategy': 'merge',
          'x-kubernetes-patch-merge-key': 'name',
          items: {
            type: 'object',
            properties: {
              env: { type: 'array', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name' },
            },
          },
        },
        tolerations: { type: 'array' },
      },
    },
  },
};

describe('validateStrategicMergePatch', () => {
  it.each([
    ['an empty patch', {}],
    ['null', null],
    ['plain merges', { metadata: { labels: { a: 'b', c: null } } }],
    ['both map directives', { spec: { $patch: 'replace', a: 1 }, metadata: { labels: { $patch: 'delete' } } }],
    [
      'what kubectl apply sends',
      {
        metadata: { '$setElementOrder/finalizers': ['a', 'c'], '$deleteFromPrimitiveList/finalizers': ['b'], finalizers: ['c'] },
        spec: {
          '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
          containers: [
            { name: 'b', image: 'x', env: [{ name: 'E', $patch: 'delete' }] },
            { name: 'gone', $patch: 'delete' },
          ],
        },
      },
    ],
    ['$patch: replace as a list element', { spec: { containers: [{ $patch: 'replace' }, { name: 'a' }] } }],
    ['$retainKeys covering the patch (nulls and directives need not be listed)', { spec: { $retainKeys: ['a'], a: 1, b: null, '$setElementOrder/containers': [] } }],
    ['ordinary list elements without the merge key (checked only when they merge)', { spec: { containers: [{ image: 'x' }] } }],
    ['directive-looking values in lists without a strategy are data', { spec: { tolerations: [['a'], 1, 'b'] } }],
  ])('accepts %s', (_name, patch) => {
    expect(() => validateStrategicMergePatch(patch, schema)).not.toThrow();
    expect(isValidStrategicMergePatch(patch, schema)).toBe(true);
  });

  it.each([
    ['a non-object patch', [1], PatchErrorCode.SMP_INVALID_DOCUMENT],
    ['a number', 3, PatchErrorCode.SMP_INVALID_DOCUMENT],
    ['an unknown $patch on a map', { spec: { $patch: 'bogus' } }, PatchErrorCode.SMP_BAD_PATCH_TYPE],
    ['a non-string $patch', { spec: { $patch: 1 } }, PatchErrorCode.SMP_BAD_PATCH_TYPE],
    ['an unknown $patch deep in a new list element', { spec: { containers: [{ name: 'a', env: [{ name: 'E', $patch: 'x' }] }] } }, PatchErrorCode.SMP_BAD_PATCH_TYPE],
    ['an unknown $patch inside a list without strategy', { spec: { tolerations: [{ $patch: 'x' }] } }, PatchErrorCode.SMP_BAD_PATCH_TYPE],
    ['$patch: merge in a merged list', { spec: { containers: [{ name: 'a', $patch: 'merge' }] } }, PatchErrorCode.SMP_MERGE_DIRECTIVE_IN_LIST],
    ['$patch: delete without the merge key', { spec: { containers: [{ $patch: 'delete' }] } }, PatchErrorCode.SMP_NO_MERGE_KEY],
    ['$retainKeys not a list', { spec: { $retainKeys: {} } }, PatchErrorCode.SMP_BAD_RETAIN_KEYS],
    ['$retainKeys missing a patched key', { spec: { $retainKeys: ['a'], b: 1 } }, PatchErrorCode.SMP_BAD_RETAIN_KEYS],
    ['$setElementOrder not a list', { spec: { '$setElementOrder/containers': {} } }, PatchErrorCode.SMP_BAD_SET_ELEMENT_ORDER],
    ['$setElementOrder without a field', { spec: { $setElementOrder: [] } }, PatchErrorCode.SMP_BAD_SET_ELEMENT_ORDER],
    ['$setElementOrder of maps holding a scalar', { spec: { '$setElementOrder/containers': ['a'] } }, PatchErrorCode.SMP_BAD_SET_ELEMENT_ORDER],
    ['$setElementOrder item without the merge key', { spec: { '$setElementOrder/containers': [{ image: 'x' }] } }, PatchErrorCode.SMP_NO_MERGE_KEY],
    [
      'a patch list item missing from $setElementOrder',
      { spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ name: 'b' }] } },
      PatchErrorCode.SMP_SET_ELEMENT_ORDER_MISMATCH,
    ],
    [
      'a scalar patch list out of order',
      { metadata: { '$setElementOrder/finalizers': ['a', 'b'], finalizers: ['b', 'a'] } },
      PatchErrorCode.SMP_SET_ELEMENT_ORDER_MISMATCH,
    ],
    ['$deleteFromPrimitiveList not a list', { metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } }, PatchErrorCode.SMP_BAD_PRIMITIVE_LIST],
    ['$deleteFromPrimitiveList of maps', { metadata: { '$deleteFromPrimitiveList/finalizers': [{}] } }, PatchErrorCode.SMP_BAD_PRIMITIVE_LIST],
    ['$deleteFromPrimitiveList without a field', { metadata: { $deleteFromPrimitiveList: ['a'] } }, PatchErrorCode.SMP_BAD_PRIMITIVE_LIST],
    ['a list of lists in a merged list', { metadata: { finalizers: [['a']] } }, PatchErrorCode.SMP_LIST_OF_LISTS],
    ['mixed kinds in a merged list', { spec: { containers: [{ name: 'a' }, 'b'] } }, PatchErrorCode.SMP_MIXED_LIST_TYPES],
  ])('refuses %s', (_name, patch, code) => {
    expectPatchError(() => validateStrategicMergePatch(patch, schema), code);
    expect(isValidStrategicMergePatch(patch, schema)).toBe(false);
  });

  it('formats non-string $patch values the way Go prints them', () => {
    const err = expectPatchError(() => validateStrategicMergePatch({ $patch: 1.5 }, undefined), PatchErrorCode.SMP_BAD_PATCH_TYPE);
    expect(err.message).toBe('unknown patch type: %!s(float64=1.5) in map: map[$patch:1.5]');
  });

  it('lets non-patch errors through isValidStrategicMergePatch', () => {
    const hostile = { get spec(): never { throw new RangeError('boom'); } };
    expect(() => isValidStrategicMergePatch(hostile, schema)).toThrow(RangeError);
  });
});
