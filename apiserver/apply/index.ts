/**
 * apiserver/apply: managed fields and server-side apply, as Kubernetes does them
 * (sigs.k8s.io/structured-merge-diff and k8s.io/apimachinery's managedfields). A pure library:
 * it computes objects and managedFields; the HTTP layer and the registry decide when to call it and
 * what to store.
 *
 * - `apply(live, config, opts)` for apply patches: the merged object and managedFields, or the
 *   conflicts (`conflictStatus` turns them into the 409 Status).
 * - `recordUpdate(old, updated, opts)` for every other write: the new managedFields.
 * - Field sets, their fieldsV1 form and the field set of an object under a schema, for anything
 *   else that needs to reason about fields.
 */
export { apply, type ApplyOptions, type ApplyResult } from './apply.js';
export { recordUpdate, type UpdateOptions } from './record_update.js';
export {
  conflictCauses,
  conflictMessage,
  conflictStatus,
  printManager,
  type Conflict,
  type ConflictCause,
  type ConflictStatus,
} from './conflicts.js';
export {
  ANCIENT_CHANGES_MANAGER,
  MAX_UPDATE_MANAGERS,
  decodeManagedFields,
  encodeManagedFields,
  formatTime,
  isResetManagedFields,
  managerIdentifier,
  type ManagedFieldsEntry,
  type ManagedFieldsOperation,
  type ManagerMap,
  type ManagerRecord,
} from './managed_fields.js';
export { FieldSet } from './field_set.js';
export { fieldsV1Text, fromFieldsV1, toFieldsV1, type FieldsV1 } from './fields_v1.js';
export {
  comparePathElements,
  deserializePathElement,
  fieldElement,
  indexElement,
  keyElement,
  pathElementToString,
  pathToString,
  serializePathElement,
  valueElement,
  type KeyField,
  type Path,
  type PathElement,
} from './path_element.js';
export { collectFieldSet, fieldSetOf, type CollectedFieldSet, type FieldSetOptions } from './to_field_set.js';
export { compareObjects, type Comparison } from './compare.js';
export { mergeObjects } from './merge.js';
export { ensureNamedFieldsAreMembers, removeFields } from './remove.js';
export { objectMetaSchema, withObjectMeta, STRIPPED_FIELDS } from './object_meta.js';
export { ApplyError, ApplyErrorCode } from './errors.js';
