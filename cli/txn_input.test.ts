import { describe, expect, it } from 'vitest';
import { argify, parseCompare, parseRequest } from './txn_input.js';

describe('txn input (etcdctl syntax)', () => {
  it('parses compares of every target', () => {
    expect(parseCompare('mod("k1") > "0"').wire).toMatchObject({ target: 'MOD', result: 'GREATER', key: Buffer.from('k1'), mod_revision: 0 });
    expect(parseCompare('ver("k") = "3"').wire).toMatchObject({ target: 'VERSION', result: 'EQUAL', version: 3 });
    expect(parseCompare('c("k") != "7"').wire).toMatchObject({ target: 'CREATE', result: 'NOT_EQUAL', create_revision: 7 });
    expect(parseCompare('value("k") = "a\\x00b"').wire).toMatchObject({ target: 'VALUE', value: Buffer.from([0x61, 0, 0x62]) });
    expect(parseCompare('lease("k") = "1f"').wire).toMatchObject({ target: 'LEASE', lease: 31 });
  });

  it('reports malformed compares with etcdctl messages', () => {
    expect(() => parseCompare('bogus')).toThrow('malformed comparison: bogus');
    expect(() => parseCompare('mod("k1") > 0')).toThrow('malformed comparison: mod("k1") > 0; got mod("k1") > ""');
    expect(() => parseCompare('zz("k1") > "0"')).toThrow('malformed comparison: zz("k1") > "0" (unknown target zz)');
    expect(() => parseCompare('mod("k1") > "x"')).toThrow('invalid txn compare request: mod("k1") > "x"');
  });

  it('splits request lines like argify, with Go and single quotes', () => {
    expect(argify(`put "a b" 'c d' e --prev-kv`)).toEqual(['put', 'a b', 'c d', 'e', '--prev-kv']);
    expect(argify('put "\\u00e9" x')).toEqual(['put', Buffer.from('é').toString('latin1'), 'x']);
  });

  it('parses put, get and del requests with their flags', () => {
    expect(parseRequest('put k v --prev-kv').wire).toMatchObject({ request_put: { key: Buffer.from('k'), value: Buffer.from('v'), prev_kv: true } });
    expect(parseRequest('get k --prefix --keys-only').wire).toMatchObject({ request_range: { key: Buffer.from('k'), range_end: Buffer.from('l'), keys_only: true } });
    expect(parseRequest('del a c').wire).toMatchObject({ request_delete_range: { key: Buffer.from('a'), range_end: Buffer.from('c') } });
    expect(() => parseRequest('foo k1')).toThrow('invalid txn request: foo k1');
    expect(() => parseRequest('put')).toThrow('invalid txn compare request: put');
    expect(() => parseRequest('put k1')).toThrow('put command needs 1 argument and input from stdin or 2 arguments');
  });
});
