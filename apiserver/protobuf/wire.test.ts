import { describe, expect, it } from 'vitest';
import { ProtobufErrorCode } from './errors.js';
import { varint, tag } from './testdata/wire_writer.js';
import { WireReader, WireType } from './wire.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('WireReader varints', () => {
  it.each([
    [0, 0],
    [1, 1],
    [127, 127],
    [128, 128],
    [300, 300],
    [2 ** 31, 2 ** 31],
    [2 ** 49 - 1, 2 ** 49 - 1],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  ])('reads %d as a number', (written, read) => {
    expect(new WireReader(varint(written)).readVarint()).toBe(read);
  });

  it('reads values past 2^53 exactly, as bigint', () => {
    expect(new WireReader(varint(2n ** 53n)).readVarint()).toBe(2n ** 53n);
    expect(new WireReader(varint(2n ** 64n - 1n)).readVarint()).toBe(2n ** 64n - 1n);
  });

  it('reads a negative int written as a 10-byte varint as its 64-bit two\'s complement', () => {
    const bytes = varint(-1);
    expect(bytes.length).toBe(10);
    expect(new WireReader(bytes).readVarint()).toBe(2n ** 64n - 1n);
  });

  it('rejects a varint longer than 10 bytes', () => {
    const bytes = Buffer.from([...Array(10).fill(0xff), 0x01]);
    expect(codeOf(() => new WireReader(bytes).readVarint())).toBe(ProtobufErrorCode.MALFORMED_WIRE);
  });

  it('rejects a varint cut short', () => {
    expect(codeOf(() => new WireReader(Buffer.from([0x80, 0x80])).readVarint())).toBe(ProtobufErrorCode.TRUNCATED);
  });
});

describe('WireReader tags and payloads', () => {
  it('splits a tag into field number and wire type', () => {
    expect(new WireReader(tag(17, WireType.LENGTH_DELIMITED)).readTag()).toEqual({ fieldNumber: 17, wireType: 2 });
  });

  it('rejects field number 0 and wire types 6 and 7', () => {
    expect(codeOf(() => new WireReader(Buffer.from([0x02])).readTag())).toBe(ProtobufErrorCode.MALFORMED_WIRE);
    expect(codeOf(() => new WireReader(tag(1, 6)).readTag())).toBe(ProtobufErrorCode.MALFORMED_WIRE);
    expect(codeOf(() => new WireReader(tag(1, 7)).readTag())).toBe(ProtobufErrorCode.MALFORMED_WIRE);
  });

  it('returns a length-delimited payload without copying and moves past it', () => {
    const buf = Buffer.from([0x03, 0x61, 0x62, 0x63, 0x08]);
    const r = new WireReader(buf);
    const payload = r.readLengthDelimited();
    expect(Buffer.from(payload).toString()).toBe('abc');
    expect(payload.buffer).toBe(buf.buffer);
    expect(r.offset).toBe(4);
  });

  it('rejects a length running past the end', () => {
    expect(codeOf(() => new WireReader(Buffer.from([0x05, 0x61])).readLengthDelimited())).toBe(ProtobufErrorCode.TRUNCATED);
  });

  it('reads fixed-width values little-endian and rejects short ones', () => {
    const b = Buffer.alloc(12);
    b.writeUInt32LE(0xdeadbeef, 0);
    b.writeDoubleLE(1.5, 4);
    const r = new WireReader(b);
    expect(r.readFixed32()).toBe(0xdeadbeef);
    expect(r.readDouble()).toBe(1.5);
    expect(r.done).toBe(true);
    expect(codeOf(() => new WireReader(Buffer.alloc(7)).readFixed64())).toBe(ProtobufErrorCode.TRUNCATED);
    expect(codeOf(() => new WireReader(Buffer.alloc(3)).readFixed32())).toBe(ProtobufErrorCode.TRUNCATED);
  });

  it('skips each wire type, groups included', () => {
    const buf = Buffer.concat([
      tag(1, WireType.VARINT), varint(2n ** 63n),
      tag(2, WireType.FIXED64), Buffer.alloc(8),
      tag(3, WireType.LENGTH_DELIMITED), varint(2), Buffer.from('hi'),
      tag(4, WireType.FIXED32), Buffer.alloc(4),
      tag(5, WireType.START_GROUP), tag(6, WireType.VARINT), varint(1), tag(7, WireType.START_GROUP), tag(7, WireType.END_GROUP), tag(5, WireType.END_GROUP),
      tag(9, WireType.VARINT), varint(99),
    ]);
    const r = new WireReader(buf);
    for (let i = 0; i < 5; i++) r.skip(r.readTag());
    expect(r.readTag().fieldNumber).toBe(9);
    expect(r.readVarint()).toBe(99);
    expect(r.done).toBe(true);
  });

  it('rejects an unclosed group, a mismatched end and a stray end', () => {
    const open = Buffer.concat([tag(5, WireType.START_GROUP), tag(6, WireType.VARINT), varint(1)]);
    const mismatched = Buffer.concat([tag(5, WireType.START_GROUP), tag(6, WireType.END_GROUP)]);
    const stray = tag(5, WireType.END_GROUP);
    const skipOne = (b: Buffer) => () => {
      const r = new WireReader(b);
      r.skip(r.readTag());
    };
    expect(codeOf(skipOne(open))).toBe(ProtobufErrorCode.TRUNCATED);
    expect(codeOf(skipOne(mismatched))).toBe(ProtobufErrorCode.MALFORMED_WIRE);
    expect(codeOf(skipOne(stray))).toBe(ProtobufErrorCode.MALFORMED_WIRE);
  });

  it('reads only its window of a larger buffer', () => {
    const buf = Buffer.from([0x01, 0x02, 0x03, 0x04]);
    const r = new WireReader(buf, 1, 3);
    expect(r.readVarint()).toBe(2);
    expect(r.readVarint()).toBe(3);
    expect(r.done).toBe(true);
    expect(codeOf(() => r.readVarint())).toBe(ProtobufErrorCode.TRUNCATED);
  });
});
