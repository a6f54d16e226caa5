/**
 * The Kubernetes types that marshal themselves, both in protobuf and in JSON. Each takes the
 * field's payload (undefined when the field is absent, meaning the Go zero value) and returns
 * what the type's MarshalJSON writes:
 *
 *   metav1.Time       {seconds=1, nanos=2}  → "2006-01-02T15:04:05Z" (UTC, whole seconds); zero → null
 *   metav1.MicroTime  {seconds=1, nanos=2}  → "2006-01-02T15:04:05.000000Z"; zero → null
 *   metav1.Duration   {duration=1 (ns)}     → Go's time.Duration.String(): "1h2m3.5s"
 *   intstr.IntOrString {type=1, intVal=2, strVal=3} → a number (type 0) or a string (type 1)
 *   resource.Quantity {string=1}            → the string; zero → "0"
 *   metav1.FieldsV1   {Raw=1}               → the raw JSON, parsed; nil → null
 *   runtime.RawExtension {raw=1}            → the raw JSON, parsed (or a nested envelope, decoded); nil → null
 */
import type { SpecialKind } from './descriptor.js';
import { startsWithMagic } from './envelope.js';
import { ProtobufError, ProtobufErrorCode } from './errors.js';
import { toBigInt64, toInt32, toInt64 } from './scalars.js';
import { WireReader, WireType, type Tag, type Varint } from './wire.js';

export interface SpecialContext {
  /** Paths of fields skipped because no descriptor knows their number. */
  readonly skipped: string[];
  /** Decodes a `k8s\0` envelope found inside a RawExtension. */
  readonly decodeNestedEnvelope: (body: Uint8Array, path: string) => Record<string, unknown>;
}

/** Seconds from 1970 to Go's zero time.Time, 0001-01-01T00:00:00Z. */
const GO_ZERO_TIME_UNIX_SECONDS = -62135596800;

const utf8 = new TextDecoder('utf-8');

export function decodeSpecial(kind: SpecialKind, data: Uint8Array | undefined, path: string, ctx: SpecialContext): unknown {
  switch (kind) {
    case 'time':
      return timeJson(data, path, ctx, false);
    case 'mtime':
      return timeJson(data, path, ctx, true);
    case 'dur': {
      const f = fields(data, path, ctx, { 1: WireType.VARINT });
      return goDurationString(toBigInt64(varintOf(f.get(1))));
    }
    case 'ios': {
      const f = fields(data, path, ctx, { 1: WireType.VARINT, 2: WireType.VARINT, 3: WireType.LENGTH_DELIMITED });
      const type = toInt64(varintOf(f.get(1)), path);
      if (type === 0) return toInt32(varintOf(f.get(2)));
      if (type === 1) return utf8.decode(bytesOf(f.get(3)));
      throw new ProtobufError(ProtobufErrorCode.INVALID_VALUE, `IntOrString at ${path || 'the top'} has type ${type} (0 int or 1 string)`, { path });
    }
    case 'qty': {
      const f = fields(data, path, ctx, { 1: WireType.LENGTH_DELIMITED });
      const s = f.get(1);
      if (s === undefined) return '0';
      const text = utf8.decode(bytesOf(s));
      if (text === '') {
        throw new ProtobufError(ProtobufErrorCode.INVALID_VALUE, `Quantity at ${path || 'the top'} is an empty string`, { path });
      }
      return text;
    }
    case 'fv1':
    case 'raw': {
      const f = fields(data, path, ctx, { 1: WireType.LENGTH_DELIMITED });
      const raw = f.get(1);
      if (raw === undefined) return null;
      const bytes = bytesOf(raw);
      if (kind === 'raw' && startsWithMagic(bytes)) return ctx.decodeNestedEnvelope(bytes, path);
      return parseEmbeddedJson(bytes, kind === 'fv1' ? 'FieldsV1' : 'RawExtension', path);
    }
    default: {
      const never: never = kind;
      return never;
    }
  }
}

function timeJson(data: Uint8Array | undefined, path: string, ctx: SpecialContext, micro: boolean): string | null {
  // Go's Time.Unmarshal: no bytes at all is the zero time; otherwise time.Unix(seconds, nanos).
  if (data === undefined || data.length === 0) return null;
  const f = fields(data, path, ctx, { 1: WireType.VARINT, 2: WireType.VARINT });
  let seconds = toInt64(varintOf(f.get(1)), `${path}.seconds`);
  let nanos = toInt32(varintOf(f.get(2)));
  // time.Unix normalises nanos outside [0, 1e9) into the seconds.
  seconds += Math.floor(nanos / 1e9);
  nanos = ((nanos % 1e9) + 1e9) % 1e9;
  if (seconds === GO_ZERO_TIME_UNIX_SECONDS && nanos === 0) return null;
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) {
    throw new ProtobufError(ProtobufErrorCode.INVALID_VALUE, `time at ${path || 'the top'} is out of range (${seconds} s)`, { path });
  }
  const year = date.getUTCFullYear();
  const yyyy = (year < 0 ? '-' : '') + String(Math.abs(year)).padStart(4, '0');
  const frac = micro ? `.${String(Math.floor(nanos / 1000)).padStart(6, '0')}` : '';
  return `${yyyy}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}T${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}${frac}Z`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Go's time.Duration.String(): "0s", "1.5µs", "2ms", "1h2m3.5s", "-4m0s". */
export function goDurationString(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  const u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000n) out = `${u}ns`;
  else if (u < 1_000_000n) out = `${scaled(u, 3)}µs`;
  else if (u < 1_000_000_000n) out = `${scaled(u, 6)}ms`;
  else {
    const totalSeconds = u / 1_000_000_000n;
    const minutes = totalSeconds / 60n;
    const hours = minutes / 60n;
    out = `${totalSeconds % 60n}${fractionDigits(u, 9)}s`;
    if (minutes > 0n) out = `${minutes % 60n}m${out}`;
    if (hours > 0n) out = `${hours}h${out}`;
  }
  return neg ? `-${out}` : out;
}

/** v / 10^prec written as Go's fmtFrac and fmtInt do: "1.5", "2". */
function scaled(v: bigint, prec: number): string {
  return `${v / 10n ** BigInt(prec)}${fractionDigits(v, prec)}`;
}

/** The fraction of v / 10^prec without trailing zeros, with its point ("" when it is zero). */
function fractionDigits(v: bigint, prec: number): string {
  const digits = (v % 10n ** BigInt(prec)).toString().padStart(prec, '0').replace(/0+$/, '');
  return digits === '' ? '' : `.${digits}`;
}

function parseEmbeddedJson(bytes: Uint8Array, typeName: string, path: string): unknown {
  try {
    return JSON.parse(utf8.decode(bytes)) as unknown;
  } catch (cause) {
    throw new ProtobufError(ProtobufErrorCode.INVALID_VALUE, `${typeName} at ${path || 'the top'} does not hold JSON`, { path, cause });
  }
}

type Raw = Varint | Uint8Array;

function varintOf(v: Raw | undefined): Varint {
  return v === undefined || v instanceof Uint8Array ? 0 : v;
}

function bytesOf(v: Raw | undefined): Uint8Array {
  return v instanceof Uint8Array ? v : new Uint8Array(0);
}

/** Reads a small flat message whose field numbers and wire types are given; the last value of a field wins. */
function fields(
  data: Uint8Array | undefined,
  path: string,
  ctx: SpecialContext,
  expected: Readonly<Record<number, WireType>>,
): Map<number, Raw> {
  const out = new Map<number, Raw>();
  if (data === undefined) return out;
  const r = new WireReader(data);
  while (!r.done) {
    const tag: Tag = r.readTag();
    const want = expected[tag.fieldNumber];
    if (want === undefined) {
      ctx.skipped.push(`${path}.#${tag.fieldNumber}`);
      r.skip(tag);
      continue;
    }
    if (tag.wireType !== want) {
      throw new ProtobufError(
        ProtobufErrorCode.WIRE_TYPE_MISMATCH,
        `field ${tag.fieldNumber} at ${path || 'the top'} has wire type ${tag.wireType}, expected ${want}`,
        { path },
      );
    }
    out.set(tag.fieldNumber, want === WireType.VARINT ? r.readVarint() : r.readLengthDelimited());
  }
  return out;
}
