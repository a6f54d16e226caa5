/**
 * apiserver/patch: the three PATCH body formats kube-apiserver accepts, as pure functions on JSON
 * values. None mutates its inputs; failures throw PatchError, whose code maps to the Status
 * kube-apiserver would send (PATCH_WIRE_ERRORS).
 *
 *   application/json-patch+json            applyJsonPatch            (RFC 6902)
 *   application/merge-patch+json           applyMergePatch           (RFC 7386)
 *   application/strategic-merge-patch+json applyStrategicMergePatch  (schema-driven)
 */
export {
  applyJsonPatch,
  decodeJsonPatch,
  MAX_JSON_PATCH_OPERATIONS,
  type JsonPatchOperation,
  type JsonPatchOptions,
} from './json_patch.js';
export { applyMergePatch, checkMergePatchDocument } from './merge_patch.js';
export { applyStrategicMergePatch } from './strategic_merge.js';
export { validateStrategicMergePatch, isValidStrategicMergePatch } from './smp_validate.js';
export { patchMetaOf, type PatchMeta } from './smp_meta.js';
export { parseJsonPointer, formatJsonPointer } from './json_pointer.js';
export { type JsonValue, type JsonObject, type JsonPrimitive, cloneJson, jsonEqual, isJsonObject } from './json.js';
export { PatchError, PatchErrorCode, PATCH_WIRE_ERRORS, type KubeWireError } from './errors.js';
