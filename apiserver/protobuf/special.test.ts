/** Hand-built wire tests for the types with their own marshalling: Time, MicroTime, Duration, IntOrString, Quantity, FieldsV1, RawExtension. */
import { describe, expect, it } from 'vitest';
import { ProtobufErrorCode } from './errors.js';
import { decodeKubeProtobuf, MAX_NESTED_ENVELOPES } from './index.js';
import { decodeSpecial, goDurationString } from './special.js';
import { envelope, message, msg, str, vint } from './testdata/wire_writer.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

const SECONDS_2026 = Date.UTC(2026, 0, 2, 3, 4, 5) / 1000;
const GO_ZERO_TIME = -62135596800;

function metadataOf(...metaFields: Buffer[]): Record<string, unknown> {
  const { object } = decodeKubeProtobuf(envelope('v1', 'ConfigMap', message(msg(1, ...metaFields))));
  return object['metadata'] as Record<string, unknown>;
}

describe('metav1.Time', () => {
  it('writes RFC 3339 in UTC with whole seconds', () => {
    expect(metadataOf(msg(8, vint(1, SECONDS_2026), vint(2, 999_999_999)))['creationTimestamp']).toBe('2026-01-02T03:04:05Z');
  });

  it('is null when empty or Go\'s zero time, and 1970 when seconds are 0 with bytes present', () => {
    expect(metadataOf(msg(8))['creationTimestamp']).toBeNull();
    expect(metadataOf(msg(8, vint(1, GO_ZERO_TIME)))['creationTimestamp']).toBeNull();
    expect(metadataOf(msg(8, vint(1, 0)))['creationTimestamp']).toBe('1970-01-01T00:00:00Z');
    expect(metadataOf()['creationTimestamp']).toBeNull();
  });

  it('handles years before 1000 and before 1970, and normalises negative nanos as time.Unix does', () => {
    expect(metadataOf(msg(8, vint(1, GO_ZERO_TIME + 1)))['creationTimestamp']).toBe('0001-01-01T00:00:01Z');
    expect(metadataOf(msg(8, vint(1, -1)))['creationTimestamp']).toBe('1969-12-31T23:59:59Z');
    expect(metadataOf(msg(8, vint(1, SECONDS_2026), vint(2, -1)))['creationTimestamp']).toBe('2026-01-02T03:04:04Z');
  });

  it('keeps a present pointer time even when zero (deletionTimestamp: null)', () => {
    const meta = metadataOf(msg(9));
    expect('deletionTimestamp' in meta).toBe(true);
    expect(meta['deletionTimestamp']).toBeNull();
    expect('deletionTimestamp' in metadataOf()).toBe(false);
  });

  it('reports unknown fields inside the timestamp', () => {
    const { skipped } = decodeKubeProtobuf(envelope('v1', 'ConfigMap', message(msg(1, msg(8, vint(1, 5), vint(3, 1))))));
    expect(skipped).toEqual(['metadata.creationTimestamp.#3']);
  });
});

describe('metav1.MicroTime', () => {
  const lease = (...spec: Buffer[]): Record<string, unknown> =>
    decodeKubeProtobuf(envelope('coordination.k8s.io/v1', 'Lease', message(msg(2, ...spec)))).object['spec'] as Record<string, unknown>;

  it('writes six fraction digits, truncated', () => {
    expect(lease(msg(3, vint(1, SECONDS_2026), vint(2, 123_456_789)))['acquireTime']).toBe('2026-01-02T03:04:05.123456Z');
    expect(lease(msg(4, vint(1, SECONDS_2026)))['renewTime']).toBe('2026-01-02T03:04:05.000000Z');
  });

  it('keeps a present zero *int32 beside it', () => {
    expect(lease(vint(2, 0), vint(5, 0))).toEqual({ leaseDurationSeconds: 0, leaseTransitions: 0 });
  });
});

describe('metav1.Duration', () => {
  it.each([
    [0n, '0s'],
    [1n, '1ns'],
    [999n, '999ns'],
    [1_500n, '1.5µs'],
    [2_000_000n, '2ms'],
    [1_234_567n, '1.234567ms'],
    [1_500_000_000n, '1.5s'],
    [60_000_000_000n, '1m0s'],
    [3_723_500_000_000n, '1h2m3.5s'],
    [3_600_000_000_000n, '1h0m0s'],
    [-240_000_000_000n, '-4m0s'],
    [1n << 62n, '1281023h53m38.427387904s'],
    [-(1n << 63n), '-2562047h47m16.854775808s'],
  ])('%d ns is %s', (ns, text) => {
    expect(goDurationString(ns)).toBe(text);
  });

  it('decodes {duration=1} and its zero', () => {
    const ctx = { skipped: [], decodeNestedEnvelope: () => ({}) };
    expect(decodeSpecial('dur', vint(1, 90_000_000_000), 'x', ctx)).toBe('1m30s');
    expect(decodeSpecial('dur', vint(1, -1), 'x', ctx)).toBe('-1ns');
    expect(decodeSpecial('dur', undefined, 'x', ctx)).toBe('0s');
  });
});

describe('intstr.IntOrString', () => {
  const port = (...targetPort: Buffer[]): unknown => {
    const raw = message(msg(2, msg(1, vint(3, 80), ...targetPort)));
    const spec = decodeKubeProtobuf(envelope('v1', 'Service', raw)).object['spec'] as { ports: Record<string, unknown>[] };
    return spec.ports[0]?.['targetPort'];
  };

  it('is a number for type 0 and a string for type 1', () => {
    expect(port(msg(4, vint(1, 0), vint(2, 8080), str(3, '')))).toBe(8080);
    expect(port(msg(4, vint(1, 1), vint(2, 0), str(3, 'http')))).toBe('http');
  });

  it('is 0 when absent (a plain struct is never omitted)', () => {
    expect(port()).toBe(0);
  });

  it('rejects another type', () => {
    expect(codeOf(() => port(msg(4, vint(1, 2))))).toBe(ProtobufErrorCode.INVALID_VALUE);
  });

  it('keeps a pointer IntOrString (rollingUpdate.maxUnavailable)', () => {
    const raw = message(msg(2, msg(4, str(1, 'RollingUpdate'), msg(2, msg(1, vint(1, 1), str(3, '25%')), msg(2, vint(1, 0), vint(2, 0))))));
    const spec = decodeKubeProtobuf(envelope('apps/v1', 'Deployment', raw)).object['spec'] as Record<string, unknown>;
    expect(spec['strategy']).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 0 } });
  });
});

describe('resource.Quantity', () => {
  const ctx = { skipped: [], decodeNestedEnvelope: () => ({}) };

  it('is its string, "0" when absent, and an error when empty', () => {
    expect(decodeSpecial('qty', str(1, '250m'), 'q', ctx)).toBe('250m');
    expect(decodeSpecial('qty', undefined, 'q', ctx)).toBe('0');
    expect(decodeSpecial('qty', Buffer.alloc(0), 'q', ctx)).toBe('0');
    expect(codeOf(() => decodeSpecial('qty', str(1, ''), 'q', ctx))).toBe(ProtobufErrorCode.INVALID_VALUE);
  });
});

describe('metav1.FieldsV1 in managedFields', () => {
  const managed = (...entryFields: Buffer[]): unknown => metadataOf(msg(17, ...entryFields))['managedFields'];

  it('parses the raw JSON', () => {
    const fields = msg(7, str(1, '{"f:data":{"f:a":{}},"f:metadata":{}}'));
    expect(managed(str(1, 'kubectl'), str(2, 'Update'), str(3, 'v1'), msg(4, vint(1, SECONDS_2026)), str(6, 'FieldsV1'), fields)).toEqual([
      {
        manager: 'kubectl',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2026-01-02T03:04:05Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:a': {} }, 'f:metadata': {} },
      },
    ]);
  });

  it('is null when present without Raw, and an error when Raw is not JSON', () => {
    expect(managed(str(1, 'm'), msg(7))).toEqual([{ manager: 'm', fieldsV1: null }]);
    expect(codeOf(() => managed(msg(7, str(1, '{not json'))))).toBe(ProtobufErrorCode.INVALID_VALUE);
  });
});

describe('runtime.RawExtension (ControllerRevision.data)', () => {
  const revision = (...fields: Buffer[]): Record<string, unknown> =>
    decodeKubeProtobuf(envelope('apps/v1', 'ControllerRevision', message(msg(1, str(1, 'r')), ...fields))).object;

  it('parses raw JSON, and is null when absent (a struct, so omitempty keeps it)', () => {
    expect(revision(msg(2, str(1, '{"spec":{"replicas":2}}')), vint(3, 7))).toMatchObject({ data: { spec: { replicas: 2 } }, revision: 7 });
    expect(revision()['data']).toBeNull();
    expect(revision()['revision']).toBe(0);
  });

  it('decodes an embedded protobuf envelope', () => {
    const inner = envelope('v1', 'ConfigMap', message(msg(1, str(1, 'inner')), msg(2, str(1, 'k'), str(2, 'v'))));
    expect(revision(msg(2, msg(1, inner)))['data']).toEqual({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'inner', creationTimestamp: null },
      data: { k: 'v' },
    });
  });

  it('limits how deep envelopes nest', () => {
    let body: Buffer = envelope('v1', 'Namespace', Buffer.alloc(0));
    for (let i = 0; i <= MAX_NESTED_ENVELOPES; i++) body = envelope('apps/v1', 'ControllerRevision', msg(2, msg(1, body)));
    expect(codeOf(() => decodeKubeProtobuf(body))).toBe(ProtobufErrorCode.NESTING_TOO_DEEP);
  });

  it('rejects raw bytes that are neither JSON nor an envelope', () => {
    expect(codeOf(() => revision(msg(2, msg(1, Buffer.from([0x01, 0x02])))))).toBe(ProtobufErrorCode.INVALID_VALUE);
  });
});
