/**
 * The protobuf package's error catalog. Codes are stable strings (never reused); tests assert
 * codes, not message text. PROTOBUF_WIRE_ERRORS says which HTTP status and Status reason the
 * HTTP layer answers with: a kind we have no descriptor for is 415 UnsupportedMediaType, so a
 * client can retry the same request as JSON; everything else is a body the client got wrong (400).
 */
export const ProtobufErrorCode = {
  /** The body does not start with the magic bytes `k8s\0`. */
  NOT_PROTOBUF: 'PROTOBUF_NOT_PROTOBUF',
  /** The runtime.Unknown envelope is unusable: no kind or apiVersion in its typeMeta. */
  BAD_ENVELOPE: 'PROTOBUF_BAD_ENVELOPE',
  /** The envelope says the inner message is compressed or otherwise encoded (contentEncoding). */
  UNSUPPORTED_ENCODING: 'PROTOBUF_UNSUPPORTED_ENCODING',
  /** No descriptor for the envelope's apiVersion and kind. */
  UNKNOWN_KIND: 'PROTOBUF_UNKNOWN_KIND',
  /** The data ends inside a field: a varint, a fixed-width value or a length-delimited payload. */
  TRUNCATED: 'PROTOBUF_TRUNCATED',
  /** Wire data no protobuf encoder writes: a varint over 10 bytes, field number 0, wire type 6 or 7. */
  MALFORMED_WIRE: 'PROTOBUF_MALFORMED_WIRE',
  /** A known field arrived with a wire type its kind cannot have (Go: "wrong wireType"). */
  WIRE_TYPE_MISMATCH: 'PROTOBUF_WIRE_TYPE_MISMATCH',
  /** A value Go's unmarshalling rejects: an IntOrString of unknown type, an empty Quantity, FieldsV1 that is not JSON. */
  INVALID_VALUE: 'PROTOBUF_INVALID_VALUE',
  /** A 64-bit integer outside JavaScript's safe integer range (it could not be kept exactly). */
  INT_OUT_OF_RANGE: 'PROTOBUF_INT_OUT_OF_RANGE',
  /** Envelopes nested in RawExtensions deeper than MAX_NESTED_ENVELOPES. */
  NESTING_TOO_DEEP: 'PROTOBUF_NESTING_TOO_DEEP',
} as const;

export type ProtobufErrorCode = (typeof ProtobufErrorCode)[keyof typeof ProtobufErrorCode];

/** What the HTTP layer answers: the HTTP status and the metav1.StatusReason. */
export interface ProtobufWireError {
  readonly httpStatus: number;
  readonly reason: 'BadRequest' | 'UnsupportedMediaType';
}

const BAD_REQUEST: ProtobufWireError = { httpStatus: 400, reason: 'BadRequest' };

export const PROTOBUF_WIRE_ERRORS: Readonly<Record<ProtobufErrorCode, ProtobufWireError>> = {
  [ProtobufErrorCode.NOT_PROTOBUF]: BAD_REQUEST,
  [ProtobufErrorCode.BAD_ENVELOPE]: BAD_REQUEST,
  [ProtobufErrorCode.UNSUPPORTED_ENCODING]: { httpStatus: 415, reason: 'UnsupportedMediaType' },
  [ProtobufErrorCode.UNKNOWN_KIND]: { httpStatus: 415, reason: 'UnsupportedMediaType' },
  [ProtobufErrorCode.TRUNCATED]: BAD_REQUEST,
  [ProtobufErrorCode.MALFORMED_WIRE]: BAD_REQUEST,
  [ProtobufErrorCode.WIRE_TYPE_MISMATCH]: BAD_REQUEST,
  [ProtobufErrorCode.INVALID_VALUE]: BAD_REQUEST,
  [ProtobufErrorCode.INT_OUT_OF_RANGE]: BAD_REQUEST,
  [ProtobufErrorCode.NESTING_TOO_DEEP]: BAD_REQUEST,
};

export class ProtobufError extends Error {
  readonly code: ProtobufErrorCode;
  /** Where in the object the problem is, as a JSON path (`spec.template.spec.containers[0]`); '' for the top. */
  readonly path: string;

  constructor(code: ProtobufErrorCode, message: string, options?: { path?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProtobufError';
    this.code = code;
    this.path = options?.path ?? '';
  }

  get wire(): ProtobufWireError & { readonly message: string } {
    return { ...PROTOBUF_WIRE_ERRORS[this.code], message: this.message };
  }
}

export function isProtobufError(err: unknown): err is ProtobufError {
  return err instanceof ProtobufError;
}
