import type { Schema } from '../../schema.js';

/**
 * Small constructors for the schema language, so that the built-in types read like upstream's
 * OpenAPI: `obj({ name: str() }, { required: ['name'] })`, `listMap(container, ['name'], 'merge')`.
 */

type Extra = Omit<Schema, 'type' | 'properties' | 'items' | 'additionalProperties'>;

export const str = (extra: Extra = {}): Schema => ({ type: 'string', ...extra });
export const bool = (extra: Extra = {}): Schema => ({ type: 'boolean', ...extra });
export const int32 = (extra: Extra = {}): Schema => ({ type: 'integer', format: 'int32', ...extra });
export const int64 = (extra: Extra = {}): Schema => ({ type: 'integer', format: 'int64', ...extra });
export const double = (extra: Extra = {}): Schema => ({ type: 'number', format: 'double', ...extra });
/** metav1.Time and metav1.MicroTime. */
export const dateTime = (extra: Extra = {}): Schema => ({ type: 'string', format: 'date-time', ...extra });
/** []byte, base64 on the wire. */
export const bytes = (extra: Extra = {}): Schema => ({ type: 'string', format: 'byte', ...extra });
/** intstr.IntOrString. */
export const intOrString = (extra: Extra = {}): Schema => ({ 'x-kubernetes-int-or-string': true, ...extra });
/** resource.Quantity: "100m", "1Gi", 2, 0.5. */
export const quantity = (extra: Extra = {}): Schema => ({ 'x-kubernetes-int-or-string': true, format: 'quantity', ...extra });

export const obj = (properties: Readonly<Record<string, Schema>>, extra: Extra = {}): Schema => ({
  type: 'object',
  properties,
  ...extra,
});

/** A struct marked `+structType=atomic` (replaced whole by apply). */
export const atomicObj = (properties: Readonly<Record<string, Schema>>, extra: Extra = {}): Schema =>
  obj(properties, { 'x-kubernetes-map-type': 'atomic', ...extra });

/** map[string]T. */
export const mapOf = (values: Schema, extra: Extra = {}): Schema => ({ type: 'object', additionalProperties: values, ...extra });
export const stringMap = (extra: Extra = {}): Schema => mapOf(str(), extra);
/** core.ResourceList. */
export const quantityMap = (extra: Extra = {}): Schema => mapOf(quantity(), extra);

/** An object whose content is kept as sent and not checked. */
export const preserved = (extra: Extra = {}): Schema => ({
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
  ...extra,
});

/** An array with no list-type marker upstream. */
export const arr = (items: Schema, extra: Extra = {}): Schema => ({ type: 'array', items, ...extra });
/** `+listType=atomic`. */
export const atomic = (items: Schema, extra: Extra = {}): Schema => arr(items, { 'x-kubernetes-list-type': 'atomic', ...extra });
/** `+listType=set`, optionally with `patchStrategy:"merge"`. */
export const set = (items: Schema, patchStrategy?: string): Schema =>
  arr(items, {
    'x-kubernetes-list-type': 'set',
    ...(patchStrategy === undefined ? {} : { 'x-kubernetes-patch-strategy': patchStrategy }),
  });
/** A list of strings replaced whole: `[]string` with `+listType=atomic`. */
export const strings = (extra: Extra = {}): Schema => atomic(str(), extra);

/**
 * `+listType=map` keyed by `keys`. When `patchStrategy` is given the first key is the strategic
 * merge key (`patchMergeKey`), as upstream pairs them.
 */
export const listMap = (items: Schema, keys: readonly string[], patchStrategy?: string): Schema => {
  const mergeKey = keys[0];
  return arr(items, {
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': keys,
    ...(patchStrategy === undefined || mergeKey === undefined
      ? {}
      : { 'x-kubernetes-patch-strategy': patchStrategy, 'x-kubernetes-patch-merge-key': mergeKey }),
  });
};

/** An atomic list that strategic merge patch still merges by `mergeKey` (e.g. PodStatus.hostIPs). */
export const atomicMerged = (items: Schema, mergeKey: string): Schema =>
  atomic(items, { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': mergeKey });

/** The usual condition list: `+listType=map +listMapKey=type`, merged by type. */
export const conditionList = (condition: Schema): Schema => listMap(condition, ['type'], 'merge');
