/**
 * A protobuf wire-format reader: tags, varints (all 64 bits, exact), fixed 32/64-bit values and
 * length-delimited payloads, plus skipping a field of any wire type. It knows nothing of
 * messages; see decode.ts for that. Every read checks bounds, so truncated input is a
 * ProtobufError (TRUNCATED), never an out-of-range read.
 */
import { ProtobufError, ProtobufErrorCode } from './errors.js';

export const WireType = {
  VARINT: 0,
  FIXED64: 1,
  LENGTH_DELIMITED: 2,
  START_GROUP: 3,
  END_GROUP: 4,
  FIXED32: 5,
} as const;

export type WireType = (typeof WireType)[keyof typeof WireType];

export interface Tag {
  readonly fieldNumber: number;
  readonly wireType: WireType;
}

/** A varint as read: a number when it is a safe integer, else a bigint (always < 2^64, unsigned). */
export type Varint = number | bigint;

/** Groups (a proto2 feature Kubernetes never uses) nest at most this deep when skipped. */
const MAX_GROUP_DEPTH = 64;

const UINT64_MASK = (1n << 64n) - 1n;

export class WireReader {
  private pos: number;
  private readonly view: DataView;

  /** Reads `buf[start, end)`. Positions reported in errors are relative to `buf`. */
  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  get offset(): number {
    return this.pos;
  }

  readTag(): Tag {
    const at = this.pos;
    const v = this.readVarint();
    const wire = Number(typeof v === 'bigint' ? v & 7n : v % 8);
    // Field numbers above 2^29-1 are invalid protobuf, but Go's decoders treat them as unknown
    // fields too; keep them as (possibly imprecise) numbers that match no descriptor.
    const fieldNumber = typeof v === 'bigint' ? Number(v >> 3n) : Math.floor(v / 8);
    if (fieldNumber === 0) throw malformed(`illegal tag 0 at offset ${at}`);
    if (wire > WireType.FIXED32) throw malformed(`illegal wire type ${wire} at offset ${at}`);
    return { fieldNumber, wireType: wire as WireType };
  }

  /**
   * An unsigned 64-bit varint. Like Go's decoders it reads at most 10 bytes and drops bits above
   * 64 (so a negative int32 written as a 10-byte varint comes back as its two's complement).
   */
  readVarint(): Varint {
    let result = 0;
    // Up to 7 bytes (49 bits) the value is a safe integer and plain arithmetic is exact.
    for (let i = 0; i < 7; i++) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** (7 * i);
      if (b < 0x80) return result;
    }
    let big = BigInt(result);
    for (let i = 7; i < 10; i++) {
      const b = this.byte();
      big |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (b < 0x80) {
        big &= UINT64_MASK;
        return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
      }
    }
    throw malformed(`varint longer than 10 bytes ending at offset ${this.pos}`);
  }

  readFixed32(): number {
    const at = this.need(4);
    return this.view.getUint32(at, true);
  }

  readFixed64(): bigint {
    const at = this.need(8);
    return this.view.getBigUint64(at, true);
  }

  readFloat(): number {
    const at = this.need(4);
    return this.view.getFloat32(at, true);
  }

  readDouble(): number {
    const at = this.need(8);
    return this.view.getFloat64(at, true);
  }

  /** The payload of a length-delimited field, as a view into the input (no copy). */
  readLengthDelimited(): Uint8Array {
    const at = this.pos;
    const len = this.readVarint();
    if (typeof len === 'bigint' || len > this.end - this.pos) {
      throw truncated(`length ${len} at offset ${at} runs past the end of the data (${this.end - this.pos} bytes left)`);
    }
    const start = this.pos;
    this.pos += len;
    return this.buf.subarray(start, start + len);
  }

  /** Skips the value of a field whose tag was just read. */
  skip(tag: Tag): void {
    switch (tag.wireType) {
      case WireType.VARINT:
        this.readVarint();
        return;
      case WireType.FIXED64:
        this.need(8);
        return;
      case WireType.LENGTH_DELIMITED:
        this.readLengthDelimited();
        return;
      case WireType.FIXED32:
        this.need(4);
        return;
      case WireType.START_GROUP:
        this.skipGroup(tag.fieldNumber, 1);
        return;
      case WireType.END_GROUP:
        throw malformed(`end of group ${tag.fieldNumber} without a start, before offset ${this.pos}`);
      default: {
        const never: never = tag.wireType;
        return never;
      }
    }
  }

  private skipGroup(fieldNumber: number, depth: number): void {
    if (depth > MAX_GROUP_DEPTH) throw malformed(`groups nested deeper than ${MAX_GROUP_DEPTH}`);
    for (;;) {
      if (this.done) throw truncated(`group ${fieldNumber} is not closed`);
      const inner = this.readTag();
      if (inner.wireType === WireType.END_GROUP) {
        if (inner.fieldNumber !== fieldNumber) {
          throw malformed(`group ${fieldNumber} closed as group ${inner.fieldNumber}`);
        }
        return;
      }
      if (inner.wireType === WireType.START_GROUP) this.skipGroup(inner.fieldNumber, depth + 1);
      else this.skip(inner);
    }
  }

  private byte(): number {
    if (this.pos >= this.end) throw truncated(`data ends inside a varint at offset ${this.pos}`);
    return this.buf[this.pos++] as number;
  }

  /** Claims `n` bytes and returns where they start. */
  private need(n: number): number {
    if (this.end - this.pos < n) {
      throw truncated(`data ends inside a ${n}-byte value at offset ${this.pos}`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }
}

function truncated(message: string): ProtobufError {
  return new ProtobufError(ProtobufErrorCode.TRUNCATED, `truncated protobuf: ${message}`);
}

function malformed(message: string): ProtobufError {
  return new ProtobufError(ProtobufErrorCode.MALFORMED_WIRE, `malformed protobuf: ${message}`);
}
