/**
 * What changed between two versions of an object (structured-merge-diff's TypedValue.Compare):
 *
 * - added: every path present only in the new version, parents included (a new container adds the
 *   element and each of its fields), which is why a creator's fieldsV1 shows `.` on new objects;
 * - removed: the same for paths only in the old version;
 * - modified: leaves (scalars, atomic maps and lists, empty containers) present in both with
 *   different values.
 *
 * A duplicated list key is compared as one atomic leaf, as upstream does for live objects.
 */
import type { Schema } from '../registry/schema.js';
import { ApplyError, ApplyErrorCode } from './errors.js';
import { FieldSet } from './field_set.js';
import { fieldElement, pathToString, serializePathElement, type PathElement } from './path_element.js';
import { childOf, isGranular, itemsOf, listItemElement, shapeOf, type ListShape, type Shape } from './schema_shape.js';
import { deepEqual, isEmptyContainer, isPlainObject, type JsonObject } from './value.js';

export interface Comparison {
  readonly added: FieldSet;
  readonly removed: FieldSet;
  readonly modified: FieldSet;
}

export function compareObjects(lhs: unknown, rhs: unknown, schema: Schema | undefined): Comparison {
  const c = new Comparer();
  c.node(lhs, rhs, schema, []);
  return { added: c.added, removed: c.removed, modified: c.modified };
}

/** The comparison without `fields` and everything below them (upstream's ExcludeFields). */
export function excludeFields(cmp: Comparison, fields: FieldSet | undefined): Comparison {
  if (fields === undefined || fields.isEmpty()) return cmp;
  return {
    added: cmp.added.recursiveDifference(fields),
    removed: cmp.removed.recursiveDifference(fields),
    modified: cmp.modified.recursiveDifference(fields),
  };
}

class Comparer {
  readonly added = new FieldSet();
  readonly removed = new FieldSet();
  readonly modified = new FieldSet();

  node(lhs: unknown, rhs: unknown, schema: Schema | undefined, path: PathElement[]): void {
    if (lhs === undefined && rhs === undefined) return;
    // null takes whatever form the other side has, as a nil map or list does upstream.
    const ls = lhs === undefined || lhs === null ? undefined : shapeOf(schema, lhs);
    const rs = rhs === undefined || rhs === null ? undefined : shapeOf(schema, rhs);
    const shape = rs ?? ls;
    if (shape === undefined || !isGranular(shape)) {
      if (ls !== undefined && rs !== undefined && ls.kind !== rs.kind) this.changedForm(lhs, rhs, schema, path);
      else this.leaf(lhs, rhs, path);
      return;
    }
    if (ls !== undefined && rs !== undefined && ls.kind !== rs.kind) {
      this.changedForm(lhs, rhs, schema, path);
      return;
    }
    if (isEmptyContainer(lhs) && isEmptyContainer(rhs)) {
      this.leaf(lhs, rhs, path);
      return;
    }
    this.children(lhs, rhs, schema, shape, path);
    if (lhs === undefined) this.added.insert(path);
    else if (rhs === undefined) this.removed.insert(path);
  }

  private leaf(lhs: unknown, rhs: unknown, path: PathElement[]): void {
    if (lhs === undefined) this.added.insert(path);
    else if (rhs === undefined) this.removed.insert(path);
    else if (!deepEqual(lhs, rhs)) this.modified.insert(path);
  }

  /** The value became something else entirely (a scalar became an object): modified, with the old children removed and the new ones added. */
  private changedForm(lhs: unknown, rhs: unknown, schema: Schema | undefined, path: PathElement[]): void {
    this.modified.insert(path);
    const ls = shapeOf(schema, lhs);
    const rs = shapeOf(schema, rhs);
    if (isGranular(ls)) this.children(lhs, undefined, schema, ls, path);
    if (isGranular(rs)) this.children(undefined, rhs, schema, rs, path);
  }

  private children(lhs: unknown, rhs: unknown, schema: Schema | undefined, shape: Shape, path: PathElement[]): void {
    if (shape.kind === 'map') this.mapItems(asMap(lhs), asMap(rhs), schema, path);
    else if (shape.kind === 'list') this.listItems(asList(lhs), asList(rhs), schema, shape, path);
  }

  private mapItems(lhs: JsonObject | undefined, rhs: JsonObject | undefined, schema: Schema | undefined, path: PathElement[]): void {
    const keys = new Set([...Object.keys(lhs ?? {}), ...Object.keys(rhs ?? {})]);
    for (const key of keys) {
      this.node(lhs?.[key], rhs?.[key], childOf(schema, key).schema, [...path, fieldElement(key)]);
    }
  }

  private listItems(lhs: unknown[] | undefined, rhs: unknown[] | undefined, schema: Schema | undefined, shape: ListShape, path: PathElement[]): void {
    const items = itemsOf(schema);
    const order: Array<{ key: string; pe: PathElement }> = [];
    const left = indexList(lhs, shape, items, path, order);
    const right = indexList(rhs, shape, items, path, order);
    for (const { key, pe } of order) {
      const l = left.get(key) ?? [];
      const r = right.get(key) ?? [];
      const childPath = [...path, pe];
      if (l.length <= 1 && r.length <= 1) {
        this.node(l[0], r[0], items, childPath);
      } else if (l.length >= 2 && r.length >= 2) {
        if (!deepEqual(l, r)) this.modified.insert(childPath);
      } else if (l.length >= 2) {
        if (r.length > 0) this.node(undefined, r[0], items, childPath);
        this.removed.insert(childPath);
      } else {
        if (l.length > 0) this.node(l[0], undefined, items, childPath);
        this.added.insert(childPath);
      }
    }
  }
}

/** Elements of a list by serialized path element; appends keys not seen before to `order`. */
function indexList(
  list: unknown[] | undefined,
  shape: ListShape,
  items: Schema | undefined,
  path: PathElement[],
  order: Array<{ key: string; pe: PathElement }>,
): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  const known = new Set(order.map((o) => o.key));
  (list ?? []).forEach((item, i) => {
    const pe = listItemElement(shape, items, item);
    if (typeof pe === 'string') throw new ApplyError(ApplyErrorCode.INVALID_OBJECT, `${pathToString(path)}: element ${i}: ${pe}`);
    const key = serializePathElement(pe);
    const existing = out.get(key);
    if (existing !== undefined) existing.push(item);
    else out.set(key, [item]);
    if (!known.has(key)) {
      known.add(key);
      order.push({ key, pe });
    }
  });
  return out;
}

function asMap(v: unknown): JsonObject | undefined {
  return isPlainObject(v) ? v : undefined;
}

function asList(v: unknown): unknown[] | undefined {
  return Array.isArray(v) ? v : undefined;
}
