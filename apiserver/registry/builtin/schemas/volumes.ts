import type { Schema } from '../../schema.js';
import { localObjectReference, labelSelector } from './meta.js';
import { objectFieldSelector, resourceFieldSelector } from './container.js';
import { persistentVolumeClaimTemplate } from './pvc.js';
import { atomic, bool, int32, int64, obj, preserved, quantity, str, stringMap } from './builders.js';

/**
 * core/v1 Volume. The common sources are spelled out; the cloud and legacy in-tree ones
 * (awsElasticBlockStore, azureDisk, cephfs, rbd, iscsi, …) are kept as preserved objects.
 */

const keyToPath: Schema = obj({ key: str(), mode: int32(), path: str() }, { required: ['key', 'path'] });

const downwardAPIVolumeFile: Schema = obj(
  { fieldRef: objectFieldSelector, mode: int32(), path: str(), resourceFieldRef: resourceFieldSelector },
  { required: ['path'] },
);

const volumeProjection: Schema = obj({
  clusterTrustBundle: obj(
    { labelSelector, name: str(), optional: bool(), path: str(), signerName: str() },
    { required: ['path'] },
  ),
  configMap: obj({ items: atomic(keyToPath), name: str(), optional: bool() }),
  downwardAPI: obj({ items: atomic(downwardAPIVolumeFile) }),
  secret: obj({ items: atomic(keyToPath), name: str(), optional: bool() }),
  serviceAccountToken: obj({ audience: str(), expirationSeconds: int64(), path: str() }, { required: ['path'] }),
});

/** Names of the volume sources with a full schema. */
export const detailedVolumeSources: Readonly<Record<string, Schema>> = {
  configMap: obj({ defaultMode: int32(), items: atomic(keyToPath), name: str(), optional: bool() }),
  csi: obj(
    {
      driver: str(),
      fsType: str(),
      nodePublishSecretRef: localObjectReference,
      readOnly: bool(),
      volumeAttributes: stringMap(),
    },
    { required: ['driver'] },
  ),
  downwardAPI: obj({ defaultMode: int32(), items: atomic(downwardAPIVolumeFile) }),
  emptyDir: obj({ medium: str(), sizeLimit: quantity() }),
  ephemeral: obj({ volumeClaimTemplate: persistentVolumeClaimTemplate }),
  hostPath: obj({ path: str(), type: str() }, { required: ['path'] }),
  image: obj({ pullPolicy: str(), reference: str() }),
  nfs: obj({ path: str(), readOnly: bool(), server: str() }, { required: ['server', 'path'] }),
  persistentVolumeClaim: obj({ claimName: str(), readOnly: bool() }, { required: ['claimName'] }),
  projected: obj({ defaultMode: int32(), sources: atomic(volumeProjection) }),
  secret: obj({ defaultMode: int32(), items: atomic(keyToPath), optional: bool(), secretName: str() }),
};

/** Volume sources accepted as free-form objects. */
export const preservedVolumeSources: readonly string[] = [
  'awsElasticBlockStore',
  'azureDisk',
  'azureFile',
  'cephfs',
  'cinder',
  'fc',
  'flexVolume',
  'flocker',
  'gcePersistentDisk',
  'gitRepo',
  'glusterfs',
  'iscsi',
  'photonPersistentDisk',
  'portworxVolume',
  'quobyte',
  'rbd',
  'scaleIO',
  'storageos',
  'vsphereVolume',
];

/** Every volume source field of Volume (exactly one may be set). */
export const volumeSourceNames: readonly string[] = [...Object.keys(detailedVolumeSources), ...preservedVolumeSources].sort();

export const volume: Schema = obj(
  {
    name: str(),
    ...detailedVolumeSources,
    ...Object.fromEntries(preservedVolumeSources.map((name) => [name, preserved()])),
  },
  { required: ['name'] },
);
