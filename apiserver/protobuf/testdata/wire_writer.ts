/**
 * A tiny protobuf writer for hand-built test bodies: each helper returns one encoded field, and
 * `message` concatenates fields. Test support only.
 */
import { KUBE_PROTOBUF_MAGIC } from '../envelope.js';

export function varint(value: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return Buffer.from(out);
}

export function tag(fieldNumber: number, wireType: number): Buffer {
  return varint(BigInt(fieldNumber) * 8n + BigInt(wireType));
}

/** A varint field; negative numbers are written as 10-byte two's complement, as Go writes int32 and int64. */
export function vint(fieldNumber: number, value: number | bigint | boolean): Buffer {
  const v = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  return Buffer.concat([tag(fieldNumber, 0), varint(v)]);
}

export function bytes(fieldNumber: number, data: Uint8Array): Buffer {
  return Buffer.concat([tag(fieldNumber, 2), varint(data.length), data]);
}

export function str(fieldNumber: number, s: string): Buffer {
  return bytes(fieldNumber, Buffer.from(s, 'utf8'));
}

export function msg(fieldNumber: number, ...fields: Uint8Array[]): Buffer {
  return bytes(fieldNumber, Buffer.concat(fields));
}

export function fixed64(fieldNumber: number, value: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(value);
  return Buffer.concat([tag(fieldNumber, 1), b]);
}

export function fixed32(fieldNumber: number, value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value);
  return Buffer.concat([tag(fieldNumber, 5), b]);
}

export function double(fieldNumber: number, value: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(value);
  return Buffer.concat([tag(fieldNumber, 1), b]);
}

/** A map entry field: {key=1, value=2}. */
export function entry(fieldNumber: number, key: string, value: Uint8Array): Buffer {
  return msg(fieldNumber, str(1, key), value);
}

export function message(...fields: Uint8Array[]): Buffer {
  return Buffer.concat(fields);
}

/** A whole body: magic, then runtime.Unknown {typeMeta {apiVersion, kind}, raw}. */
export function envelope(apiVersion: string, kind: string, raw: Uint8Array, ...extra: Uint8Array[]): Buffer {
  return Buffer.concat([KUBE_PROTOBUF_MAGIC, msg(1, str(1, apiVersion), str(2, kind)), bytes(2, raw), ...extra]);
}
