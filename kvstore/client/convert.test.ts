import { describe, expect, it } from 'vitest';
import { keyRange, prefixEnd, rangeRequest } from './convert.js';
import { parseEndpoint } from './endpoints.js';
import { KetchClientError } from './errors.js';
import { id64, num } from './wire.js';

describe('key ranges (clientv3 semantics)', () => {
  it('computes the end of a prefix', () => {
    expect(prefixEnd(Buffer.from('abc'))).toEqual(Buffer.from('abd'));
    expect(prefixEnd(Buffer.from([0x61, 0xff]))).toEqual(Buffer.from([0x62]));
    expect(prefixEnd(Buffer.from([0xff, 0xff]))).toEqual(Buffer.from([0]));
  });

  it('maps prefix, fromKey and rangeEnd, and the empty key to "\\0"', () => {
    expect(keyRange('a', { prefix: true })).toEqual({ key: Buffer.from('a'), range_end: Buffer.from('b') });
    expect(keyRange('', { prefix: true })).toEqual({ key: Buffer.from([0]), range_end: Buffer.from([0]) });
    expect(keyRange('', { fromKey: true })).toEqual({ key: Buffer.from([0]), range_end: Buffer.from([0]) });
    expect(keyRange('a', { rangeEnd: 'c' })).toEqual({ key: Buffer.from('a'), range_end: Buffer.from('c') });
    // No range_end field at all for one key: etcd reads an explicitly empty one as "to the end".
    expect(keyRange('a', {})).toEqual({ key: Buffer.from('a') });
    expect('range_end' in keyRange('a', { rangeEnd: '' })).toBe(false);
    expect(() => keyRange('a', { prefix: true, fromKey: true })).toThrow(KetchClientError);
  });

  it('sends ascending-by-key as no sort, as clientv3', () => {
    expect(rangeRequest('a', { sort: { target: 'key', order: 'ascend' } })).toMatchObject({ sort_order: 'NONE', sort_target: 'KEY' });
    expect(rangeRequest('a', { sort: { target: 'value', order: 'descend' } })).toMatchObject({ sort_order: 'DESCEND', sort_target: 'VALUE' });
    expect(() => rangeRequest('a', { limit: -1 })).toThrow(/limit/);
  });
});

describe('endpoints', () => {
  it('accepts host:port, URLs and bare hosts', () => {
    expect(parseEndpoint('127.0.0.1:2379')).toBe('127.0.0.1:2379');
    expect(parseEndpoint('http://10.0.0.1:12379')).toBe('10.0.0.1:12379');
    expect(parseEndpoint('localhost')).toBe('localhost:2379');
    expect(() => parseEndpoint('https://a:1')).toThrow(/only http/);
  });
});

describe('64-bit wire integers', () => {
  it('decodes revisions to numbers and ids to exact bigints', () => {
    expect(num({ low: 5, high: 0 })).toBe(5);
    expect(num({ low: -1, high: -1 })).toBe(-1);
    expect(id64({ low: -1, high: -1, unsigned: true })).toBe(2n ** 64n - 1n);
    expect(id64({ low: 0x12345678, high: 0x7fffffff })).toBe(0x7fffffff12345678n);
  });
});
