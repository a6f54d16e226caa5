import { describe, expect, it } from 'vitest';
import { applyMergePatch, checkMergePatchDocument } from './merge_patch.js';
import { PatchErrorCode } from './errors.js';
import { deepFreeze, expectPatchError } from './testing.js';

/** RFC 7386 Appendix A: original, patch, result. */
const rfcAppendix: Array<[unknown, unknown, unknown]> = [
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [['a', 'b'], ['c', 'd'], ['c', 'd']],
  [{ a: 'b' }, ['c'], ['c']],
  [{ a: 'foo' }, null, null],
  [{ a: 'foo' }, 'bar', 'bar'],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: 'b', c: null }, { a: 'b' }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

describe('applyMergePatch: RFC 7386 appendix A', () => {
  it.each(rfcAppendix.map(([original, patch, want], i) => ({ i, original, patch, want })))(
    'example $i',
    ({ original, patch, want }) => {
      expect(applyMergePatch(deepFreeze(original), deepFreeze(patch))).toEqual(want);
    },
  );
});

describe('applyMergePatch', () => {
  it('RFC 7386 section 3 example', () => {
    const target = {
      title: 'Goodbye!',
      author: { givenName: 'John', familyName: 'Doe' },
      tags: ['example', 'sample'],
      content: 'This will be unchanged',
    };
    const patch = { title: 'Hello!', phoneNumber: '+01-123-456-7890', author: { familyName: null }, tags: ['example'] };
    expect(applyMergePatch(deepFreeze(target), deepFreeze(patch))).toEqual({
      title: 'Hello!',
      author: { givenName: 'John' },
      tags: ['example'],
      content: 'This will be unchanged',
      phoneNumber: '+01-123-456-7890',
    });
  });

  it('merges Kubernetes metadata: labels added, changed and removed; lists replaced', () => {
    const pod = {
      metadata: { name: 'web', labels: { app: 'web', tier: 'front' }, finalizers: ['a', 'b'] },
      spec: { containers: [{ name: 'a', image: 'nginx' }] },
    };
    const got = applyMergePatch(pod, { metadata: { labels: { tier: null, env: 'prod' }, finalizers: ['c'] } });
    expect(got).toEqual({
      metadata: { name: 'web', labels: { app: 'web', env: 'prod' }, finalizers: ['c'] },
      spec: { containers: [{ name: 'a', image: 'nginx' }] },
    });
  });

  it('keeps nulls inside arrays (arrays are values, not patches)', () => {
    expect(applyMergePatch({}, { a: [null, { b: null }] })).toEqual({ a: [null, { b: null }] });
  });

  it('does not share structure with its inputs', () => {
    const patch = { a: { b: [1] } };
    const got = applyMergePatch({}, patch) as { a: { b: number[] } };
    got.a.b.push(2);
    expect(patch.a.b).toEqual([1]);
  });

  it('a key named __proto__ is an ordinary member', () => {
    const patch = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
    const got = applyMergePatch({}, patch) as Record<string, unknown>;
    expect(Object.keys(got)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
  });
});

describe('checkMergePatchDocument', () => {
  it('accepts objects and arrays', () => {
    expect(() => checkMergePatchDocument({})).not.toThrow();
    expect(() => checkMergePatchDocument([])).not.toThrow();
  });

  it('refuses null and scalars with "Invalid JSON Patch" (400)', () => {
    for (const body of [null, 'x', 1, true]) {
      const err = expectPatchError(() => checkMergePatchDocument(body), PatchErrorCode.MERGE_PATCH_INVALID);
      expect(err.wire).toEqual({ httpStatus: 400, reason: 'BadRequest', message: 'Invalid JSON Patch' });
    }
  });
});
