/** Modelled on k8s.io/apimachinery/pkg/fields/selector_test.go. */
import { describe, expect, it } from 'vitest';
import {
  FieldSelector,
  checkFieldSelectorFields,
  escapeFieldSelectorValue,
  fieldSelectorFromSet,
  parseFieldSelector,
  unescapeFieldSelectorValue,
} from './fields.js';
import { SelectorError, SelectorErrorCode } from './errors.js';

function selectorError(fn: () => unknown): SelectorError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SelectorError) return err;
    throw err;
  }
  throw new Error('expected a SelectorError');
}

describe('parseFieldSelector: TestSelectorParse', () => {
  it.each(['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=a||y\\=b', 'x=a\\=\\=b', 'spec.nodeName=', 'metadata.name=web'])(
    'parses %j and prints it back',
    (selector) => {
      expect(parseFieldSelector(selector).toString()).toBe(selector);
    },
  );

  it.each(['x=a||y=b', 'x==a==b', 'x=a,b', 'x in (a)', 'x in (a,b,c)', 'x'])('refuses %j', (selector) => {
    expect(selectorError(() => parseFieldSelector(selector)).code).toBe(SelectorErrorCode.FIELD_SELECTOR_SYNTAX);
  });

  it('sorts terms by their text and reads == as =', () => {
    const s = parseFieldSelector('status.phase!=Failed,metadata.name==web');
    expect(s.requirements).toEqual([
      { field: 'metadata.name', operator: '=', value: 'web' },
      { field: 'status.phase', operator: '!=', value: 'Failed' },
    ]);
    expect(s.toString()).toBe('metadata.name=web,status.phase!=Failed');
  });

  it('skips empty terms', () => {
    expect(parseFieldSelector(',a=b,,').requirements).toEqual([{ field: 'a', operator: '=', value: 'b' }]);
    expect(parseFieldSelector(',').isEmpty).toBe(true);
  });

  it('splits a term at its first operator; the field part has no escaping', () => {
    expect(parseFieldSelector('a!=b\\=c').requirements).toEqual([{ field: 'a', operator: '!=', value: 'b=c' }]);
    expect(parseFieldSelector('=x').requirements).toEqual([{ field: '', operator: '=', value: 'x' }]);
    expect(selectorError(() => parseFieldSelector('a\\=b=c')).message).toBe('invalid field selector: unescaped character in value: 61');
  });

  it('keeps escaped commas inside a term', () => {
    expect(parseFieldSelector('a=x\\,y,b=z').requirements).toEqual([
      { field: 'a', operator: '=', value: 'x,y' },
      { field: 'b', operator: '=', value: 'z' },
    ]);
  });

  it('error messages', () => {
    const err = selectorError(() => parseFieldSelector('metadata.name'));
    expect(err.message).toBe("invalid selector: 'metadata.name'; can't understand 'metadata.name'");
    expect(err.wire).toEqual({ httpStatus: 400, reason: 'BadRequest', message: err.message });
    expect(selectorError(() => parseFieldSelector('a=b,c')).message).toBe("invalid selector: 'a=b,c'; can't understand 'c'");
    expect(selectorError(() => parseFieldSelector('a=b\\')).message).toBe('invalid field selector: invalid escape sequence: \\');
    expect(selectorError(() => parseFieldSelector('a=b\\q')).message).toBe('invalid field selector: invalid escape sequence: \\q');
    expect(selectorError(() => parseFieldSelector('a==b=c')).message).toBe('invalid field selector: unescaped character in value: 61');
  });
});

describe('matching: TestSelectorMatches', () => {
  const fieldset = { foo: 'bar', baz: 'blah', complex: '=value\\,\\' };
  it.each([
    ['', { x: 'y' }],
    ['x=y', { x: 'y' }],
    ['x=y,z=w', { x: 'y', z: 'w' }],
    ['x!=y,z!=w', { x: 'z', z: 'a' }],
    ['notin=in', { notin: 'in' }],
    ['foo=bar', fieldset],
    ['baz=blah', fieldset],
    ['foo=bar,baz=blah', fieldset],
    ['foo=bar,baz=blah,complex=\\=value\\\\\\,\\\\', fieldset],
    ['spec.nodeName=', { 'metadata.name': 'p' }],
    ['spec.nodeName!=node-1', {}],
    ['a=x!y', { a: 'x!y' }],
  ])('%j matches %j', (selector, fields) => {
    expect(parseFieldSelector(selector).matches(fields)).toBe(true);
  });

  it.each([
    ['x=y', { x: 'z' }],
    ['x=y,z=w', { x: 'w', z: 'w' }],
    ['x!=y,z!=w', { x: 'z', z: 'w' }],
    ['foo=blah', fieldset],
    ['baz=bar', fieldset],
    ['foo=bar,foobar=bar,baz=blah', fieldset],
    ['x=y', {}],
    ['constructor=x', {}],
  ])('%j does not match %j', (selector, fields) => {
    expect(parseFieldSelector(selector).matches(fields)).toBe(false);
  });
});

describe('FieldSelector', () => {
  it('fieldNames lists each field once, in order', () => {
    expect(parseFieldSelector('status.phase!=Failed,spec.nodeName=n1,status.phase!=Unknown').fieldNames()).toEqual([
      'spec.nodeName',
      'status.phase',
    ]);
    expect(FieldSelector.everything().fieldNames()).toEqual([]);
  });

  it('requiresExactMatch (TestRequiresExactMatch)', () => {
    expect(FieldSelector.everything().requiresExactMatch('test')).toBeUndefined();
    expect(parseFieldSelector('a=b').requiresExactMatch('test')).toBeUndefined();
    expect(parseFieldSelector('test=b').requiresExactMatch('test')).toBe('b');
    expect(parseFieldSelector('test=').requiresExactMatch('test')).toBe('');
    expect(parseFieldSelector('test!=b').requiresExactMatch('test')).toBeUndefined();
    expect(parseFieldSelector('test=b,test=c').requiresExactMatch('test')).toBe('b');
    expect(parseFieldSelector('metadata.namespace=ns,metadata.name=web').requiresExactMatch('metadata.name')).toBe('web');
  });

  it('fieldSelectorFromSet', () => {
    const s = fieldSelectorFromSet({ 'metadata.name': 'web', 'metadata.namespace': 'default' });
    expect(s.matches({ 'metadata.name': 'web', 'metadata.namespace': 'default' })).toBe(true);
    expect(s.matches({ 'metadata.name': 'web', 'metadata.namespace': 'other' })).toBe(false);
    expect(s.requiresExactMatch('metadata.name')).toBe('web');
    expect(fieldSelectorFromSet({}).isEmpty).toBe(true);
    expect(fieldSelectorFromSet({ a: 'x,y' }).toString()).toBe('a=x\\,y');
  });
});

describe('checkFieldSelectorFields', () => {
  const podFields = ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase'];

  it('accepts selectors over supported fields', () => {
    expect(() => checkFieldSelectorFields(parseFieldSelector('spec.nodeName=n1,status.phase!=Failed'), podFields)).not.toThrow();
    expect(() => checkFieldSelectorFields(FieldSelector.everything(), [])).not.toThrow();
  });

  it('refuses the first unsupported field with 400 "field label not supported"', () => {
    const err = selectorError(() => checkFieldSelectorFields(parseFieldSelector('spec.nodeName=n1,zeta=1,foo=bar'), podFields));
    expect(err.code).toBe(SelectorErrorCode.FIELD_LABEL_NOT_SUPPORTED);
    expect(err.message).toBe('field label not supported: foo');
    expect(err.wire).toEqual({ httpStatus: 400, reason: 'BadRequest', message: 'field label not supported: foo' });
  });
});

describe('escaping (TestEscapeValue, TestInvalidEscapeSequences, TestUnescapedRune)', () => {
  it.each([
    ['', ''],
    ['a', 'a'],
    ['=', '\\='],
    [',', '\\,'],
    ['\\', '\\\\'],
    ['\\=\\,\\', '\\\\\\=\\\\\\,\\\\'],
    ['a!b', 'a!b'],
  ])('%j <-> %j', (raw, escaped) => {
    expect(escapeFieldSelectorValue(raw)).toBe(escaped);
    expect(unescapeFieldSelectorValue(escaped)).toBe(raw);
  });

  it('also reads \\! as ! (an extension over upstream)', () => {
    expect(unescapeFieldSelectorValue('a\\!b')).toBe('a!b');
    expect(parseFieldSelector('a!=x\\!').requirements).toEqual([{ field: 'a', operator: '!=', value: 'x!' }]);
  });

  it.each(['\\', '\\\\\\', '\\=\\,\\', '\\a', 'a\\n'])('refuses the escape in %j', (value) => {
    expect(selectorError(() => unescapeFieldSelectorValue(value)).message).toMatch(/^invalid field selector: invalid escape sequence: /);
  });

  it.each([
    ['=', 61],
    [',', 44],
    ['x=y', 61],
    ['\\\\=', 61],
  ])('refuses the unescaped character in %j', (value, code) => {
    expect(selectorError(() => unescapeFieldSelectorValue(value)).message).toBe(`invalid field selector: unescaped character in value: ${code}`);
  });
});
