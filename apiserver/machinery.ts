import { errors, StatusError, type StatusReason } from './errors.js';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, checkMergePatchDocument, PatchError } from './patch/index.js';
import { apply as applyConfig, ApplyError, conflictCauses, conflictMessage, fieldElement, FieldSet, recordUpdate as recordFields } from './apply/index.js';
import type { ResourceDecl } from './registry/types.js';
import type { Machinery } from './registry/rest.js';
import { apiVersionOf } from './registry/registry.js';
import type { KubeObject } from './registry/types.js';

/**
 * Binds the pure patch and managed-fields libraries (apiserver/patch, apiserver/apply) to the REST
 * layer, turning their errors into the Status kube-apiserver sends.
 */

function patchStatus(err: unknown): unknown {
  if (!(err instanceof PatchError)) return err;
  const w = err.wire;
  if (w.reason === '') return new StatusError(w.httpStatus, 'InternalError', w.message);
  return new StatusError(w.httpStatus, w.reason as StatusReason, w.message);
}

export const patchMachinery: Pick<Machinery, 'patch'> = {
  patch(type, original, patch, decl): KubeObject {
    try {
      switch (type) {
        case 'json':
          return applyJsonPatch(original, patch) as KubeObject;
        case 'merge':
          checkMergePatchDocument(patch);
          return applyMergePatch(original, patch) as KubeObject;
        case 'strategic':
          return applyStrategicMergePatch(original, patch, decl.schema) as KubeObject;
        default: {
          const never: never = type;
          throw errors.unsupportedMediaType(String(never), []);
        }
      }
    } catch (err) {
      throw patchStatus(err);
    }
  },
};

function applyStatus(err: unknown): unknown {
  if (!(err instanceof ApplyError)) return err;
  return errors.badRequest(err.message);
}

/**
 * Fields a write through an endpoint never owns (upstream's resetFields): status on the main
 * resource of a type with a status subresource; everything but status and metadata on /status.
 */
function ignoredFields(decl: ResourceDecl, subresource: string | undefined): FieldSet | undefined {
  if (decl.subresources?.status !== true) return undefined;
  if (subresource === undefined) return FieldSet.of([fieldElement('status')]);
  if (subresource !== 'status') return undefined;
  const others = Object.keys(decl.schema.properties ?? {}).filter((f) => !['status', 'metadata', 'apiVersion', 'kind'].includes(f));
  return others.length === 0 ? undefined : FieldSet.of(...others.map((f) => [fieldElement(f)]));
}

function ignored(decl: ResourceDecl, subresource: string | undefined): { ignoredFields?: FieldSet } {
  const set = ignoredFields(decl, subresource);
  return set === undefined ? {} : { ignoredFields: set };
}

/** Managed fields for every write, and server-side apply (apiserver/apply). */
export const fieldsMachinery: Omit<Machinery, 'patch'> = {
  apply(live, config, opts): KubeObject {
    let result;
    try {
      result = applyConfig(live, config, {
        manager: opts.manager,
        force: opts.force,
        apiVersion: apiVersionOf(opts.decl),
        schema: opts.decl.schema,
        now: opts.now,
        allowUnknownFields: opts.decl.schema['x-kubernetes-preserve-unknown-fields'] === true,
        ...(opts.subresource !== undefined ? { subresource: opts.subresource } : {}),
        ...ignored(opts.decl, opts.subresource),
      });
    } catch (err) {
      throw applyStatus(err);
    }
    if (result.outcome === 'conflict') {
      const name = (config.metadata?.name ?? live?.metadata?.name ?? '') as string;
      throw errors.conflictMessage({ group: opts.decl.group, resource: opts.decl.plural }, name, conflictMessage(result.conflicts), conflictCauses(result.conflicts));
    }
    return result.object;
  },
  recordUpdate(old, updated, opts): KubeObject {
    let entries;
    try {
      entries = recordFields(old, updated, {
        manager: opts.manager,
        operation: 'Update',
        apiVersion: apiVersionOf(opts.decl),
        schema: opts.decl.schema,
        now: opts.now,
        ...(opts.subresource !== undefined ? { subresource: opts.subresource } : {}),
        ...ignored(opts.decl, opts.subresource),
      });
    } catch (err) {
      // As upstream: an object the schema can't track keeps the managed fields it had.
      if (err instanceof ApplyError) return { ...updated, metadata: { ...updated.metadata, ...(old?.metadata?.managedFields !== undefined ? { managedFields: old.metadata.managedFields } : {}) } };
      throw err;
    }
    const metadata = { ...(updated.metadata ?? {}) };
    if (entries.length === 0) delete metadata.managedFields;
    else metadata.managedFields = entries as unknown as Array<Record<string, unknown>>;
    return { ...updated, metadata };
  },
};
