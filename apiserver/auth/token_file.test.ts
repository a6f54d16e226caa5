import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CsvParseError, parseCsv } from './csv.js';
import { AuthErrorCode } from './errors.js';
import { loadTokenFile, parseTokenFile, tokenTableAuthenticator } from './token_file.js';

describe('parseCsv (Go encoding/csv rules)', () => {
  it('splits records and fields, skipping empty lines, with the line each record starts on', () => {
    expect(parseCsv('a,b,c\n\r\n\nd,e\r\nf')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 4, fields: ['d', 'e'] },
      { line: 5, fields: ['f'] },
    ]);
  });

  it('reads quoted fields: commas, doubled quotes, empty fields, newlines inside', () => {
    expect(parseCsv('"a,b","say ""hi""",,""\n"multi\nline",x\n')).toEqual([
      { line: 1, fields: ['a,b', 'say "hi"', '', ''] },
      { line: 2, fields: ['multi\nline', 'x'] },
    ]);
  });

  it('keeps spaces (no trimming) and treats a whitespace-only line as a record', () => {
    expect(parseCsv(' a , b\n  \n')).toEqual([
      { line: 1, fields: [' a ', ' b'] },
      { line: 2, fields: ['  '] },
    ]);
  });

  it('reports a bare quote in an unquoted field with line and column, as Go does', () => {
    expect(() => parseCsv('ok,1,2\nab"c,d')).toThrow(new CsvParseError(2, 2, 3, 'bare " in non-quoted-field'));
    expect(() => parseCsv('ok,1,2\nab"c,d')).toThrow('parse error on line 2, column 3: bare " in non-quoted-field');
  });

  it('reports a stray quote after a quoted field, and an unterminated quoted field', () => {
    expect(() => parseCsv('"abc"x,1')).toThrow('parse error on line 1, column 6: extraneous or missing " in quoted-field');
    expect(() => parseCsv('a,"open\nstill open')).toThrow(/record on line 1; parse error on line 2, column \d+: extraneous or missing " in quoted-field/);
  });
});

describe('parseTokenFile', () => {
  it('reads token,user,uid and the quoted group list', () => {
    const table = parseTokenFile('s3cret,alice,uid-1,"dev,ops"\nt0ken,bob,uid-2\n', 'tokens.csv');
    expect(table.users.get('s3cret')).toEqual({ name: 'alice', uid: 'uid-1', groups: ['dev', 'ops'] });
    expect(table.users.get('t0ken')).toEqual({ name: 'bob', uid: 'uid-2', groups: [] });
    expect(table.warnings).toEqual([]);
  });

  it('ignores columns after the fourth and drops empty group names', () => {
    const table = parseTokenFile('tok,carol,3,"a,,b",extra,more\ntok2,dave,4,\n');
    expect(table.users.get('tok')?.groups).toEqual(['a', 'b']);
    expect(table.users.get('tok2')?.groups).toEqual([]);
  });

  it('refuses a record with fewer than 3 columns, naming the file and line', () => {
    let caught: unknown;
    try {
      parseTokenFile('a,b,c\n\nbad,record\n', '/etc/ketch/tokens.csv');
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: AuthErrorCode.TOKEN_FILE_INVALID });
    expect((caught as Error).message).toBe(
      "token file '/etc/ketch/tokens.csv' must have at least 3 columns (token, user name, user uid), found 2 on line 3",
    );
  });

  it('reports CSV syntax errors with the line number', () => {
    expect(() => parseTokenFile('a,b,c\nx"y,u,1\n', 'f.csv')).toThrow(
      expect.objectContaining({ code: AuthErrorCode.TOKEN_FILE_INVALID, message: expect.stringContaining('line 2, column 2') }),
    );
  });

  it('skips an empty token and lets a repeated token win, with warnings', () => {
    const table = parseTokenFile(',nobody,0\ndup,first,1\ndup,second,2\n', 'f.csv');
    expect(table.users.size).toBe(1);
    expect(table.users.get('dup')?.name).toBe('second');
    expect(table.warnings).toEqual([
      { line: 1, message: "empty token has been found in token file 'f.csv', record number '1'" },
      { line: 3, message: "duplicate token has been found in token file 'f.csv', record number '3'" },
    ]);
  });

  it('makes an authenticator that knows exactly the file tokens', () => {
    const auth = tokenTableAuthenticator(parseTokenFile('abc,alice,1\n'));
    expect(auth.authenticateToken('abc')?.name).toBe('alice');
    expect(auth.authenticateToken('abcd')).toBeUndefined();
    expect(auth.authenticateToken('')).toBeUndefined();
  });
});

describe('loadTokenFile', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ketch-tokens-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file from disk', async () => {
    const path = join(dir, 'tokens.csv');
    await writeFile(path, 'abc,alice,1,system:masters\r\n');
    const table = await loadTokenFile(path);
    expect(table.users.get('abc')).toEqual({ name: 'alice', uid: '1', groups: ['system:masters'] });
  });

  it('fails with TOKEN_FILE_UNREADABLE for a missing file', async () => {
    await expect(loadTokenFile(join(dir, 'missing.csv'))).rejects.toMatchObject({ code: AuthErrorCode.TOKEN_FILE_UNREADABLE });
  });
});
