import type { Schema } from '../../schema.js';
import { localObjectReference, objectMeta, objectReference, resourceSchema } from './meta.js';
import { atomic, bool, bytes, conditionList, dateTime, int32, listMap, mapOf, obj, str, stringMap, strings } from './builders.js';

/** The small core/v1 types: Namespace, ConfigMap, Secret, Event, ServiceAccount. */

const namespaceCondition: Schema = obj(
  { lastTransitionTime: dateTime(), message: str(), reason: str(), status: str(), type: str() },
  { required: ['type', 'status'] },
);

export const namespaceSchema: Schema = resourceSchema(
  'Namespace provides a scope for Names. Use of multiple namespaces is optional.',
  {
    spec: obj({ finalizers: strings() }),
    status: obj({ conditions: conditionList(namespaceCondition), phase: str() }),
  },
);

export const configMapSchema: Schema = resourceSchema('ConfigMap holds configuration data for pods to consume.', {
  binaryData: mapOf(bytes()),
  data: stringMap(),
  immutable: bool(),
});

export const secretSchema: Schema = resourceSchema(
  'Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.',
  {
    data: mapOf(bytes()),
    immutable: bool(),
    /** Write-only: merged into data on write. */
    stringData: stringMap(),
    type: str(),
  },
);

export const eventSchema: Schema = resourceSchema(
  'Event is a report of an event somewhere in the cluster.',
  {
    action: str(),
    count: int32(),
    eventTime: dateTime(),
    firstTimestamp: dateTime(),
    involvedObject: objectReference,
    lastTimestamp: dateTime(),
    message: str(),
    reason: str(),
    related: objectReference,
    reportingComponent: str(),
    reportingInstance: str(),
    series: obj({ count: int32(), lastObservedTime: dateTime() }),
    source: obj({ component: str(), host: str() }),
    type: str(),
  },
  ['metadata', 'involvedObject'],
);

export const serviceAccountSchema: Schema = resourceSchema(
  'ServiceAccount binds together: * a name, understood by users, and perhaps by peripheral systems, for an identity * a principal that can be authenticated and authorized * a set of secrets',
  {
    automountServiceAccountToken: bool(),
    imagePullSecrets: atomic(localObjectReference),
    secrets: listMap(objectReference, ['name'], 'merge'),
  },
);

/** The body of POST pods/{name}/binding. */
export const bindingSchema: Schema = obj(
  { apiVersion: str(), kind: str(), metadata: objectMeta, target: objectReference },
  { required: ['target'] },
);
