import type { Schema } from '../../schema.js';
import { resourceSchema } from './meta.js';
import { atomic, bool, bytes, dateTime, int32, int64, listMap, obj, preserved, str, strings } from './builders.js';

/**
 * apiextensions.k8s.io/v1 CustomResourceDefinition. `openAPIV3Schema` (JSONSchemaProps) is
 * recursive upstream; here it is a preserved subtree, checked by the CRD strategy instead.
 */

const names: Schema = obj(
  {
    categories: strings(),
    kind: str(),
    listKind: str(),
    plural: str(),
    shortNames: strings(),
    singular: str(),
  },
  { required: ['plural', 'kind'] },
);

const columnDefinition: Schema = obj(
  { description: str(), format: str(), jsonPath: str(), name: str(), priority: int32(), type: str() },
  { required: ['name', 'type', 'jsonPath'] },
);

const subresources: Schema = obj({
  scale: obj(
    { labelSelectorPath: str(), specReplicasPath: str(), statusReplicasPath: str() },
    { required: ['specReplicasPath', 'statusReplicasPath'] },
  ),
  /** CustomResourceSubresourceStatus has no fields: `status: {}`. */
  status: obj({}),
});

const version: Schema = obj(
  {
    additionalPrinterColumns: atomic(columnDefinition),
    deprecated: bool(),
    deprecationWarning: str(),
    name: str(),
    schema: obj({ openAPIV3Schema: preserved({ description: 'JSONSchemaProps (a structural schema).' }) }),
    selectableFields: atomic(obj({ jsonPath: str() }, { required: ['jsonPath'] })),
    served: bool(),
    storage: bool(),
    subresources,
  },
  { required: ['name', 'served', 'storage'] },
);

const conversion: Schema = obj(
  {
    strategy: str(),
    webhook: obj(
      {
        clientConfig: obj({
          caBundle: bytes(),
          service: obj(
            { name: str(), namespace: str(), path: str(), port: int32() },
            { required: ['namespace', 'name'] },
          ),
          url: str(),
        }),
        conversionReviewVersions: strings(),
      },
      { required: ['conversionReviewVersions'] },
    ),
  },
  { required: ['strategy'] },
);

const condition: Schema = obj(
  {
    lastTransitionTime: dateTime(),
    message: str(),
    observedGeneration: int64(),
    reason: str(),
    status: str(),
    type: str(),
  },
  { required: ['type', 'status'] },
);

export const customResourceDefinitionSchema: Schema = resourceSchema(
  'CustomResourceDefinition represents a resource that should be exposed on the API server.  Its name MUST be in the format <.spec.name>.<.spec.group>.',
  {
    spec: obj(
      {
        conversion,
        group: str(),
        names,
        preserveUnknownFields: bool(),
        scope: str(),
        versions: atomic(version),
      },
      { required: ['group', 'names', 'scope', 'versions'] },
    ),
    status: obj({
      acceptedNames: names,
      conditions: listMap(condition, ['type']),
      observedGeneration: int64(),
      storedVersions: strings(),
    }),
  },
  ['spec'],
);
