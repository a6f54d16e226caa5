import { errors } from '../errors.js';
import { jsonPathValue, setJsonPath } from '../registry/jsonpath.js';
import type { PatchType, WriteContext } from '../registry/rest.js';
import type { KubeObject, ResourceDecl } from '../registry/types.js';
import type { ApiContext } from './context.js';
import { labelSelectorFromObject } from '../selectors/index.js';

/**
 * The scale subresource: the object seen as an autoscaling/v1 Scale (spec.replicas,
 * status.replicas, status.selector), and writes of a Scale turned into a write of spec.replicas.
 */

export function getScale(decl: ResourceDecl, obj: KubeObject): KubeObject {
  const s = decl.subresources!.scale!;
  const meta = obj.metadata ?? {};
  const status: Record<string, unknown> = { replicas: Number(jsonPathValue(obj, s.statusReplicasPath) ?? 0) };
  if (s.labelSelectorPath !== undefined) {
    const sel = jsonPathValue(obj, s.labelSelectorPath);
    if (typeof sel === 'string' && sel !== '') status.selector = sel;
  } else {
    // Built-in workloads: the selector printed from spec.selector, as their scale strategies do.
    const sel = (obj.spec as { selector?: unknown } | undefined)?.selector;
    if (typeof sel === 'object' && sel !== null) {
      try {
        const text = labelSelectorFromObject(sel as Parameters<typeof labelSelectorFromObject>[0]).toString();
        if (text !== '') status.selector = text;
      } catch {
        // an invalid selector has no printed form
      }
    }
  }
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: meta.name, namespace: meta.namespace, uid: meta.uid, resourceVersion: meta.resourceVersion, creationTimestamp: meta.creationTimestamp },
    spec: { replicas: Number(jsonPathValue(obj, s.specReplicasPath) ?? 0) },
    status,
  };
}

export type ScaleWrite = { readonly kind: 'update'; readonly body: unknown } | { readonly kind: 'patch'; readonly type: PatchType; readonly body: unknown };

export async function updateScale(api: ApiContext, decl: ResourceDecl, namespace: string, name: string, write: ScaleWrite, ctx: WriteContext): Promise<KubeObject> {
  const rest = api.rest(decl);
  const s = decl.subresources!.scale!;
  const current = await rest.get(namespace, name);
  const scale = getScale(decl, current);
  let next: KubeObject;
  if (write.kind === 'update') next = write.body as KubeObject;
  else {
    if (write.type === 'apply') throw errors.unsupportedMediaType('application/apply-patch+yaml', ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
    next = api.machinery.patch(write.type, scale, write.body, decl);
  }
  const replicas = (next.spec as { replicas?: unknown } | undefined)?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw errors.invalid('Scale', 'autoscaling', name, [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` }]);
  }
  const rv = next.metadata?.resourceVersion;
  const precondition = write.kind === 'update' && typeof rv === 'string' && rv !== '' ? rv : undefined;
  // A merge patch of the replicas field: re-read and retried on conflict, unless the Scale named a resourceVersion.
  const patch: Record<string, unknown> = {};
  setJsonPath(patch, s.specReplicasPath, replicas);
  if (precondition !== undefined) patch.metadata = { resourceVersion: precondition };
  const out = await rest.patch(namespace, name, 'merge', patch, { ...ctx, fieldValidation: 'Ignore' });
  return getScale(decl, out);
}
