import type { Schema } from '../../schema.js';
import {
  atomic,
  atomicObj,
  bool,
  dateTime,
  int64,
  listMap,
  obj,
  preserved,
  set,
  str,
  stringMap,
  strings,
} from './builders.js';

/** Shared apimachinery schemas (meta/v1) and small core/v1 references. */

export const managedFieldsEntry: Schema = obj({
  apiVersion: str(),
  fieldsType: str(),
  /** FieldsV1: a trie of field paths; free-form. */
  fieldsV1: preserved(),
  manager: str(),
  operation: str(),
  subresource: str(),
  time: dateTime(),
});

export const ownerReference: Schema = atomicObj(
  {
    apiVersion: str(),
    blockOwnerDeletion: bool(),
    controller: bool(),
    kind: str(),
    name: str(),
    uid: str(),
  },
  { required: ['apiVersion', 'kind', 'name', 'uid'] },
);

export const objectMeta: Schema = obj({
  annotations: stringMap(),
  creationTimestamp: dateTime(),
  deletionGracePeriodSeconds: int64(),
  deletionTimestamp: dateTime(),
  finalizers: set(str(), 'merge'),
  generateName: str(),
  generation: int64(),
  labels: stringMap(),
  managedFields: atomic(managedFieldsEntry),
  name: str(),
  namespace: str(),
  ownerReferences: listMap(ownerReference, ['uid'], 'merge'),
  resourceVersion: str(),
  selfLink: str(),
  uid: str(),
});

export const labelSelectorRequirement: Schema = obj(
  { key: str(), operator: str(), values: strings() },
  { required: ['key', 'operator'] },
);

export const labelSelector: Schema = atomicObj({
  matchExpressions: atomic(labelSelectorRequirement),
  matchLabels: stringMap(),
});

/** metav1.Condition (Service status, CRD-style conditions). */
export const metaCondition: Schema = obj(
  {
    lastTransitionTime: dateTime(),
    message: str(),
    observedGeneration: int64(),
    reason: str(),
    status: str(),
    type: str(),
  },
  { required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] },
);

export const objectReference: Schema = atomicObj({
  apiVersion: str(),
  fieldPath: str(),
  kind: str(),
  name: str(),
  namespace: str(),
  resourceVersion: str(),
  uid: str(),
});

export const localObjectReference: Schema = atomicObj({ name: str() });

export const typedLocalObjectReference: Schema = atomicObj(
  { apiGroup: str(), kind: str(), name: str() },
  { required: ['kind', 'name'] },
);

export const typedObjectReference: Schema = obj(
  { apiGroup: str(), kind: str(), name: str(), namespace: str() },
  { required: ['kind', 'name'] },
);

/** A whole top-level object: TypeMeta, ObjectMeta and the type's own fields. */
export function resourceSchema(
  description: string,
  fields: Readonly<Record<string, Schema>>,
  required?: readonly string[],
): Schema {
  return obj(
    { apiVersion: str(), kind: str(), metadata: objectMeta, ...fields },
    { description, ...(required === undefined ? {} : { required }) },
  );
}
