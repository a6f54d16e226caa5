import { describe, expect, it } from 'vitest';
import { crc32 } from './transport_frame.js';
import { encodeRecord, encodeRecords, isValidRecordAt, readRecord, RECORD_HEADER_BYTES, type WalRecord } from './wal_record.js';

const samples: WalRecord[] = [
  { type: 'header', seq: 7, prevIndex: 2 ** 40 + 3, prevTerm: 9 },
  { type: 'entry', entry: { index: 1, term: 1, type: 'normal', data: new Uint8Array(0) } },
  { type: 'entry', entry: { index: Number.MAX_SAFE_INTEGER, term: 5, type: 'confChange', data: new TextEncoder().encode('cc') } },
  { type: 'hardState', hardState: { term: 3, vote: 2, commit: 17 } },
  { type: 'snapshot', snapshot: { data: new TextEncoder().encode('image'), metadata: { index: 10, term: 2, confState: { voters: [1, 2, 3], learners: [4] } } } },
  { type: 'snapshot', snapshot: { data: new Uint8Array(0), metadata: { index: 0, term: 0, confState: { voters: [], learners: [] } } } },
  { type: 'compact', index: 5, term: 1 },
  { type: 'logReset', index: 8, term: 2 },
];

describe('WAL records', () => {
  it('decode to what was encoded, one after another, then the end marker', () => {
    const buf = Buffer.concat([encodeRecords(samples), Buffer.alloc(64)]);
    let offset = 0;
    for (const expected of samples) {
      const r = readRecord(buf, offset);
      expect(r.kind).toBe('record');
      if (r.kind !== 'record') return;
      expect(r.record).toEqual(expected);
      offset = r.next;
    }
    expect(readRecord(buf, offset)).toEqual({ kind: 'end' });
    // Fewer than a header's bytes of zeros at the very end of a file are the end too.
    expect(readRecord(buf, buf.length - 3)).toEqual({ kind: 'end' });
  });

  it('a flipped bit anywhere in a record fails its checksum', () => {
    const rec = encodeRecord(samples[4] as WalRecord);
    for (let i = 4; i < rec.length; i++) {
      const bad = Buffer.from(rec);
      bad[i] = (bad[i] ?? 0) ^ 0x01;
      expect(readRecord(bad, 0), `byte ${i}`).toEqual({ kind: 'bad', reason: 'checksum' });
      expect(isValidRecordAt(bad, 0)).toBe(false);
    }
    expect(isValidRecordAt(rec, 0)).toBe(true);
  });

  it('a record cut short is truncated; one with a good checksum but a nonsense payload is malformed', () => {
    const rec = encodeRecord(samples[3] as WalRecord);
    expect(readRecord(rec.subarray(0, rec.length - 1), 0)).toEqual({ kind: 'bad', reason: 'truncated' });
    expect(readRecord(rec.subarray(0, 5), 0)).toEqual({ kind: 'bad', reason: 'truncated' });
    // A hard state record one byte too long, with a checksum that matches it.
    const body = Buffer.concat([rec.subarray(RECORD_HEADER_BYTES), Buffer.from([0])]);
    const head = Buffer.alloc(RECORD_HEADER_BYTES);
    head.writeUInt32LE(body.length, 0);
    head.writeUInt32LE(crc32(body), 4);
    expect(readRecord(Buffer.concat([head, body]), 0)).toEqual({ kind: 'bad', reason: 'malformed' });
  });

  it('refuses numbers that are not safe integers', () => {
    expect(() => encodeRecord({ type: 'compact', index: 2 ** 53, term: 1 })).toThrow(RangeError);
    expect(() => encodeRecord({ type: 'compact', index: -1, term: 1 })).toThrow(RangeError);
  });
});
