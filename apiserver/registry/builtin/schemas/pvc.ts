import type { Schema } from '../../schema.js';
import { labelSelector, objectMeta, resourceSchema, typedLocalObjectReference, typedObjectReference } from './meta.js';
import { conditionList, dateTime, mapOf, obj, quantityMap, str, strings } from './builders.js';

/** core/v1 PersistentVolumeClaim: the StatefulSet volumeClaimTemplates and ephemeral volumes. */

export const persistentVolumeClaimSpec: Schema = obj({
  accessModes: strings(),
  dataSource: typedLocalObjectReference,
  dataSourceRef: typedObjectReference,
  resources: obj({ limits: quantityMap(), requests: quantityMap() }),
  selector: labelSelector,
  storageClassName: str(),
  volumeAttributesClassName: str(),
  volumeMode: str(),
  volumeName: str(),
});

const persistentVolumeClaimCondition: Schema = obj(
  {
    lastProbeTime: dateTime(),
    lastTransitionTime: dateTime(),
    message: str(),
    reason: str(),
    status: str(),
    type: str(),
  },
  { required: ['type', 'status'] },
);

export const persistentVolumeClaimStatus: Schema = obj({
  accessModes: strings(),
  allocatedResourceStatuses: mapOf(str(), { 'x-kubernetes-map-type': 'granular' }),
  allocatedResources: quantityMap(),
  capacity: quantityMap(),
  conditions: conditionList(persistentVolumeClaimCondition),
  currentVolumeAttributesClassName: str(),
  modifyVolumeStatus: obj({ status: str(), targetVolumeAttributesClassName: str() }, { required: ['status'] }),
  phase: str(),
});

export const persistentVolumeClaim: Schema = resourceSchema(
  'PersistentVolumeClaim is a user\'s request for and claim to a persistent volume',
  { spec: persistentVolumeClaimSpec, status: persistentVolumeClaimStatus },
);

export const persistentVolumeClaimTemplate: Schema = obj(
  { metadata: objectMeta, spec: persistentVolumeClaimSpec },
  { required: ['spec'] },
);
