import { describe, expect, it } from 'vitest';
import { goDuration, goJson, goQuote, hex016, hex16, humanizeBytes, renderTable } from './gofmt.js';

describe('Go formatting', () => {
  it('quotes like %q', () => {
    expect(goQuote('foo')).toBe('"foo"');
    expect(goQuote(Buffer.from([0x61, 0x00, 0x62, 0xff]))).toBe('"a\\x00b\\xff"');
    expect(goQuote('a\tb\n"\\')).toBe('"a\\tb\\n\\"\\\\"');
    expect(goQuote('é€')).toBe('"é€"');
    expect(goQuote('\u200b')).toBe('"\\u200b"');
  });

  it('writes JSON as encoding/json (exact uint64, base64 bytes, HTML escapes, omitted undefined)', () => {
    expect(goJson({ a: 18446744073709551615n, b: Buffer.from('foo'), c: undefined, d: '<&>', e: [true, null] })).toBe(
      '{"a":18446744073709551615,"b":"Zm9v","d":"\\u003c\\u0026\\u003e","e":[true,null]}',
    );
  });

  it('prints sizes as go-humanize and durations as time.Duration', () => {
    expect(humanizeBytes(5)).toBe('5 B');
    expect(humanizeBytes(20480)).toBe('20 kB');
    expect(humanizeBytes(744743)).toBe('745 kB');
    expect(humanizeBytes(1500)).toBe('1.5 kB');
    expect(humanizeBytes(21500)).toBe('22 kB');
    expect(goDuration(1_447_454n)).toBe('1.447454ms');
    expect(goDuration(5_000_454_834n)).toBe('5.000454834s');
    expect(goDuration(1500n)).toBe('1.5µs');
    expect(goDuration(61_000_000_000n)).toBe('1m1s');
    expect(goDuration(0n)).toBe('0s');
  });

  it('formats ids as etcdctl', () => {
    expect(hex016(0x1234n)).toBe('0000000000001234');
    expect(hex16(0x667880157b881n)).toBe('   667880157b881');
  });

  it('renders tables as tablewriter does for etcdctl', () => {
    const table = renderTable(
      ['ID', 'Status', 'Name', 'Peer Addrs', 'Client Addrs', 'Is Learner'],
      [
        ['5c76a90ae78bcee7', 'started', 'default', 'http://127.0.0.1:33380', 'http://127.0.0.1:33379', 'false'],
        ['75cd41804abb1d9f', 'unstarted', '', 'http://127.0.0.1:33390', '', 'true'],
      ],
    );
    expect(table).toBe(
      [
        '+------------------+-----------+---------+------------------------+------------------------+------------+',
        '|        ID        |  STATUS   |  NAME   |       PEER ADDRS       |      CLIENT ADDRS      | IS LEARNER |',
        '+------------------+-----------+---------+------------------------+------------------------+------------+',
        '| 5c76a90ae78bcee7 |   started | default | http://127.0.0.1:33380 | http://127.0.0.1:33379 |      false |',
        '| 75cd41804abb1d9f | unstarted |         | http://127.0.0.1:33390 |                        |       true |',
        '+------------------+-----------+---------+------------------------+------------------------+------------+',
        '',
      ].join('\n'),
    );
  });

  it('wraps long cells at 30 columns with minimum raggedness', () => {
    const t = renderTable(['error'], [['etcdserver: request timed out, possibly due to previous leader failure']]);
    expect(t.split('\n').slice(3, -2)).toEqual(['|     etcdserver: request timed |', '| out, possibly due to previous |', '|                leader failure |']);
  });
});
