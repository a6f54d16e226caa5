import { describe, expect, it } from 'vitest';
import { ApplyErrorCode } from './errors.js';
import { FieldSet } from './field_set.js';
import { fieldsV1Text, fromFieldsV1, toFieldsV1 } from './fields_v1.js';
import { fieldElement as f, keyElement as k, pathToString, valueElement as v } from './path_element.js';

/** fieldsV1 documents as a Kubernetes API server writes them (kubectl create, controller status, pod ports, finalizers). */
const UPSTREAM = {
  kubectlCreateDeployment:
    '{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:progressDeadlineSeconds":{},"f:replicas":{},"f:revisionHistoryLimit":{},' +
    '"f:selector":{},"f:strategy":{"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},' +
    '"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},' +
    '"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},' +
    '"f:dnsPolicy":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}}}',
  controllerStatus:
    '{"f:metadata":{"f:annotations":{".":{},"f:deployment.kubernetes.io/revision":{}}},"f:status":{"f:availableReplicas":{},' +
    '"f:conditions":{".":{},"k:{\\"type\\":\\"Available\\"}":{".":{},"f:lastTransitionTime":{},"f:lastUpdateTime":{},"f:message":{},' +
    '"f:reason":{},"f:status":{},"f:type":{}},"k:{\\"type\\":\\"Progressing\\"}":{".":{},"f:lastTransitionTime":{},"f:lastUpdateTime":{},' +
    '"f:message":{},"f:reason":{},"f:status":{},"f:type":{}}},"f:observedGeneration":{},"f:readyReplicas":{},"f:replicas":{},"f:updatedReplicas":{}}}',
  podPorts:
    '{"f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{".":{},' +
    '"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{},"f:protocol":{}}}}}}}',
  finalizers: '{"f:metadata":{"f:finalizers":{".":{},"v:\\"kubernetes\\"":{}}}}',
  brief: '{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{}}}}}',
};

describe('fieldsV1', () => {
  it.each(Object.entries(UPSTREAM))('round-trips the upstream document %s byte for byte', (_name, text) => {
    expect(fieldsV1Text(fromFieldsV1(text))).toBe(text);
    expect(fieldsV1Text(fromFieldsV1(JSON.parse(text)))).toBe(text);
  });

  it('reads members, parents and "." as upstream', () => {
    const s = fromFieldsV1(UPSTREAM.brief);
    expect(s.paths().map(pathToString)).toEqual([
      '.metadata.labels',
      '.metadata.labels.app',
      '.spec.containers[name="nginx"]',
      '.spec.containers[name="nginx"].image',
    ]);
    expect(s.has([f('metadata')])).toBe(false);
    expect(s.has([f('spec'), f('containers')])).toBe(false);
  });

  it('writes "." first, then elements in upstream order whatever the insertion order', () => {
    const s = FieldSet.of(
      [f('spec'), f('list'), v('b')],
      [f('spec'), f('list'), v('a')],
      [f('spec'), f('list')],
      [f('spec'), f('z')],
      [f('spec'), f('list'), k({ name: 'x' })],
      [f('apiVersion')],
    );
    expect(fieldsV1Text(s)).toBe('{"f:apiVersion":{},"f:spec":{"f:list":{".":{},"k:{\\"name\\":\\"x\\"}":{},"v:\\"a\\"":{},"v:\\"b\\"":{}},"f:z":{}}}');
  });

  it('sorts unsorted input and normalises a lone "."', () => {
    expect(fieldsV1Text(fromFieldsV1({ 'i:0': {}, 'v:1': {}, 'k:{"a":1}': {}, 'f:z': {}, 'f:b': { '.': {} } }))).toBe(
      '{"f:b":{},"f:z":{},"k:{\\"a\\":1}":{},"v:1":{},"i:0":{}}',
    );
  });

  it('drops path elements of unknown types', () => {
    expect(fieldsV1Text(fromFieldsV1({ 'f:a': {}, 'x:b': {}, 'f:c': { 'y:d': {} } }))).toBe('{"f:a":{},"f:c":{}}');
  });

  it('is empty for {}', () => {
    expect(fromFieldsV1({}).isEmpty()).toBe(true);
    expect(toFieldsV1(new FieldSet())).toEqual({});
  });

  it('rejects documents that are not field sets', () => {
    for (const doc of ['[', '[]', 'null', { 'f:a': 1 }, { 'f:a': [] }, { 'k:{': {} }, { 'i:x': {} }]) {
      expect(() => fromFieldsV1(doc)).toThrowError(expect.objectContaining({ code: ApplyErrorCode.INVALID_FIELDS_V1 }));
    }
  });
});
