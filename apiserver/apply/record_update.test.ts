import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../registry/types.js';
import { ApplyErrorCode } from './errors.js';
import { FieldSet } from './field_set.js';
import type { ManagedFieldsEntry } from './managed_fields.js';
import { fieldElement } from './path_element.js';
import { recordUpdate, type UpdateOptions } from './record_update.js';
import { T0, T1, T2, deploymentSchema, nginxDeployment, podSchema, stored } from './testing.js';

const deploy = (manager: string, now: Date, extra: Partial<UpdateOptions> = {}): UpdateOptions => ({
  manager,
  operation: 'Update',
  apiVersion: 'apps/v1',
  schema: deploymentSchema,
  now,
  ...extra,
});
const pod = (manager: string, now: Date, extra: Partial<UpdateOptions> = {}): UpdateOptions => ({ ...deploy(manager, now, extra), apiVersion: 'v1', schema: podSchema });

/** `obj` carrying `entries`, as the store would hold it. */
function withEntries<T extends KubeObject>(obj: T, entries: ManagedFieldsEntry[]): T {
  const copy = structuredClone(obj);
  copy.metadata = { ...copy.metadata, managedFields: entries as unknown as Array<Record<string, unknown>> };
  return copy;
}

const summary = (entries: ManagedFieldsEntry[]): Array<[string, string, string]> =>
  entries.map((e) => [e.manager, e.operation, JSON.stringify(e.fieldsV1)]);

describe('recordUpdate on create', () => {
  it('gives the creator every field it wrote, new parents marked with "."', () => {
    const entries = recordUpdate(undefined, stored(nginxDeployment()), deploy('kubectl-create', T0));
    expect(entries).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: '2024-05-01T10:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: expect.any(Object),
      },
    ]);
    expect(JSON.stringify(entries[0]?.fieldsV1)).toBe(
      '{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{".":{},"f:replicas":{},"f:selector":{},' +
        '"f:template":{".":{},"f:metadata":{".":{},"f:labels":{".":{},"f:app":{}}},"f:spec":{".":{},"f:containers":{".":{},' +
        '"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{}}}}}}}',
    );
  });

  it('never tracks identity and server-set metadata', () => {
    const entries = recordUpdate(undefined, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'u', resourceVersion: '1', generation: 1, creationTimestamp: 'x' } }, pod('c', T0));
    expect(entries).toEqual([]);
  });

  it('tracks generateName, as upstream does', () => {
    const entries = recordUpdate(undefined, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p-x1', generateName: 'p-' } }, pod('c', T0));
    expect(summary(entries)).toEqual([['c', 'Update', '{"f:metadata":{"f:generateName":{}}}']]);
  });
});

describe('recordUpdate on update', () => {
  const created = (): KubeObject => withEntries(stored(nginxDeployment()), recordUpdate(undefined, stored(nginxDeployment()), deploy('kubectl-create', T0)));

  it('moves the fields a writer changed to it, and leaves the rest with their owner', () => {
    const old = created();
    const scaled = structuredClone(old);
    (scaled['spec'] as { replicas: number }).replicas = 5;
    const entries = recordUpdate(old, scaled, deploy('horizontal-pod-autoscaler', T1));
    expect(entries.map((e) => [e.manager, e.time])).toEqual([
      ['kubectl-create', '2024-05-01T10:00:00Z'],
      ['horizontal-pod-autoscaler', '2024-05-01T10:05:00Z'],
    ]);
    expect(JSON.stringify(entries[1]?.fieldsV1)).toBe('{"f:spec":{"f:replicas":{}}}');
    expect(JSON.stringify(entries[0]?.fieldsV1)).not.toContain('f:replicas');
  });

  it('drops a manager left with no fields', () => {
    const base = stored<KubeObject>({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { nodeName: 'n0' } });
    const a = structuredClone(base);
    (a['spec'] as { nodeName: string }).nodeName = 'n1';
    const afterA = withEntries(a, recordUpdate(base, a, pod('scheduler', T0)));
    expect(summary(afterA.metadata?.managedFields as unknown as ManagedFieldsEntry[])).toEqual([['scheduler', 'Update', '{"f:spec":{"f:nodeName":{}}}']]);
    const b = structuredClone(afterA);
    (b['spec'] as { nodeName: string }).nodeName = 'n2';
    expect(summary(recordUpdate(afterA, b, pod('descheduler', T1)))).toEqual([['descheduler', 'Update', '{"f:spec":{"f:nodeName":{}}}']]);
  });

  it('takes removed fields away from everyone', () => {
    const old = created();
    const updated = structuredClone(old);
    delete (updated['metadata'] as { labels?: unknown }).labels;
    const entries = recordUpdate(old, updated, deploy('editor', T1));
    expect(entries.map((e) => e.manager)).toEqual(['kubectl-create']);
    expect(Object.keys(entries[0]?.fieldsV1 ?? {})).toEqual(['f:spec']);
  });

  it('leaves managedFields alone, times included, when nothing changed', () => {
    const old = created();
    expect(recordUpdate(old, structuredClone(old), deploy('noop', T1))).toEqual(old.metadata?.managedFields);
  });

  it("merges a writer's changes into its earlier entry and moves its time", () => {
    const old = created();
    const first = structuredClone(old);
    (first['spec'] as { replicas: number }).replicas = 5;
    const afterFirst = withEntries(first, recordUpdate(old, first, deploy('ctl', T1)));
    const second = structuredClone(afterFirst);
    (second['spec'] as { paused?: boolean }).paused = true;
    const entries = recordUpdate(afterFirst, second, deploy('ctl', T2));
    const ctl = entries.filter((e) => e.manager === 'ctl');
    expect(ctl).toHaveLength(1);
    expect(ctl[0]?.time).toBe('2024-05-01T10:10:00Z');
    expect(JSON.stringify(ctl[0]?.fieldsV1)).toBe('{"f:spec":{"f:paused":{},"f:replicas":{}}}');
  });

  it('keeps one entry per apiVersion for the same manager', () => {
    const old = created();
    const updated = structuredClone(old);
    (updated['spec'] as { replicas: number }).replicas = 7;
    const entries = recordUpdate(old, updated, deploy('kubectl-create', T1, { apiVersion: 'apps/v1beta2' }));
    expect(entries.map((e) => [e.manager, e.apiVersion])).toEqual([
      ['kubectl-create', 'apps/v1'],
      ['kubectl-create', 'apps/v1beta2'],
    ]);
  });

  it('records subresource writes under their own identity, from the stored managedFields', () => {
    const old = created();
    const updated = structuredClone(old);
    updated['status'] = { replicas: 3, readyReplicas: 3 };
    updated.metadata = { ...updated.metadata, managedFields: [] };
    const entries = recordUpdate(old, updated, deploy('kube-controller-manager', T1, { subresource: 'status' }));
    expect(entries.map((e) => [e.manager, e.subresource])).toEqual([
      ['kubectl-create', undefined],
      ['kube-controller-manager', 'status'],
    ]);
    expect(entries[1]).toEqual({
      manager: 'kube-controller-manager',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: '2024-05-01T10:05:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:status': { '.': {}, 'f:readyReplicas': {}, 'f:replicas': {} } },
      subresource: 'status',
    });
  });

  it('does not own fields the strategy resets', () => {
    const old = created();
    const updated = structuredClone(old);
    updated['status'] = { replicas: 3 };
    (updated['spec'] as { paused?: boolean }).paused = true;
    const entries = recordUpdate(old, updated, deploy('editor', T1, { ignoredFields: FieldSet.of([fieldElement('status')]) }));
    expect(JSON.stringify(entries.find((e) => e.manager === 'editor')?.fieldsV1)).toBe('{"f:spec":{"f:paused":{}}}');
  });
});

describe('recordUpdate with managedFields in the request', () => {
  const old = (): KubeObject =>
    withEntries(stored(nginxDeployment()), recordUpdate(undefined, stored(nginxDeployment()), deploy('kubectl-create', T0)));

  it('starts from the managedFields the request sets', () => {
    const updated = structuredClone(old());
    updated.metadata = {
      ...updated.metadata,
      managedFields: [{ manager: 'someone', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:paused': {} } } }],
    };
    expect(summary(recordUpdate(old(), updated, deploy('editor', T1)))).toEqual([['someone', 'Update', '{"f:spec":{"f:paused":{}}}']]);
  });

  it('resets them for [] and [{}], keeping only what the writer changed', () => {
    for (const reset of [[], [{}]]) {
      const updated = structuredClone(old());
      updated.metadata = { ...updated.metadata, managedFields: reset };
      (updated['spec'] as { replicas: number }).replicas = 9;
      expect(summary(recordUpdate(old(), updated, deploy('editor', T1)))).toEqual([['editor', 'Update', '{"f:spec":{"f:replicas":{}}}']]);
    }
  });

  it('falls back to the stored ones when the request sends undecodable managedFields', () => {
    const updated = structuredClone(old());
    updated.metadata = { ...updated.metadata, managedFields: [{ manager: 'x', operation: 'Bogus' }] };
    expect(recordUpdate(old(), updated, deploy('editor', T1))).toEqual(old().metadata?.managedFields);
  });
});

describe('recordUpdate limits', () => {
  it('folds the oldest Update entries beyond ten into ancient-changes', () => {
    let obj: KubeObject = stored({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: {} } });
    for (let i = 0; i < 12; i++) {
      const next = structuredClone(obj);
      (next.metadata as { labels: Record<string, string> }).labels[`l${i}`] = 'x';
      obj = withEntries(next, recordUpdate(obj, next, pod(`m${String(i).padStart(2, '0')}`, new Date(T0.getTime() + i * 1000))));
    }
    const entries = obj.metadata?.managedFields as unknown as ManagedFieldsEntry[];
    expect(entries).toHaveLength(10);
    const ancient = entries.find((e) => e.manager === 'ancient-changes');
    expect(ancient?.time).toBe('2024-05-01T10:00:02Z');
    expect(ancient?.fieldsV1).toEqual({ 'f:metadata': { 'f:labels': { 'f:l0': {}, 'f:l1': {}, 'f:l2': {} } } });
    expect(entries.map((e) => e.manager)).toEqual(['ancient-changes', 'm03', 'm04', 'm05', 'm06', 'm07', 'm08', 'm09', 'm10', 'm11']);
  });

  it('throws INVALID_OBJECT for an object that does not fit the schema', () => {
    const bad = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ image: 'x' }] } };
    expect(() => recordUpdate(undefined, bad, pod('c', T0))).toThrowError(
      expect.objectContaining({
        code: ApplyErrorCode.INVALID_OBJECT,
        message: expect.stringContaining('failed to convert new object (/p; /v1, Kind=Pod) to smd typed: .spec.containers: element 0:'),
      }),
    );
  });
});
