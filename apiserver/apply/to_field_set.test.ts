import { describe, expect, it } from 'vitest';
import type { Schema } from '../registry/schema.js';
import { ApplyErrorCode } from './errors.js';
import { fieldsV1Text } from './fields_v1.js';
import { withObjectMeta } from './object_meta.js';
import { deploymentSchema, nginxDeployment, podSchema, widgetSchema } from './testing.js';
import { collectFieldSet, fieldSetOf } from './to_field_set.js';

const text = (value: unknown, schema: Schema | undefined): string => fieldsV1Text(fieldSetOf(value, schema === undefined ? undefined : withObjectMeta(schema)));

describe('the field set of an applied object', () => {
  it('is what kubectl apply --server-side records for the docs nginx deployment', () => {
    expect(text(nginxDeployment(), deploymentSchema)).toBe(
      '{"f:apiVersion":{},"f:kind":{},"f:metadata":{"f:labels":{"f:app":{}},"f:name":{},"f:namespace":{}},' +
        '"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},' +
        '"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{}}}}}}}',
    );
  });

  it('types a root metadata without properties as ObjectMeta', () => {
    const pod = { metadata: { labels: { app: 'x' }, finalizers: ['a'], ownerReferences: [{ uid: 'u1', name: 'rs' }] } };
    expect(text(pod, podSchema)).toBe(
      '{"f:metadata":{"f:finalizers":{"v:\\"a\\"":{}},"f:labels":{"f:app":{}},"f:ownerReferences":{"k:{\\"uid\\":\\"u1\\"}":{}}}}',
    );
  });

  it('keys list-maps by all their keys, filling a missing key from its default', () => {
    const pod = { spec: { containers: [{ name: 'web', ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }] }] } };
    expect(text(pod, podSchema)).toBe(
      '{"f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:name":{},"f:ports":{' +
        '"k:{\\"containerPort\\":53,\\"protocol\\":\\"UDP\\"}":{".":{},"f:containerPort":{},"f:protocol":{}},' +
        '"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{}}}}}}}',
    );
  });

  it('treats a patch merge key without a list type as a list-map, and merge on primitives as a set', () => {
    const pod = { spec: { containers: [{ name: 'web', env: [{ name: 'A', value: '1' }] }], hostnames: ['a', 'b'] } };
    expect(text(pod, podSchema)).toBe(
      '{"f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:env":{"k:{\\"name\\":\\"A\\"}":{".":{},"f:name":{},"f:value":{}}},"f:name":{}}},' +
        '"f:hostnames":{"v:\\"a\\"":{},"v:\\"b\\"":{}}}}',
    );
  });

  it('makes atomic lists and maps single leaves', () => {
    const pod = {
      spec: {
        containers: [{ name: 'web', args: ['-v'], command: ['run'] }],
        nodeSelector: { disk: 'ssd' },
        tolerations: [{ key: 'k' }],
      },
    };
    expect(text(pod, podSchema)).toBe(
      '{"f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:args":{},"f:command":{},"f:name":{}}},"f:nodeSelector":{},"f:tolerations":{}}}',
    );
  });

  it('owns nulls and empty objects but not an empty granular list', () => {
    const pod = { spec: { nodeName: null, containers: [] }, status: {} };
    expect(text(pod, podSchema)).toBe('{"f:spec":{"f:nodeName":{}},"f:status":{}}');
  });

  it('deduces unknown subtrees as upstream: maps granular with every key a member, lists atomic', () => {
    const widget = { spec: { size: 3, color: { primary: 'red', shades: ['a', 'b'] } } };
    expect(text(widget, widgetSchema)).toBe('{"f:spec":{"f:color":{".":{},"f:primary":{},"f:shades":{}},"f:size":{}}}');
    expect(text({ a: { b: { c: 1 } }, l: [1] }, undefined)).toBe('{"f:a":{".":{},"f:b":{".":{},"f:c":{}}},"f:l":{}}');
  });

  it('treats a value whose form contradicts the schema as one leaf', () => {
    expect(text({ spec: { nodeName: { weird: true } } }, podSchema)).toBe('{"f:spec":{"f:nodeName":{}}}');
  });
});

describe('typing problems', () => {
  const schema = withObjectMeta(podSchema);

  it('rejects undeclared fields in strict mode and deduces them otherwise', () => {
    const pod = { spec: { bogus: { x: 1 } } };
    expect(collectFieldSet(pod, schema, { strict: true }).errors).toEqual(['.spec.bogus: field not declared in schema']);
    expect(fieldsV1Text(fieldSetOf(pod, schema))).toBe('{"f:spec":{"f:bogus":{".":{},"f:x":{}}}}');
  });

  it('reports list elements without their key, with upstream wording', () => {
    const pod = { spec: { containers: [{ image: 'x' }, 'nope', null] } };
    expect(collectFieldSet(pod, schema).errors).toEqual([
      '.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
      '.spec.containers: element 1: associative list with keys may not have non-map elements',
      '.spec.containers: element 2: associative list with keys may not have a null element',
    ]);
    expect(() => fieldSetOf(pod, schema)).toThrowError(expect.objectContaining({ code: ApplyErrorCode.INVALID_OBJECT }));
  });

  it('reports bad set elements', () => {
    expect(collectFieldSet({ metadata: { finalizers: [{ a: 1 }, ['x'], null] } }, schema).errors).toEqual([
      ".metadata.finalizers: element 0: associative list without keys has an element that's a map type",
      '.metadata.finalizers: element 1: not supported: associative list with lists as elements',
      ".metadata.finalizers: element 2: associative list without keys has an element that's an explicit null",
    ]);
  });

  it('rejects duplicated keys in strict mode; otherwise the duplicate is one member with nothing below', () => {
    const pod = { spec: { containers: [{ name: 'a', image: '1' }, { name: 'a', image: '2' }, { name: 'b' }] } };
    expect(collectFieldSet(pod, schema, { strict: true }).errors).toEqual(['.spec.containers: duplicate entries for key [name="a"]']);
    expect(fieldsV1Text(fieldSetOf(pod, schema))).toBe(
      '{"f:spec":{"f:containers":{"k:{\\"name\\":\\"a\\"}":{},"k:{\\"name\\":\\"b\\"}":{".":{},"f:name":{}}}}}',
    );
  });

  it('formats several problems as upstream ValidationErrors', () => {
    expect(() => fieldSetOf({ spec: { containers: [{}, {}] } }, schema)).toThrowError(
      'errors:\n  .spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)\n' +
        '  .spec.containers: element 1: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
    );
  });
});
