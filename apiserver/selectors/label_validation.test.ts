import { describe, expect, it } from 'vitest';
import { isValidLabelKey, isValidLabelValue, labelKeyErrors, labelValueErrors } from './label_validation.js';

const NAME_REGEX_ERROR =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
  "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

describe('label keys (IsQualifiedName)', () => {
  it.each([
    'a',
    'A',
    '1',
    'a-b_c.d',
    'app.kubernetes.io/name',
    'example.com/MyName',
    'a.b-c/X_y',
    'x'.repeat(63),
    `${'a'.repeat(253)}/b`,
    `${'a'.repeat(63)}.${'b'.repeat(63)}/c`,
  ])('accepts %j', (key) => {
    expect(labelKeyErrors(key)).toEqual([]);
    expect(isValidLabelKey(key)).toBe(true);
  });

  it.each(['-a', 'a-', '_a', 'a b', 'ä', 'A.com/x', 'a_b.com/x', '-a.com/x', 'x'.repeat(64), `${'a'.repeat(254)}/b`])(
    'refuses %j',
    (key) => {
      expect(labelKeyErrors(key).length).toBeGreaterThan(0);
      expect(isValidLabelKey(key)).toBe(false);
    },
  );

  it('explains each kind of problem as upstream does', () => {
    expect(labelKeyErrors('')).toEqual(['name part must be non-empty', `name part ${NAME_REGEX_ERROR}`]);
    expect(labelKeyErrors('/a')).toEqual(['prefix part must be non-empty']);
    expect(labelKeyErrors('a/')).toEqual(['name part must be non-empty', `name part ${NAME_REGEX_ERROR}`]);
    expect(labelKeyErrors('x'.repeat(64))).toEqual(['name part must be no more than 63 characters']);
    expect(labelKeyErrors('a/b/c')).toEqual([
      `a qualified name ${NAME_REGEX_ERROR} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ]);
    expect(labelKeyErrors('Example.com/a')).toEqual([
      "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must " +
        "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is " +
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
    expect(labelKeyErrors(`${'a'.repeat(254)}/b`)).toEqual(['prefix part must be no more than 253 characters']);
  });

  it('counts length in bytes', () => {
    expect(labelKeyErrors('é'.repeat(32))).toContain('name part must be no more than 63 characters');
  });
});

describe('label values (IsValidLabelValue)', () => {
  it.each(['', 'a', 'A1', 'a.b_c-d', '12345', 'v'.repeat(63)])('accepts %j', (value) => {
    expect(labelValueErrors(value)).toEqual([]);
    expect(isValidLabelValue(value)).toBe(true);
  });

  it.each(['-a', 'a-', 'a b', 'a/b', 'a=b', 'ä'])('refuses %j', (value) => {
    expect(isValidLabelValue(value)).toBe(false);
  });

  it('explains problems as upstream does', () => {
    expect(labelValueErrors('v'.repeat(64))).toEqual(['must be no more than 63 characters']);
    expect(labelValueErrors('-a')).toEqual([
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and " +
        "end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is " +
        "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]);
  });
});
