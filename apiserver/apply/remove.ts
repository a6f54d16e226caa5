/**
 * Removing a set of fields from an object (structured-merge-diff's TypedValue.RemoveItems), and
 * the set adjustment pruning uses (Set.EnsureNamedFieldsAreMembers).
 *
 * A member of the set removes the value at that path with everything below it; a child of the set
 * descends. Atomic values are removed whole or not at all. Where upstream leaves a null behind
 * (a map or list that lost all its entries), ketch drops the field or element instead, so a pruned
 * object never gains nulls it did not have.
 */
import type { Schema } from '../registry/schema.js';
import { FieldSet } from './field_set.js';
import { fieldElement } from './path_element.js';
import { childOf, itemsOf, listItemElement, shapeOf } from './schema_shape.js';
import { isEmptyContainer, isPlainObject } from './value.js';

const GONE = Symbol('gone');

/** `value` without the paths in `set`. Inputs are not modified. */
export function removeFields(value: unknown, set: FieldSet, schema: Schema | undefined): unknown {
  const out = removeNode(value, set, schema);
  if (out !== GONE) return out;
  return isPlainObject(value) ? {} : Array.isArray(value) ? [] : value;
}

function removeNode(value: unknown, set: FieldSet, schema: Schema | undefined): unknown {
  if (set.isEmpty() || isEmptyContainer(value)) return value;
  const shape = shapeOf(schema, value);
  if (shape.kind === 'map' && !shape.atomic && isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const pe = fieldElement(key);
      if (set.hasMember(pe)) continue;
      const sub = set.childSet(pe);
      const kept = sub === undefined ? child : removeNode(child, sub, childOf(schema, key).schema);
      if (kept !== GONE) out[key] = kept;
    }
    return Object.keys(out).length > 0 ? out : GONE;
  }
  if (shape.kind === 'list' && shape.type !== 'atomic' && Array.isArray(value)) {
    const items = itemsOf(schema);
    const out: unknown[] = [];
    for (const item of value) {
      const pe = listItemElement(shape, items, item);
      if (typeof pe === 'string') {
        out.push(item);
        continue;
      }
      if (set.hasMember(pe)) continue;
      const sub = set.childSet(pe);
      const kept = sub === undefined ? item : removeNode(item, sub, items);
      if (kept !== GONE) out.push(kept);
    }
    return out.length > 0 ? out : GONE;
  }
  return value;
}

/**
 * `set` plus, as members, the declared properties (named fields) that have members below them: a
 * set holding `.spec.strategy.type` also holds `.spec.strategy` and `.spec`. Map entries and list
 * elements are not added. Pruning uses it so that a struct left empty by removing its last owned
 * field is removed too.
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, schema: Schema | undefined): FieldSet {
  const out = new FieldSet();
  for (const pe of set.sortedMembers()) out.addMember(pe);
  for (const [pe, child] of set.sortedChildren()) {
    let childSchema: Schema | undefined;
    if (pe.kind === 'field') {
      const field = childOf(schema, pe.name);
      childSchema = field.schema;
      if (field.declared) out.addMember(pe);
    } else if (pe.kind === 'key') {
      childSchema = itemsOf(schema);
    }
    out.setChild(pe, ensureNamedFieldsAreMembers(child, childSchema));
  }
  return out;
}
