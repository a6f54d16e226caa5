import { describe, expect, it } from 'vitest';
import type { Schema } from '../registry/schema.js';
import type { KubeObject } from '../registry/types.js';
import { apply, type ApplyOptions, type ApplyResult } from './apply.js';
import { conflictMessage } from './conflicts.js';
import { ApplyErrorCode } from './errors.js';
import { FieldSet } from './field_set.js';
import type { ManagedFieldsEntry } from './managed_fields.js';
import { fieldElement } from './path_element.js';
import { recordUpdate } from './record_update.js';
import { T0, T1, T2, deploymentSchema, nginxDeployment, podSchema, stored, widgetSchema } from './testing.js';

type Applied = Extract<ApplyResult, { outcome: 'applied' }>;

function opts(manager: string, now: Date, extra: Partial<ApplyOptions> = {}): ApplyOptions {
  return { manager, force: false, apiVersion: 'apps/v1', schema: deploymentSchema, now, ...extra };
}

function applied(r: ApplyResult): Applied {
  if (r.outcome !== 'applied') throw new Error(`expected the apply to succeed, got ${conflictMessage(r.conflicts)}`);
  return r;
}

/** The fieldsV1 text of `manager`'s entry with `operation`. */
function fields(entries: ManagedFieldsEntry[] | unknown, manager: string, operation = 'Apply'): string | undefined {
  const e = (entries as ManagedFieldsEntry[]).find((x) => x.manager === manager && x.operation === operation);
  return e === undefined ? undefined : JSON.stringify(e.fieldsV1);
}

const spec = (o: KubeObject): Record<string, unknown> => o['spec'] as Record<string, unknown>;
const containersOf = (o: KubeObject): Array<Record<string, unknown>> =>
  ((spec(o)['template'] as { spec: { containers: Array<Record<string, unknown>> } }).spec.containers);

/** A deployment as created (not applied) by `manager`, with its managedFields. */
function createdBy(manager: string, obj: KubeObject = nginxDeployment()): KubeObject {
  const s = stored(obj);
  s.metadata = { ...s.metadata, managedFields: recordUpdate(undefined, s, { manager, operation: 'Update', apiVersion: 'apps/v1', schema: deploymentSchema, now: T0 }) as never };
  return s;
}

describe('apply: create and re-apply', () => {
  it('creates the object and records exactly what kubectl apply --server-side records', () => {
    const r = applied(apply(undefined, nginxDeployment(), opts('kubectl', T0)));
    expect(r.changed).toBe(true);
    expect(r.managedFields).toEqual([
      { manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: '2024-05-01T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: expect.any(Object) },
    ]);
    expect(fields(r.managedFields, 'kubectl')).toBe(
      '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},' +
        '"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{}}}}}}}',
    );
    expect({ ...r.object, metadata: { ...r.object.metadata, managedFields: undefined } }).toEqual({
      ...nginxDeployment(),
      metadata: { ...nginxDeployment().metadata, managedFields: undefined },
    });
    expect(r.object.metadata?.managedFields).toEqual(r.managedFields);
  });

  it('is a no-op on re-apply of the same configuration, time included', () => {
    const first = applied(apply(undefined, nginxDeployment(), opts('kubectl', T0)));
    const again = applied(apply(stored(first.object), nginxDeployment(), opts('kubectl', T1)));
    expect(again.changed).toBe(false);
    expect(again.managedFields).toEqual(first.managedFields);
    expect(again.object['metadata']).toMatchObject({ uid: 'u-1', resourceVersion: '1' });
  });

  it('moves the time when the object changes', () => {
    const first = applied(apply(undefined, nginxDeployment(), opts('kubectl', T0)));
    const again = applied(apply(first.object, nginxDeployment({ replicas: 4 }), opts('kubectl', T1)));
    expect(again.managedFields[0]?.time).toBe('2024-05-01T10:05:00Z');
    expect(spec(again.object)['replicas']).toBe(4);
  });

  it('removes fields the applier stopped applying when nobody else owns them', () => {
    const first = applied(apply(undefined, nginxDeployment(), opts('kubectl', T0)));
    const config = nginxDeployment();
    delete spec(config)['replicas'];
    delete (config.metadata as { labels?: unknown }).labels;
    const second = applied(apply(first.object, config, opts('kubectl', T1)));
    expect(spec(second.object)['replicas']).toBeUndefined();
    expect(second.object.metadata?.labels).toBeUndefined();
    expect(second.object.metadata?.name).toBe('nginx');
    expect(fields(second.managedFields, 'kubectl')).not.toContain('f:replicas');
  });

  it('removes a whole struct whose last applied field goes', () => {
    const config = nginxDeployment();
    spec(config)['strategy'] = { rollingUpdate: { maxSurge: 1 } };
    const first = applied(apply(undefined, config, opts('kubectl', T0)));
    const second = applied(apply(first.object, nginxDeployment(), opts('kubectl', T1)));
    expect(spec(second.object)['strategy']).toBeUndefined();
  });

  it('leaves alone fields nobody owns', () => {
    const first = applied(apply(undefined, nginxDeployment(), opts('kubectl', T0)));
    const live = structuredClone(first.object);
    live.metadata = { ...live.metadata, annotations: { untracked: 'yes' } };
    const config = nginxDeployment();
    delete spec(config)['replicas'];
    const second = applied(apply(live, config, opts('kubectl', T1)));
    expect(second.object.metadata?.annotations).toEqual({ untracked: 'yes' });
  });

  it('relinquishes everything for a configuration with nothing in it, keeping identity', () => {
    const first = applied(apply(undefined, nginxDeployment(), opts('kubectl', T0)));
    const live = stored(first.object);
    const second = applied(apply(live, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx', namespace: 'default' } }, opts('kubectl', T1)));
    expect(second.managedFields).toEqual([]);
    expect(second.object.metadata?.managedFields).toBeUndefined();
    expect(second.object).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'nginx', namespace: 'default', uid: 'u-1', resourceVersion: '1', generation: 1, creationTimestamp: '2024-05-01T10:00:00Z' },
    });
  });
});

describe('apply: shared ownership and conflicts', () => {
  const replicasOnly = (n: number): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx', namespace: 'default' }, spec: { replicas: n } });

  it('conflicts with an Update manager that owns a field the configuration changes', () => {
    const live = createdBy('kubectl-client-side-apply');
    const r = apply(live, nginxDeployment({ replicas: 5 }), opts('kubectl', T1));
    expect(r).toEqual({
      outcome: 'conflict',
      conflicts: [{ manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'apps/v1', field: '.spec.replicas' }],
    });
    if (r.outcome === 'conflict') {
      expect(conflictMessage(r.conflicts)).toBe('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
    }
  });

  it('takes the fields with force, removing them from the other manager', () => {
    const live = createdBy('kubectl-client-side-apply');
    const r = applied(apply(live, nginxDeployment({ replicas: 5 }), opts('kubectl', T1, { force: true })));
    expect(spec(r.object)['replicas']).toBe(5);
    expect(fields(r.managedFields, 'kubectl')).toContain('"f:replicas":{}');
    expect(fields(r.managedFields, 'kubectl-client-side-apply', 'Update')).not.toContain('f:replicas');
    expect(r.managedFields.map((e) => e.operation)).toEqual(['Apply', 'Update']);
  });

  it('shares fields set to the same value without conflict', () => {
    const live = createdBy('kubectl-client-side-apply');
    const r = applied(apply(live, nginxDeployment(), opts('kubectl', T1)));
    expect(r.changed).toBe(false);
    expect(fields(r.managedFields, 'kubectl')).toContain('"f:replicas":{}');
    expect(fields(r.managedFields, 'kubectl-client-side-apply', 'Update')).toContain('"f:replicas":{}');
  });

  it('keeps a field another applier still owns when one applier drops it', () => {
    const a = applied(apply(undefined, nginxDeployment(), opts('alice', T0)));
    const b = applied(apply(a.object, replicasOnly(3), opts('bob', T1)));
    const config = nginxDeployment();
    delete spec(config)['replicas'];
    const a2 = applied(apply(b.object, config, opts('alice', T2)));
    expect(spec(a2.object)['replicas']).toBe(3);
    expect(fields(a2.managedFields, 'bob')).toBe('{"f:spec":{"f:replicas":{}}}');
    // Once bob owns it alone, alice can no longer change it without a conflict... and bob can.
    expect(apply(a2.object, nginxDeployment({ replicas: 4 }), opts('alice', T2)).outcome).toBe('conflict');
    expect(applied(apply(a2.object, replicasOnly(4), opts('bob', T2))).changed).toBe(true);
  });

  it('conflicts between appliers name the applier without a version', () => {
    const a = applied(apply(undefined, nginxDeployment(), opts('alice', T0)));
    const r = apply(a.object, replicasOnly(5), opts('bob', T1));
    expect(r.outcome === 'conflict' && conflictMessage(r.conflicts)).toBe('Apply failed with 1 conflict: conflict with "alice": .spec.replicas');
  });

  it('lists every conflict, grouped by manager', () => {
    const config = nginxDeployment();
    spec(config)['paused'] = false;
    const a = applied(apply(undefined, config, opts('alice', T0)));
    const b = applied(apply(a.object, { ...replicasOnly(3), metadata: { name: 'nginx', namespace: 'default', labels: { app: 'nginx' } } }, opts('bob', T0)));
    const other = nginxDeployment({ replicas: 6 });
    spec(other)['paused'] = true;
    (other.metadata as { labels: Record<string, string> }).labels['app'] = 'web';
    const r = apply(b.object, other, opts('carol', T1));
    expect(r.outcome === 'conflict' && conflictMessage(r.conflicts)).toBe(
      'Apply failed with 5 conflicts: conflicts with "alice":\n- .metadata.labels.app\n- .spec.paused\n- .spec.replicas\n' +
        'conflicts with "bob":\n- .metadata.labels.app\n- .spec.replicas',
    );
  });

  it('treats the same manager name under Update as another manager', () => {
    const live = createdBy('kubectl');
    expect(apply(live, nginxDeployment({ replicas: 1 }), opts('kubectl', T1)).outcome).toBe('conflict');
  });
});

describe('apply: lists', () => {
  /** `obj` after `manager` made a non-apply write that changes it with `edit`. */
  function updatedBy(obj: KubeObject, manager: string, edit: (o: KubeObject) => void, schema: Schema = deploymentSchema, apiVersion = 'apps/v1'): KubeObject {
    const next = structuredClone(obj);
    edit(next);
    next.metadata = { ...next.metadata, managedFields: recordUpdate(obj, next, { manager, operation: 'Update', apiVersion, schema, now: T1 }) as never };
    return next;
  }

  it('merges containers by name, keeping another manager’s container', () => {
    const a = applied(apply(undefined, nginxDeployment(), opts('kubectl', T0)));
    const withSidecar = updatedBy(a.object, 'injector', (o) => containersOf(o).push({ name: 'sidecar', image: 'envoy' }));
    expect(fields(withSidecar.metadata?.managedFields, 'injector', 'Update')).toBe(
      '{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\\"name\\":\\"sidecar\\"}":{".":{},"f:image":{},"f:name":{}}}}}}}',
    );
    const bumped = applied(apply(withSidecar, nginxDeployment({ image: 'nginx:1.25' }), opts('kubectl', T2)));
    expect(containersOf(bumped.object)).toEqual([
      { name: 'nginx', image: 'nginx:1.25' },
      { name: 'sidecar', image: 'envoy' },
    ]);

    const renamed = nginxDeployment();
    containersOf(renamed)[0] = { name: 'web', image: 'nginx:1.25' };
    const r = applied(apply(bumped.object, renamed, opts('kubectl', T2)));
    expect(containersOf(r.object).map((c) => c['name'])).toEqual(['sidecar', 'web']);
  });

  it('conflicts on a container field another manager changed', () => {
    const a = applied(apply(undefined, nginxDeployment(), opts('kubectl', T0)));
    const patched = updatedBy(a.object, 'kubectl-set', (o) => {
      (containersOf(o)[0] as { image: string }).image = 'nginx:hotfix';
    });
    const r = apply(patched, nginxDeployment({ image: 'nginx:1.26' }), opts('kubectl', T2));
    expect(r.outcome === 'conflict' && conflictMessage(r.conflicts)).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-set" using apps/v1: .spec.template.spec.containers[name="nginx"].image',
    );
  });

  it('merges sets by value and prunes only the values the applier owned', () => {
    const pod = (finalizers: string[]): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', finalizers } });
    const podOpts = (m: string, now: Date): ApplyOptions => opts(m, now, { apiVersion: 'v1', schema: podSchema });
    const a = applied(apply(undefined, pod(['a', 'b']), podOpts('alice', T0)));
    expect(fields(a.managedFields, 'alice')).toBe('{"f:metadata":{"f:finalizers":{"v:\\"a\\"":{},"v:\\"b\\"":{}}}}');
    const withC = updatedBy(a.object, 'controller', (o) => o.metadata?.finalizers?.push('c'), podSchema, 'v1');
    const r = applied(apply(withC, pod(['a']), podOpts('alice', T2)));
    expect(r.object.metadata?.finalizers).toEqual(['a', 'c']);
  });

  it('replaces atomic lists whole and contests them whole', () => {
    const pod = (args: string[]): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', args }] } });
    const podOpts = (m: string, now: Date, force = false): ApplyOptions => opts(m, now, { apiVersion: 'v1', schema: podSchema, force });
    const a = applied(apply(undefined, pod(['x', 'y']), podOpts('alice', T0)));
    const b = applied(apply(a.object, pod(['z']), podOpts('bob', T1, true)));
    expect((b.object['spec'] as { containers: Array<{ args: string[] }> }).containers[0]?.args).toEqual(['z']);
    expect(fields(b.managedFields, 'alice')).toBe('{"f:spec":{"f:containers":{"k:{\\"name\\":\\"c\\"}":{".":{},"f:name":{}}}}}');
    const r = apply(b.object, pod(['x', 'y']), podOpts('alice', T2));
    expect(r.outcome === 'conflict' && r.conflicts.map((c) => c.field)).toEqual(['.spec.containers[name="c"].args']);
  });

  it('matches a port applied without its defaulted protocol to the same element', () => {
    const pod = (port: Record<string, unknown>): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', ports: [port] }] },
    });
    const podOpts = (m: string, now: Date): ApplyOptions => opts(m, now, { apiVersion: 'v1', schema: podSchema });
    const a = applied(apply(undefined, pod({ containerPort: 80 }), podOpts('alice', T0)));
    const b = applied(apply(a.object, pod({ containerPort: 80, protocol: 'TCP', name: 'http' }), podOpts('alice', T1)));
    expect((b.object['spec'] as { containers: Array<{ ports: unknown[] }> }).containers[0]?.ports).toEqual([{ containerPort: 80, protocol: 'TCP', name: 'http' }]);
  });
});

describe('apply: what is tracked where', () => {
  it('does not own or contest fields the endpoint resets, but still merges them', () => {
    const config = { ...nginxDeployment(), status: { replicas: 3 } };
    const r = applied(apply(undefined, config, opts('kubectl', T0, { ignoredFields: FieldSet.of([fieldElement('status')]) })));
    expect(r.object['status']).toEqual({ replicas: 3 });
    expect(fields(r.managedFields, 'kubectl')).not.toContain('f:status');
  });

  it('keeps subresource appliers apart from main-resource appliers', () => {
    const a = applied(apply(undefined, nginxDeployment(), opts('kubectl', T0)));
    const s = applied(
      apply(a.object, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx' }, status: { replicas: 3 } }, opts('kubectl', T1, { subresource: 'status' })),
    );
    expect(s.managedFields.map((e) => [e.manager, e.subresource])).toEqual([
      ['kubectl', undefined],
      ['kubectl', 'status'],
    ]);
    expect(fields(s.managedFields.filter((e) => e.subresource === undefined), 'kubectl')).toContain('f:replicas');
  });

  it('tracks deduced custom resource fields', () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1, color: { primary: 'red' }, tags: ['a'] } };
    const r = applied(apply(undefined, widget, opts('ctl', T0, { apiVersion: 'example.com/v1', schema: widgetSchema })));
    expect(fields(r.managedFields, 'ctl')).toBe('{"f:spec":{"f:color":{".":{},"f:primary":{}},"f:size":{},"f:tags":{}}}');
  });
});

describe('apply: refusals', () => {
  it('refuses a configuration of another version', () => {
    const config = { ...nginxDeployment(), apiVersion: 'apps/v1beta1' };
    expect(() => apply(undefined, config, opts('kubectl', T0))).toThrowError(
      expect.objectContaining({
        code: ApplyErrorCode.VERSION_MISMATCH,
        message: 'Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1',
      }),
    );
  });

  it('refuses a configuration that sets managedFields', () => {
    const config = nginxDeployment();
    config.metadata = { ...config.metadata, managedFields: [] };
    expect(() => apply(undefined, config, opts('kubectl', T0))).toThrowError(
      expect.objectContaining({ code: ApplyErrorCode.MANAGED_FIELDS_IN_CONFIG, message: 'metadata.managedFields must be nil' }),
    );
  });

  it('refuses undeclared fields unless told to keep them', () => {
    const config = nginxDeployment();
    spec(config)['bogus'] = 1;
    expect(() => apply(undefined, config, opts('kubectl', T0))).toThrowError(
      expect.objectContaining({
        code: ApplyErrorCode.INVALID_CONFIG,
        message: 'failed to create typed patch object (default/nginx; apps/v1, Kind=Deployment): .spec.bogus: field not declared in schema',
      }),
    );
    expect(applied(apply(undefined, config, opts('kubectl', T0, { allowUnknownFields: true }))).object['spec']).toMatchObject({ bogus: 1 });
  });

  it('refuses duplicated keys in the configuration', () => {
    const config = nginxDeployment();
    containersOf(config).push({ name: 'nginx', image: 'other' });
    expect(() => apply(undefined, config, opts('kubectl', T0))).toThrowError(expect.objectContaining({ code: ApplyErrorCode.INVALID_CONFIG }));
  });

  it('refuses a live object whose managedFields cannot be decoded', () => {
    const live = stored(nginxDeployment());
    live.metadata = { ...live.metadata, managedFields: [{ manager: 'x', operation: 'Patch', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' }] };
    expect(() => apply(live, nginxDeployment(), opts('kubectl', T0))).toThrowError(
      expect.objectContaining({ code: ApplyErrorCode.INVALID_MANAGED_FIELDS, message: 'failed to decode managed fields: operation must be `Apply` or `Update`' }),
    );
  });

  it('does not modify its inputs', () => {
    const live = createdBy('kubectl-client-side-apply');
    const before = structuredClone(live);
    const config = nginxDeployment({ replicas: 9 });
    apply(live, config, opts('kubectl', T1, { force: true }));
    expect(live).toEqual(before);
    expect(config).toEqual(nginxDeployment({ replicas: 9 }));
  });
});

describe('apply: schemas that say little', () => {
  it('types metadata as ObjectMeta and deduces the rest when the schema declares nothing', () => {
    const obj = { apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't', labels: { a: 'b' } }, spec: { x: { y: 1 } } };
    const r = applied(apply(undefined, obj, opts('ctl', T0, { apiVersion: 'example.com/v1', schema: {} })));
    expect(fields(r.managedFields, 'ctl')).toBe('{"f:metadata":{"f:labels":{"f:a":{}}},"f:spec":{".":{},"f:x":{".":{},"f:y":{}}}}');
  });

  it('accepts managedFields: null in the configuration', () => {
    const first = applied(apply(undefined, nginxDeployment(), opts('kubectl', T0)));
    const config = nginxDeployment();
    config.metadata = { ...config.metadata, managedFields: null as never };
    const again = applied(apply(first.object, config, opts('kubectl', T1)));
    expect(again.changed).toBe(false);
  });
});
