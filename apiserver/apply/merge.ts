/**
 * Merging an apply configuration into the live object (structured-merge-diff's
 * TypedValue.Merge): granular maps field by field, list-maps element by element matched by key,
 * sets by value; scalars, atomic maps and atomic lists are replaced by the configuration's value.
 *
 * Order of merged lists follows upstream: elements keep their live order, the configuration's
 * order decides among the elements both sides have, and new elements are placed where the
 * configuration puts them relative to those. A null in the configuration sets a scalar or atomic
 * value to null but leaves a non-empty granular map or list alone (upstream treats it as an empty
 * one). A live element whose key is duplicated and that the configuration names is replaced by the
 * configuration's single element.
 */
import type { Schema } from '../registry/schema.js';
import { ApplyError, ApplyErrorCode } from './errors.js';
import { serializePathElement } from './path_element.js';
import { childOf, isGranular, itemsOf, listItemElement, shapeOf, type ListShape } from './schema_shape.js';
import { isEmptyContainer, type JsonObject } from './value.js';

/** The configuration merged into live. Inputs are not modified; the result may share parts of them. */
export function mergeObjects(live: unknown, config: unknown, schema: Schema | undefined): unknown {
  return mergeNode(live, config, schema);
}

function mergeNode(lhs: unknown, rhs: unknown, schema: Schema | undefined): unknown {
  if (rhs === undefined) return lhs;
  if (lhs === undefined || lhs === null) return rhs;
  if (rhs === null) return isGranular(shapeOf(schema, lhs)) && !isEmptyContainer(lhs) ? lhs : null;
  const ls = shapeOf(schema, lhs);
  const rs = shapeOf(schema, rhs);
  if (ls.kind !== rs.kind || !isGranular(rs)) return rhs;
  if (isEmptyContainer(lhs) && isEmptyContainer(rhs)) return rhs;
  if (rs.kind === 'map') return mergeMap(lhs as JsonObject, rhs as JsonObject, schema);
  if (rs.kind === 'list') return mergeList(lhs as unknown[], rhs as unknown[], schema, rs);
  return rhs;
}

function mergeMap(lhs: JsonObject, rhs: JsonObject, schema: Schema | undefined): JsonObject {
  const out: JsonObject = {};
  for (const [key, l] of Object.entries(lhs)) {
    out[key] = Object.hasOwn(rhs, key) ? mergeNode(l, rhs[key], childOf(schema, key).schema) : l;
  }
  for (const [key, r] of Object.entries(rhs)) {
    if (!Object.hasOwn(lhs, key) && r !== undefined) out[key] = r;
  }
  return out;
}

interface Element {
  readonly key: string;
  readonly value: unknown;
}

const DUPLICATED = Symbol('duplicated');

function elementsOf(list: unknown[], shape: ListShape, items: Schema | undefined): Element[] {
  return list.map((value, i) => {
    const pe = listItemElement(shape, items, value);
    if (typeof pe === 'string') throw new ApplyError(ApplyErrorCode.INVALID_OBJECT, `element ${i}: ${pe}`);
    return { key: serializePathElement(pe), value };
  });
}

function mergeList(lhs: unknown[], rhs: unknown[], schema: Schema | undefined, shape: ListShape): unknown[] {
  const items = itemsOf(schema);
  const left = elementsOf(lhs, shape, items);
  const right = elementsOf(rhs, shape, items);
  const leftByKey = new Map<string, unknown>();
  for (const e of left) leftByKey.set(e.key, leftByKey.has(e.key) ? DUPLICATED : e.value);
  const rightByKey = new Map<string, unknown>();
  for (const e of right) rightByKey.set(e.key, e.value);
  const liveValue = (key: string): unknown => {
    const v = leftByKey.get(key);
    return v === DUPLICATED ? undefined : v;
  };

  // Keys both sides have, in the configuration's order: the next one to place.
  const shared = right.filter((e) => leftByKey.has(e.key)).map((e) => e.key);
  let nextShared = shared.shift();
  const placed = new Set<string>();
  const out: unknown[] = [];
  let li = 0;
  let ri = 0;
  while (li < left.length || ri < right.length) {
    const l = left[li];
    const r = right[ri];
    if (l !== undefined && r !== undefined) {
      if (l.key === r.key) {
        placed.add(r.key);
        out.push(mergeNode(liveValue(r.key), r.value, items));
        li++;
        ri++;
        nextShared = shared.shift();
        continue;
      }
      if (rightByKey.has(l.key) && nextShared !== undefined && nextShared !== l.key) {
        // A shared element, but not the one to place now; it is placed with the configuration's.
        li++;
        continue;
      }
    }
    if (l !== undefined) {
      if (!rightByKey.has(l.key)) {
        out.push(l.value);
        li++;
        continue;
      }
      if (placed.has(l.key)) {
        li++;
        continue;
      }
    }
    if (r !== undefined) {
      placed.add(r.key);
      out.push(mergeNode(liveValue(r.key), r.value, items));
      ri++;
      if (nextShared === r.key) nextShared = shared.shift();
    }
  }
  return out;
}
