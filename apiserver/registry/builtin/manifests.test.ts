import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { KubeObject, ResourceDecl } from '../types.js';
import { unknownFields, validateSchema } from '../validate.js';
import { builtinResources } from './index.js';
import * as core from './testdata/core.yaml.js';
import { allMoreTypes } from './testdata/more.yaml.js';
import * as workloads from './testdata/workloads.yaml.js';

/** Real manifests decode under fieldValidation=Strict and pass the schema's type checks. */

function declFor(obj: KubeObject): ResourceDecl {
  const [group, version] = (obj.apiVersion ?? '').includes('/') ? (obj.apiVersion ?? '').split('/') : ['', obj.apiVersion];
  const decl = builtinResources.find((d) => d.kind === obj.kind && d.group === group && d.version === version);
  if (decl === undefined) throw new Error(`no declaration for ${obj.apiVersion} ${obj.kind}`);
  return decl;
}

const manifests: Array<[string, string]> = [
  ['nginx deployment', workloads.nginxDeployment],
  ['pod with probes, volumes, resources', workloads.busyPod],
  ['running pod as the server returns it', workloads.runningPod],
  ['statefulset with volumeClaimTemplates', workloads.webStatefulSet],
  ['fluentd daemonset', workloads.fluentdDaemonSet],
  ['pi job with podFailurePolicy', workloads.piJob],
  ['LoadBalancer service', core.myService],
  ['configmap', core.gameConfig],
  ['tls secret', core.tlsSecret],
  ['namespace with status', core.namespaceWithStatus],
  ['serviceaccount', core.serviceAccount],
  ['endpoints', core.endpointsObject],
  ['event', core.scheduledEvent],
  ['kubelet node', core.kubeletNode],
  ['leader lease', core.leaderLease],
  ['CronTab CRD', core.cronTabCRD],
  ...core.rbacObjects.map((m, i): [string, string] => [`rbac object ${i}`, m]),
  ...allMoreTypes.map((m): [string, string] => [`${/kind: (\w+)/.exec(m)?.[1] ?? ''}`, m]),
];

describe('real manifests against the built-in schemas', () => {
  it.each(manifests)('%s has no unknown fields and no type errors', (_name, text) => {
    const obj = parse(text) as KubeObject;
    const decl = declFor(obj);
    expect(unknownFields(decl.schema, obj)).toEqual([]);
    expect(validateSchema(decl.schema, obj)).toEqual([]);
  });

  it.each(manifests)('%s stays schema-clean after defaulting and passes its strategy', (_name, text) => {
    const obj = parse(text) as KubeObject;
    const decl = declFor(obj);
    obj.metadata = { namespace: 'default', uid: 'uid-1', creationTimestamp: '2024-05-01T11:00:00Z', ...obj.metadata };
    if (!decl.namespaced) delete obj.metadata.namespace;
    if (decl.subresources?.status === true) delete obj['status'];
    decl.strategy?.defaults?.(obj);
    expect(unknownFields(decl.schema, obj)).toEqual([]);
    expect(validateSchema(decl.schema, obj)).toEqual([]);
    expect(decl.strategy?.validate?.(obj) ?? []).toEqual([]);
  });

  it('reports a misspelled field where strict decoding does', () => {
    const obj = parse(workloads.nginxDeployment) as KubeObject;
    const container = ((obj['spec'] as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec.containers)[0]!;
    container['imagee'] = 'nginx';
    container['ports'] = [{ containerPort: 80, protcol: 'TCP' }];
    expect(unknownFields(declFor(obj).schema, obj)).toEqual([
      'spec.template.spec.containers[0].ports[0].protcol',
      'spec.template.spec.containers[0].imagee',
    ]);
  });

  it('keeps openAPIV3Schema free-form but checks the rest of a CRD', () => {
    const obj = parse(core.cronTabCRD) as KubeObject;
    const version = (obj['spec'] as { versions: Array<Record<string, unknown>> }).versions[0]!;
    version['servedd'] = true;
    expect(unknownFields(declFor(obj).schema, obj)).toEqual(['spec.versions[0].servedd']);
  });

  it('catches type errors: a string where an int32 belongs, an object where a list belongs', () => {
    const obj = parse(workloads.nginxDeployment) as KubeObject;
    (obj['spec'] as Record<string, unknown>)['replicas'] = 'three';
    (obj['spec'] as { template: { spec: Record<string, unknown> } }).template.spec['tolerations'] = {};
    const fields = validateSchema(declFor(obj).schema, obj).map((e) => e.field);
    expect(fields).toEqual(['spec.replicas', 'spec.template.spec.tolerations']);
  });

  it('accepts int-or-string ports and quantities as strings or integers', () => {
    const obj = parse(workloads.busyPod) as KubeObject;
    const spec = obj['spec'] as { containers: Array<{ resources: { limits: Record<string, unknown> } }> };
    spec.containers[0]!.resources.limits['cpu'] = 2;
    expect(validateSchema(declFor(obj).schema, obj)).toEqual([]);
  });
});
