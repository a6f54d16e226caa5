/**
 * ObjectMeta as field management sees it, and the metadata paths it never tracks.
 *
 * Upstream always types `metadata` with ObjectMeta's schema (for CRDs too), so labels and
 * annotations are granular maps, finalizers a set and ownerReferences a list-map keyed by uid. A
 * resource schema whose root `metadata` has no properties of its own gets this one (see
 * withObjectMeta); schema authors can reuse it for embedded metadata such as a pod template's.
 */
import type { Schema } from '../registry/schema.js';
import { FieldSet } from './field_set.js';
import { fieldElement } from './path_element.js';

const STRING: Schema = { type: 'string' };
const STRING_MAP: Schema = { type: 'object', additionalProperties: STRING };

export const objectMetaSchema: Schema = {
  type: 'object',
  properties: {
    name: STRING,
    generateName: STRING,
    namespace: STRING,
    selfLink: STRING,
    uid: STRING,
    resourceVersion: STRING,
    generation: { type: 'integer', format: 'int64' },
    creationTimestamp: { type: 'string', format: 'date-time' },
    deletionTimestamp: { type: 'string', format: 'date-time' },
    deletionGracePeriodSeconds: { type: 'integer', format: 'int64' },
    labels: STRING_MAP,
    annotations: STRING_MAP,
    ownerReferences: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['uid'],
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-patch-merge-key': 'uid',
      // OwnerReference is +structType=atomic upstream: `k:{"uid":"..."}: {}`.
      items: {
        type: 'object',
        'x-kubernetes-map-type': 'atomic',
        properties: {
          apiVersion: STRING,
          kind: STRING,
          name: STRING,
          uid: STRING,
          controller: { type: 'boolean' },
          blockOwnerDeletion: { type: 'boolean' },
        },
      },
    },
    finalizers: { type: 'array', 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge', items: STRING },
    managedFields: { type: 'array', 'x-kubernetes-list-type': 'atomic', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
  },
};

const withMeta = new WeakMap<Schema, Schema>();

/** The resource schema with ObjectMeta's schema at `metadata` unless the schema already spells it out. */
export function withObjectMeta(schema: Schema): Schema {
  const own = schema.properties?.['metadata'];
  if (own?.properties !== undefined && Object.keys(own.properties).length > 0) return schema;
  const cached = withMeta.get(schema);
  if (cached !== undefined) return cached;
  // A root that declares nothing keeps its other fields deduced once it declares metadata.
  const declaresNothing = (schema.properties === undefined || Object.keys(schema.properties).length === 0) && schema.additionalProperties === undefined;
  const out: Schema = {
    ...schema,
    properties: { ...schema.properties, metadata: objectMetaSchema },
    ...(declaresNothing ? { 'x-kubernetes-preserve-unknown-fields': true } : {}),
  };
  withMeta.set(schema, out);
  return out;
}

/** Never recorded in a manager's set (upstream's stripMeta): type meta, metadata itself and server-set metadata. */
export const STRIPPED_FIELDS: FieldSet = FieldSet.of(
  [fieldElement('apiVersion')],
  [fieldElement('kind')],
  [fieldElement('metadata')],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => [
    fieldElement('metadata'),
    fieldElement(f),
  ]),
);

/**
 * Never removed when an applier stops applying fields: identity and server-set metadata. Upstream
 * gets this protection from the apply configuration always naming apiVersion, kind and
 * metadata.name; ketch keeps it even for a configuration that does not.
 */
export const PROTECTED_FIELDS: FieldSet = FieldSet.of(
  [fieldElement('apiVersion')],
  [fieldElement('kind')],
  ...[
    'name',
    'namespace',
    'uid',
    'resourceVersion',
    'generation',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'selfLink',
    'managedFields',
  ].map((f) => [fieldElement('metadata'), fieldElement(f)]),
);
