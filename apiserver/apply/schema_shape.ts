/**
 * How a value is merged and tracked, read from its schema (ketch's structural schema; see
 * registry/schema.ts) the way Kubernetes converts OpenAPI to structured-merge-diff types:
 *
 * - objects are granular maps, field by field, unless `x-kubernetes-map-type: atomic`;
 * - arrays follow `x-kubernetes-list-type`: `map` (keyed by `x-kubernetes-list-map-keys`), `set`
 *   or `atomic`. Without a list type, `x-kubernetes-patch-strategy: merge` with a
 *   `x-kubernetes-patch-merge-key` makes a map keyed by the merge key, and merge on a list of
 *   primitives makes a set (the built-in types' strategic-merge annotations). Any other array is
 *   atomic;
 * - everything else is a scalar leaf.
 *
 * Where the schema says nothing — no schema, `x-kubernetes-preserve-unknown-fields`,
 * `additionalProperties: true`, or an object schema with neither properties nor
 * additionalProperties — the value is "deduced" as upstream's `__untyped_deduced_` type: objects
 * are granular maps whose keys are all undeclared (so every object in there is a member of its own
 * and shows `.` in fieldsV1), lists are atomic and scalars are leaves. A value whose form
 * contradicts its schema (an object where a string is declared) is one atomic leaf.
 */
import type { Schema } from '../registry/schema.js';
import { keyElement, valueElement, type KeyField, type PathElement } from './path_element.js';
import { goQuote, isPlainObject } from './value.js';

export type ListType = 'atomic' | 'set' | 'map';

export type Shape =
  | { readonly kind: 'scalar' }
  | { readonly kind: 'map'; readonly atomic: boolean }
  | { readonly kind: 'list'; readonly type: ListType; readonly keys: readonly string[] };

export type ListShape = Extract<Shape, { kind: 'list' }>;

const SCALAR: Shape = { kind: 'scalar' };
const ATOMIC_MAP: Shape = { kind: 'map', atomic: true };
const GRANULAR_MAP: Shape = { kind: 'map', atomic: false };
const ATOMIC_LIST: ListShape = { kind: 'list', type: 'atomic', keys: [] };
const SET_LIST: ListShape = { kind: 'list', type: 'set', keys: [] };

const SCALAR_TYPES: ReadonlySet<string> = new Set(['string', 'integer', 'number', 'boolean']);

/** The shape of `value` under `schema` (undefined: deduced). */
export function shapeOf(schema: Schema | undefined, value: unknown): Shape {
  if (Array.isArray(value)) return listShape(schema);
  if (isPlainObject(value)) return mapShape(schema);
  return SCALAR;
}

/** Whether the shape is merged element by element (a granular map, a set or a list-map). */
export function isGranular(shape: Shape): boolean {
  return shape.kind === 'map' ? !shape.atomic : shape.kind === 'list' && shape.type !== 'atomic';
}

function mapShape(schema: Schema | undefined): Shape {
  if (schema === undefined) return GRANULAR_MAP;
  if (schema['x-kubernetes-map-type'] === 'atomic') return ATOMIC_MAP;
  if (schema.type !== undefined && schema.type !== 'object') return ATOMIC_MAP;
  return GRANULAR_MAP;
}

function listShape(schema: Schema | undefined): ListShape {
  if (schema === undefined) return ATOMIC_LIST;
  if (schema.type !== undefined && schema.type !== 'array') return ATOMIC_LIST;
  switch (schema['x-kubernetes-list-type']) {
    case 'atomic':
      return ATOMIC_LIST;
    case 'set':
      return SET_LIST;
    case 'map': {
      const keys = schema['x-kubernetes-list-map-keys'] ?? [];
      return keys.length > 0 ? { kind: 'list', type: 'map', keys } : ATOMIC_LIST;
    }
    case undefined:
      break;
    default:
      return ATOMIC_LIST;
  }
  const strategies = (schema['x-kubernetes-patch-strategy'] ?? '').split(',').map((s) => s.trim());
  if (strategies.includes('merge')) {
    const mergeKey = schema['x-kubernetes-patch-merge-key'];
    if (mergeKey !== undefined && mergeKey !== '') return { kind: 'list', type: 'map', keys: [mergeKey] };
    if (isPrimitive(schema.items)) return SET_LIST;
  }
  return ATOMIC_LIST;
}

function isPrimitive(schema: Schema | undefined): boolean {
  if (schema === undefined) return false;
  if (schema['x-kubernetes-int-or-string'] === true) return true;
  return schema.type !== undefined && SCALAR_TYPES.has(schema.type);
}

export interface FieldChild {
  /** The field's schema; undefined when deduced. */
  readonly schema: Schema | undefined;
  /** A named property of the object (a struct field upstream), as opposed to a map entry. */
  readonly declared: boolean;
  /** False when the schema lists its fields and this is not one of them and takes no others. */
  readonly known: boolean;
}

const DEDUCED_FIELD: FieldChild = { schema: undefined, declared: false, known: true };
const UNKNOWN_FIELD: FieldChild = { schema: undefined, declared: false, known: false };

/** What the schema of an object says about its field `key`. */
export function childOf(schema: Schema | undefined, key: string): FieldChild {
  if (schema === undefined) return DEDUCED_FIELD;
  const props = schema.properties;
  if (props !== undefined && Object.hasOwn(props, key)) {
    const named = props[key];
    if (named !== undefined) return { schema: named, declared: true, known: true };
  }
  const ap = schema.additionalProperties;
  if (typeof ap === 'object') return { schema: ap, declared: false, known: true };
  if (ap === true || schema['x-kubernetes-preserve-unknown-fields'] === true) return DEDUCED_FIELD;
  if (ap === undefined && (props === undefined || Object.keys(props).length === 0)) return DEDUCED_FIELD;
  return UNKNOWN_FIELD;
}

/** The element schema of a list (undefined: deduced). */
export function itemsOf(schema: Schema | undefined): Schema | undefined {
  return schema?.items;
}

/**
 * The path element naming an element of a set or list-map, or the upstream error text when the
 * element cannot be named. A missing key field takes the key field's schema default, as upstream
 * does (`protocol` of container ports defaults to "TCP").
 */
export function listItemElement(shape: ListShape, items: Schema | undefined, item: unknown): PathElement | string {
  if (shape.type === 'map') {
    if (item === null) return 'associative list with keys may not have a null element';
    if (!isPlainObject(item)) return 'associative list with keys may not have non-map elements';
    const fields: KeyField[] = [];
    for (const name of shape.keys) {
      if (Object.hasOwn(item, name) && item[name] !== undefined) {
        fields.push({ name, value: item[name] });
        continue;
      }
      const def = items?.properties?.[name]?.default;
      if (def === undefined) return `associative list with keys has an element that omits key field ${goQuote(name)} (and doesn't have default value)`;
      fields.push({ name, value: def });
    }
    return keyElement(fields);
  }
  if (item === null || item === undefined) return "associative list without keys has an element that's an explicit null";
  if (Array.isArray(item)) return 'not supported: associative list with lists as elements';
  if (isPlainObject(item)) return "associative list without keys has an element that's a map type";
  return valueElement(item);
}
