/**
 * Hand-built bodies for the rules that turn protobuf presence into encoding/json output:
 * pointers, omitempty, zero structs, nil versus empty collections, map order, unknown fields and
 * malformed data.
 */
import { describe, expect, it } from 'vitest';
import { compileDescriptors, type DescriptorModule } from './descriptor.js';
import { decodeMessage } from './decode.js';
import { ProtobufErrorCode } from './errors.js';
import { decodeKubeProtobuf } from './index.js';
import { bytes, double, entry, envelope, fixed32, message, msg, str, tag, varint, vint } from './testdata/wire_writer.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

const meta = (...fields: Uint8Array[]): Buffer => msg(1, ...fields);

describe('presence and omitempty', () => {
  it('writes the zero ObjectMeta gogo sends for an empty struct as encoding/json does', () => {
    // kubectl writes every plain string of ObjectMeta, even empty, and creationTimestamp as an empty message.
    const raw = message(meta(str(1, 'c'), str(2, ''), str(3, ''), vint(7, 0), msg(8)));
    const { object } = decodeKubeProtobuf(envelope('v1', 'ConfigMap', raw));
    expect(object).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c', creationTimestamp: null } });
  });

  it('keeps a pointer field that is present with a zero value and drops an absent one', () => {
    const raw = message(meta(str(1, 'c')), vint(4, false));
    const { object } = decodeKubeProtobuf(envelope('v1', 'ConfigMap', raw));
    expect(object['immutable']).toBe(false);
    const { object: without } = decodeKubeProtobuf(envelope('v1', 'ConfigMap', message(meta(str(1, 'c')))));
    expect('immutable' in without).toBe(false);
  });

  it('keeps a present *int32 0 (DeploymentSpec.replicas) and drops a plain zero with omitempty (minReadySeconds)', () => {
    const raw = message(meta(), msg(2, vint(1, 0), vint(5, 0)));
    const spec = decodeKubeProtobuf(envelope('apps/v1', 'Deployment', raw)).object['spec'] as Record<string, unknown>;
    expect(spec['replicas']).toBe(0);
    expect('minReadySeconds' in spec).toBe(false);
    // selector is a pointer without omitempty: null when absent; template a plain struct: always there.
    expect(spec['selector']).toBeNull();
    expect(spec['template']).toEqual({ metadata: { creationTimestamp: null }, spec: { containers: null } });
    expect(spec['strategy']).toEqual({});
  });

  it('writes plain fields without omitempty even when zero (Container.name, ServicePort.port)', () => {
    const raw = message(meta(), msg(2, msg(1, str(1, ''), vint(3, 0))));
    const spec = decodeKubeProtobuf(envelope('v1', 'Service', raw)).object['spec'] as Record<string, unknown>;
    expect(spec['ports']).toEqual([{ port: 0, targetPort: 0 }]);
  });

  it('decodes a StorageClass (storage.k8s.io/v1), with its allowed topologies from core', () => {
    const term = msg(8, msg(1, str(1, 'topology.kubernetes.io/zone'), str(2, 'a'), str(2, 'b')));
    const raw = message(meta(str(1, 'fast')), str(2, 'example.com/disk'), entry(3, 'type', str(2, 'ssd')), str(4, 'Retain'), vint(6, true), str(7, 'WaitForFirstConsumer'), term);
    const { object } = decodeKubeProtobuf(envelope('storage.k8s.io/v1', 'StorageClass', raw));
    expect(object).toEqual({
      kind: 'StorageClass',
      apiVersion: 'storage.k8s.io/v1',
      metadata: { name: 'fast', creationTimestamp: null },
      provisioner: 'example.com/disk',
      parameters: { type: 'ssd' },
      reclaimPolicy: 'Retain',
      allowVolumeExpansion: true,
      volumeBindingMode: 'WaitForFirstConsumer',
      allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: ['a', 'b'] }] }],
    });
  });

  it('writes a slice without omitempty as null when absent (PolicyRule.verbs) and drops one with omitempty', () => {
    const raw = message(meta(str(1, 'r')), msg(2, str(3, 'pods')));
    const { object } = decodeKubeProtobuf(envelope('rbac.authorization.k8s.io/v1', 'Role', raw));
    expect(object['rules']).toEqual([{ verbs: null, resources: ['pods'] }]);
    const { object: noRules } = decodeKubeProtobuf(envelope('rbac.authorization.k8s.io/v1', 'Role', meta(str(1, 'r'))));
    expect(noRules['rules']).toBeNull();
  });

  it('keeps empty strings inside lists', () => {
    const raw = message(meta(), msg(2, str(1, 'get'), str(2, '')));
    const { object } = decodeKubeProtobuf(envelope('rbac.authorization.k8s.io/v1', 'Role', raw));
    expect(object['rules']).toEqual([{ verbs: ['get'], apiGroups: [''] }]);
  });

  it('writes fields in Go declaration order, not field-number order', () => {
    const raw = message(meta(str(1, 'c')), entry(3, 'b', bytes(2, Buffer.from([1]))), entry(2, 'a', str(2, 'x')), vint(4, true));
    const { object } = decodeKubeProtobuf(envelope('v1', 'ConfigMap', raw));
    expect(Object.keys(object)).toEqual(['kind', 'apiVersion', 'metadata', 'immutable', 'data', 'binaryData']);
  });

  it('lets the last occurrence of a scalar win and merges repeated occurrences of a message', () => {
    const raw = message(meta(str(1, 'first')), meta(str(3, 'ns')), meta(str(1, 'second')));
    const { object } = decodeKubeProtobuf(envelope('v1', 'ConfigMap', raw));
    expect(object['metadata']).toEqual({ name: 'second', namespace: 'ns', creationTimestamp: null });
  });
});

describe('maps', () => {
  it('sorts keys bytewise as encoding/json does and lets a repeated key\'s last value win', () => {
    const raw = message(
      meta(entry(11, 'b', str(2, '2')), entry(11, 'a', str(2, '1')), entry(11, 'B', str(2, '3')), entry(11, 'a', str(2, 'again'))),
    );
    const labels = (decodeKubeProtobuf(envelope('v1', 'ConfigMap', raw)).object['metadata'] as Record<string, unknown>)['labels'];
    expect(Object.entries(labels as object)).toEqual([
      ['B', '3'],
      ['a', 'again'],
      ['b', '2'],
    ]);
  });

  it('reads an entry whose value comes before its key, and gives a missing value its zero', () => {
    const raw = message(msg(2, str(2, 'v'), str(1, 'k')), msg(2, str(1, 'nothing')), msg(3, str(1, 'empty')));
    const { object } = decodeKubeProtobuf(envelope('v1', 'ConfigMap', raw));
    expect(object['data']).toEqual({ k: 'v', nothing: '' });
    expect(object['binaryData']).toEqual({ empty: '' });
  });

  it('keeps a "__proto__" key as data, not as the prototype', () => {
    const raw = message(entry(2, '__proto__', str(2, 'x')));
    const data = decodeKubeProtobuf(envelope('v1', 'ConfigMap', raw)).object['data'] as Record<string, unknown>;
    expect(Object.keys(data)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(JSON.stringify(data)).toBe('{"__proto__":"x"}');
  });

  it('decodes message values (ResourceList quantities)', () => {
    const raw = message(msg(2, entry(1, 'memory', msg(2, str(1, '2Gi'))), entry(1, 'cpu', msg(2, str(1, '1500m'))), entry(1, 'pods', msg(2))));
    const spec = decodeKubeProtobuf(envelope('v1', 'ResourceQuota', raw)).object['spec'];
    expect(spec).toEqual({ hard: { cpu: '1500m', memory: '2Gi', pods: '0' } });
  });
});

describe('bytes', () => {
  it('writes []byte map values as standard padded base64', () => {
    const raw = message(entry(2, 'k', bytes(2, Buffer.from('v'))), entry(2, 'bin', bytes(2, Buffer.from([0xff, 0x00, 0xfe]))));
    const { object } = decodeKubeProtobuf(envelope('v1', 'Secret', raw));
    expect(object['data']).toEqual({ bin: '/wD+', k: 'dg==' });
  });
});

describe('lists of scalars', () => {
  it('reads packed and unpacked repeated int64 alike (PodSecurityContext.supplementalGroups)', () => {
    const sc = (groups: Buffer): Buffer => msg(2, msg(14, groups));
    const unpacked = sc(message(vint(4, 0), vint(4, 3000)));
    const packed = sc(bytes(4, Buffer.concat([varint(0), varint(3000)])));
    for (const raw of [unpacked, packed]) {
      const spec = decodeKubeProtobuf(envelope('v1', 'Pod', raw)).object['spec'] as Record<string, unknown>;
      expect(spec['securityContext']).toEqual({ supplementalGroups: [0, 3000] });
    }
  });

  it('reads negative int32 written as 10-byte varints', () => {
    const raw = message(msg(2, vint(1, -5)));
    const spec = decodeKubeProtobuf(envelope('apps/v1', 'Deployment', raw)).object['spec'] as Record<string, unknown>;
    expect(spec['replicas']).toBe(-5);
  });
});

describe('unknown fields', () => {
  it('skips fields of every wire type by number and reports their paths', () => {
    const unknown = message(
      vint(90, 7),
      str(91, 'future'),
      fixed32(92, 1),
      double(93, 2.5),
      Buffer.concat([tag(94, 3), vint(1, 1), tag(94, 4)]),
    );
    const raw = message(meta(str(1, 'c'), unknown), entry(2, 'a', str(2, 'b')), unknown, msg(2, str(1, 'x'), str(2, 'y'), vint(3, 1)));
    const decoded = decodeKubeProtobuf(envelope('v1', 'ConfigMap', raw, str(9, 'envelope extra')));
    expect(decoded.object).toEqual({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'c', creationTimestamp: null },
      data: { a: 'b', x: 'y' },
    });
    // A message's own unknown fields are reported before those of the messages inside it.
    expect(decoded.skipped).toEqual([
      '<envelope>.#9',
      '#90',
      '#91',
      '#92',
      '#93',
      '#94',
      'data.#3',
      'metadata.#90',
      'metadata.#91',
      'metadata.#92',
      'metadata.#93',
      'metadata.#94',
    ]);
  });

  it('reports unknown fields deep in lists with their index', () => {
    const container = msg(2, str(1, 'c'), vint(99, 1));
    // DeploymentSpec.template (3) → PodTemplateSpec.spec (2) → PodSpec.containers (2).
    const raw = message(msg(2, msg(3, msg(2, msg(2, str(1, 'a')), container))));
    expect(decodeKubeProtobuf(envelope('apps/v1', 'Deployment', raw)).skipped).toEqual(['spec.template.spec.containers[1].#99']);
  });
});

describe('malformed data', () => {
  const raw = message(meta(str(1, 'name'), entry(11, 'k', str(2, 'v'))), entry(2, 'a', str(2, 'b')));
  const body = envelope('v1', 'ConfigMap', raw);

  it('rejects every cut inside the object', () => {
    expect(decodeKubeProtobuf(body).object['data']).toEqual({ a: 'b' });
    // raw is the envelope's last field: its tag, its length, then the object.
    const rawTagAt = body.length - raw.length - 1 - varint(raw.length).length;
    for (let len = rawTagAt + 1; len < body.length; len++) {
      expect(codeOf(() => decodeKubeProtobuf(body.subarray(0, len))), `cut at ${len}`).toBe(ProtobufErrorCode.TRUNCATED);
    }
  });

  it('rejects a cut object even when the envelope is whole', () => {
    for (let len = 1; len < raw.length; len++) {
      const code = codeOf(() => decodeKubeProtobuf(envelope('v1', 'ConfigMap', raw.subarray(0, len))));
      // A cut at a field boundary of the object itself is a valid, shorter object.
      if (code !== undefined) expect(code, `cut at ${len}`).toBe(ProtobufErrorCode.TRUNCATED);
    }
    expect(codeOf(() => decodeKubeProtobuf(envelope('v1', 'ConfigMap', raw.subarray(0, raw.length - 1))))).toBe(
      ProtobufErrorCode.TRUNCATED,
    );
  });

  it('rejects a length running past its enclosing message, with the path', () => {
    const raw = message(msg(1, tag(1, 2), varint(50), Buffer.from('short')));
    try {
      decodeKubeProtobuf(envelope('v1', 'ConfigMap', raw));
      expect.unreachable();
    } catch (err) {
      expect((err as { code: string }).code).toBe(ProtobufErrorCode.TRUNCATED);
      expect((err as { path: string }).path).toBe('metadata');
    }
  });

  it('rejects a known field with the wrong wire type', () => {
    expect(codeOf(() => decodeKubeProtobuf(envelope('v1', 'ConfigMap', message(meta(vint(1, 5))))))).toBe(
      ProtobufErrorCode.WIRE_TYPE_MISMATCH,
    );
    expect(codeOf(() => decodeKubeProtobuf(envelope('v1', 'ConfigMap', message(vint(1, 1)))))).toBe(
      ProtobufErrorCode.WIRE_TYPE_MISMATCH,
    );
  });

  it('rejects an int64 beyond 2^53 instead of rounding it', () => {
    const raw = message(meta(vint(7, 2n ** 60n)));
    expect(codeOf(() => decodeKubeProtobuf(envelope('v1', 'ConfigMap', raw)))).toBe(ProtobufErrorCode.INT_OUT_OF_RANGE);
    const ok = message(meta(vint(7, 2 ** 53 - 1)));
    expect((decodeKubeProtobuf(envelope('v1', 'ConfigMap', ok)).object['metadata'] as Record<string, unknown>)['generation']).toBe(
      2 ** 53 - 1,
    );
  });
});

describe('scalar kinds no built-in table uses', () => {
  const table: DescriptorModule = {
    module: 't',
    apiVersion: 't/v1',
    kinds: ['T'],
    messages: { T: 'u=1:u32 big=2:u64 f=3:f32 d=4:f64 b=5:b ys=6:[]y y=7:y? n=8:y' },
  };
  const desc = compileDescriptors([table]).messages.get('t.T');

  it('reads uint32, uint64, float, double, bool and []byte fields', () => {
    if (desc === undefined) throw new Error('no descriptor');
    const data = message(
      vint(1, 2 ** 32 + 7),
      vint(2, 12345),
      fixed32(3, Buffer.from(new Float32Array([0.1]).buffer).readUInt32LE()),
      double(4, -2.5),
      vint(5, 2),
      bytes(6, Buffer.from('a')),
      bytes(6, Buffer.alloc(0)),
    );
    const ctx = { skipped: [], decodeNestedEnvelope: () => ({}) };
    expect(decodeMessage(desc, data, '', ctx)).toEqual({ u: 7, big: 12345, f: 0.1, d: -2.5, b: true, ys: ['YQ==', ''], n: null });
  });

  it('drops an empty []byte under omitempty and writes "" without it', () => {
    if (desc === undefined) throw new Error('no descriptor');
    const ctx = { skipped: [], decodeNestedEnvelope: () => ({}) };
    const out = decodeMessage(desc, message(bytes(7, Buffer.alloc(0)), bytes(8, Buffer.alloc(0))), '', ctx);
    expect('y' in out).toBe(false);
    expect(out['n']).toBe('');
  });
});
