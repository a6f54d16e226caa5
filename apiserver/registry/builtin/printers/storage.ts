import type { KubeObject } from '../../types.js';
import {
  ageColumn,
  ageOf,
  asArray,
  asObject,
  asString,
  nameColumn,
  nameOf,
  quantityText,
  spec,
  status,
  type ColumnDefinition,
  type Json,
} from './format.js';

/** Tables of PersistentVolumes, PersistentVolumeClaims and StorageClasses. */

const ACCESS_MODES: ReadonlyArray<[string, string]> = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** helper.GetAccessModesAsString: the short names in a fixed order, each once. */
export function accessModesText(modes: unknown): string {
  const have = new Set(asArray(modes).map(asString));
  return ACCESS_MODES.filter(([mode]) => have.has(mode)).map(([, short]) => short).join(',');
}

const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** GetPersistentVolumeClass and GetPersistentVolumeClaimClass: the beta annotation wins over the field. */
function storageClassOf(obj: KubeObject, sp: Json): string {
  const annotation = obj.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  return annotation ?? asString(sp['storageClassName']);
}

const phaseOf = (obj: KubeObject): string =>
  obj.metadata?.deletionTimestamp != null ? 'Terminating' : asString(status(obj)['phase']);
const unsetOr = (value: unknown): string => (typeof value === 'string' ? value : '<unset>');

export const persistentVolumeColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Capacity', type: 'string', description: "capacity is the description of the persistent volume's resources and capacity." },
  { name: 'Access Modes', type: 'string', description: 'accessModes contains all ways the volume can be mounted.' },
  { name: 'Reclaim Policy', type: 'string', description: 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.' },
  { name: 'Status', type: 'string', description: 'phase indicates if a volume is available, bound to a claim, or released by a claim.' },
  { name: 'Claim', type: 'string', description: 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.' },
  { name: 'StorageClass', type: 'string', description: 'StorageClass of the pv' },
  { name: 'VolumeAttributesClass', type: 'string', description: 'VolumeAttributesClass of the pv' },
  { name: 'Reason', type: 'string', description: 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.' },
  ageColumn,
  { name: 'VolumeMode', type: 'string', priority: 1, description: 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.' },
];

export function persistentVolumeRow(obj: KubeObject, nowMs: number): unknown[] {
  const sp = spec(obj);
  const claimRef = sp['claimRef'];
  const claim = claimRef === undefined || claimRef === null ? '' : `${asString(asObject(claimRef)['namespace'])}/${asString(asObject(claimRef)['name'])}`;
  return [
    nameOf(obj),
    quantityText(asObject(sp['capacity'])['storage']),
    accessModesText(sp['accessModes']),
    asString(sp['persistentVolumeReclaimPolicy']),
    phaseOf(obj),
    claim,
    storageClassOf(obj, sp),
    unsetOr(sp['volumeAttributesClassName']),
    asString(status(obj)['reason']),
    ageOf(obj, nowMs),
    unsetOr(sp['volumeMode']),
  ];
}

export const persistentVolumeClaimColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Status', type: 'string', description: 'phase represents the current phase of PersistentVolumeClaim.' },
  { name: 'Volume', type: 'string', description: 'volumeName is the binding reference to the PersistentVolume backing this claim.' },
  { name: 'Capacity', type: 'string', description: 'capacity represents the actual resources of the underlying volume.' },
  { name: 'Access Modes', type: 'string', description: 'accessModes contains the actual access modes the volume backing the PVC has.' },
  { name: 'StorageClass', type: 'string', description: 'StorageClass of the pvc' },
  { name: 'VolumeAttributesClass', type: 'string', description: 'VolumeAttributesClass of the pvc' },
  ageColumn,
  { name: 'VolumeMode', type: 'string', priority: 1, description: 'volumeMode defines what type of volume is required by the claim.' },
];

/** printPersistentVolumeClaim: capacity and access modes come from status once the claim names a volume. */
export function persistentVolumeClaimRow(obj: KubeObject, nowMs: number): unknown[] {
  const sp = spec(obj);
  const st = status(obj);
  const volumeName = asString(sp['volumeName']);
  const bound = volumeName !== '';
  return [
    nameOf(obj),
    phaseOf(obj),
    volumeName,
    bound ? quantityText(asObject(st['capacity'])['storage']) : '',
    bound ? accessModesText(st['accessModes']) : '',
    storageClassOf(obj, sp),
    unsetOr(sp['volumeAttributesClassName']),
    ageOf(obj, nowMs),
    unsetOr(sp['volumeMode']),
  ];
}

export const storageClassColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Provisioner', type: 'string', description: 'provisioner indicates the type of the provisioner.' },
  { name: 'ReclaimPolicy', type: 'string', description: 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.' },
  { name: 'VolumeBindingMode', type: 'string', description: 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.' },
  { name: 'AllowVolumeExpansion', type: 'string', description: 'allowVolumeExpansion shows whether the storage class allow volume expand.' },
  ageColumn,
];

const DEFAULT_CLASS_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

export function storageClassRow(obj: KubeObject, nowMs: number): unknown[] {
  const annotations = obj.metadata?.annotations ?? {};
  const isDefault = DEFAULT_CLASS_ANNOTATIONS.some((a) => annotations[a] === 'true');
  return [
    isDefault ? `${nameOf(obj)} (default)` : nameOf(obj),
    asString(obj['provisioner']),
    asString(obj['reclaimPolicy']) || 'Delete',
    asString(obj['volumeBindingMode']) || 'Immediate',
    obj['allowVolumeExpansion'] === true,
    ageOf(obj, nowMs),
  ];
}
