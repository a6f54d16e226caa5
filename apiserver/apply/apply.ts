/**
 * Server-side apply: merging an applier's configuration into the live object and recording what
 * the applier now owns (upstream's FieldManager.Apply down through structured-merge-diff's
 * Updater.Apply).
 *
 * 1. The configuration is merged into live (maps by field, list-maps by key, sets by value,
 *    atomic values replaced).
 * 2. The applier's Apply entry becomes exactly the configuration's fields.
 * 3. What the applier applied last time and no longer applies is removed, unless another manager
 *    owns it.
 * 4. Fields the result changes or adds that another manager owns conflict: without `force` the
 *    apply fails with the conflicts; with it the other managers lose those fields. Fields the
 *    result removes leave every other manager.
 * 5. Metadata that is never tracked (name, uid, resourceVersion, ...) leaves the applier's set; the
 *    entry gets the time when the object or the applier's fields changed.
 */
import type { Schema } from '../registry/schema.js';
import type { KubeObject } from '../registry/types.js';
import { conflictsFromSets, type Conflict } from './conflicts.js';
import { ApplyError, ApplyErrorCode } from './errors.js';
import type { FieldSet } from './field_set.js';
import {
  decodeManagedFields,
  encodeManagedFields,
  formatTime,
  managerIdentifier,
  type ManagedFieldsEntry,
  type ManagerMap,
} from './managed_fields.js';
import { describeObject, managedFieldsOf, setManagedFields, withoutManagedFields } from './managed_object.js';
import { mergeObjects } from './merge.js';
import { STRIPPED_FIELDS, withObjectMeta } from './object_meta.js';
import { collectFieldSet, formatValidationErrors } from './to_field_set.js';
import { pruneDisowned, reconcileManagers } from './updater.js';
import { deepEqual, isPlainObject } from './value.js';

export interface ApplyOptions {
  /** The field manager (`?fieldManager=`). */
  readonly manager: string;
  /** `?force=true`: take contested fields instead of failing. */
  readonly force: boolean;
  /** The version served; the configuration must name it. */
  readonly apiVersion: string;
  /** The schema of the whole object. */
  readonly schema: Schema;
  readonly now: Date;
  /** The subresource applied to (`status`), if any; it is part of the manager's identity. */
  readonly subresource?: string;
  /**
   * Fields the strategy resets on this endpoint (upstream's resetFields), e.g. `status` for the
   * main resource: never owned through it and never contested.
   */
  readonly ignoredFields?: FieldSet;
  /** Accept fields the schema does not declare (tracked as deduced) instead of failing. Default false. */
  readonly allowUnknownFields?: boolean;
}

export type ApplyResult =
  | {
      readonly outcome: 'applied';
      /** The object to store, with metadata.managedFields set. */
      readonly object: KubeObject;
      readonly managedFields: ManagedFieldsEntry[];
      /** Whether anything but managedFields differs from live (false: the apply was a no-op on the object). */
      readonly changed: boolean;
    }
  | { readonly outcome: 'conflict'; readonly conflicts: Conflict[] };

/**
 * Applies `config` for `opts.manager` to `live` (undefined: the object is being created). Returns
 * the object and its managedFields, or the conflicts. Throws ApplyError for a configuration of the
 * wrong version, one that sets managedFields or does not fit the schema (INVALID_CONFIG), and for
 * a live object whose managedFields or contents cannot be read.
 */
export function apply(live: object | undefined, config: object, opts: ApplyOptions): ApplyResult {
  if (!isPlainObject(config)) throw new ApplyError(ApplyErrorCode.INVALID_CONFIG, 'apply configuration must be an object');
  const configVersion = typeof config['apiVersion'] === 'string' ? config['apiVersion'] : '';
  if (configVersion !== opts.apiVersion) {
    throw new ApplyError(
      ApplyErrorCode.VERSION_MISMATCH,
      `Incorrect version specified in apply patch. Specified patch version: ${configVersion}, expected: ${opts.apiVersion}`,
    );
  }
  const configManaged = managedFieldsOf(config);
  if (configManaged !== undefined && configManaged !== null) {
    throw new ApplyError(ApplyErrorCode.MANAGED_FIELDS_IN_CONFIG, 'metadata.managedFields must be nil');
  }

  const schema = withObjectMeta(opts.schema);
  let managers: ManagerMap;
  try {
    managers = decodeManagedFields(managedFieldsOf(live));
  } catch (err) {
    throw new ApplyError(ApplyErrorCode.INVALID_MANAGED_FIELDS, `failed to decode managed fields: ${(err as Error).message}`, { cause: err });
  }
  const liveObject = withoutManagedFields(live ?? {});
  // `managedFields: null` is allowed (Go reads it as nil) and means nothing.
  const configObject = withoutManagedFields(config);

  const typedConfig = collectFieldSet(configObject, schema, { strict: opts.allowUnknownFields !== true });
  if (typedConfig.errors.length > 0) {
    throw new ApplyError(
      ApplyErrorCode.INVALID_CONFIG,
      `failed to create typed patch object (${describeObject(configObject)}): ${formatValidationErrors(typedConfig.errors)}`,
    );
  }
  const typedLive = collectFieldSet(liveObject, schema);
  if (typedLive.errors.length > 0) {
    throw new ApplyError(
      ApplyErrorCode.INVALID_OBJECT,
      `failed to create typed live object (${describeObject(liveObject)}): ${formatValidationErrors(typedLive.errors)}`,
    );
  }

  const subresource = opts.subresource ?? '';
  const id = managerIdentifier(opts.manager, 'Apply', opts.apiVersion, subresource);
  const previous = managers.get(id);
  const merged = mergeObjects(liveObject, configObject, schema);
  const configSet = opts.ignoredFields === undefined ? typedConfig.set : typedConfig.set.recursiveDifference(opts.ignoredFields);
  managers.set(id, { manager: opts.manager, operation: 'Apply', subresource, apiVersion: opts.apiVersion, set: configSet, time: previous?.time });

  const pruned = pruneDisowned(merged, managers, previous?.set, schema);
  const reconciled = reconcileManagers(liveObject, pruned, schema, managers, id, opts.force, opts.ignoredFields);
  if (reconciled.outcome === 'conflict') return { outcome: 'conflict', conflicts: conflictsFromSets(reconciled.conflicts, managers) };

  const changed = !deepEqual(liveObject, pruned);
  const mine = managers.get(id);
  if (mine !== undefined) {
    mine.set = mine.set.difference(STRIPPED_FIELDS);
    if (mine.set.isEmpty()) managers.delete(id);
    else if (changed || previous === undefined || !previous.set.equals(mine.set)) mine.time = formatTime(opts.now);
  }

  const managedFields = encodeManagedFields(managers);
  const result = (changed ? pruned : liveObject) as Record<string, unknown>;
  return { outcome: 'applied', object: setManagedFields(result, managedFields), managedFields, changed };
}
