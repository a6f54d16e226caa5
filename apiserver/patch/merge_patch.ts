/**
 * JSON Merge Patch (RFC 7386): an object patch merges into the target member by member, a null
 * member deletes, and anything that is not an object (arrays included) replaces the target.
 */
import { PatchError, PatchErrorCode } from './errors.js';
import { type JsonObject, type JsonValue, cloneJson, hasOwn, isJsonObject, setOwn } from './json.js';

/** RFC 7386 MergePatch(target, patch). Neither input is mutated. */
export function applyMergePatch(target: unknown, patch: unknown): JsonValue {
  if (!isJsonObject(patch)) return cloneJson(patch);
  const result: JsonObject = isJsonObject(target) ? (cloneJson(target) as JsonObject) : {};
  mergeInto(result, patch);
  return result;
}

function mergeInto(target: JsonObject, patch: Readonly<Record<string, unknown>>): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) {
      delete target[key];
    } else if (isJsonObject(value)) {
      const existing = hasOwn(target, key) ? target[key] : undefined;
      const child: JsonObject = isJsonObject(existing) ? existing : {};
      mergeInto(child, value);
      setOwn(target, key, child);
    } else {
      setOwn(target, key, cloneJson(value));
    }
  }
}

/**
 * kube-apiserver answers a merge patch body of null or a scalar with 400 "Invalid JSON Patch"
 * (evanphx/json-patch's ErrBadJSONPatch). An array body passes here; it replaces the whole object
 * and fails when the result is decoded.
 */
export function checkMergePatchDocument(patch: unknown): void {
  if (patch === null || patch === undefined || (typeof patch !== 'object' && !Array.isArray(patch))) {
    throw new PatchError(PatchErrorCode.MERGE_PATCH_INVALID, 'Invalid JSON Patch');
  }
}
