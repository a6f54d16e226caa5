import type { KubeObject } from '../../types.js';
import { ensure, ensureSpec, isObject, setIfAbsent, unset } from './json.js';
import { defaultPersistentVolumeClaimSpec } from './pod.js';

/** core/v1 PersistentVolume(Claim) and storage.k8s.io/v1 StorageClass defaulting. */

/** SetDefaults_PersistentVolumeClaim: volumeMode Filesystem, and a new claim is Pending. */
export function defaultPersistentVolumeClaim(obj: KubeObject): void {
  defaultPersistentVolumeClaimSpec(ensureSpec(obj));
  setIfAbsent(ensure(obj, 'status'), 'phase', 'Pending');
}

/**
 * SetDefaults_PersistentVolume (Retain, Filesystem, Pending, hostPath type ""), and on create the
 * phase's transition time, which the strategy sets to the creation time.
 */
export function defaultPersistentVolume(obj: KubeObject, old?: KubeObject): void {
  const spec = ensureSpec(obj);
  setIfAbsent(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setIfAbsent(spec, 'volumeMode', 'Filesystem');
  if (isObject(spec['hostPath']) && unset(spec['hostPath']['type'])) spec['hostPath']['type'] = '';
  const status = ensure(obj, 'status');
  setIfAbsent(status, 'phase', 'Pending');
  const created = obj.metadata?.creationTimestamp;
  if (old === undefined && unset(status['lastPhaseTransitionTime']) && created !== undefined) status['lastPhaseTransitionTime'] = created;
}

/** SetDefaults_StorageClass. */
export function defaultStorageClass(obj: KubeObject): void {
  if (unset(obj['reclaimPolicy'])) obj['reclaimPolicy'] = 'Delete';
  if (unset(obj['volumeBindingMode'])) obj['volumeBindingMode'] = 'Immediate';
}
