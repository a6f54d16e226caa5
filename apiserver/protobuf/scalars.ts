/**
 * Protobuf varints as the Go field types they were written from. Go's generated decoders
 * truncate: an int32 keeps the low 32 bits of the varint (a negative int32 travels as a 10-byte
 * two's complement varint). 64-bit values that JavaScript cannot hold exactly are an error
 * rather than a silently rounded number.
 */
import { ProtobufError, ProtobufErrorCode } from './errors.js';
import type { Varint } from './wire.js';

const TWO_32 = 2 ** 32;

function low32(v: Varint): number {
  return typeof v === 'bigint' ? Number(v & 0xffff_ffffn) : v % TWO_32;
}

export function toInt32(v: Varint): number {
  const u = low32(v);
  return u >= 2 ** 31 ? u - TWO_32 : u;
}

export function toUint32(v: Varint): number {
  return low32(v);
}

/** The varint as a signed 64-bit integer, exact. */
export function toBigInt64(v: Varint): bigint {
  return BigInt.asIntN(64, BigInt(v));
}

export function toInt64(v: Varint, path: string): number {
  if (typeof v === 'number') return v; // a safe unsigned value is below 2^63, so it is its own int64
  return safe(toBigInt64(v), path);
}

export function toUint64(v: Varint, path: string): number {
  return typeof v === 'number' ? v : safe(v, path);
}

export function toBool(v: Varint): boolean {
  return v !== 0 && v !== 0n;
}

function safe(v: bigint, path: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ProtobufError(
      ProtobufErrorCode.INT_OUT_OF_RANGE,
      `integer ${v} at ${path || 'the top'} is outside the range JSON numbers keep exactly here (±2^53-1)`,
      { path },
    );
  }
  return Number(v);
}
