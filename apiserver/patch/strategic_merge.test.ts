/**
 * Strategic merge patch against a pod-shaped fixture schema, with the patches kubectl sends
 * (`kubectl patch`, `kubectl apply`'s three-way patches, `kubectl set image`, finalizer edits).
 */
import { describe, expect, it } from 'vitest';
import type { Schema } from '../registry/schema.js';
import { applyStrategicMergePatch } from './strategic_merge.js';
import { PatchErrorCode } from './errors.js';
import { deepFreeze, directiveKeys, expectPatchError } from './testing.js';

const str: Schema = { type: 'string' };
const stringMap: Schema = { type: 'object', additionalProperties: str };
const mergeBy = (key: string, items: Schema): Schema => ({
  type: 'array',
  items,
  'x-kubernetes-patch-strategy': 'merge',
  'x-kubernetes-patch-merge-key': key,
});

const container: Schema = {
  type: 'object',
  properties: {
    name: str,
    image: str,
    imagePullPolicy: str,
    args: { type: 'array', items: str },
    env: mergeBy('name', {
      type: 'object',
      properties: { name: str, value: str, valueFrom: { type: 'object', properties: { fieldRef: { type: 'object' } } } },
    }),
    ports: mergeBy('containerPort', {
      type: 'object',
      properties: { containerPort: { type: 'integer' }, protocol: str, name: str },
    }),
    volumeMounts: mergeBy('mountPath', { type: 'object', properties: { name: str, mountPath: str } }),
    resources: { type: 'object', properties: { limits: stringMap, requests: stringMap } },
  },
};

/** A pod, as far as patch metadata goes (the real built-in schemas live in apiserver/registry). */
const podSchema: Schema = {
  type: 'object',
  properties: {
    apiVersion: str,
    kind: str,
    metadata: {
      type: 'object',
      properties: {
        name: str,
        labels: stringMap,
        annotations: stringMap,
        finalizers: { type: 'array', items: str, 'x-kubernetes-patch-strategy': 'merge' },
        ownerReferences: mergeBy('uid', { type: 'object', properties: { uid: str, name: str, kind: str } }),
      },
    },
    spec: {
      type: 'object',
      properties: {
        containers: mergeBy('name', container),
        initContainers: mergeBy('name', container),
        volumes: {
          type: 'array',
          'x-kubernetes-patch-strategy': 'merge,retainKeys',
          'x-kubernetes-patch-merge-key': 'name',
          items: {
            type: 'object',
            properties: {
              name: str,
              hostPath: { type: 'object', properties: { path: str } },
              emptyDir: { type: 'object', properties: { medium: str } },
              configMap: { type: 'object', properties: { name: str } },
            },
          },
        },
        tolerations: { type: 'array', items: { type: 'object', properties: { key: str, operator: str } } },
        nodeSelector: stringMap,
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
};

interface Case {
  readonly name: string;
  readonly current: Record<string, unknown>;
  readonly patch: unknown;
  readonly want: Record<string, unknown>;
}

const podWith = (spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'web' }): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata,
  spec,
});

const cases: Case[] = [
  {
    name: 'a new container goes in front of the existing ones (no $setElementOrder)',
    current: podWith({ containers: [{ name: 'nginx', image: 'nginx:1' }] }),
    patch: { spec: { containers: [{ name: 'sidecar', image: 'busybox' }] } },
    want: podWith({ containers: [{ name: 'sidecar', image: 'busybox' }, { name: 'nginx', image: 'nginx:1' }] }),
  },
  {
    name: 'kubectl apply adds a container at the position $setElementOrder gives',
    current: podWith({ containers: [{ name: 'nginx', image: 'nginx:1' }] }),
    patch: {
      spec: {
        '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }],
        containers: [{ name: 'sidecar', image: 'busybox' }],
      },
    },
    want: podWith({ containers: [{ name: 'nginx', image: 'nginx:1' }, { name: 'sidecar', image: 'busybox' }] }),
  },
  {
    name: 'kubectl set image changes one container by name and keeps the rest',
    current: podWith({
      containers: [
        { name: 'a', image: 'a:1', ports: [{ containerPort: 80 }] },
        { name: 'b', image: 'b:1' },
      ],
    }),
    patch: { spec: { containers: [{ name: 'b', image: 'b:2' }] } },
    want: podWith({
      containers: [
        { name: 'a', image: 'a:1', ports: [{ containerPort: 80 }] },
        { name: 'b', image: 'b:2' },
      ],
    }),
  },
  {
    name: 'env merges by name inside a container: one changed, one added',
    current: podWith({
      containers: [
        {
          name: 'a',
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
          ],
        },
      ],
    }),
    patch: {
      spec: {
        containers: [
          {
            name: 'a',
            env: [
              { name: 'B', value: '3' },
              { name: 'C', value: '4' },
            ],
          },
        ],
      },
    },
    want: podWith({
      containers: [
        {
          name: 'a',
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '3' },
            { name: 'C', value: '4' },
          ],
        },
      ],
    }),
  },
  {
    name: 'an env entry is removed with $patch: delete',
    current: podWith({
      containers: [
        {
          name: 'a',
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
          ],
        },
      ],
    }),
    patch: { spec: { containers: [{ name: 'a', env: [{ name: 'B', $patch: 'delete' }] }] } },
    want: podWith({ containers: [{ name: 'a', env: [{ name: 'A', value: '1' }] }] }),
  },
  {
    name: 'an env entry switches from value to valueFrom (null deletes inside an element)',
    current: podWith({ containers: [{ name: 'a', env: [{ name: 'POD', value: 'x' }] }] }),
    patch: {
      spec: {
        containers: [{ name: 'a', env: [{ name: 'POD', value: null, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }],
      },
    },
    want: podWith({ containers: [{ name: 'a', env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }] }),
  },
  {
    name: 'ports merge by their numeric containerPort',
    current: podWith({
      containers: [{ name: 'a', ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP' }] }],
    }),
    patch: { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80, name: 'http' }] }] } },
    want: podWith({
      containers: [
        {
          name: 'a',
          ports: [
            { containerPort: 80, protocol: 'TCP', name: 'http' },
            { containerPort: 443, protocol: 'TCP' },
          ],
        },
      ],
    }),
  },
  {
    name: 'a container is removed with $patch: delete',
    current: podWith({ containers: [{ name: 'a' }, { name: 'sidecar' }] }),
    patch: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } },
    want: podWith({ containers: [{ name: 'a' }] }),
  },
  {
    name: '$patch: replace in a merged list replaces the whole list',
    current: podWith({ containers: [{ name: 'a', image: 'a' }, { name: 'b' }] }),
    patch: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'i' }] } },
    want: podWith({ containers: [{ name: 'only', image: 'i' }] }),
  },
  {
    name: 'volumes merge by name; $retainKeys switches a volume source',
    current: podWith({
      volumes: [
        { name: 'data', hostPath: { path: '/d' } },
        { name: 'cfg', configMap: { name: 'c' } },
      ],
    }),
    patch: {
      spec: {
        '$setElementOrder/volumes': [{ name: 'data' }, { name: 'cfg' }],
        volumes: [{ $retainKeys: ['emptyDir', 'name'], name: 'data', emptyDir: {} }],
      },
    },
    want: podWith({
      volumes: [
        { name: 'data', emptyDir: {} },
        { name: 'cfg', configMap: { name: 'c' } },
      ],
    }),
  },
  {
    name: 'without $retainKeys the old volume source stays (merge only)',
    current: podWith({ volumes: [{ name: 'data', hostPath: { path: '/d' } }] }),
    patch: { spec: { volumes: [{ name: 'data', emptyDir: {} }] } },
    want: podWith({ volumes: [{ name: 'data', hostPath: { path: '/d' }, emptyDir: {} }] }),
  },
  {
    name: 'finalizers merge as a set: new values first, duplicates once',
    current: podWith({}, { name: 'web', finalizers: ['a', 'b'] }),
    patch: { metadata: { finalizers: ['b', 'c'] } },
    want: podWith({}, { name: 'web', finalizers: ['a', 'b', 'c'] }),
  },
  {
    name: 'a finalizer added without $setElementOrder is prepended',
    current: podWith({}, { name: 'web', finalizers: ['a', 'b'] }),
    patch: { metadata: { finalizers: ['c'] } },
    want: podWith({}, { name: 'web', finalizers: ['c', 'a', 'b'] }),
  },
  {
    name: '$deleteFromPrimitiveList removes a finalizer (every copy of it)',
    current: podWith({}, { name: 'web', finalizers: ['a', 'b', 'c', 'b'] }),
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } },
    want: podWith({}, { name: 'web', finalizers: ['a', 'c'] }),
  },
  {
    name: 'kubectl apply edits finalizers: add, delete and order in one patch; server-added ones stay',
    current: podWith({}, { name: 'web', finalizers: ['a', 'b', 'x'] }),
    patch: {
      metadata: {
        '$setElementOrder/finalizers': ['a', 'c'],
        '$deleteFromPrimitiveList/finalizers': ['b'],
        finalizers: ['c'],
      },
    },
    want: podWith({}, { name: 'web', finalizers: ['a', 'c', 'x'] }),
  },
  {
    name: 'an empty $deleteFromPrimitiveList changes nothing, even next to a list of maps',
    current: podWith({ containers: [{ name: 'a' }] }),
    patch: { spec: { '$deleteFromPrimitiveList/containers': [] } },
    want: podWith({ containers: [{ name: 'a' }] }),
  },
  {
    name: '$setElementOrder alone reorders containers',
    current: podWith({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }] } },
    want: podWith({ containers: [{ name: 'c' }, { name: 'a' }, { name: 'b' }] }),
  },
  {
    name: '$setElementOrder of containers and of their env in one patch',
    current: podWith({
      containers: [
        { name: 'a', env: [{ name: 'X', value: '1' }] },
        { name: 'b', image: 'b' },
      ],
    }),
    patch: {
      spec: {
        '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }],
        containers: [{ name: 'a', '$setElementOrder/env': [{ name: 'Y' }, { name: 'X' }], env: [{ name: 'Y', value: '2' }] }],
      },
    },
    want: podWith({
      containers: [
        { name: 'b', image: 'b' },
        {
          name: 'a',
          env: [
            { name: 'Y', value: '2' },
            { name: 'X', value: '1' },
          ],
        },
      ],
    }),
  },
  {
    name: 'labels: add, change and delete with null',
    current: podWith({}, { name: 'web', labels: { app: 'web', tier: 'fe', env: 'dev' } }),
    patch: { metadata: { labels: { tier: null, env: 'prod', team: 'x' } } },
    want: podWith({}, { name: 'web', labels: { app: 'web', env: 'prod', team: 'x' } }),
  },
  {
    name: 'labels: $patch: replace swaps the whole map',
    current: podWith({}, { name: 'web', labels: { app: 'web', tier: 'fe' } }),
    patch: { metadata: { labels: { $patch: 'replace', fresh: 'x' } } },
    want: podWith({}, { name: 'web', labels: { fresh: 'x' } }),
  },
  {
    name: 'nodeSelector: $patch: delete empties the map',
    current: podWith({ nodeSelector: { disk: 'ssd' } }),
    patch: { spec: { nodeSelector: { $patch: 'delete' } } },
    want: podWith({ nodeSelector: {} }),
  },
  {
    name: '$patch: delete on a map the object does not have leaves it absent',
    current: podWith({}),
    patch: { spec: { nodeSelector: { $patch: 'delete' } } },
    want: podWith({}),
  },
  {
    name: 'ownerReferences merge by uid',
    current: podWith({}, { name: 'web', ownerReferences: [{ uid: 'u1', name: 'rs-1', kind: 'ReplicaSet' }] }),
    patch: { metadata: { ownerReferences: [{ uid: 'u1', name: 'rs-1b' }] } },
    want: podWith({}, { name: 'web', ownerReferences: [{ uid: 'u1', name: 'rs-1b', kind: 'ReplicaSet' }] }),
  },
  {
    name: 'tolerations have no merge strategy: replaced',
    current: podWith({ tolerations: [{ key: 'a', operator: 'Exists' }] }),
    patch: { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } },
    want: podWith({ tolerations: [{ key: 'b', operator: 'Exists' }] }),
  },
  {
    name: 'args is a list of scalars without merge strategy: replaced',
    current: podWith({ containers: [{ name: 'a', args: ['--x', '--y'] }] }),
    patch: { spec: { containers: [{ name: 'a', args: ['--z'] }] } },
    want: podWith({ containers: [{ name: 'a', args: ['--z'] }] }),
  },
  {
    name: 'resources limits merge as maps',
    current: podWith({ containers: [{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' } } }] }),
    patch: { spec: { containers: [{ name: 'a', resources: { limits: { cpu: '2' }, requests: { cpu: '1' } } }] } },
    want: podWith({ containers: [{ name: 'a', resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '1' } } }] }),
  },
  {
    name: 'a field the schema does not know behaves like merge patch',
    current: podWith({ mystery: { a: { b: 1, c: 2 }, list: [{ name: 'x' }] } }),
    patch: { spec: { mystery: { a: { c: null, d: 3 }, list: [{ name: 'y' }] } } },
    want: podWith({ mystery: { a: { b: 1, d: 3 }, list: [{ name: 'y' }] } }),
  },
  {
    name: 'x-kubernetes-preserve-unknown-fields subtrees behave like merge patch',
    current: { ...podWith({}), status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } },
    patch: { status: { conditions: [{ type: 'PodScheduled', status: 'True' }], hostIP: '10.0.0.1' } },
    want: {
      ...podWith({}),
      status: { phase: 'Running', conditions: [{ type: 'PodScheduled', status: 'True' }], hostIP: '10.0.0.1' },
    },
  },
  {
    name: 'a value of another type is replaced',
    current: podWith({ extra: { mode: 'a' } }),
    patch: { spec: { extra: { mode: ['a', 'b'] } } },
    want: podWith({ extra: { mode: ['a', 'b'] } }),
  },
  {
    name: 'a new list is taken from the patch, with its directives applied and none left behind',
    current: podWith({}),
    patch: {
      spec: {
        containers: [
          {
            name: 'a',
            '$setElementOrder/env': [{ name: 'X' }],
            env: [{ name: 'X', value: '1' }, { name: 'Y', $patch: 'delete' }],
            resources: { limits: { cpu: '1', memory: null } },
          },
          { $patch: 'replace' },
        ],
      },
    },
    want: podWith({ containers: [{ name: 'a', env: [{ name: 'X', value: '1' }], resources: { limits: { cpu: '1' } } }] }),
  },
  {
    name: 'a new list element of a merged list is cleaned of directives too',
    current: podWith({ containers: [{ name: 'a' }] }),
    patch: {
      spec: { containers: [{ name: 'b', volumeMounts: [{ mountPath: '/x', name: 'v', $retainKeys: ['mountPath', 'name'] }] }] },
    },
    want: podWith({ containers: [{ name: 'b', volumeMounts: [{ mountPath: '/x', name: 'v' }] }, { name: 'a' }] }),
  },
  {
    name: '$patch: replace on a field the object lacks sets the patch content',
    current: podWith({}),
    patch: { spec: { nodeSelector: { $patch: 'replace', disk: 'ssd' } } },
    want: podWith({ nodeSelector: { disk: 'ssd' } }),
  },
  {
    name: 'a top-level $patch: delete clears the object',
    current: podWith({ containers: [{ name: 'a' }] }),
    patch: { $patch: 'delete' },
    want: {},
  },
  { name: 'an empty patch changes nothing', current: podWith({ containers: [{ name: 'a' }] }), patch: {}, want: podWith({ containers: [{ name: 'a' }] }) },
  { name: 'a null patch changes nothing', current: podWith({ containers: [{ name: 'a' }] }), patch: null, want: podWith({ containers: [{ name: 'a' }] }) },
  {
    name: 'an element of the live list without a merge key is kept as a server-only item',
    current: podWith({ containers: [{ image: 'nameless' }, { name: 'a' }] }),
    patch: { spec: { containers: [{ name: 'a', image: 'x' }] } },
    want: podWith({ containers: [{ image: 'nameless' }, { name: 'a', image: 'x' }] }),
  },
];

describe('applyStrategicMergePatch: pod-shaped objects', () => {
  it.each(cases)('$name', ({ current, patch, want }) => {
    const got = applyStrategicMergePatch(deepFreeze(current), deepFreeze(patch), podSchema);
    expect(got).toEqual(want);
    expect(directiveKeys(got)).toEqual([]);
  });

  it('without a schema it is a JSON merge patch (plus directives)', () => {
    const current = podWith({ containers: [{ name: 'a' }] }, { name: 'web', labels: { a: '1' }, finalizers: ['x'] });
    const got = applyStrategicMergePatch(current, { metadata: { labels: { a: null, b: '2' }, finalizers: ['y'] }, spec: { containers: [{ name: 'b' }] } }, undefined);
    expect(got).toEqual(podWith({ containers: [{ name: 'b' }] }, { name: 'web', labels: { b: '2' }, finalizers: ['y'] }));
  });

  it('does not share structure with its inputs', () => {
    const patch = { spec: { containers: [{ name: 'b', env: [{ name: 'E', value: '1' }] }] } };
    const got = applyStrategicMergePatch(podWith({}), patch, podSchema) as { spec: { containers: Array<{ env: unknown[] }> } };
    got.spec.containers[0]?.env.push({ name: 'F' });
    expect(patch.spec.containers[0]?.env).toEqual([{ name: 'E', value: '1' }]);
  });

  it('keeps a __proto__ key as data', () => {
    const patch = JSON.parse('{"metadata": {"labels": {"__proto__": "x"}}}') as unknown;
    const got = applyStrategicMergePatch(podWith({}), patch, podSchema) as { metadata: { labels: Record<string, unknown> } };
    expect(Object.keys(got.metadata.labels)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(got.metadata.labels)).toBe(Object.prototype);
  });
});

describe('applyStrategicMergePatch: errors', () => {
  const live = podWith({ containers: [{ name: 'a', env: [{ name: 'A' }] }] }, { name: 'web', finalizers: ['a'] });
  const apply = (patch: unknown, schema: Schema = podSchema): unknown => applyStrategicMergePatch(live, patch, schema);

  it('an unknown $patch value on a map (upstream: plain error, 500)', () => {
    const err = expectPatchError(() => apply({ metadata: { labels: { $patch: 'foo', a: 'b' } } }), PatchErrorCode.SMP_BAD_PATCH_TYPE);
    expect(err.message).toBe('unknown patch type: foo in map: map[$patch:foo a:b]');
    expect(err.wire).toEqual({ httpStatus: 500, reason: '', message: err.message });
  });

  it('$patch: merge is not a map directive either', () => {
    expectPatchError(() => apply({ spec: { $patch: 'merge' } }), PatchErrorCode.SMP_BAD_PATCH_TYPE);
  });

  it('an unknown $patch value on a merged-list element', () => {
    const err = expectPatchError(() => apply({ spec: { containers: [{ name: 'a', $patch: 'frob' }] } }), PatchErrorCode.SMP_BAD_PATCH_TYPE);
    expect(err.message).toBe('unknown patch type: frob in map: map[$patch:frob name:a]');
  });

  it('$patch: merge on a merged-list element', () => {
    const err = expectPatchError(() => apply({ spec: { containers: [{ name: 'a', $patch: 'merge' }] } }), PatchErrorCode.SMP_MERGE_DIRECTIVE_IN_LIST);
    expect(err.message).toBe('merging lists cannot yet be specified in the patch');
  });

  it('an element merged into an existing list needs the merge key', () => {
    const err = expectPatchError(() => apply({ spec: { containers: [{ image: 'x' }] } }), PatchErrorCode.SMP_NO_MERGE_KEY);
    expect(err.message).toBe('map: map[image:x] does not contain declared merge key: name');
  });

  it('an element of a list the object does not have yet may lack the merge key (validation reports it later)', () => {
    expect(applyStrategicMergePatch(podWith({}), { spec: { initContainers: [{ image: 'x' }] } }, podSchema)).toEqual(
      podWith({ initContainers: [{ image: 'x' }] }),
    );
  });

  it('$patch: delete needs the merge key', () => {
    expectPatchError(() => apply({ spec: { containers: [{ $patch: 'delete' }] } }), PatchErrorCode.SMP_NO_MERGE_KEY);
  });

  it('malformed $setElementOrder', () => {
    expectPatchError(() => apply({ spec: { '$setElementOrder/containers': 'a' } }), PatchErrorCode.SMP_BAD_SET_ELEMENT_ORDER);
    expectPatchError(() => apply({ spec: { $setElementOrderContainers: [] } }), PatchErrorCode.SMP_BAD_SET_ELEMENT_ORDER);
    expectPatchError(() => apply({ spec: { '$setElementOrder/containers': ['a'] } }), PatchErrorCode.SMP_BAD_SET_ELEMENT_ORDER);
    expectPatchError(() => apply({ metadata: { '$setElementOrder/finalizers': [{ a: 1 }] } }), PatchErrorCode.SMP_BAD_SET_ELEMENT_ORDER);
    expectPatchError(() => apply({ spec: { '$setElementOrder/containers': [{ image: 'a' }] } }), PatchErrorCode.SMP_NO_MERGE_KEY);
  });

  it('a patch list out of order with its $setElementOrder list', () => {
    const err = expectPatchError(
      () =>
        apply({
          spec: {
            '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
            containers: [{ name: 'b' }, { name: 'a' }],
          },
        }),
      PatchErrorCode.SMP_SET_ELEMENT_ORDER_MISMATCH,
    );
    expect(err.message).toBe(
      "the order in patch list:\n[map[name:b] map[name:a]]\n doesn't match $setElementOrder list:\n[map[name:a] map[name:b]]",
    );
  });

  it('malformed $deleteFromPrimitiveList (400)', () => {
    const err = expectPatchError(
      () => apply({ metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } }),
      PatchErrorCode.SMP_BAD_PRIMITIVE_LIST,
    );
    expect(err.wire).toEqual({ httpStatus: 400, reason: 'BadRequest', message: 'invalid patch format of primitive list' });
    expectPatchError(() => apply({ metadata: { $deleteFromPrimitiveListFinalizers: ['a'] } }), PatchErrorCode.SMP_BAD_PRIMITIVE_LIST);
    expectPatchError(() => apply({ metadata: { '$deleteFromPrimitiveList/finalizers': [{ a: 1 }] } }), PatchErrorCode.SMP_BAD_PRIMITIVE_LIST);
    expectPatchError(
      () => apply({ spec: { '$deleteFromPrimitiveList/containers': ['a'] } }),
      PatchErrorCode.SMP_MIXED_LIST_TYPES,
    );
  });

  it('malformed $retainKeys, or a patch key it does not list', () => {
    expectPatchError(() => apply({ spec: { $retainKeys: 'containers' } }), PatchErrorCode.SMP_BAD_RETAIN_KEYS);
    const err = expectPatchError(
      () => apply({ spec: { volumes: [{ name: 'v', $retainKeys: ['name'], emptyDir: {} }] } }),
      PatchErrorCode.SMP_BAD_RETAIN_KEYS,
    );
    expect(err.message).toBe('invalid patch format of retainKeys');
  });

  it('lists of lists and mixed element kinds in merged lists', () => {
    const err = expectPatchError(() => apply({ metadata: { finalizers: [['a']] } }), PatchErrorCode.SMP_LIST_OF_LISTS);
    expect(err.wire).toEqual({
      httpStatus: 422,
      reason: 'Invalid',
      message: 'the server rejected our request due to an error in our request',
    });
    expectPatchError(() => apply({ metadata: { finalizers: ['a', 1] } }), PatchErrorCode.SMP_MIXED_LIST_TYPES);
    const mixed = expectPatchError(() => apply({ metadata: { finalizers: [1] } }), PatchErrorCode.SMP_MIXED_LIST_TYPES);
    expect(mixed.message).toBe('list element types are not identical: [[a] [1]]');
  });

  it('a patch that is not an object (400)', () => {
    const err = expectPatchError(() => apply([{ op: 'add' }]), PatchErrorCode.SMP_INVALID_DOCUMENT);
    expect(err.message).toBe('json: cannot unmarshal array into Go value of type map[string]interface {}');
    expectPatchError(() => apply('x'), PatchErrorCode.SMP_INVALID_DOCUMENT);
  });

  it('schema bugs: merge without a merge key for a list of maps, or an unknown strategy pair', () => {
    const noKey: Schema = { type: 'object', properties: { items: { type: 'array', 'x-kubernetes-patch-strategy': 'merge' } } };
    const err = expectPatchError(
      () => applyStrategicMergePatch({ items: [{ a: 1 }] }, { items: [{ a: 2 }] }, noKey),
      PatchErrorCode.SMP_MERGE_KEY_NOT_DECLARED,
    );
    expect(err.message).toBe('cannot merge lists without merge key for items');
    const badStrategy: Schema = { type: 'object', properties: { m: { type: 'object', 'x-kubernetes-patch-strategy': 'merge,replace' } } };
    expectPatchError(() => applyStrategicMergePatch({ m: { a: 1 } }, { m: { b: 1 } }, badStrategy), PatchErrorCode.SMP_BAD_PATCH_STRATEGY);
  });
});
