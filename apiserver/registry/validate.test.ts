import { describe, expect, it } from 'vitest';
import type { Schema } from './schema.js';
import { dns1123LabelErrors, prune, qualifiedNameErrors, unknownFields, validateObjectMeta, validateSchema } from './validate.js';

const schema: Schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['image'],
      properties: {
        image: { type: 'string' },
        replicas: { type: 'integer', minimum: 0 },
        mode: { type: 'string', enum: ['A', 'B'] },
        ports: { type: 'array', items: { type: 'object', properties: { port: { type: 'integer' } } } },
        env: { type: 'object', additionalProperties: { type: 'string' } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        target: { 'x-kubernetes-int-or-string': true },
      },
    },
  },
};

describe('unknownFields and prune', () => {
  it('names unknown fields with Kubernetes field paths, and pruning removes exactly those', () => {
    const obj = { spec: { image: 'x', imagee: 'y', ports: [{ port: 1, name: 'p' }], env: { A: 'b' }, free: { anything: { deep: 1 } } }, extra: true };
    expect(unknownFields(schema, obj).sort()).toEqual(['extra', 'spec.imagee', 'spec.ports[0].name']);
    prune(schema, obj);
    expect(obj).toEqual({ spec: { image: 'x', ports: [{ port: 1 }], env: { A: 'b' }, free: { anything: { deep: 1 } } } });
    expect(unknownFields(schema, obj)).toEqual([]);
  });
});

describe('validateSchema', () => {
  it('reports type, enum, bound and required errors with their paths', () => {
    const errs = validateSchema(schema, { spec: { replicas: -1, mode: 'C', target: 1.5 } });
    expect(errs.map((e) => [e.reason, e.field])).toEqual([
      ['FieldValueRequired', 'spec.image'],
      ['FieldValueInvalid', 'spec.replicas'],
      ['FieldValueNotSupported', 'spec.mode'],
      ['FieldValueTypeInvalid', 'spec.target'],
    ]);
    expect(validateSchema(schema, { spec: { image: 3 } })[0]).toMatchObject({ reason: 'FieldValueTypeInvalid', field: 'spec.image' });
  });

  it('accepts a valid object, int-or-string either way', () => {
    expect(validateSchema(schema, { spec: { image: 'x', replicas: 2, mode: 'A', target: 'http' } })).toEqual([]);
    expect(validateSchema(schema, { spec: { image: 'x', target: 8080 } })).toEqual([]);
  });
});

describe('object metadata', () => {
  it('checks names, namespaces, labels and annotation keys as apimachinery does', () => {
    expect(dns1123LabelErrors('my-name')).toEqual([]);
    expect(dns1123LabelErrors('My_Name')).toHaveLength(1);
    expect(qualifiedNameErrors('example.com/key')).toEqual([]);
    expect(qualifiedNameErrors('/key')).toContain('prefix part must be non-empty');
    const errs = validateObjectMeta({ name: 'Bad_Name', namespace: 'default', labels: { 'a b': 'c', ok: '-bad' } }, { namespaced: true, nameRule: 'subdomain' });
    expect(errs.map((e) => e.field)).toEqual(['metadata.name', 'metadata.labels', 'metadata.labels']);
    expect(validateObjectMeta({}, { namespaced: false, nameRule: 'subdomain' })[0]).toMatchObject({ reason: 'FieldValueRequired', field: 'metadata.name' });
    expect(validateObjectMeta({ name: 'a.b', namespace: 'x' }, { namespaced: false, nameRule: 'subdomain' })[0]?.field).toBe('metadata.namespace');
    expect(validateObjectMeta({ name: 'a.b' }, { namespaced: false, nameRule: 'label' })).toHaveLength(1);
  });
});
