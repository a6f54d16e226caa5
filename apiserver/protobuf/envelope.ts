/**
 * The envelope of a Kubernetes protobuf body (k8s.io/apimachinery/pkg/runtime/serializer/protobuf):
 * the 4 magic bytes `k8s\0`, then a runtime.Unknown message:
 *
 *   message Unknown { TypeMeta typeMeta = 1; bytes raw = 2; string contentEncoding = 3; string contentType = 4; }
 *   message TypeMeta { string apiVersion = 1; string kind = 2; }
 *
 * `raw` is the object itself, the proto2 message generated from its Go type.
 */
import { ProtobufError, ProtobufErrorCode } from './errors.js';
import { WireReader, WireType, type Tag } from './wire.js';

export interface Envelope {
  readonly apiVersion: string;
  readonly kind: string;
  readonly raw: Uint8Array;
  readonly contentEncoding: string;
  readonly contentType: string;
}

/** `k8s\0`: what every Kubernetes protobuf body starts with. */
export const KUBE_PROTOBUF_MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

const utf8 = new TextDecoder('utf-8');

export function startsWithMagic(bytes: Uint8Array): boolean {
  return bytes.length >= KUBE_PROTOBUF_MAGIC.length && KUBE_PROTOBUF_MAGIC.every((b, i) => bytes[i] === b);
}

/** Parses the envelope; unknown envelope fields are skipped and their paths (`<envelope>.#5`) pushed to `skipped`. */
export function parseEnvelope(body: Uint8Array, skipped: string[], pathPrefix = ''): Envelope {
  if (!startsWithMagic(body)) {
    throw new ProtobufError(
      ProtobufErrorCode.NOT_PROTOBUF,
      `body is not Kubernetes protobuf: it does not start with the magic bytes ${Buffer.from(KUBE_PROTOBUF_MAGIC).toString('hex')} ("k8s\\0")`,
      { path: pathPrefix },
    );
  }
  const where = pathPrefix === '' ? '<envelope>' : `${pathPrefix}.<envelope>`;
  let apiVersion = '';
  let kind = '';
  let raw: Uint8Array = new Uint8Array(0);
  let contentEncoding = '';
  let contentType = '';
  const r = new WireReader(body, KUBE_PROTOBUF_MAGIC.length);
  while (!r.done) {
    const tag = r.readTag();
    switch (tag.fieldNumber) {
      case 1: {
        const typeMeta = new WireReader(lengthDelimited(r, tag, `${where}.typeMeta`));
        while (!typeMeta.done) {
          const t = typeMeta.readTag();
          if (t.fieldNumber === 1) apiVersion = utf8.decode(lengthDelimited(typeMeta, t, `${where}.typeMeta.apiVersion`));
          else if (t.fieldNumber === 2) kind = utf8.decode(lengthDelimited(typeMeta, t, `${where}.typeMeta.kind`));
          else {
            skipped.push(`${where}.typeMeta.#${t.fieldNumber}`);
            typeMeta.skip(t);
          }
        }
        break;
      }
      case 2:
        raw = lengthDelimited(r, tag, `${where}.raw`);
        break;
      case 3:
        contentEncoding = utf8.decode(lengthDelimited(r, tag, `${where}.contentEncoding`));
        break;
      case 4:
        contentType = utf8.decode(lengthDelimited(r, tag, `${where}.contentType`));
        break;
      default:
        skipped.push(`${where}.#${tag.fieldNumber}`);
        r.skip(tag);
    }
  }
  if (kind === '' || apiVersion === '') {
    throw new ProtobufError(
      ProtobufErrorCode.BAD_ENVELOPE,
      `protobuf envelope has no ${kind === '' ? 'kind' : 'apiVersion'} in its typeMeta`,
      { path: pathPrefix },
    );
  }
  if (contentEncoding !== '') {
    throw new ProtobufError(
      ProtobufErrorCode.UNSUPPORTED_ENCODING,
      `protobuf envelope for ${apiVersion}, Kind=${kind} has contentEncoding ${JSON.stringify(contentEncoding)}; only unencoded objects are supported`,
      { path: pathPrefix },
    );
  }
  return { apiVersion, kind, raw, contentEncoding, contentType };
}

function lengthDelimited(r: WireReader, tag: Tag, path: string): Uint8Array {
  if (tag.wireType !== WireType.LENGTH_DELIMITED) {
    throw new ProtobufError(
      ProtobufErrorCode.WIRE_TYPE_MISMATCH,
      `${path} has wire type ${tag.wireType}, expected ${WireType.LENGTH_DELIMITED}`,
    );
  }
  return r.readLengthDelimited();
}
