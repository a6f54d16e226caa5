/**
 * Strategic merge patch (Kubernetes' application/strategic-merge-patch+json), the server half of
 * k8s.io/apimachinery/pkg/util/strategicpatch: StrategicMergeMapPatch with parallel lists merged.
 *
 * - Maps merge key by key; a null value deletes the key. A map field with patch strategy
 *   'replace' is replaced whole.
 * - A list field with patch strategy 'merge' merges: lists of maps element by element on the merge
 *   key (elements the server has but the patch doesn't are kept), lists of scalars as sets. Every
 *   other list is replaced.
 * - Directives (see smp_directives.ts): `$patch: replace|delete` on maps and merged-list elements,
 *   `$retainKeys`, `$setElementOrder/<field>`, `$deleteFromPrimitiveList/<field>`.
 * - Where the schema says nothing (an unknown field, a map's free-form values, below
 *   x-kubernetes-preserve-unknown-fields) there is no strategy, so the subtree behaves like a JSON
 *   merge patch: maps merge, nulls delete, lists are replaced. Directives still apply there, as
 *   they do upstream.
 *
 * Differences from upstream, all about values the patch brings in rather than merges: upstream
 * copies such values raw (a new field, a new list element, a replaced list or map), leaving
 * `$retainKeys`, `$setElementOrder/…` or nulls inside them. Here they go through the same merge
 * against an empty value, so no directive key ever reaches the result; and `$patch: replace` on a
 * field the object lacks yields the patch's content (upstream drops the field).
 */
import { type Schema, fieldSchema, itemSchema } from '../registry/schema.js';
import { PatchError, PatchErrorCode } from './errors.js';
import { type JsonObject, type JsonValue, cloneJson, hasOwn, isJsonObject, jsonEqual, setOwn } from './json.js';
import {
  DELETE_DIRECTIVE,
  DELETE_FROM_PRIMITIVE_LIST_PREFIX,
  DIRECTIVE_MARKER,
  MERGE_DIRECTIVE,
  PRIMITIVE_LIST_MESSAGE,
  REPLACE_DIRECTIVE,
  RETAIN_KEYS_DIRECTIVE,
  RETAIN_KEYS_MESSAGE,
  SET_ELEMENT_ORDER_MESSAGE,
  SET_ELEMENT_ORDER_PREFIX,
  directiveField,
  isDeleteFromPrimitiveListKey,
  isSetElementOrderKey,
} from './smp_directives.js';
import { type PatchMeta, patchMetaOf } from './smp_meta.js';
import {
  type ItemIdentity,
  dedupeScalars,
  indexOfItem,
  listElementKind,
  normalizeElementOrder,
  partitionByPresence,
} from './smp_order.js';
import {
  badPatchType,
  joinPath,
  mergeDirectiveInList,
  mergeKeyNotDeclared,
  noMergeKey,
  validateStrategicMergePatch,
} from './smp_validate.js';

/**
 * Applies a strategic merge patch to `original` (a Kubernetes object as JSON) with the patch
 * metadata of `schema` (the type's whole-object schema; undefined means "knows nothing", which is
 * a merge patch with directives). Neither input is mutated. A null patch changes nothing.
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, schema: Schema | undefined): JsonObject {
  validateStrategicMergePatch(patch, schema);
  const base: JsonObject = isJsonObject(original) ? (cloneJson(original) as JsonObject) : {};
  if (patch === null || patch === undefined) return base;
  return mergeMap(base, cloneJson(patch) as JsonObject, schema, '');
}

const SCALARS: ItemIdentity = { mergeKey: undefined };

/** Merges `patch` into `original`; both are private copies and may be changed. */
function mergeMap(original: JsonObject, patch: JsonObject, schema: Schema | undefined, path: string): JsonObject {
  if (hasOwn(patch, DIRECTIVE_MARKER)) {
    const directive = patch[DIRECTIVE_MARKER];
    if (directive === DELETE_DIRECTIVE) return {};
    if (directive !== REPLACE_DIRECTIVE) throw badPatchType(directive, patch);
    delete patch[DIRECTIVE_MARKER];
    return mergeMap({}, patch, schema, path);
  }
  applyRetainKeys(original, patch);
  applySetElementOrder(original, patch, schema, path);
  const deletions: string[] = [];
  for (const key of Object.keys(patch)) {
    if (isDeleteFromPrimitiveListKey(key)) deletions.push(key);
    else mergeField(original, key, patch[key] as JsonValue, fieldSchema(schema, key), joinPath(path, key));
  }
  for (const key of deletions) deleteFromPrimitiveList(original, key, patch[key] as JsonValue);
  return original;
}

function mergeField(original: JsonObject, key: string, value: JsonValue, schema: Schema | undefined, path: string): void {
  if (value === null) {
    delete original[key];
    return;
  }
  const current = hasOwn(original, key) ? (original[key] as JsonValue) : undefined;
  const meta = patchMetaOf(schema);
  if (isJsonObject(value) && isJsonObject(current)) {
    const merged =
      meta.strategy === REPLACE_DIRECTIVE ? mergeMap({}, value, schema, path) : mergeMap(current, value, schema, path);
    setOwn(original, key, merged);
  } else if (Array.isArray(value) && Array.isArray(current)) {
    const merged =
      meta.strategy === MERGE_DIRECTIVE ? mergeList(current, value, schema, meta, path) : freshList(value, itemSchema(schema), path);
    setOwn(original, key, merged);
  } else if (isJsonObject(value) && value[DIRECTIVE_MARKER] === DELETE_DIRECTIVE) {
    // Deleting a map the object does not have (or has as another type): the field goes.
    delete original[key];
  } else {
    setOwn(original, key, freshValue(value, schema, path));
  }
}

/** A value the patch brings in without anything to merge with, with its directives applied. */
function freshValue(value: JsonValue, schema: Schema | undefined, path: string): JsonValue {
  if (isJsonObject(value)) return mergeMap({}, value, schema, path);
  if (Array.isArray(value)) return freshList(value, itemSchema(schema), path);
  return value;
}

/** A list taken from the patch as it is: directive elements dropped, maps inside cleaned of directives. */
function freshList(list: readonly JsonValue[], items: Schema | undefined, path: string): JsonValue[] {
  const out: JsonValue[] = [];
  for (const item of list) {
    if (isJsonObject(item)) {
      if (!hasOwn(item, DIRECTIVE_MARKER)) out.push(mergeMap({}, item, items, path));
    } else if (Array.isArray(item)) {
      out.push(freshList(item, itemSchema(items), path));
    } else {
      out.push(item);
    }
  }
  return out;
}

/** Merges a list whose field has patch strategy 'merge'. */
function mergeList(
  current: JsonValue[],
  patch: readonly JsonValue[],
  listSchema: Schema | undefined,
  meta: PatchMeta,
  path: string,
): JsonValue[] {
  if (current.length === 0 && patch.length === 0) return current;
  const kind = listElementKind(current, patch);
  if (kind !== 'object') {
    const merged = dedupeScalars([...current, ...patch]);
    const { present, absent } = partitionByPresence(merged, patch, SCALARS);
    return normalizeElementOrder(present, absent, patch, current, SCALARS);
  }
  const mergeKey = meta.mergeKey;
  if (mergeKey === undefined) throw mergeKeyNotDeclared(path);
  const id: ItemIdentity = { mergeKey };
  const items = itemSchema(listSchema);

  let base: JsonValue[] = [...current];
  let additions: JsonObject[] = [];
  let replace = false;
  for (const item of patch as JsonObject[]) {
    if (!hasOwn(item, DIRECTIVE_MARKER)) {
      additions.push(item);
      continue;
    }
    const directive = item[DIRECTIVE_MARKER];
    if (directive === DELETE_DIRECTIVE) {
      if (!hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
      const key = item[mergeKey];
      base = base.filter((el) => !(isJsonObject(el) && hasOwn(el, mergeKey) && jsonEqual(el[mergeKey], key)));
    } else if (directive === REPLACE_DIRECTIVE) {
      replace = true;
    } else if (directive === MERGE_DIRECTIVE) {
      throw mergeDirectiveInList();
    } else {
      throw badPatchType(directive, item);
    }
  }
  if (replace) {
    // `$patch: replace` in a merged list: the list is the patch's other elements.
    base = additions.map((item) => mergeMap({}, item, items, path));
    additions = [];
  }

  const serverOrder = [...base];
  for (const item of additions) {
    if (!hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    const at = indexOfItem(base, item, id);
    if (at >= 0) base[at] = mergeMap(base[at] as JsonObject, item, items, path);
    else base.push(mergeMap({}, item, items, path));
  }
  const { present, absent } = partitionByPresence(base, additions, id);
  return normalizeElementOrder(present, absent, additions, serverOrder, id);
}

/** `$retainKeys`: the original keeps only the listed keys (the patch was checked to set no others). */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!hasOwn(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const retained = patch[RETAIN_KEYS_DIRECTIVE];
  delete patch[RETAIN_KEYS_DIRECTIVE];
  if (!Array.isArray(retained)) throw new PatchError(PatchErrorCode.SMP_BAD_RETAIN_KEYS, RETAIN_KEYS_MESSAGE);
  for (const key of Object.keys(original)) {
    if (!retained.includes(key)) delete original[key];
  }
}

/**
 * `$setElementOrder/<field>`: merge the field's patch list now (if any), then order the result:
 * items the order list names follow it, server-only items keep their live positions.
 */
function applySetElementOrder(original: JsonObject, patch: JsonObject, schema: Schema | undefined, path: string): void {
  for (const key of Object.keys(patch)) {
    if (!isSetElementOrderKey(key)) continue;
    const order = patch[key];
    delete patch[key];
    const field = directiveField(key, SET_ELEMENT_ORDER_PREFIX);
    if (!Array.isArray(order)) throw new PatchError(PatchErrorCode.SMP_BAD_SET_ELEMENT_ORDER, SET_ELEMENT_ORDER_MESSAGE);

    const listSchema = fieldSchema(schema, field);
    const meta = patchMetaOf(listSchema);
    const fieldPath = joinPath(path, field);
    const current = hasOwn(original, field) ? original[field] : undefined;
    const patchList = hasOwn(patch, field) ? patch[field] : undefined;
    const liveList = Array.isArray(current) ? current : undefined;
    // A patch value that is not a list (a null deletes) is left to the ordinary merge.
    if (patchList !== undefined && !Array.isArray(patchList)) continue;

    let merged: JsonValue[];
    if (liveList !== undefined && patchList !== undefined) {
      merged =
        meta.strategy === MERGE_DIRECTIVE
          ? mergeList(liveList, patchList, listSchema, meta, fieldPath)
          : freshList(patchList, itemSchema(listSchema), fieldPath);
    } else if (liveList !== undefined) {
      merged = liveList;
    } else if (patchList !== undefined) {
      merged = freshList(patchList, itemSchema(listSchema), fieldPath);
    } else {
      continue;
    }
    delete patch[field];

    const id: ItemIdentity = meta.mergeKey === undefined ? SCALARS : { mergeKey: meta.mergeKey };
    if (id.mergeKey === undefined && listElementKind(merged) === 'object') {
      // Maps without a merge key cannot be told apart; keep the merged order.
      setOwn(original, field, merged);
      continue;
    }
    const { present, absent } = partitionByPresence(merged, order, id);
    setOwn(original, field, normalizeElementOrder(present, absent, order, liveList ?? [], id));
  }
}

/** `$deleteFromPrimitiveList/<field>`: remove every occurrence of the listed values from a scalar list. */
function deleteFromPrimitiveList(original: JsonObject, key: string, values: JsonValue): void {
  const field = directiveField(key, DELETE_FROM_PRIMITIVE_LIST_PREFIX);
  if (!Array.isArray(values)) throw new PatchError(PatchErrorCode.SMP_BAD_PRIMITIVE_LIST, PRIMITIVE_LIST_MESSAGE);
  const current = hasOwn(original, field) ? original[field] : undefined;
  if (!Array.isArray(current) || values.length === 0) return;
  listElementKind(current, values); // the values are scalars, so a list of maps fails here as mixed kinds
  setOwn(
    original,
    field,
    current.filter((item) => !values.some((v) => jsonEqual(v, item))),
  );
}
