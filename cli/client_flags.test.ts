import { describe, expect, it } from 'vitest';
import { CliError, ExitCode, GLOBAL_FLAGS, flagBool, flagInt, flagString, parseFlags, parseGoDuration, parseGoInt } from './client_flags.js';
import { GET_FLAGS } from './kv_ops.js';

describe('Go parsing', () => {
  it('parses integers with Go errors', () => {
    expect(parseGoInt('694d7d', 16)).toBe(0x694d7dn);
    expect(parseGoInt('0x10', 0)).toBe(16n);
    expect(() => parseGoInt('zz', 16)).toThrow('strconv.ParseInt: parsing "zz": invalid syntax');
    expect(() => parseGoInt('99999999999999999999', 10)).toThrow('strconv.ParseInt: parsing "99999999999999999999": value out of range');
    expect(() => parseGoInt('-1', 16, true)).toThrow('strconv.ParseUint: parsing "-1": invalid syntax');
  });

  it('parses durations as time.ParseDuration', () => {
    expect(parseGoDuration('5s')).toBe(5000);
    expect(parseGoDuration('1m30s')).toBe(90_000);
    expect(parseGoDuration('250ms')).toBe(250);
    expect(() => parseGoDuration('5')).toThrow('time: missing unit in duration "5"');
    expect(() => parseGoDuration('x')).toThrow('time: invalid duration "x"');
  });
});

describe('flags (pflag rules)', () => {
  const specs = { ...GLOBAL_FLAGS, ...GET_FLAGS };

  it('takes interspersed positionals, = and separate values, short flags and --', () => {
    const f = parseFlags(['k', '--prefix', '-w', 'json', '--rev=5', '--limit', '2', 'end', '--', '--not-a-flag'], specs);
    expect(f.positionals).toEqual(['k', 'end', '--not-a-flag']);
    expect(flagBool(f, 'prefix')).toBe(true);
    expect(flagString(f, 'write-out')).toBe('json');
    expect(flagInt(f, 'rev')).toBe(5n);
    expect(flagInt(f, 'limit')).toBe(2n);
    expect(flagString(f, 'consistency')).toBe('l');
    expect(parseFlags(['-wfields'], specs).values.get('write-out')).toEqual(['fields']);
    expect(parseFlags(['--endpoints', 'a:1,b:2'], specs).values.get('endpoints')).toEqual(['a:1', 'b:2']);
  });

  it('reports errors as cobra does', () => {
    expect(() => parseFlags(['--bogus'], specs)).toThrow('unknown flag: --bogus');
    expect(() => parseFlags(['--rev=abc'], specs)).toThrow('invalid argument "abc" for "--rev" flag: strconv.ParseInt: parsing "abc": invalid syntax');
    expect(() => parseFlags(['--limit'], specs)).toThrow('flag needs an argument: --limit');
    try {
      parseFlags(['-x'], specs);
    } catch (err) {
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).exitCode).toBe(ExitCode.ERROR);
    }
  });
});
