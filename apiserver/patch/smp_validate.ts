/**
 * Shape check of a strategic merge patch, before (and independent of) the object it applies to:
 * every `$patch` value is one strategicpatch knows, `$retainKeys`, `$setElementOrder/…` and
 * `$deleteFromPrimitiveList/…` are well formed, merged lists hold one element kind and their
 * `$patch: delete` elements carry the merge key, and each patch list follows its
 * `$setElementOrder` list. Errors carry upstream's codes and messages.
 *
 * Not checked here: that ordinary elements of a merged list carry the merge key. Upstream only
 * requires that when the list merges into an existing one, so applyStrategicMergePatch checks it
 * then.
 */
import { type Schema, fieldSchema, itemSchema } from '../registry/schema.js';
import { PatchError, PatchErrorCode } from './errors.js';
import { goFormat, goFormatString } from './go_format.js';
import { type JsonObject, type JsonValue, hasOwn, isJsonObject, jsonEqual } from './json.js';
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
import { patchMetaOf } from './smp_meta.js';
import { listElementKind } from './smp_order.js';

/** Throws the PatchError upstream would raise for a malformed patch; returns when the shape is valid. A null patch is an empty one. */
export function validateStrategicMergePatch(patch: unknown, schema: Schema | undefined): void {
  if (patch === null || patch === undefined) return;
  if (!isJsonObject(patch)) {
    const word = Array.isArray(patch) ? 'array' : typeof patch === 'boolean' ? 'bool' : typeof patch;
    throw new PatchError(
      PatchErrorCode.SMP_INVALID_DOCUMENT,
      `json: cannot unmarshal ${word} into Go value of type map[string]interface {}`,
    );
  }
  checkMap(patch, schema, '');
}

/** Whether `patch` is a well-formed strategic merge patch for `schema`. */
export function isValidStrategicMergePatch(patch: unknown, schema: Schema | undefined): boolean {
  try {
    validateStrategicMergePatch(patch, schema);
    return true;
  } catch (err) {
    if (err instanceof PatchError) return false;
    throw err;
  }
}

export function badPatchType(directive: unknown, map: JsonObject): PatchError {
  return new PatchError(
    PatchErrorCode.SMP_BAD_PATCH_TYPE,
    `unknown patch type: ${goFormatString(directive)} in map: ${goFormat(map)}`,
  );
}

export function noMergeKey(map: JsonValue, mergeKey: string): PatchError {
  return new PatchError(
    PatchErrorCode.SMP_NO_MERGE_KEY,
    `map: ${goFormat(map)} does not contain declared merge key: ${mergeKey}`,
  );
}

export function mergeDirectiveInList(): PatchError {
  return new PatchError(PatchErrorCode.SMP_MERGE_DIRECTIVE_IN_LIST, 'merging lists cannot yet be specified in the patch');
}

export function mergeKeyNotDeclared(path: string): PatchError {
  return new PatchError(
    PatchErrorCode.SMP_MERGE_KEY_NOT_DECLARED,
    `cannot merge lists without merge key for ${path === '' ? '<root>' : path}`,
  );
}

export function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function checkMap(map: JsonObject, schema: Schema | undefined, path: string): void {
  if (hasOwn(map, DIRECTIVE_MARKER)) {
    const directive = map[DIRECTIVE_MARKER];
    if (directive !== REPLACE_DIRECTIVE && directive !== DELETE_DIRECTIVE) throw badPatchType(directive, map);
  }
  if (hasOwn(map, RETAIN_KEYS_DIRECTIVE)) checkRetainKeys(map);
  for (const [key, value] of Object.entries(map)) {
    if (key === DIRECTIVE_MARKER || key === RETAIN_KEYS_DIRECTIVE) continue;
    if (isSetElementOrderKey(key)) {
      checkSetElementOrder(map, key, value, schema);
    } else if (isDeleteFromPrimitiveListKey(key)) {
      checkDeleteFromPrimitiveList(key, value);
    } else if (isJsonObject(value)) {
      checkMap(value, fieldSchema(schema, key), joinPath(path, key));
    } else if (Array.isArray(value)) {
      checkList(value, fieldSchema(schema, key), joinPath(path, key));
    }
  }
}

function checkRetainKeys(map: JsonObject): void {
  const retained = map[RETAIN_KEYS_DIRECTIVE];
  if (!Array.isArray(retained)) throw new PatchError(PatchErrorCode.SMP_BAD_RETAIN_KEYS, RETAIN_KEYS_MESSAGE);
  for (const [key, value] of Object.entries(map)) {
    if (value === null || key === DIRECTIVE_MARKER || key === RETAIN_KEYS_DIRECTIVE) continue;
    if (isSetElementOrderKey(key) || isDeleteFromPrimitiveListKey(key)) continue;
    if (!retained.includes(key)) throw new PatchError(PatchErrorCode.SMP_BAD_RETAIN_KEYS, RETAIN_KEYS_MESSAGE);
  }
}

function checkDeleteFromPrimitiveList(key: string, value: JsonValue): void {
  directiveField(key, DELETE_FROM_PRIMITIVE_LIST_PREFIX);
  if (!Array.isArray(value) || value.some((v) => isJsonObject(v) || Array.isArray(v))) {
    throw new PatchError(PatchErrorCode.SMP_BAD_PRIMITIVE_LIST, PRIMITIVE_LIST_MESSAGE);
  }
}

function checkSetElementOrder(map: JsonObject, key: string, order: JsonValue, schema: Schema | undefined): void {
  const field = directiveField(key, SET_ELEMENT_ORDER_PREFIX);
  if (!Array.isArray(order)) throw new PatchError(PatchErrorCode.SMP_BAD_SET_ELEMENT_ORDER, SET_ELEMENT_ORDER_MESSAGE);
  const { mergeKey } = patchMetaOf(fieldSchema(schema, field));
  for (const item of order) {
    const isScalar = !isJsonObject(item) && !Array.isArray(item);
    if (mergeKey === undefined ? !isScalar : !isJsonObject(item)) {
      throw new PatchError(PatchErrorCode.SMP_BAD_SET_ELEMENT_ORDER, SET_ELEMENT_ORDER_MESSAGE);
    }
    if (mergeKey !== undefined && !hasOwn(item as JsonObject, mergeKey)) throw noMergeKey(item, mergeKey);
  }
  const patchList = map[field];
  if (Array.isArray(patchList)) checkOrderMatches(patchList, order, mergeKey);
}

/**
 * The patch list's items (less deletions and directive elements) must appear in the
 * $setElementOrder list, in the same relative order.
 */
function checkOrderMatches(patchList: readonly JsonValue[], order: readonly JsonValue[], mergeKey: string | undefined): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items =
    mergeKey === undefined
      ? patchList
      : patchList.filter((item) => !(isJsonObject(item) && item[DIRECTIVE_MARKER] === DELETE_DIRECTIVE));
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    const item = items[p] as JsonValue;
    if (isJsonObject(item) && hasOwn(item, DIRECTIVE_MARKER)) {
      p++;
      continue;
    }
    if (sameItem(item, order[o] as JsonValue, mergeKey)) p++;
    o++;
  }
  if (p < items.length) {
    throw new PatchError(
      PatchErrorCode.SMP_SET_ELEMENT_ORDER_MISMATCH,
      `the order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER_PREFIX} list:\n${goFormat(order)}`,
    );
  }
}

function sameItem(item: JsonValue, ordered: JsonValue, mergeKey: string | undefined): boolean {
  if (mergeKey === undefined) return jsonEqual(item, ordered);
  if (!isJsonObject(item) || !hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
  return isJsonObject(ordered) && jsonEqual(item[mergeKey], ordered[mergeKey]);
}

function checkList(list: readonly JsonValue[], listSchema: Schema | undefined, path: string): void {
  const meta = patchMetaOf(listSchema);
  const items = itemSchema(listSchema);
  if (meta.strategy !== MERGE_DIRECTIVE) {
    for (const item of list) {
      if (isJsonObject(item)) checkMap(item, items, path);
      else if (Array.isArray(item)) checkList(item, items, path);
    }
    return;
  }
  if (listElementKind(list) !== 'object') return;
  const mergeKey = meta.mergeKey;
  if (mergeKey === undefined) throw mergeKeyNotDeclared(path);
  for (const item of list as JsonObject[]) {
    if (!hasOwn(item, DIRECTIVE_MARKER)) {
      checkMap(item, items, path);
      continue;
    }
    const directive = item[DIRECTIVE_MARKER];
    if (directive === DELETE_DIRECTIVE) {
      if (!hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    } else if (directive === MERGE_DIRECTIVE) {
      throw mergeDirectiveInList();
    } else if (directive !== REPLACE_DIRECTIVE) {
      throw badPatchType(directive, item);
    }
  }
}
