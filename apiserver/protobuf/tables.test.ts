import { describe, expect, it } from 'vitest';
import { compileDescriptors, type DescriptorModule, type MessageDesc } from './descriptor.js';
import { builtinResources } from '../registry/builtin/index.js';
import { descriptors, supportedKinds, TABLES } from './registry.js';

describe('descriptor tables', () => {
  it('compile, with every message reference resolved', () => {
    const compiled = descriptors();
    expect(compiled.messages.size).toBeGreaterThan(300);
    for (const desc of compiled.messages.values()) {
      for (const field of desc.fields) {
        if (field.type.kind === 'message') expect(compiled.messages.get(field.type.message.name)).toBe(field.type.message);
      }
    }
  });

  it('cover the kinds kubectl and common clients send', () => {
    const kinds = new Set(supportedKinds().map((k) => `${k.apiVersion} ${k.kind}`));
    const expected = [
      '* DeleteOptions',
      ...['Namespace', 'ConfigMap', 'Secret', 'Service', 'ServiceAccount', 'Pod', 'Endpoints', 'Event', 'Node', 'Binding'].map((k) => `v1 ${k}`),
      ...['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'].map((k) => `apps/v1 ${k}`),
      'batch/v1 Job',
      'batch/v1 CronJob',
      'coordination.k8s.io/v1 Lease',
      ...['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'].map((k) => `rbac.authorization.k8s.io/v1 ${k}`),
      'autoscaling/v1 Scale',
      'policy/v1 Eviction',
      ...['PersistentVolumeClaim', 'PersistentVolume', 'ResourceQuota', 'LimitRange'].map((k) => `v1 ${k}`),
      ...['Ingress', 'IngressClass', 'NetworkPolicy'].map((k) => `networking.k8s.io/v1 ${k}`),
      'policy/v1 PodDisruptionBudget',
      'autoscaling/v2 HorizontalPodAutoscaler',
      'scheduling.k8s.io/v1 PriorityClass',
    ];
    for (const k of expected) expect(kinds, k).toContain(k);
  });

  it('cover every stored built-in kind, but CRDs', () => {
    const kinds = new Set(supportedKinds().map((k) => `${k.apiVersion} ${k.kind}`));
    const missing = builtinResources
      .filter((d) => d.virtual !== true)
      .map((d) => `${d.group === '' ? d.version : `${d.group}/${d.version}`} ${d.kind}`)
      .filter((k) => !kinds.has(k));
    expect(missing.sort()).toEqual(['apiextensions.k8s.io/v1 CustomResourceDefinition']);
  });

  it('hold the facts the Go types say (spot checks against k8s.io/api types.go)', () => {
    const m = descriptors().messages;
    const field = (msg: string, json: string) => m.get(msg)?.fields.find((f) => f.jsonName === json);
    expect(field('apps.DeploymentSpec', 'replicas')).toMatchObject({ number: 1, pointer: true, omitEmpty: true });
    expect(field('core.Container', 'stdin')).toMatchObject({ number: 16, pointer: false, omitEmpty: true });
    expect(field('core.Container', 'name')).toMatchObject({ number: 1, pointer: false, omitEmpty: false });
    expect(field('meta.ObjectMeta', 'name')).toMatchObject({ number: 1, omitEmpty: true });
    expect(field('meta.ObjectMeta', 'labels')).toMatchObject({ number: 11, cardinality: 'map' });
    expect(field('core.Secret', 'data')).toMatchObject({ number: 2, cardinality: 'map', type: { kind: 'scalar', scalar: 'y' } });
    expect(field('core.ServicePort', 'targetPort')).toMatchObject({ number: 4, type: { kind: 'special', special: 'ios' } });
    expect(m.get('core.Volume')?.fields[1]).toMatchObject({ number: 2, inline: true, jsonName: '' });
    expect(m.get('core.Probe')?.fields[0]).toMatchObject({ number: 1, inline: true });
    // networking/v1 and batch/v1 generated.proto.
    expect(field('batch.CronJobSpec', 'timeZone')).toMatchObject({ number: 8, pointer: true });
    expect(field('networking.IngressBackend', 'service')).toMatchObject({ number: 4, pointer: true });
    expect(field('policy.PodDisruptionBudgetSpec', 'minAvailable')).toMatchObject({ number: 1, type: { kind: 'special', special: 'ios' } });
    expect(m.get('networking.IngressRule')?.fields[1]).toMatchObject({ number: 2, inline: true });
  });

  it('have no reference cycles, so message nesting (and recursion) is bounded by the tables, not the body', () => {
    const depthOf = new Map<string, number>();
    const visit = (desc: MessageDesc, onPath: Set<string>): number => {
      const known = depthOf.get(desc.name);
      if (known !== undefined) return known;
      if (onPath.has(desc.name)) throw new Error(`cycle through ${desc.name}`);
      onPath.add(desc.name);
      let depth = 1;
      for (const f of desc.fields) if (f.type.kind === 'message') depth = Math.max(depth, 1 + visit(f.type.message, onPath));
      onPath.delete(desc.name);
      depthOf.set(desc.name, depth);
      return depth;
    };
    for (const desc of descriptors().messages.values()) visit(desc, new Set());
    expect(Math.max(...depthOf.values())).toBeLessThan(32);
  });

  it('list each table once', () => {
    expect(new Set(TABLES.map((t) => `${t.module}`)).size).toBe(TABLES.length);
  });
});

describe('compileDescriptors', () => {
  const table = (messages: Record<string, string>): DescriptorModule[] => [{ module: 't', apiVersion: 't/v1', kinds: [], messages }];

  it('rejects a bad token, a duplicate field number and a dangling reference', () => {
    expect(() => compileDescriptors(table({ A: 'x=1' }))).toThrow(/bad descriptor token/);
    expect(() => compileDescriptors(table({ A: 'x=1:s y=1:b' }))).toThrow(/duplicate field number/);
    expect(() => compileDescriptors(table({ A: 'x=1:Missing' }))).toThrow(/unknown message t.Missing/);
    expect(() => compileDescriptors(table({ A: '@1:*B', B: '' }))).toThrow(/bad descriptor token|inline/);
    expect(() => compileDescriptors([{ module: 't', apiVersion: 'v', kinds: ['Nope'], messages: {} }])).toThrow(/without a message/);
  });

  it('parses flags and shapes', () => {
    const m = compileDescriptors(table({ A: 'a=1:*i32? b=2:[]B c=3:{}qty @4:B', B: 'x=1:s' })).messages.get('t.A');
    expect(m?.fields.map((f) => [f.jsonName, f.number, f.cardinality, f.pointer, f.omitEmpty, f.inline, f.type.kind])).toEqual([
      ['a', 1, 'single', true, true, false, 'scalar'],
      ['b', 2, 'list', false, false, false, 'message'],
      ['c', 3, 'map', false, false, false, 'special'],
      ['', 4, 'single', false, false, true, 'message'],
    ]);
  });
});
