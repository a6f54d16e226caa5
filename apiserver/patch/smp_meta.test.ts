import { describe, expect, it } from 'vitest';
import { patchMetaOf } from './smp_meta.js';
import { PatchErrorCode } from './errors.js';
import { expectPatchError } from './testing.js';

describe('patchMetaOf', () => {
  it('reads strategy and merge key', () => {
    expect(patchMetaOf(undefined)).toEqual({ strategy: '', retainKeys: false, mergeKey: undefined });
    expect(patchMetaOf({ type: 'array' })).toEqual({ strategy: '', retainKeys: false, mergeKey: undefined });
    expect(patchMetaOf({ 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name' })).toEqual({
      strategy: 'merge',
      retainKeys: false,
      mergeKey: 'name',
    });
    expect(patchMetaOf({ 'x-kubernetes-patch-strategy': 'replace' }).strategy).toBe('replace');
  });

  it('understands retainKeys alone and paired, in either order', () => {
    expect(patchMetaOf({ 'x-kubernetes-patch-strategy': 'retainKeys' })).toMatchObject({ strategy: '', retainKeys: true });
    expect(patchMetaOf({ 'x-kubernetes-patch-strategy': 'merge,retainKeys' })).toMatchObject({ strategy: 'merge', retainKeys: true });
    expect(patchMetaOf({ 'x-kubernetes-patch-strategy': 'retainKeys, merge' })).toMatchObject({ strategy: 'merge', retainKeys: true });
  });

  it('refuses pairs without retainKeys and more than two strategies', () => {
    const err = expectPatchError(() => patchMetaOf({ 'x-kubernetes-patch-strategy': 'merge,replace' }), PatchErrorCode.SMP_BAD_PATCH_STRATEGY);
    expect(err.message).toBe('unexpected patch strategy: [merge replace]');
    expectPatchError(() => patchMetaOf({ 'x-kubernetes-patch-strategy': 'a,b,retainKeys' }), PatchErrorCode.SMP_BAD_PATCH_STRATEGY);
  });
});
