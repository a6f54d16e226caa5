/** The small helpers under the patch functions: JSON values, JSON pointers, Go-style formatting. */
import { describe, expect, it } from 'vitest';
import { cloneJson, isJsonObject, jsonEqual, jsonKind } from './json.js';
import { formatJsonPointer, isPointerPrefix, parseArrayIndex, parseJsonPointer } from './json_pointer.js';
import { goFormat, goFormatString, goTypeName } from './go_format.js';
import { PatchErrorCode } from './errors.js';
import { expectPatchError } from './testing.js';

describe('JSON values', () => {
  it('jsonEqual is structural and order-insensitive for objects only', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual('1', 1)).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
    expect(jsonEqual({ a: undefined }, {})).toBe(true);
  });

  it('cloneJson copies deeply and drops undefined members', () => {
    const src = { a: [1, { b: 2 }], u: undefined };
    const copy = cloneJson(src) as { a: [number, { b: number }] };
    expect(copy).toEqual({ a: [1, { b: 2 }] });
    expect(Object.keys(copy)).toEqual(['a']);
    copy.a[1].b = 3;
    expect(src.a[1]).toEqual({ b: 2 });
    expect(cloneJson([undefined])).toEqual([null]);
    expect(() => cloneJson(undefined)).toThrow(TypeError);
    expect(() => cloneJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => cloneJson({ f: () => 1 })).toThrow(TypeError);
  });

  it('kinds', () => {
    expect([null, [], {}, '', 0, false].map(jsonKind)).toEqual(['null', 'array', 'object', 'string', 'number', 'boolean']);
    expect(isJsonObject([])).toBe(false);
    expect(isJsonObject(null)).toBe(false);
    expect(isJsonObject({})).toBe(true);
  });
});

describe('JSON pointers', () => {
  it('parses and formats with ~0 / ~1 escapes', () => {
    expect(parseJsonPointer('')).toEqual([]);
    expect(parseJsonPointer('/')).toEqual(['']);
    expect(parseJsonPointer('/a~1b/m~0n/~01')).toEqual(['a/b', 'm~n', '~1']);
    expect(formatJsonPointer(['a/b', 'm~n', '~1'])).toBe('/a~1b/m~0n/~01');
  });

  it('refuses pointers without a leading slash and bad escapes', () => {
    expectPatchError(() => parseJsonPointer('a'), PatchErrorCode.JSON_PATCH_INVALID_POINTER);
    expectPatchError(() => parseJsonPointer('/a~'), PatchErrorCode.JSON_PATCH_INVALID_POINTER);
    expectPatchError(() => parseJsonPointer('/~x'), PatchErrorCode.JSON_PATCH_INVALID_POINTER);
  });

  it('array indices', () => {
    expect(['0', '10', '01', '-1', '1e2', ''].map(parseArrayIndex)).toEqual([0, 10, undefined, undefined, undefined, undefined]);
    expect(parseArrayIndex('99999999999999999999')).toBeUndefined();
  });

  it('prefixes', () => {
    expect(isPointerPrefix(['a'], ['a', 'b'])).toBe(true);
    expect(isPointerPrefix(['a', 'b'], ['a'])).toBe(false);
    expect(isPointerPrefix([], ['a'])).toBe(true);
  });
});

describe('Go formatting', () => {
  it('prints like fmt %v on decoded JSON', () => {
    expect(goFormat({ name: 'a', $patch: 'delete', n: 1 })).toBe('map[$patch:delete n:1 name:a]');
    expect(goFormat([{ a: [1, 'x'] }, null, true])).toBe('[map[a:[1 x]] <nil> true]');
    expect(goFormat(1.5)).toBe('1.5');
    expect(goFormat(0.00001)).toBe('1e-05');
    expect(goFormat(1e21)).toBe('1e+21');
  });

  it('%s and type names', () => {
    expect(goFormatString('x')).toBe('x');
    expect(goFormatString(3)).toBe('%!s(int64=3)');
    expect(goFormatString(null)).toBe('%!s(<nil>=<nil>)');
    expect([{}, [], 'a', true, 1, 1.5].map(goTypeName)).toEqual(['map[string]interface {}', '[]interface {}', 'string', 'bool', 'int64', 'float64']);
  });
});
