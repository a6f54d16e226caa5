import type { Schema } from '../../schema.js';
import { objectReference, resourceSchema } from './meta.js';
import { nodeSelector } from './scheduling.js';
import { preservedVolumeSources } from './volumes.js';
import { atomic, atomicObj, bool, dateTime, obj, preserved, quantityMap, str, stringMap, strings } from './builders.js';

/**
 * core/v1 PersistentVolume and storage.k8s.io/v1 StorageClass. As for pod volumes, the common
 * PersistentVolumeSources are spelled out and the cloud and legacy in-tree ones are preserved.
 */

const secretReference: Schema = atomicObj({ name: str(), namespace: str() });

const detailedPersistentVolumeSources: Readonly<Record<string, Schema>> = {
  csi: obj(
    {
      controllerExpandSecretRef: secretReference,
      controllerPublishSecretRef: secretReference,
      driver: str(),
      fsType: str(),
      nodeExpandSecretRef: secretReference,
      nodePublishSecretRef: secretReference,
      nodeStageSecretRef: secretReference,
      readOnly: bool(),
      volumeAttributes: stringMap(),
      volumeHandle: str(),
    },
    { required: ['driver', 'volumeHandle'] },
  ),
  hostPath: obj({ path: str(), type: str() }, { required: ['path'] }),
  local: obj({ fsType: str(), path: str() }, { required: ['path'] }),
  nfs: obj({ path: str(), readOnly: bool(), server: str() }, { required: ['server', 'path'] }),
};

/** The cloud and legacy in-tree sources: every one a pod volume may name but gitRepo. */
const preservedPersistentVolumeSources: readonly string[] = preservedVolumeSources.filter((name) => name !== 'gitRepo');

/** Every source field of PersistentVolumeSpec (exactly one may be set). */
export const persistentVolumeSourceNames: readonly string[] = [
  ...Object.keys(detailedPersistentVolumeSources),
  ...preservedPersistentVolumeSources,
].sort();

/** PersistentVolumeSpec.claimRef: an ObjectReference marked `+structType=granular` (merged field by field). */
const claimReference: Schema = obj(objectReference.properties ?? {});

export const persistentVolumeSchema: Schema = resourceSchema(
  'PersistentVolume (PV) is a storage resource provisioned by an administrator. It is analogous to a node.',
  {
    spec: obj({
      accessModes: strings(),
      capacity: quantityMap(),
      claimRef: claimReference,
      mountOptions: strings(),
      nodeAffinity: obj({ required: nodeSelector }),
      persistentVolumeReclaimPolicy: str(),
      storageClassName: str(),
      volumeAttributesClassName: str(),
      volumeMode: str(),
      ...detailedPersistentVolumeSources,
      ...Object.fromEntries(preservedPersistentVolumeSources.map((name) => [name, preserved()])),
    }),
    status: obj({ lastPhaseTransitionTime: dateTime(), message: str(), phase: str(), reason: str() }),
  },
);

const topologySelectorTerm: Schema = atomicObj({
  matchLabelExpressions: atomic(obj({ key: str(), values: strings() }, { required: ['key', 'values'] })),
});

export const storageClassSchema: Schema = resourceSchema(
  'StorageClass describes the parameters for a class of storage for which PersistentVolumes can be dynamically provisioned.',
  {
    allowVolumeExpansion: bool(),
    allowedTopologies: atomic(topologySelectorTerm),
    mountOptions: strings(),
    parameters: stringMap(),
    provisioner: str(),
    reclaimPolicy: str(),
    volumeBindingMode: str(),
  },
  ['provisioner'],
);
