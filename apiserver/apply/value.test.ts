import { describe, expect, it } from 'vitest';
import { compareStrings, compareValues, deepEqual, goJson, goNumber, goQuote, goValueString } from './value.js';

describe('compareStrings', () => {
  it('orders by code point like Go, not by UTF-16 unit', () => {
    // U+1F600 is a surrogate pair in UTF-16 (0xD83D...), which JavaScript sorts before U+FF5E.
    expect('\u{1F600}' < '\uFF5E').toBe(true);
    expect(compareStrings('\u{1F600}', '\uFF5E')).toBe(1);
    expect(compareStrings('a', 'b')).toBe(-1);
    expect(compareStrings('ab', 'a')).toBe(1);
    expect(compareStrings('same', 'same')).toBe(0);
  });
});

describe('compareValues', () => {
  it('orders kinds as value.Compare: numbers, strings, booleans, lists, maps, null', () => {
    const sorted = [null, { a: 1 }, [1], true, 'x', 2].sort(compareValues);
    expect(sorted).toEqual([2, 'x', true, [1], { a: 1 }, null]);
  });

  it('orders within a kind', () => {
    expect(compareValues(1, 1.5)).toBe(-1);
    expect(compareValues(false, true)).toBe(-1);
    expect(compareValues([1, 2], [1])).toBe(1);
    expect(compareValues({ a: 1 }, { a: 1 })).toBe(0);
    expect(compareValues({ a: 1 }, { b: 1 })).not.toBe(0);
  });
});

describe('deepEqual', () => {
  it('ignores key order and compares arrays in order', () => {
    expect(deepEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual({ a: null }, {})).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
  });
});

describe('Go printing', () => {
  it('writes JSON as encoding/json does', () => {
    expect(goJson({ b: 1, a: 'x<y>&z' })).toBe('{"a":"x\\u003cy\\u003e\\u0026z","b":1}');
    expect(goJson('tab\there\u0001')).toBe('"tab\\there\\u0001"');
    expect(goJson([true, null, 1.5])).toBe('[true,null,1.5]');
  });

  it('quotes as %q', () => {
    expect(goQuote('nginx')).toBe('"nginx"');
    expect(goQuote('a"b\\c\n')).toBe('"a\\"b\\\\c\\n"');
    expect(goQuote('\u0007\u0001')).toBe('"\\a\\x01"');
    expect(goQuote('héllo')).toBe('"héllo"');
  });

  it('prints numbers as %v of int64 or float64', () => {
    expect(goNumber(80)).toBe('80');
    expect(goNumber(1.5)).toBe('1.5');
    expect(goNumber(0.00001)).toBe('1e-05');
    expect(goNumber(1234567.5)).toBe('1.2345675e+06');
  });

  it('prints values as value.ToString', () => {
    expect(goValueString('TCP')).toBe('"TCP"');
    expect(goValueString(null)).toBe('null');
    expect(goValueString([1, 'a'])).toBe('[1,"a"]');
    expect(goValueString({ b: 2, a: 1 })).toBe('a=1b=2');
  });
});
