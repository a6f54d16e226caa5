/**
 * The ownership algebra shared by apply and update (structured-merge-diff's merge.Updater):
 * taking changed fields away from other managers (or reporting them as conflicts), and pruning
 * what an applier stopped applying.
 *
 * ketch serves one version per resource, so the version conversions upstream performs between
 * managers' apiVersions are identities here: every manager's set is read against the one schema.
 */
import type { Schema } from '../registry/schema.js';
import { compareObjects, excludeFields, type Comparison } from './compare.js';
import type { FieldSet } from './field_set.js';
import type { ManagerMap } from './managed_fields.js';
import { PROTECTED_FIELDS } from './object_meta.js';
import { ensureNamedFieldsAreMembers, removeFields } from './remove.js';
import { fieldSetOf } from './to_field_set.js';

export type Reconciled =
  | { readonly outcome: 'ok'; readonly comparison: Comparison }
  | { readonly outcome: 'conflict'; readonly conflicts: ReadonlyMap<string, FieldSet> };

/**
 * Compares `oldObject` with `newObject` and updates every manager but `workflow` (upstream's
 * update): fields modified or added that another manager owns conflict — without `force` nothing
 * changes and the conflicts are returned; with it they leave that manager's set. Removed fields
 * leave every other manager's set, and managers left with nothing are dropped. Mutates `managers`.
 */
export function reconcileManagers(
  oldObject: unknown,
  newObject: unknown,
  schema: Schema,
  managers: ManagerMap,
  workflow: string,
  force: boolean,
  ignored: FieldSet | undefined,
): Reconciled {
  const comparison = excludeFields(compareObjects(oldObject, newObject, schema), ignored);
  const changed = comparison.modified.union(comparison.added);
  const conflicts = new Map<string, FieldSet>();
  for (const [id, m] of managers) {
    if (id === workflow) continue;
    const contested = m.set.intersection(changed);
    if (!contested.isEmpty()) conflicts.set(id, contested);
  }
  if (!force && conflicts.size > 0) return { outcome: 'conflict', conflicts };
  for (const [id, contested] of conflicts) {
    const m = managers.get(id);
    if (m !== undefined) m.set = m.set.difference(contested);
  }
  if (!comparison.removed.isEmpty()) {
    for (const [id, m] of managers) if (id !== workflow) m.set = m.set.difference(comparison.removed);
  }
  for (const [id, m] of managers) if (m.set.isEmpty()) managers.delete(id);
  return { outcome: 'ok', comparison };
}

/**
 * Removes from `merged` what the applier owned last time (`lastSet`) and no manager owns now
 * (`managers` already holds the applier's new set), in upstream's three steps: remove everything
 * last applied; add back whatever any manager (appliers and updaters) owns; add back whatever the
 * applier did not own last time. Named fields count as owned when anything below them is, so a
 * struct whose last owned field goes is removed whole. Identity and server-set metadata are never
 * removed.
 */
export function pruneDisowned(merged: unknown, managers: ManagerMap, lastSet: FieldSet | undefined, schema: Schema): unknown {
  if (lastSet === undefined || lastSet.isEmpty()) return merged;
  const ensure = (s: FieldSet): FieldSet => ensureNamedFieldsAreMembers(s, schema);
  const setOf = (v: unknown): FieldSet => fieldSetOf(v, schema);
  const last = ensure(lastSet);

  const pruned = removeFields(merged, last, schema);

  let managed = PROTECTED_FIELDS;
  for (const m of managers.values()) managed = managed.union(m.set);
  const mergedSet = ensure(setOf(merged));
  const ownedBack = removeFields(merged, mergedSet.difference(ensure(setOf(pruned)).union(ensure(managed))), schema);

  const removedAndLast = mergedSet.difference(ensure(setOf(ownedBack))).intersection(last);
  return removeFields(merged, removedAndLast, schema);
}

