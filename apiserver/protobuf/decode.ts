/**
 * Turns one protobuf message into the JSON object encoding/json writes for the Go struct it was
 * marshalled from, driven by a MessageDesc.
 *
 * What protobuf's presence means for the Go value, and so for the JSON (gogo's generated code
 * always writes non-pointer scalars and structs, and pointers only when set):
 *   - a pointer field is nil when absent and set when present, even to a zero value, so a present
 *     `*int32` 0 is written as 0 despite omitempty;
 *   - a plain scalar absent on the wire is its zero value, which omitempty drops;
 *   - a plain struct is never dropped by omitempty (encoding/json does not omit structs), so an
 *     absent one is written as its zero value: `"status": {}`, `"creationTimestamp": null`;
 *   - an absent slice, map or []byte is nil: dropped under omitempty, `null` without it.
 * Fields are written in Go declaration order; map keys sorted bytewise, as encoding/json does.
 * A field number the descriptor does not know is skipped by its wire type and its path recorded
 * (`spec.template.#99`), so the caller can warn, as kube-apiserver warns of unknown JSON fields.
 */
import type { FieldDesc, MessageDesc, ScalarKind, ValueType } from './descriptor.js';
import { ProtobufError, ProtobufErrorCode } from './errors.js';
import { toBool, toInt32, toInt64, toUint32, toUint64 } from './scalars.js';
import { decodeSpecial, type SpecialContext } from './special.js';
import { WireReader, WireType, type Tag } from './wire.js';

export type DecodeContext = SpecialContext;

type Json = unknown;

const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder('utf-8');

interface Slot {
  /** A singular scalar's latest value (the last occurrence wins, as in Go). */
  scalar?: Json;
  /** A singular message's payloads, merged by concatenation as protobuf specifies. */
  chunks?: Uint8Array[];
  items?: Json[];
  entries?: Map<string, Json>;
}

export function decodeMessage(desc: MessageDesc, data: Uint8Array, path: string, ctx: DecodeContext): Record<string, Json> {
  try {
    return build(desc, scan(desc, data, path, ctx), path, ctx);
  } catch (err) {
    if (err instanceof ProtobufError && err.path === '' && path !== '') {
      throw new ProtobufError(err.code, `${err.message} (in ${path})`, { path, cause: err });
    }
    throw err;
  }
}

function scan(desc: MessageDesc, data: Uint8Array, path: string, ctx: DecodeContext): Map<number, Slot> {
  const slots = new Map<number, Slot>();
  const r = new WireReader(data);
  while (!r.done) {
    const tag = r.readTag();
    const field = desc.byNumber.get(tag.fieldNumber);
    if (field === undefined) {
      ctx.skipped.push(join(path, `#${tag.fieldNumber}`));
      r.skip(tag);
      continue;
    }
    let slot = slots.get(field.number);
    if (slot === undefined) slots.set(field.number, (slot = {}));
    const fieldPath = field.inline ? path : join(path, field.jsonName);
    switch (field.cardinality) {
      case 'single':
        if (field.type.kind === 'scalar') {
          expectWire(tag, wireTypeOf(field.type.scalar), fieldPath);
          slot.scalar = readScalar(r, field.type.scalar, fieldPath);
        } else {
          expectWire(tag, WireType.LENGTH_DELIMITED, fieldPath);
          (slot.chunks ??= []).push(r.readLengthDelimited());
        }
        break;
      case 'list':
        readListElements(r, tag, field.type, (slot.items ??= []), fieldPath, ctx);
        break;
      case 'map': {
        expectWire(tag, WireType.LENGTH_DELIMITED, fieldPath);
        const [key, value] = readMapEntry(r.readLengthDelimited(), field.type, fieldPath, ctx);
        (slot.entries ??= new Map()).set(key, value);
        break;
      }
      default: {
        const never: never = field.cardinality;
        return never;
      }
    }
  }
  return slots;
}

function build(desc: MessageDesc, slots: Map<number, Slot>, path: string, ctx: DecodeContext): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const field of desc.fields) {
    const slot = slots.get(field.number);
    if (field.inline) {
      // An embedded struct inlined into this object: its fields at this position.
      if (field.type.kind !== 'message') throw new Error(`inline field ${desc.name}#${field.number} is not a message`);
      Object.assign(out, decodeMessage(field.type.message, concat(slot?.chunks), path, ctx));
      continue;
    }
    const value = fieldValue(field, slot, join(path, field.jsonName), ctx);
    if (value === undefined) {
      if (!field.omitEmpty) out[field.jsonName] = null;
    } else if (!(field.omitEmpty && !field.pointer && isEmptyGoValue(field, value))) {
      out[field.jsonName] = value;
    }
  }
  return out;
}

/** The field's JSON value, or undefined for a nil slice, map, []byte or pointer. */
function fieldValue(field: FieldDesc, slot: Slot | undefined, path: string, ctx: DecodeContext): Json | undefined {
  switch (field.cardinality) {
    case 'list':
      return slot?.items !== undefined && slot.items.length > 0 ? slot.items : undefined;
    case 'map':
      return slot?.entries === undefined ? undefined : sortedObject(slot.entries);
    case 'single': {
      const present = slot !== undefined && (slot.scalar !== undefined || slot.chunks !== undefined);
      if (!present && (field.pointer || (field.type.kind === 'scalar' && field.type.scalar === 'y'))) return undefined;
      if (field.type.kind === 'scalar') return present ? slot.scalar : zeroScalar(field.type.scalar);
      return decodeValue(field.type, present ? concat(slot.chunks) : undefined, path, ctx);
    }
    default: {
      const never: never = field.cardinality;
      return never;
    }
  }
}

/** encoding/json's omitempty test for a non-pointer field; structs (messages, special types) are never empty. */
function isEmptyGoValue(field: FieldDesc, value: Json): boolean {
  if (field.cardinality !== 'single') return Array.isArray(value) ? value.length === 0 : Object.keys(value as object).length === 0;
  if (field.type.kind !== 'scalar') return false;
  return value === '' || value === 0 || value === false;
}

/** A message or special value from its payload; undefined payload means the Go zero value. */
function decodeValue(type: ValueType, data: Uint8Array | undefined, path: string, ctx: DecodeContext): Json {
  switch (type.kind) {
    case 'message':
      return decodeMessage(type.message, data ?? EMPTY, path, ctx);
    case 'special':
      return decodeSpecial(type.special, data, path, ctx);
    case 'scalar':
      throw new Error(`decodeValue called for scalar at ${path}`);
    default: {
      const never: never = type;
      return never;
    }
  }
}

function readListElements(r: WireReader, tag: Tag, type: ValueType, items: Json[], path: string, ctx: DecodeContext): void {
  if (type.kind !== 'scalar') {
    expectWire(tag, WireType.LENGTH_DELIMITED, `${path}[${items.length}]`);
    const data = r.readLengthDelimited();
    items.push(decodeValue(type, data, `${path}[${items.length}]`, ctx));
    return;
  }
  const wire = wireTypeOf(type.scalar);
  if (wire !== WireType.LENGTH_DELIMITED && tag.wireType === WireType.LENGTH_DELIMITED) {
    // A packed repeated scalar: one payload of back-to-back values (proto3 style; accepted as Go does).
    const packed = r.readLengthDelimited();
    const inner = new WireReader(packed);
    while (!inner.done) items.push(readScalar(inner, type.scalar, `${path}[${items.length}]`));
    return;
  }
  expectWire(tag, wire, `${path}[${items.length}]`);
  items.push(readScalar(r, type.scalar, `${path}[${items.length}]`));
}

function readMapEntry(data: Uint8Array, type: ValueType, path: string, ctx: DecodeContext): [string, Json] {
  const r = new WireReader(data);
  let key = '';
  let scalar: Json | undefined;
  let chunks: Uint8Array[] | undefined;
  const entryPath = (): string => `${path}[${JSON.stringify(key)}]`;
  while (!r.done) {
    const tag = r.readTag();
    if (tag.fieldNumber === 1) {
      expectWire(tag, WireType.LENGTH_DELIMITED, `${path} (map key)`);
      key = utf8.decode(r.readLengthDelimited());
    } else if (tag.fieldNumber === 2) {
      if (type.kind === 'scalar') {
        expectWire(tag, wireTypeOf(type.scalar), entryPath());
        scalar = readScalar(r, type.scalar, entryPath());
      } else {
        expectWire(tag, WireType.LENGTH_DELIMITED, entryPath());
        (chunks ??= []).push(r.readLengthDelimited());
      }
    } else {
      ctx.skipped.push(`${path}.#${tag.fieldNumber}`);
      r.skip(tag);
    }
  }
  if (type.kind === 'scalar') {
    // Go's map decoding starts each value as the zero value; for []byte that is []byte{} (""), not nil.
    return [key, scalar ?? (type.scalar === 'y' ? '' : zeroScalar(type.scalar))];
  }
  // Decode messages only now: the key may come after the value.
  return [key, decodeValue(type, chunks === undefined ? undefined : concat(chunks), entryPath(), ctx)];
}

function readScalar(r: WireReader, kind: ScalarKind, path: string): Json {
  switch (kind) {
    case 's':
      return utf8.decode(r.readLengthDelimited());
    case 'y':
      return base64(r.readLengthDelimited());
    case 'b':
      return toBool(r.readVarint());
    case 'i32':
      return toInt32(r.readVarint());
    case 'u32':
      return toUint32(r.readVarint());
    case 'i64':
      return toInt64(r.readVarint(), path);
    case 'u64':
      return toUint64(r.readVarint(), path);
    case 'f64':
      return finite(r.readDouble(), path);
    case 'f32':
      return shortestFloat32(finite(r.readFloat(), path));
    default: {
      const never: never = kind;
      return never;
    }
  }
}

function zeroScalar(kind: ScalarKind): Json | undefined {
  switch (kind) {
    case 's':
      return '';
    case 'b':
      return false;
    case 'y':
      return undefined;
    case 'i32':
    case 'i64':
    case 'u32':
    case 'u64':
    case 'f32':
    case 'f64':
      return 0;
    default: {
      const never: never = kind;
      return never;
    }
  }
}

function wireTypeOf(kind: ScalarKind): WireType {
  switch (kind) {
    case 's':
    case 'y':
      return WireType.LENGTH_DELIMITED;
    case 'f64':
      return WireType.FIXED64;
    case 'f32':
      return WireType.FIXED32;
    case 'b':
    case 'i32':
    case 'i64':
    case 'u32':
    case 'u64':
      return WireType.VARINT;
    default: {
      const never: never = kind;
      return never;
    }
  }
}

function expectWire(tag: Tag, want: WireType, path: string): void {
  if (tag.wireType !== want) {
    throw new ProtobufError(
      ProtobufErrorCode.WIRE_TYPE_MISMATCH,
      `field ${tag.fieldNumber} (${path || 'the top'}) has wire type ${tag.wireType}, expected ${want}`,
      { path },
    );
  }
}

function finite(v: number, path: string): number {
  if (!Number.isFinite(v)) {
    throw new ProtobufError(ProtobufErrorCode.INVALID_VALUE, `${v} at ${path || 'the top'} has no JSON form`, { path });
  }
  return v;
}

/** The shortest decimal that reads back as the same float32, as Go's encoding/json writes a float32. */
function shortestFloat32(v: number): number {
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(v.toPrecision(digits));
    if (Math.fround(candidate) === v) return candidate;
  }
  return Number(v.toPrecision(9));
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function concat(chunks: Uint8Array[] | undefined): Uint8Array {
  if (chunks === undefined || chunks.length === 0) return EMPTY;
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  return Buffer.concat(chunks);
}

/** An object with the map's keys in encoding/json's order (bytewise UTF-8). */
function sortedObject(entries: Map<string, Json>): Record<string, Json> {
  const keys = [...entries.keys()].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  const out: Record<string, Json> = {};
  for (const key of keys) {
    // A key like "__proto__" must become an own property, not the object's prototype.
    Object.defineProperty(out, key, { value: entries.get(key), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}
