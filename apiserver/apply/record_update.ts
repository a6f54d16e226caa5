/**
 * Field ownership after a write that is not an apply — create, update, or a JSON, merge or
 * strategic merge patch (upstream's FieldManager.Update): the writer takes the fields it added or
 * changed, those leave every other manager, removed fields leave everyone, and managers left with
 * nothing are dropped. A create gives the creator every field it wrote; parents it created carry
 * `.` in fieldsV1 (`f:spec: {".": {}, ...}`), since they are new too.
 *
 * The writer's changes are merged into its existing Update entry (one per manager, apiVersion and
 * subresource), whose time moves only when it took something; more than ten Update entries are
 * folded, oldest first, into "ancient-changes".
 *
 * Which managedFields the write starts from follows upstream: on a subresource always the stored
 * object's; otherwise the request's own when it sets some (a client may edit managedFields
 * directly), none when it sends `[]` or `[{}]` (a reset), and the stored object's when it sends
 * none or ones that cannot be decoded.
 */
import type { Schema } from '../registry/schema.js';
import { compareObjects, excludeFields } from './compare.js';
import { ApplyError, ApplyErrorCode } from './errors.js';
import type { FieldSet } from './field_set.js';
import {
  capUpdateManagers,
  decodeManagedFields,
  decodeManagedFieldsOrEmpty,
  encodeManagedFields,
  formatTime,
  isResetManagedFields,
  managerIdentifier,
  type ManagedFieldsEntry,
  type ManagerMap,
} from './managed_fields.js';
import { describeObject, managedFieldsOf, withoutManagedFields } from './managed_object.js';
import { STRIPPED_FIELDS, withObjectMeta } from './object_meta.js';
import { collectFieldSet, formatValidationErrors } from './to_field_set.js';

export interface UpdateOptions {
  readonly manager: string;
  readonly operation: 'Update';
  /** The version the write was made in. */
  readonly apiVersion: string;
  /** The schema of the whole object. */
  readonly schema: Schema;
  readonly now: Date;
  /** The subresource written (`status`, `scale`), if any; it is part of the manager's identity. */
  readonly subresource?: string;
  /** Fields the strategy resets on this endpoint (upstream's resetFields): never owned through it. */
  readonly ignoredFields?: FieldSet;
}

/**
 * The managedFields for `updated` after `manager` wrote it over `old` (undefined: a create). An
 * empty list means the object should carry no managedFields. Throws ApplyError INVALID_OBJECT when
 * either object does not fit the schema (a list-map element without its key, say); upstream then
 * keeps the stored object's managedFields, and callers that want that should catch and do so.
 */
export function recordUpdate(old: object | undefined, updated: object, opts: UpdateOptions): ManagedFieldsEntry[] {
  const schema = withObjectMeta(opts.schema);
  const subresource = opts.subresource ?? '';
  const managers = startingManagers(old, updated, subresource !== '');
  const oldObject = withoutManagedFields(old ?? {});
  const newObject = withoutManagedFields(updated);
  check(newObject, schema, 'new');
  check(oldObject, schema, 'live');

  const cmp = excludeFields(compareObjects(oldObject, newObject, schema), opts.ignoredFields);
  const taken = cmp.modified.union(cmp.added);
  for (const [id, m] of managers) {
    m.set = m.set.difference(taken).difference(cmp.removed);
    if (m.set.isEmpty()) managers.delete(id);
  }

  let mine = taken.difference(cmp.removed);
  if (opts.ignoredFields !== undefined) mine = mine.recursiveDifference(opts.ignoredFields);
  mine = mine.difference(STRIPPED_FIELDS);
  if (!mine.isEmpty()) {
    const id = managerIdentifier(opts.manager, 'Update', opts.apiVersion, subresource);
    const previous = managers.get(id);
    managers.set(id, {
      manager: opts.manager,
      operation: 'Update',
      subresource,
      apiVersion: opts.apiVersion,
      set: previous === undefined ? mine : mine.union(previous.set),
      time: formatTime(opts.now),
    });
  }
  return encodeManagedFields(capUpdateManagers(managers));
}

function startingManagers(old: object | undefined, updated: object, isSubresource: boolean): ManagerMap {
  if (isSubresource) return decodeManagedFieldsOrEmpty(managedFieldsOf(old));
  const requested = managedFieldsOf(updated);
  if (isResetManagedFields(requested)) return new Map();
  try {
    const fromRequest = decodeManagedFields(requested);
    if (fromRequest.size > 0) return fromRequest;
  } catch {
    // Undecodable managedFields in the request: keep the stored ones, as upstream does.
  }
  return decodeManagedFieldsOrEmpty(managedFieldsOf(old));
}

function check(obj: Record<string, unknown>, schema: Schema, which: 'new' | 'live'): void {
  const { errors } = collectFieldSet(obj, schema);
  if (errors.length === 0) return;
  throw new ApplyError(
    ApplyErrorCode.INVALID_OBJECT,
    `failed to convert ${which} object (${describeObject(obj)}) to smd typed: ${formatValidationErrors(errors)}`,
  );
}
