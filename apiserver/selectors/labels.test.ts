/** Modelled on k8s.io/apimachinery/pkg/labels/selector_test.go. */
import { describe, expect, it } from 'vitest';
import {
  LabelSelector,
  formatLabelSelector,
  labelSelectorFromObject,
  labelSelectorFromSet,
  parseLabelSelector,
} from './labels.js';
import { LabelOperator, createLabelRequirement } from './label_requirement.js';
import { SelectorError, SelectorErrorCode } from './errors.js';

function parseError(selector: string): SelectorError {
  try {
    parseLabelSelector(selector);
  } catch (err) {
    if (err instanceof SelectorError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(selector)} not to parse`);
}

function requirementError(fn: () => unknown): SelectorError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SelectorError) return err;
    throw err;
  }
  throw new Error('expected a SelectorError');
}

/** The parsed requirements as [key, operator, values] for comparison. */
function shape(selector: LabelSelector): Array<[string, string, string[]]> {
  return selector.requirements.map((r) => [r.key, r.operator, [...r.values]]);
}

describe('parseLabelSelector: TestSelectorParse', () => {
  it.each(['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=', 'x= ', 'x=,z= ', 'x= ,z= ', '!x', 'x>1', 'x>1,z<5'])(
    'parses %j and prints it back without spaces',
    (selector) => {
      expect(parseLabelSelector(selector).toString()).toBe(selector.replace(/ /g, ''));
    },
  );

  it.each(['x=a||y=b', 'x==a==b', '!x=a', 'x<a'])('refuses %j', (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(SelectorError);
  });

  it('is deterministic: requirements are sorted by key', () => {
    expect(parseLabelSelector('x=a,a=x').toString()).toBe(parseLabelSelector('a=x,x=a').toString());
    expect(parseLabelSelector('x=a,a=x').toString()).toBe('a=x,x=a');
  });
});

describe('parseLabelSelector: TestSetSelectorParser', () => {
  const valid: Array<[string, Array<[string, string, string[]]>]> = [
    ['', []],
    ['\rx', [['x', 'exists', []]]],
    ['this-is-a-dns.domain.com/key-with-dash', [['this-is-a-dns.domain.com/key-with-dash', 'exists', []]]],
    ['this-is-another-dns.domain.com/key-with-dash in (so,what)', [['this-is-another-dns.domain.com/key-with-dash', 'in', ['so', 'what']]]],
    ['0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)', [['0.1.2.domain/99', 'notin', ['10.10.100.1', 'tick.tack.clock']]]],
    ['foo  in\t (abc)', [['foo', 'in', ['abc']]]],
    ['x notin\n (abc)', [['x', 'notin', ['abc']]]],
    ['x  notin\t\t\t(abc,def)', [['x', 'notin', ['abc', 'def']]]],
    ['x in (abc,def)', [['x', 'in', ['abc', 'def']]]],
    ['x in (abc,)', [['x', 'in', ['', 'abc']]]],
    ['x in ()', [['x', 'in', ['']]]],
    [
      'x notin (abc,,def),bar,z in (),w',
      [
        ['bar', 'exists', []],
        ['w', 'exists', []],
        ['x', 'notin', ['', 'abc', 'def']],
        ['z', 'in', ['']],
      ],
    ],
    [
      'x,y in (a)',
      [
        ['x', 'exists', []],
        ['y', 'in', ['a']],
      ],
    ],
    ['x=a', [['x', '=', ['a']]]],
    ['x==a', [['x', '==', ['a']]]],
    ['x>1', [['x', 'gt', ['1']]]],
    ['x<7', [['x', 'lt', ['7']]]],
    [
      'x=a,y!=b,z in (h,i,j)',
      [
        ['x', '=', ['a']],
        ['y', '!=', ['b']],
        ['z', 'in', ['h', 'i', 'j']],
      ],
    ],
    ['x notin ( )', [['x', 'notin', ['']]]],
    ['x notin (, a)', [['x', 'notin', ['', 'a']]]],
    ['a ', [['a', 'exists', []]]],
    ['a in (x,y,notin, z,in)', [['a', 'in', ['in', 'notin', 'x', 'y', 'z']]]],
    ['a in (b,a,b)', [['a', 'in', ['a', 'b']]]],
    ['notin=in', [['notin', '=', ['in']]]],
    ['!x,y', [['x', '!', []], ['y', 'exists', []]]],
  ];

  it.each(valid)('parses %j', (selector, want) => {
    expect(shape(parseLabelSelector(selector))).toEqual(want);
  });

  it.each(['x,,y', ',x,y', 'x nott in (y)', 'a in (xyz),', 'a in (xyz)b notin ()', 'a in (xyz abc)', 'a notin(', 'a (', '('])(
    'refuses %j (syntax)',
    (selector) => {
      expect(parseError(selector).code).toBe(SelectorErrorCode.LABEL_SELECTOR_SYNTAX);
    },
  );

  it('refuses "x=a||y=b": the value a||y is not a label value', () => {
    expect(parseError('x=a||y=b').code).toBe(SelectorErrorCode.LABEL_SELECTOR_INVALID);
  });
});

describe('parseLabelSelector: error messages', () => {
  it.each([
    ['x=a=b', "found '=', expected: ',' or 'end of string'"],
    ['x==a==b', "found '==', expected: ',' or 'end of string'"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['a,', "found '', expected: identifier after ','"],
    [',x', "found ',', expected: !, identifier, or 'end of string'"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['component not in (kube-apiserver)', "unable to parse requirement: found 'not', expected: in, notin, =, ==, !=, gt, lt"],
    ['a (', "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"],
    ['app=(', "unable to parse requirement: found '(', expected: identifier"],
    ['a in b', "unable to parse requirement: found 'b' expected: '('"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a in (xyz abc)', "unable to parse requirement: found 'abc', expected: ',' or ')'"],
    ['a in (x,=', "unable to parse requirement: found '=', expected: ',', or identifier"],
  ])('%j: %s', (selector, message) => {
    const err = parseError(selector);
    expect(err.message).toBe(message);
    expect(err.wire).toEqual({ httpStatus: 400, reason: 'BadRequest', message });
  });

  it('reports a bad key like field validation does', () => {
    const err = parseError('a_=b');
    expect(err.code).toBe(SelectorErrorCode.LABEL_SELECTOR_INVALID);
    expect(err.message).toBe(
      `unable to parse requirement: : Invalid value: "a_": name part must consist of alphanumeric characters, '-', '_' or '.', ` +
        `and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', ` +
        `regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    );
  });

  it('reports bad values and non-integer bounds', () => {
    expect(parseError('x<a').message).toBe(
      `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`,
    );
    const err = parseError(`x=${'a'.repeat(64)}`);
    expect(err.code).toBe(SelectorErrorCode.LABEL_SELECTOR_INVALID);
    expect(err.message).toMatch(/^unable to parse requirement: values\[0\]\[x\]: Invalid value: "a{64}": must be no more than 63 characters$/);
    expect(parseError('x=-b').message).toContain('a valid label must be an empty string or consist of alphanumeric characters');
  });

  it('keeps the underlying error as the cause', () => {
    expect(parseError('x<a').cause).toBeInstanceOf(SelectorError);
  });
});

describe('matching: TestSelectorMatches', () => {
  const yes: Array<[string, Record<string, string>]> = [
    ['', { x: 'y' }],
    ['x=y', { x: 'y' }],
    ['x=y,z=w', { x: 'y', z: 'w' }],
    ['x!=y,z!=w', { x: 'z', z: 'a' }],
    ['notin=in', { notin: 'in' }],
    ['x', { x: 'z' }],
    ['!x', { y: 'z' }],
    ['x>1', { x: '2' }],
    ['x<1', { x: '0' }],
    ['x<1', { x: '-5' }],
    ['x>1', { x: '+2' }],
    ['x!=y', {}],
    ['x notin (a)', {}],
    ['x in (a,b)', { x: 'b' }],
    ['x=', { x: '' }],
    ['x in (,a)', { x: '' }],
    ['x>9223372036854775806', { x: '9223372036854775807' }],
    ['foo=bar,baz=blah', { foo: 'bar', baz: 'blah' }],
  ];
  const no: Array<[string, Record<string, string>]> = [
    ['x=z', {}],
    ['x=y', { x: 'z' }],
    ['x=y,z=w', { x: 'w', z: 'w' }],
    ['x!=y,z!=w', { x: 'z', z: 'w' }],
    ['x', { y: 'z' }],
    ['!x', { x: 'z' }],
    ['x>1', { x: '0' }],
    ['x<1', { x: '2' }],
    ['x>1', { x: 'v2' }],
    ['x>1', {}],
    ['x>1', { x: '9223372036854775808' }],
    ['x<1', { x: '1.5' }],
    ['x in (a,b)', { x: 'c' }],
    ['x notin (a,b)', { x: 'a' }],
    ['x=', {}],
    ['foo=bar,foobar=bar,baz=blah', { foo: 'bar', baz: 'blah' }],
    ['constructor', {}],
  ];

  it.each(yes)('%j matches %j', (selector, labels) => {
    expect(parseLabelSelector(selector).matches(labels)).toBe(true);
  });

  it.each(no)('%j does not match %j', (selector, labels) => {
    expect(parseLabelSelector(selector).matches(labels)).toBe(false);
  });

  it('undefined labels are no labels', () => {
    expect(parseLabelSelector('!a').matches(undefined)).toBe(true);
    expect(parseLabelSelector('a').matches(undefined)).toBe(false);
  });
});

describe('LabelSelector', () => {
  it('everything and nothing', () => {
    expect(LabelSelector.everything().matches({ a: 'b' })).toBe(true);
    expect(LabelSelector.everything().isEmpty).toBe(true);
    expect(LabelSelector.nothing().matches({})).toBe(false);
    expect(LabelSelector.nothing().isEmpty).toBe(false);
    expect(LabelSelector.nothing().matchesNothing).toBe(true);
    expect(LabelSelector.nothing().toString()).toBe('');
    expect(LabelSelector.nothing().add(createLabelRequirement('a', '=', ['b'])).matchesNothing).toBe(true);
    expect(parseLabelSelector('').isEmpty).toBe(true);
    expect(parseLabelSelector('a').isEmpty).toBe(false);
  });

  it('add keeps requirements sorted by key (TestAdd)', () => {
    const base = LabelSelector.everything().add(createLabelRequirement('key', LabelOperator.In, ['value']));
    expect(base.toString()).toBe('key in (value)');
    const more = base.add(createLabelRequirement('a', LabelOperator.Equals, ['b']), createLabelRequirement('key2', LabelOperator.Equals, ['value2']));
    expect(more.toString()).toBe('a=b,key in (value),key2=value2');
    expect(base.toString()).toBe('key in (value)');
  });

  it('toString renders every operator (TestToString)', () => {
    const s = LabelSelector.of([
      createLabelRequirement('x', LabelOperator.In, ['def', 'abc']),
      createLabelRequirement('y', LabelOperator.NotIn, ['jkl']),
      createLabelRequirement('z', LabelOperator.Exists, []),
    ]);
    expect(s.toString()).toBe('x in (abc,def),y notin (jkl),z');
    expect(
      LabelSelector.of([
        createLabelRequirement('x', LabelOperator.NotIn, ['abc', 'def']),
        createLabelRequirement('y', LabelOperator.NotEquals, ['jkl']),
        createLabelRequirement('z', LabelOperator.DoesNotExist, []),
      ]).toString(),
    ).toBe('x notin (abc,def),y!=jkl,!z');
    expect(
      LabelSelector.of([
        createLabelRequirement('x', LabelOperator.Equals, ['abc']),
        createLabelRequirement('y', LabelOperator.DoubleEquals, ['jkl']),
        createLabelRequirement('z', LabelOperator.NotEquals, ['a']),
        createLabelRequirement('z', LabelOperator.Exists, []),
      ]).toString(),
    ).toBe('x=abc,y==jkl,z!=a,z');
    expect(
      LabelSelector.of([createLabelRequirement('x', LabelOperator.GreaterThan, ['2']), createLabelRequirement('y', LabelOperator.LessThan, ['8'])]).toString(),
    ).toBe('x>2,y<8');
    expect(LabelSelector.of([createLabelRequirement('z', LabelOperator.NotIn, [''])]).toString()).toBe('z notin ()');
  });

  it('requiresExactMatch', () => {
    const s = parseLabelSelector('app=web,tier in (fe),env in (a,b),x!=y,k==v');
    expect(s.requiresExactMatch('app')).toBe('web');
    expect(s.requiresExactMatch('tier')).toBe('fe');
    expect(s.requiresExactMatch('k')).toBe('v');
    expect(s.requiresExactMatch('env')).toBeUndefined();
    expect(s.requiresExactMatch('x')).toBeUndefined();
    expect(s.requiresExactMatch('missing')).toBeUndefined();
  });
});

describe('createLabelRequirement: TestRequirementConstructor', () => {
  it.each([
    ['x1', 'in', [], `values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty`],
    ['x2', 'notin', [], `values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty`],
    ['x5', '=', ['bar', 'foo'], `values: Invalid value: []string{"bar", "foo"}: exact-match compatibility requires one single value`],
    ['x8', 'exists', ['foo'], `values: Invalid value: []string{"foo"}: values set must be empty for exists and does not exist`],
    ['x13', 'gt', [], `values: Invalid value: []string{}: for 'Gt', 'Lt' operators, exactly one value is required`],
    ['x14', 'gt', ['bar'], `values[0]: Invalid value: "bar": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['x17', '=', ['a b'], /^values\[0\]\[x17\]: Invalid value: "a b": a valid label must be an empty string/],
    [
      'x18',
      'unsupportedOp',
      [],
      'operator: Unsupported value: "unsupportedOp": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"',
    ],
    ['a'.repeat(254), 'exists', [], /^key: Invalid value: "a{254}": name part must be no more than 63 characters$/],
    ['-a/b', 'exists', [], /^key: Invalid value: "-a\/b": prefix part a lowercase RFC 1123 subdomain must consist of/],
  ])('%s %s %j', (key, op, values, message) => {
    const err = requirementError(() => createLabelRequirement(key, op, values));
    expect(err.code).toBe(SelectorErrorCode.LABEL_SELECTOR_INVALID);
    expect(err.message).toMatch(message);
  });

  it('aggregates several problems as [a, b]', () => {
    const err = requirementError(() => createLabelRequirement('-bad', 'gt', ['x', 'y']));
    expect(err.message).toMatch(/^\[key: Invalid value: "-bad": .*, values: Invalid value: \[\]string\{"x", "y"\}: .*, values\[0\]: .*, values\[1\]: .*\]$/);
  });

  it.each([
    ['x3', 'in', ['foo']],
    ['x9', 'in', ['bar']],
    ['x11', 'gt', ['1']],
    ['x12', 'lt', ['6']],
    ['1foo', 'in', ['bar']],
    ['1234', 'in', ['bar']],
    ['x', 'exists', []],
    ['x', '!', []],
  ])('accepts %s %s %j', (key, op, values) => {
    expect(createLabelRequirement(key, op, values).key).toBe(key);
  });
});

describe('labelSelectorFromObject (metav1.LabelSelectorAsSelector)', () => {
  it('null selects nothing, {} everything', () => {
    expect(labelSelectorFromObject(null).matchesNothing).toBe(true);
    expect(labelSelectorFromObject(undefined).matches({})).toBe(false);
    expect(labelSelectorFromObject({}).isEmpty).toBe(true);
    expect(labelSelectorFromObject({ matchLabels: {}, matchExpressions: [] }).matches({ a: 'b' })).toBe(true);
  });

  it('builds the canonical string a scale subresource reports', () => {
    expect(labelSelectorFromObject({ matchLabels: { app: 'nginx' } }).toString()).toBe('app=nginx');
    const s = labelSelectorFromObject({
      matchLabels: { tier: 'fe', app: 'nginx' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'dev'] },
        { key: 'legacy', operator: 'DoesNotExist' },
        { key: 'canary', operator: 'NotIn', values: ['true'] },
        { key: 'team', operator: 'Exists', values: null },
      ],
    });
    expect(s.toString()).toBe('app=nginx,canary notin (true),env in (dev,prod),!legacy,team,tier=fe');
    expect(s.matches({ app: 'nginx', tier: 'fe', env: 'dev', team: 'x' })).toBe(true);
    expect(s.matches({ app: 'nginx', tier: 'fe', env: 'dev', team: 'x', legacy: '' })).toBe(false);
    expect(s.matches({ app: 'nginx', tier: 'fe', env: 'qa', team: 'x' })).toBe(false);
  });

  it('refuses unknown operators and bad requirements', () => {
    const err = requirementError(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }));
    expect(err.message).toBe('"Gt" is not a valid label selector operator');
    expect(err.code).toBe(SelectorErrorCode.LABEL_SELECTOR_INVALID);
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'toString' }] })).toThrow(SelectorError);
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toThrow(SelectorError);
    expect(() => labelSelectorFromObject({ matchLabels: { 'bad key': 'x' } })).toThrow(SelectorError);
  });

  it('formatLabelSelector prints <none> and <error> like kubectl describe', () => {
    expect(formatLabelSelector({})).toBe('<none>');
    expect(formatLabelSelector(null)).toBe('<none>');
    expect(formatLabelSelector({ matchLabels: { a: 'b' } })).toBe('a=b');
    expect(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bogus' }] })).toBe('<error>');
  });
});

describe('labelSelectorFromSet', () => {
  it('selects exactly the given labels, sorted by key', () => {
    const s = labelSelectorFromSet({ foo: 'bar', baz: 'blah' });
    expect(s.toString()).toBe('baz=blah,foo=bar');
    expect(s.matches({ foo: 'bar', baz: 'blah', other: 'x' })).toBe(true);
    expect(s.matches({ foo: 'bar' })).toBe(false);
    expect(labelSelectorFromSet({}).isEmpty).toBe(true);
    expect(() => labelSelectorFromSet({ foo: '=blah' })).toThrow(SelectorError);
  });
});
