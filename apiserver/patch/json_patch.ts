/**
 * JSON Patch (RFC 6902): a list of add / remove / replace / move / copy / test operations applied
 * in order to a copy of the document. The patch is all or nothing: the first failing operation
 * throws and the caller's document is untouched (it is never mutated in any case).
 *
 * This follows the RFC where evanphx/json-patch v4 (kube-apiserver's library) is looser: replace
 * and test need an existing target, add needs a `value`, and negative array indices are refused.
 */
import { PatchError, PatchErrorCode } from './errors.js';
import { type JsonObject, type JsonValue, cloneJson, hasOwn, isJsonObject, jsonEqual, setOwn } from './json.js';
import { END_OF_ARRAY, formatJsonPointer, isPointerPrefix, parseArrayIndex, parseJsonPointer } from './json_pointer.js';

/** kube-apiserver's limit on operations in one JSON patch (maxJSONPatchOperations). */
export const MAX_JSON_PATCH_OPERATIONS = 10_000;

export type JsonPatchOperation =
  | { readonly op: 'add'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string }
  | { readonly op: 'replace'; readonly path: string; readonly value: unknown }
  | { readonly op: 'move'; readonly from: string; readonly path: string }
  | { readonly op: 'copy'; readonly from: string; readonly path: string }
  | { readonly op: 'test'; readonly path: string; readonly value: unknown };

export interface JsonPatchOptions {
  /** Refuse patches with more operations than this (default MAX_JSON_PATCH_OPERATIONS). */
  readonly maxOperations?: number;
}

/**
 * Applies `operations` (the decoded patch body) to a copy of `document` and returns the result.
 * A `null` body is an empty patch, as Go's decoder reads it.
 */
export function applyJsonPatch(document: unknown, operations: unknown, options: JsonPatchOptions = {}): JsonValue {
  const ops = decodeJsonPatch(operations);
  const max = options.maxOperations ?? MAX_JSON_PATCH_OPERATIONS;
  if (ops.length > max) {
    throw new PatchError(
      PatchErrorCode.JSON_PATCH_TOO_MANY_OPERATIONS,
      `The allowed maximum operations in a JSON patch is ${max}, got ${ops.length}`,
    );
  }
  const doc = new Document(cloneJson(document));
  for (const op of ops) doc.apply(op);
  return doc.root;
}

/** Checks the shape of a JSON patch body: an array of objects. Operations are checked when applied. */
export function decodeJsonPatch(operations: unknown): ReadonlyArray<Record<string, unknown> | null> {
  if (operations === null || operations === undefined) return [];
  if (!Array.isArray(operations)) {
    throw new PatchError(
      PatchErrorCode.JSON_PATCH_MALFORMED,
      `json: cannot unmarshal ${jsonTypeWord(operations)} into Go value of type jsonpatch.Patch`,
    );
  }
  return operations.map((op: unknown) => {
    if (op === null) return null;
    if (!isJsonObject(op)) {
      throw new PatchError(
        PatchErrorCode.JSON_PATCH_MALFORMED,
        `json: cannot unmarshal ${jsonTypeWord(op)} into Go value of type jsonpatch.Operation`,
      );
    }
    return op;
  });
}

function jsonTypeWord(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

/** Where a pointer leads: the container that holds (or would hold) the value, and the key in it. */
type Location =
  | { readonly kind: 'root' }
  | { readonly kind: 'object'; readonly parent: JsonObject; readonly key: string }
  | { readonly kind: 'array'; readonly parent: JsonValue[]; readonly token: string };

class Document {
  constructor(public root: JsonValue) {}

  apply(raw: Record<string, unknown> | null): void {
    const op = typeof raw?.['op'] === 'string' ? raw['op'] : 'unknown';
    switch (op) {
      case 'add': {
        const path = requirePointer(raw, 'path', op);
        this.add(path, requireValue(raw, op), op);
        return;
      }
      case 'remove':
        this.remove(requirePointer(raw, 'path', op), op);
        return;
      case 'replace': {
        const path = requirePointer(raw, 'path', op);
        this.replace(path, requireValue(raw, op));
        return;
      }
      case 'move': {
        const from = requirePointer(raw, 'from', op);
        const path = requirePointer(raw, 'path', op);
        if (isPointerPrefix(from, path) && from.length < path.length) {
          throw new PatchError(
            PatchErrorCode.JSON_PATCH_INVALID_OPERATION,
            `move operation does not apply: "from" ${formatJsonPointer(from)} is a parent of "path" ${formatJsonPointer(path)}`,
          );
        }
        if (from.length === path.length && isPointerPrefix(from, path)) {
          this.get(from, op); // moving a value onto itself is a no-op, but it must exist
          return;
        }
        const value = this.remove(from, op);
        this.add(path, value, op);
        return;
      }
      case 'copy': {
        const from = requirePointer(raw, 'from', op);
        const path = requirePointer(raw, 'path', op);
        this.add(path, cloneJson(this.get(from, op)), op);
        return;
      }
      case 'test': {
        const path = requirePointer(raw, 'path', op);
        const expected = requireValue(raw, op);
        if (!jsonEqual(this.get(path, op), expected)) {
          throw new PatchError(
            PatchErrorCode.JSON_PATCH_TEST_FAILED,
            `testing value ${formatJsonPointer(path)} failed: test failed`,
          );
        }
        return;
      }
      default:
        throw new PatchError(PatchErrorCode.JSON_PATCH_INVALID_OPERATION, `Unexpected kind: ${op}`);
    }
  }

  private add(path: string[], value: JsonValue, op: string): void {
    const loc = this.locate(path, op);
    switch (loc.kind) {
      case 'root':
        this.root = value;
        return;
      case 'object':
        setOwn(loc.parent, loc.key, value);
        return;
      case 'array': {
        if (loc.token === END_OF_ARRAY) {
          loc.parent.push(value);
          return;
        }
        const index = parseArrayIndex(loc.token);
        if (index === undefined || index > loc.parent.length) throw invalidIndex(loc.token, path);
        loc.parent.splice(index, 0, value);
        return;
      }
      default: {
        const never: never = loc;
        return never;
      }
    }
  }

  private remove(path: string[], op: string): JsonValue {
    const loc = this.locate(path, op);
    switch (loc.kind) {
      case 'root':
        throw new PatchError(
          PatchErrorCode.JSON_PATCH_INVALID_OPERATION,
          `${op} operation does not apply: the whole document cannot be removed`,
        );
      case 'object': {
        if (!hasOwn(loc.parent, loc.key)) throw missing(op, path);
        const value = loc.parent[loc.key] as JsonValue;
        delete loc.parent[loc.key];
        return value;
      }
      case 'array': {
        const index = existingIndex(loc.parent, loc.token, path);
        const [value] = loc.parent.splice(index, 1);
        return value as JsonValue;
      }
      default: {
        const never: never = loc;
        return never;
      }
    }
  }

  private replace(path: string[], value: JsonValue): void {
    const loc = this.locate(path, 'replace');
    switch (loc.kind) {
      case 'root':
        this.root = value;
        return;
      case 'object':
        if (!hasOwn(loc.parent, loc.key)) throw missing('replace', path);
        setOwn(loc.parent, loc.key, value);
        return;
      case 'array':
        loc.parent[existingIndex(loc.parent, loc.token, path)] = value;
        return;
      default: {
        const never: never = loc;
        return never;
      }
    }
  }

  private get(path: string[], op: string): JsonValue {
    const loc = this.locate(path, op);
    switch (loc.kind) {
      case 'root':
        return this.root;
      case 'object':
        if (!hasOwn(loc.parent, loc.key)) throw missing(op, path);
        return loc.parent[loc.key] as JsonValue;
      case 'array':
        return loc.parent[existingIndex(loc.parent, loc.token, path)] as JsonValue;
      default: {
        const never: never = loc;
        return never;
      }
    }
  }

  /** Walks to the parent of the pointer's last token; every step on the way must exist. */
  private locate(path: string[], op: string): Location {
    if (path.length === 0) return { kind: 'root' };
    let node: JsonValue = this.root;
    for (let i = 0; i < path.length - 1; i++) {
      const token = path[i] as string;
      if (isJsonObject(node) && hasOwn(node, token)) {
        node = node[token] as JsonValue;
      } else if (Array.isArray(node)) {
        const index = parseArrayIndex(token);
        if (index === undefined || index >= node.length) throw missing(op, path);
        node = node[index] as JsonValue;
      } else {
        throw missing(op, path);
      }
    }
    const last = path[path.length - 1] as string;
    if (isJsonObject(node)) return { kind: 'object', parent: node, key: last };
    if (Array.isArray(node)) return { kind: 'array', parent: node, token: last };
    throw missing(op, path);
  }
}

function requirePointer(raw: Record<string, unknown> | null, member: 'path' | 'from', op: string): string[] {
  const value = raw?.[member];
  if (typeof value !== 'string') {
    throw new PatchError(
      PatchErrorCode.JSON_PATCH_INVALID_OPERATION,
      `${op} operation failed to decode ${member}: operation missing ${member} field: missing value`,
    );
  }
  return parseJsonPointer(value);
}

function requireValue(raw: Record<string, unknown> | null, op: string): JsonValue {
  if (raw === null || !hasOwn(raw, 'value') || raw['value'] === undefined) {
    throw new PatchError(
      PatchErrorCode.JSON_PATCH_INVALID_OPERATION,
      `${op} operation failed: operation, missing value field: missing value`,
    );
  }
  return cloneJson(raw['value']);
}

function existingIndex(array: JsonValue[], token: string, path: string[]): number {
  const index = parseArrayIndex(token);
  if (index === undefined || index >= array.length) throw invalidIndex(token, path);
  return index;
}

function missing(op: string, path: string[]): PatchError {
  return new PatchError(
    PatchErrorCode.JSON_PATCH_PATH_NOT_FOUND,
    `${op} operation does not apply: doc is missing path: ${JSON.stringify(formatJsonPointer(path))}: missing value`,
  );
}

function invalidIndex(token: string, path: string[]): PatchError {
  return new PatchError(
    PatchErrorCode.JSON_PATCH_INVALID_INDEX,
    `Unable to access invalid index: ${token} in ${JSON.stringify(formatJsonPointer(path))}: invalid index referenced`,
  );
}
