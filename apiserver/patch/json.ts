/**
 * Plain JSON values: the only thing the patch functions read and produce. Objects are copied on
 * the way in, so a patch never mutates its inputs, and a key named `__proto__` stays an own data
 * property instead of touching the prototype.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON kind of a value (undefined counts as null, as JSON.stringify writes it in arrays). */
export function jsonKind(value: unknown): JsonKind {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'object':
      return 'object';
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      throw new TypeError(`not a JSON value: ${typeof value}`);
  }
}

export function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** obj[key] = value, also for key `__proto__` (which a plain assignment would treat as the prototype). */
export function setOwn(obj: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

/** A deep copy as plain JSON. Object members that are undefined are dropped; undefined in arrays becomes null. */
export function cloneJson(value: unknown): JsonValue {
  if (value === undefined) throw new TypeError('not a JSON value: undefined');
  return cloneInner(value);
}

function cloneInner(value: unknown): JsonValue {
  const kind = jsonKind(value);
  switch (kind) {
    case 'null':
      return null;
    case 'string':
    case 'boolean':
      return value as string | boolean;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`not a JSON number: ${String(value)}`);
      return value as number;
    case 'array':
      return (value as unknown[]).map((v) => cloneInner(v));
    case 'object': {
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v !== undefined) setOwn(out, k, cloneInner(v));
      }
      return out;
    }
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/** Structural equality: objects compare by members (order-insensitive), arrays element-wise, numbers numerically. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const kind = jsonKind(a);
  if (kind !== jsonKind(b)) return false;
  if (kind === 'array') {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    return x.every((v, i) => jsonEqual(v, y[i]));
  }
  if (kind === 'object') {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    const xKeys = Object.keys(x).filter((k) => x[k] !== undefined);
    const yKeys = Object.keys(y).filter((k) => y[k] !== undefined);
    if (xKeys.length !== yKeys.length) return false;
    return xKeys.every((k) => hasOwn(y, k) && jsonEqual(x[k], y[k]));
  }
  // Primitives of the same kind that are not === (null/undefined handled by ===-or-kind above).
  return kind === 'null';
}
