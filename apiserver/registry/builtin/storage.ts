import type { FieldError, KubeObject, ResourceDecl } from '../types.js';
import { qualifiedNameErrors } from '../validate.js';
import { defaultPersistentVolume, defaultPersistentVolumeClaim, defaultStorageClass } from './defaults/storage.js';
import { asObject, asString, spec, tableColumns } from './printers/format.js';
import {
  persistentVolumeClaimColumnDefinitions,
  persistentVolumeClaimRow,
  persistentVolumeColumnDefinitions,
  persistentVolumeRow,
  storageClassColumnDefinitions,
  storageClassRow,
} from './printers/storage.js';
import { persistentVolumeClaim } from './schemas/pvc.js';
import { persistentVolumeSchema, persistentVolumeSourceNames, storageClassSchema } from './schemas/storage.js';
import { child, forbidden, immutable, invalid, notSupported, required, sameJson } from './validation/errors.js';
import { positiveQuantity, validateAccessModes, validateClaimStorageRequest, validateVolumeMode } from './validation/storage.js';

/** core/v1 persistentvolumeclaims and persistentvolumes (with status), storage.k8s.io/v1 storageclasses. */

const CLAIM_UPDATE_MESSAGE = 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims';

/** ValidatePersistentVolumeClaim(Update): access modes, a storage request, the volume mode; then a fixed spec. */
function validatePersistentVolumeClaim(obj: KubeObject, old?: KubeObject): FieldError[] {
  const sp = spec(obj);
  const out: FieldError[] = [
    ...validateAccessModes(sp['accessModes'], 'spec.accessModes', 'at least 1 access mode is required'),
    ...validateClaimStorageRequest(sp, 'spec'),
    ...validateVolumeMode(sp, 'spec.volumeMode'),
  ];
  if (old !== undefined) {
    const mutable = (s: Record<string, unknown>, volumeName: unknown): Record<string, unknown> => {
      const copy = structuredClone(s);
      delete copy['volumeAttributesClassName'];
      if (copy['resources'] !== undefined) copy['resources'] = { ...asObject(copy['resources']), requests: undefined };
      copy['volumeName'] = volumeName;
      return copy;
    };
    const oldSpec = spec(old);
    // A claim may be bound once: volumeName may go from unset to set.
    const volumeName = asString(oldSpec['volumeName']) === '' ? sp['volumeName'] : oldSpec['volumeName'];
    if (!sameJson(mutable(sp, sp['volumeName']), mutable(oldSpec, volumeName))) out.push(forbidden('spec', CLAIM_UPDATE_MESSAGE));
  }
  return out;
}

export const persistentVolumeClaims: ResourceDecl = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  listKind: 'PersistentVolumeClaimList',
  plural: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  shortNames: ['pvc'],
  namespaced: true,
  schema: persistentVolumeClaim,
  printerColumns: tableColumns(persistentVolumeClaimColumnDefinitions, persistentVolumeClaimRow),
  subresources: { status: true },
  strategy: { generation: false, defaults: defaultPersistentVolumeClaim, validate: validatePersistentVolumeClaim },
};

const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];

/** The one volume source of a PV, with the fields each common source requires. */
function validatePersistentVolumeSource(sp: Record<string, unknown>): FieldError[] {
  const sources = persistentVolumeSourceNames.filter((name) => sp[name] !== undefined && sp[name] !== null);
  if (sources.length === 0) return [required('spec', 'must specify a volume type')];
  if (sources.length > 1) return [forbidden(child('spec', sources[1] ?? ''), 'may not specify more than 1 volume type')];
  const source = sources[0] ?? '';
  const fields: Readonly<Record<string, readonly string[]>> = { csi: ['driver', 'volumeHandle'], hostPath: ['path'], local: ['path'], nfs: ['server', 'path'] };
  const out: FieldError[] = [];
  for (const field of fields[source] ?? []) {
    if (asString(asObject(sp[source])[field]) === '') out.push(required(`spec.${source}.${field}`));
  }
  if (source === 'local' && (sp['nodeAffinity'] === undefined || sp['nodeAffinity'] === null)) {
    out.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
  }
  return out;
}

/** ValidatePersistentVolume(Update): capacity, access modes, reclaim policy and source; the source is fixed. */
function validatePersistentVolume(obj: KubeObject, old?: KubeObject): FieldError[] {
  const sp = spec(obj);
  const out: FieldError[] = validateAccessModes(sp['accessModes'], 'spec.accessModes', '');
  const capacity = asObject(sp['capacity']);
  if (Object.keys(capacity).length === 0) out.push(required('spec.capacity'));
  else if (capacity['storage'] === undefined || Object.keys(capacity).length > 1) out.push(notSupported('spec.capacity', capacity, ['storage']));
  else out.push(...positiveQuantity(capacity['storage'], 'spec.capacity[storage]'));
  const policy = asString(sp['persistentVolumeReclaimPolicy']);
  if (!RECLAIM_POLICIES.includes(policy)) out.push(notSupported('spec.persistentVolumeReclaimPolicy', policy, RECLAIM_POLICIES));
  out.push(...validatePersistentVolumeSource(sp), ...validateVolumeMode(sp, 'spec.volumeMode'));
  if (old !== undefined) {
    const oldSpec = spec(old);
    const sourceOf = (s: Record<string, unknown>): unknown[] => persistentVolumeSourceNames.map((name) => s[name]);
    if (!sameJson(sourceOf(sp), sourceOf(oldSpec))) out.push(forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
    out.push(...immutable('spec.volumeMode', sp['volumeMode'], oldSpec['volumeMode']));
  }
  return out;
}

export const persistentVolumes: ResourceDecl = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  listKind: 'PersistentVolumeList',
  plural: 'persistentvolumes',
  singular: 'persistentvolume',
  shortNames: ['pv'],
  namespaced: false,
  schema: persistentVolumeSchema,
  printerColumns: tableColumns(persistentVolumeColumnDefinitions, persistentVolumeRow),
  subresources: { status: true },
  strategy: { generation: false, defaults: defaultPersistentVolume, validate: validatePersistentVolume },
};

const STORAGE_RECLAIM_POLICIES = ['Delete', 'Retain'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];

/** ValidateStorageClass(Update): a qualified provisioner, the policies; provisioner, parameters and policies are fixed. */
function validateStorageClass(obj: KubeObject, old?: KubeObject): FieldError[] {
  const out: FieldError[] = [];
  const provisioner = asString(obj['provisioner']);
  if (provisioner === '') out.push(required('provisioner'));
  else out.push(...qualifiedNameErrors(provisioner).map((msg) => invalid('provisioner', provisioner, msg)));
  const reclaimPolicy = asString(obj['reclaimPolicy']);
  if (!STORAGE_RECLAIM_POLICIES.includes(reclaimPolicy)) out.push(notSupported('reclaimPolicy', reclaimPolicy, STORAGE_RECLAIM_POLICIES));
  const bindingMode = asString(obj['volumeBindingMode']);
  if (!BINDING_MODES.includes(bindingMode)) out.push(notSupported('volumeBindingMode', bindingMode, BINDING_MODES));
  if (old !== undefined) {
    for (const field of ['parameters', 'provisioner', 'reclaimPolicy']) {
      if (!sameJson(obj[field], old[field])) out.push(forbidden(field, `updates to ${field} are forbidden.`));
    }
    out.push(...immutable('volumeBindingMode', obj['volumeBindingMode'], old['volumeBindingMode']));
  }
  return out;
}

export const storageClasses: ResourceDecl = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  listKind: 'StorageClassList',
  plural: 'storageclasses',
  singular: 'storageclass',
  shortNames: ['sc'],
  namespaced: false,
  schema: storageClassSchema,
  printerColumns: tableColumns(storageClassColumnDefinitions, storageClassRow),
  strategy: { generation: false, defaults: defaultStorageClass, validate: validateStorageClass },
};
