/**
 * apiserver/protobuf: reads request bodies in Kubernetes protobuf
 * (`Content-Type: application/vnd.kubernetes.protobuf`), which kubectl's typed clients send and
 * never fall back from, into exactly the JSON object encoding/json would have written for the same
 * Go struct. The rest of the server then treats it as a JSON body. Decoding only: responses stay
 * JSON, which those clients accept.
 *
 *   decodeKubeProtobuf(body) → { apiVersion, kind, object, skipped }
 *
 * Failures throw ProtobufError; `err.wire` gives the HTTP status (415 for UNKNOWN_KIND, so the
 * client can retry as JSON; 400 for a malformed body).
 */
import { decodeMessage, type DecodeContext } from './decode.js';
import { parseEnvelope } from './envelope.js';
import { ProtobufError, ProtobufErrorCode } from './errors.js';
import { descriptorForKind } from './registry.js';

export { ProtobufError, ProtobufErrorCode, PROTOBUF_WIRE_ERRORS, isProtobufError, type ProtobufWireError } from './errors.js';
export { supportedKinds } from './registry.js';
export { startsWithMagic as hasKubeProtobufMagic, KUBE_PROTOBUF_MAGIC } from './envelope.js';

export const KUBE_PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/** RawExtensions may hold envelopes of their own; this many levels are decoded at most. */
export const MAX_NESTED_ENVELOPES = 8;

export interface DecodedKubeProtobuf {
  readonly apiVersion: string;
  readonly kind: string;
  /** The object as encoding/json writes it, `kind` and `apiVersion` first (from the envelope). */
  readonly object: Record<string, unknown>;
  /**
   * Fields skipped because no descriptor knows their number, as JSON paths ending in the field
   * number: `spec.template.spec.#99`, `<envelope>.#7`. The caller may warn of them.
   */
  readonly skipped: string[];
}

export function decodeKubeProtobuf(body: Uint8Array): DecodedKubeProtobuf {
  const skipped: string[] = [];
  const { apiVersion, kind, object } = decodeEnvelope(body, '', 0, skipped);
  return { apiVersion, kind, object, skipped };
}

function decodeEnvelope(
  body: Uint8Array,
  path: string,
  depth: number,
  skipped: string[],
): { apiVersion: string; kind: string; object: Record<string, unknown> } {
  if (depth > MAX_NESTED_ENVELOPES) {
    throw new ProtobufError(
      ProtobufErrorCode.NESTING_TOO_DEEP,
      `protobuf envelopes nested deeper than ${MAX_NESTED_ENVELOPES} at ${path}`,
      { path },
    );
  }
  const envelope = parseEnvelope(body, skipped, path);
  const desc = descriptorForKind(envelope.apiVersion, envelope.kind);
  if (desc === undefined) {
    throw new ProtobufError(
      ProtobufErrorCode.UNKNOWN_KIND,
      `no protobuf decoder for ${envelope.apiVersion}, Kind=${envelope.kind}; send it as application/json`,
      { path },
    );
  }
  const ctx: DecodeContext = {
    skipped,
    decodeNestedEnvelope: (nested, at) => decodeEnvelope(nested, at, depth + 1, skipped).object,
  };
  const fields = decodeMessage(desc, envelope.raw, path, ctx);
  // TypeMeta is inlined first in every object (kind, then apiVersion); it is not in the message.
  const object: Record<string, unknown> = { kind: envelope.kind, apiVersion: envelope.apiVersion, ...fields };
  return { apiVersion: envelope.apiVersion, kind: envelope.kind, object };
}
