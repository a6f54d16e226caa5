import { describe, expect, it } from 'vitest';
import { decodeKubeProtobuf, ProtobufError, ProtobufErrorCode, PROTOBUF_WIRE_ERRORS } from './index.js';
import { KUBE_PROTOBUF_MAGIC } from './envelope.js';
import { envelope, message, msg, str } from './testdata/wire_writer.js';

function errorOf(fn: () => unknown): ProtobufError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProtobufError) return err;
    throw err;
  }
  throw new Error('expected a ProtobufError');
}

describe('the k8s\\0 envelope', () => {
  it('gives apiVersion and kind from typeMeta and puts them first in the object', () => {
    const decoded = decodeKubeProtobuf(envelope('v1', 'Namespace', message(msg(1, str(1, 'n')))));
    expect(decoded.apiVersion).toBe('v1');
    expect(decoded.kind).toBe('Namespace');
    expect(JSON.stringify(decoded.object)).toBe(
      '{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"n","creationTimestamp":null},"spec":{},"status":{}}',
    );
  });

  it('rejects a body without the magic bytes, such as JSON', () => {
    expect(errorOf(() => decodeKubeProtobuf(Buffer.from('{"kind":"Namespace"}'))).code).toBe(ProtobufErrorCode.NOT_PROTOBUF);
    expect(errorOf(() => decodeKubeProtobuf(Buffer.from('k8s'))).code).toBe(ProtobufErrorCode.NOT_PROTOBUF);
    expect(errorOf(() => decodeKubeProtobuf(new Uint8Array(0))).code).toBe(ProtobufErrorCode.NOT_PROTOBUF);
  });

  it('rejects an envelope without kind or apiVersion', () => {
    const noKind = Buffer.concat([KUBE_PROTOBUF_MAGIC, msg(1, str(1, 'v1')), msg(2)]);
    const noVersion = Buffer.concat([KUBE_PROTOBUF_MAGIC, msg(1, str(2, 'Pod'))]);
    expect(errorOf(() => decodeKubeProtobuf(noKind)).code).toBe(ProtobufErrorCode.BAD_ENVELOPE);
    expect(errorOf(() => decodeKubeProtobuf(noVersion)).code).toBe(ProtobufErrorCode.BAD_ENVELOPE);
    expect(errorOf(() => decodeKubeProtobuf(KUBE_PROTOBUF_MAGIC)).code).toBe(ProtobufErrorCode.BAD_ENVELOPE);
  });

  it('rejects an encoded payload (contentEncoding) with 415', () => {
    const err = errorOf(() => decodeKubeProtobuf(envelope('v1', 'Pod', Buffer.alloc(0), str(3, 'gzip'))));
    expect(err.code).toBe(ProtobufErrorCode.UNSUPPORTED_ENCODING);
    expect(err.wire.httpStatus).toBe(415);
  });

  it('answers UNKNOWN_KIND (415, so the client retries as JSON) for a kind without a descriptor', () => {
    for (const [apiVersion, kind] of [
      ['v1', 'Frobnicator'],
      ['example.com/v1', 'Widget'],
      ['apps/v1beta1', 'Deployment'],
    ] as const) {
      const err = errorOf(() => decodeKubeProtobuf(envelope(apiVersion, kind, Buffer.alloc(0))));
      expect(err.code).toBe(ProtobufErrorCode.UNKNOWN_KIND);
      expect(err.wire).toMatchObject({ httpStatus: 415, reason: 'UnsupportedMediaType' });
      expect(err.message).toContain(`${apiVersion}, Kind=${kind}`);
    }
  });

  it('decodes DeleteOptions under any group version', () => {
    for (const apiVersion of ['v1', 'apps/v1', 'meta.k8s.io/v1']) {
      const raw = message(Buffer.from([0x08, 0x00]), str(4, 'Foreground'), str(5, 'All'));
      expect(decodeKubeProtobuf(envelope(apiVersion, 'DeleteOptions', raw)).object).toEqual({
        kind: 'DeleteOptions',
        apiVersion,
        gracePeriodSeconds: 0,
        propagationPolicy: 'Foreground',
        dryRun: ['All'],
      });
    }
  });

  it('maps every error code to a 400 or 415 answer', () => {
    for (const code of Object.values(ProtobufErrorCode)) {
      expect([400, 415]).toContain(PROTOBUF_WIRE_ERRORS[code].httpStatus);
    }
  });
});
