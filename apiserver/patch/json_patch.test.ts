import { describe, expect, it } from 'vitest';
import { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json_patch.js';
import { PatchError, PatchErrorCode } from './errors.js';
import { deepFreeze, expectPatchError } from './testing.js';

/** RFC 6902 Appendix A, one row per example (A.13, a duplicate member, is not expressible as a JS value). */
const rfcAppendix: Array<{ name: string; doc: unknown; patch: unknown[]; want?: unknown; code?: PatchErrorCode }> = [
  {
    name: 'A.1 adding an object member',
    doc: { foo: 'bar' },
    patch: [{ op: 'add', path: '/baz', value: 'qux' }],
    want: { baz: 'qux', foo: 'bar' },
  },
  {
    name: 'A.2 adding an array element',
    doc: { foo: ['bar', 'baz'] },
    patch: [{ op: 'add', path: '/foo/1', value: 'qux' }],
    want: { foo: ['bar', 'qux', 'baz'] },
  },
  {
    name: 'A.3 removing an object member',
    doc: { baz: 'qux', foo: 'bar' },
    patch: [{ op: 'remove', path: '/baz' }],
    want: { foo: 'bar' },
  },
  {
    name: 'A.4 removing an array element',
    doc: { foo: ['bar', 'qux', 'baz'] },
    patch: [{ op: 'remove', path: '/foo/1' }],
    want: { foo: ['bar', 'baz'] },
  },
  {
    name: 'A.5 replacing a value',
    doc: { baz: 'qux', foo: 'bar' },
    patch: [{ op: 'replace', path: '/baz', value: 'boo' }],
    want: { baz: 'boo', foo: 'bar' },
  },
  {
    name: 'A.6 moving a value',
    doc: { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
    patch: [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
    want: { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
  },
  {
    name: 'A.7 moving an array element',
    doc: { foo: ['all', 'grass', 'cows', 'eat'] },
    patch: [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
    want: { foo: ['all', 'cows', 'eat', 'grass'] },
  },
  {
    name: 'A.8 testing a value: success',
    doc: { baz: 'qux', foo: ['a', 2, 'c'] },
    patch: [
      { op: 'test', path: '/baz', value: 'qux' },
      { op: 'test', path: '/foo/1', value: 2 },
    ],
    want: { baz: 'qux', foo: ['a', 2, 'c'] },
  },
  {
    name: 'A.9 testing a value: error',
    doc: { baz: 'qux' },
    patch: [{ op: 'test', path: '/baz', value: 'bar' }],
    code: PatchErrorCode.JSON_PATCH_TEST_FAILED,
  },
  {
    name: 'A.10 adding a nested member object',
    doc: { foo: 'bar' },
    patch: [{ op: 'add', path: '/child', value: { grandchild: {} } }],
    want: { foo: 'bar', child: { grandchild: {} } },
  },
  {
    name: 'A.11 ignoring unrecognized elements',
    doc: { foo: 'bar' },
    patch: [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }],
    want: { foo: 'bar', baz: 'qux' },
  },
  {
    name: 'A.12 adding to a nonexistent target',
    doc: { foo: 'bar' },
    patch: [{ op: 'add', path: '/baz/bat', value: 'qux' }],
    code: PatchErrorCode.JSON_PATCH_PATH_NOT_FOUND,
  },
  {
    name: 'A.14 ~ escape ordering',
    doc: { '/': 9, '~1': 10 },
    patch: [{ op: 'test', path: '/~01', value: 10 }],
    want: { '/': 9, '~1': 10 },
  },
  {
    name: 'A.15 comparing strings and numbers',
    doc: { '/': 9, '~1': 10 },
    patch: [{ op: 'test', path: '/~01', value: '10' }],
    code: PatchErrorCode.JSON_PATCH_TEST_FAILED,
  },
  {
    name: 'A.16 adding an array value',
    doc: { foo: ['bar'] },
    patch: [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }],
    want: { foo: ['bar', ['abc', 'def']] },
  },
];

describe('applyJsonPatch: RFC 6902 appendix A', () => {
  it.each(rfcAppendix)('$name', ({ doc, patch, want, code }) => {
    const frozenDoc = deepFreeze(doc);
    if (code !== undefined) {
      expectPatchError(() => applyJsonPatch(frozenDoc, deepFreeze(patch)), code);
    } else {
      expect(applyJsonPatch(frozenDoc, deepFreeze(patch))).toEqual(want);
    }
  });
});

describe('applyJsonPatch: operations', () => {
  const pod = {
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: { containers: [{ name: 'a', image: 'nginx:1' }, { name: 'b', image: 'redis' }] },
  };

  it('replaces a nested array element field the way kubectl --type=json does', () => {
    const got = applyJsonPatch(pod, [{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx:2' }]);
    expect(got).toEqual({ ...pod, spec: { containers: [{ name: 'a', image: 'nginx:2' }, { name: 'b', image: 'redis' }] } });
  });

  it('adds a label whose key needs ~1 escaping', () => {
    const got = applyJsonPatch(pod, [{ op: 'add', path: '/metadata/labels/app.kubernetes.io~1name', value: 'web' }]);
    expect((got as typeof pod).metadata.labels).toEqual({ app: 'web', 'app.kubernetes.io/name': 'web' });
  });

  it('add on an existing member replaces it', () => {
    expect(applyJsonPatch({ a: 1 }, [{ op: 'add', path: '/a', value: 2 }])).toEqual({ a: 2 });
  });

  it('add at index == length appends; index > length is an invalid index', () => {
    expect(applyJsonPatch([1, 2], [{ op: 'add', path: '/2', value: 3 }])).toEqual([1, 2, 3]);
    expectPatchError(() => applyJsonPatch([1, 2], [{ op: 'add', path: '/3', value: 3 }]), PatchErrorCode.JSON_PATCH_INVALID_INDEX);
  });

  it('refuses array indices with a leading zero, a sign, or letters', () => {
    for (const index of ['01', '-1', '+1', 'x']) {
      expectPatchError(
        () => applyJsonPatch({ a: [1, 2] }, [{ op: 'replace', path: `/a/${index}`, value: 0 }]),
        PatchErrorCode.JSON_PATCH_INVALID_INDEX,
      );
    }
  });

  it('"-" cannot be read, removed or replaced', () => {
    for (const op of [{ op: 'remove', path: '/a/-' }, { op: 'replace', path: '/a/-', value: 1 }, { op: 'test', path: '/a/-', value: 1 }]) {
      expectPatchError(() => applyJsonPatch({ a: [1] }, [op]), PatchErrorCode.JSON_PATCH_INVALID_INDEX);
    }
  });

  it('remove, replace and test need an existing target', () => {
    for (const op of [
      { op: 'remove', path: '/missing' },
      { op: 'replace', path: '/missing', value: 1 },
      { op: 'test', path: '/missing', value: null },
      { op: 'move', from: '/missing', path: '/b' },
      { op: 'copy', from: '/missing', path: '/b' },
    ]) {
      expectPatchError(() => applyJsonPatch({ a: 1 }, [op]), PatchErrorCode.JSON_PATCH_PATH_NOT_FOUND);
    }
  });

  it('a path through a scalar does not exist', () => {
    expectPatchError(() => applyJsonPatch({ a: 1 }, [{ op: 'add', path: '/a/b', value: 1 }]), PatchErrorCode.JSON_PATCH_PATH_NOT_FOUND);
  });

  it('the empty pointer names the whole document', () => {
    expect(applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }])).toEqual({ b: 2 });
    expect(applyJsonPatch({ a: 1 }, [{ op: 'add', path: '', value: [1] }])).toEqual([1]);
    expect(applyJsonPatch({ a: 1 }, [{ op: 'test', path: '', value: { a: 1 } }])).toEqual({ a: 1 });
    expectPatchError(() => applyJsonPatch({ a: 1 }, [{ op: 'remove', path: '' }]), PatchErrorCode.JSON_PATCH_INVALID_OPERATION);
  });

  it('copy makes an independent deep copy', () => {
    const got = applyJsonPatch({ a: { x: [1] } }, [
      { op: 'copy', from: '/a', path: '/b' },
      { op: 'add', path: '/b/x/-', value: 2 },
    ]);
    expect(got).toEqual({ a: { x: [1] }, b: { x: [1, 2] } });
  });

  it('move cannot put a value inside itself; moving onto itself is a no-op', () => {
    expectPatchError(
      () => applyJsonPatch({ a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/c' }]),
      PatchErrorCode.JSON_PATCH_INVALID_OPERATION,
    );
    expect(applyJsonPatch({ a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a' }])).toEqual({ a: { b: 1 } });
  });

  it('test compares objects structurally, ignoring member order', () => {
    const doc = { a: { x: 1, y: [1, { z: true }] } };
    expect(applyJsonPatch(doc, [{ op: 'test', path: '/a', value: { y: [1, { z: true }], x: 1 } }])).toEqual(doc);
    expectPatchError(
      () => applyJsonPatch(doc, [{ op: 'test', path: '/a', value: { x: 1, y: [{ z: true }, 1] } }]),
      PatchErrorCode.JSON_PATCH_TEST_FAILED,
    );
  });

  it('a failing operation leaves the input untouched (the patch is all or nothing)', () => {
    const doc = { a: [1] };
    expectPatchError(
      () =>
        applyJsonPatch(doc, [
          { op: 'add', path: '/a/-', value: 2 },
          { op: 'test', path: '/a/0', value: 99 },
        ]),
      PatchErrorCode.JSON_PATCH_TEST_FAILED,
    );
    expect(doc).toEqual({ a: [1] });
  });

  it('a key named __proto__ stays an ordinary member', () => {
    const got = applyJsonPatch({}, [{ op: 'add', path: '/__proto__', value: { polluted: true } }]) as Record<string, unknown>;
    expect(Object.keys(got)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
  });
});

describe('applyJsonPatch: malformed patches', () => {
  it('a body that is not an array is malformed (400)', () => {
    const err = expectPatchError(() => applyJsonPatch({}, { op: 'add' }), PatchErrorCode.JSON_PATCH_MALFORMED);
    expect(err.wire).toMatchObject({ httpStatus: 400, reason: 'BadRequest' });
    expect(err.message).toBe('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  });

  it('an operation that is not an object is malformed', () => {
    expectPatchError(() => applyJsonPatch({}, ['add']), PatchErrorCode.JSON_PATCH_MALFORMED);
  });

  it('a null body is an empty patch', () => {
    expect(applyJsonPatch({ a: 1 }, null)).toEqual({ a: 1 });
  });

  it('unknown or missing op is an invalid operation (422, generic message)', () => {
    const err = expectPatchError(() => applyJsonPatch({}, [{ op: 'frobnicate', path: '/a' }]), PatchErrorCode.JSON_PATCH_INVALID_OPERATION);
    expect(err.message).toBe('Unexpected kind: frobnicate');
    expect(err.wire).toEqual({
      httpStatus: 422,
      reason: 'Invalid',
      message: 'the server rejected our request due to an error in our request',
    });
    expectPatchError(() => applyJsonPatch({}, [{ path: '/a' }]), PatchErrorCode.JSON_PATCH_INVALID_OPERATION);
    expectPatchError(() => applyJsonPatch({}, [null]), PatchErrorCode.JSON_PATCH_INVALID_OPERATION);
  });

  it('path, from and value are required where the RFC requires them', () => {
    expectPatchError(() => applyJsonPatch({}, [{ op: 'add', value: 1 }]), PatchErrorCode.JSON_PATCH_INVALID_OPERATION);
    expectPatchError(() => applyJsonPatch({}, [{ op: 'add', path: '/a' }]), PatchErrorCode.JSON_PATCH_INVALID_OPERATION);
    expectPatchError(() => applyJsonPatch({ a: 1 }, [{ op: 'move', path: '/b' }]), PatchErrorCode.JSON_PATCH_INVALID_OPERATION);
    expectPatchError(() => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a' }]), PatchErrorCode.JSON_PATCH_INVALID_OPERATION);
    expectPatchError(() => applyJsonPatch({}, [{ op: 'add', path: 7, value: 1 }]), PatchErrorCode.JSON_PATCH_INVALID_OPERATION);
  });

  it('add with an explicit null value adds null', () => {
    expect(applyJsonPatch({}, [{ op: 'add', path: '/a', value: null }])).toEqual({ a: null });
  });

  it('pointers must start with / and use only ~0 and ~1', () => {
    expectPatchError(() => applyJsonPatch({ a: 1 }, [{ op: 'remove', path: 'a' }]), PatchErrorCode.JSON_PATCH_INVALID_POINTER);
    expectPatchError(() => applyJsonPatch({ a: 1 }, [{ op: 'remove', path: '/a~2' }]), PatchErrorCode.JSON_PATCH_INVALID_POINTER);
    expectPatchError(() => applyJsonPatch({ a: 1 }, [{ op: 'remove', path: '/a~' }]), PatchErrorCode.JSON_PATCH_INVALID_POINTER);
  });

  it(`refuses more than ${MAX_JSON_PATCH_OPERATIONS} operations with 413`, () => {
    const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '', value: {} }));
    const err = expectPatchError(() => applyJsonPatch({}, ops), PatchErrorCode.JSON_PATCH_TOO_MANY_OPERATIONS);
    expect(err.message).toBe(`The allowed maximum operations in a JSON patch is 10000, got 10001`);
    expect(err.wire.httpStatus).toBe(413);
    expect(applyJsonPatch({}, ops.slice(1))).toEqual({});
    expectPatchError(() => applyJsonPatch({}, ops.slice(0, 3), { maxOperations: 2 }), PatchErrorCode.JSON_PATCH_TOO_MANY_OPERATIONS);
  });

  it('errors are PatchErrors', () => {
    expect(() => applyJsonPatch({}, [{ op: 'remove', path: '/x' }])).toThrow(PatchError);
  });
});
