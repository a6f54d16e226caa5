import type { FieldError } from '../../types.js';
import { compareQuantities, parseQuantity } from '../quantity.js';
import { asArray, asObject, asString, type Json } from '../printers/format.js';
import { child, invalid, key, notSupported, required } from './errors.js';

/** What PersistentVolumes and PersistentVolumeClaims share: access modes, volume modes, sizes. */

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const VOLUME_MODES = ['Block', 'Filesystem'];

/** ValidatePersistentVolume(Claim)Spec's access modes: at least one, each supported, ReadWriteOncePod alone. */
export function validateAccessModes(modes: unknown, path: string, requiredDetail: string): FieldError[] {
  const list = asArray(modes).map(asString);
  if (list.length === 0) return [required(path, requiredDetail)];
  const out: FieldError[] = [];
  for (const mode of list) if (!ACCESS_MODES.includes(mode)) out.push(notSupported(path, mode, ACCESS_MODES));
  if (list.includes('ReadWriteOncePod') && list.length > 1) {
    out.push(invalid(path, list, 'may not use ReadWriteOncePod with other access modes'));
  }
  return out;
}

export function validateVolumeMode(spec: Json, path: string): FieldError[] {
  const mode = spec['volumeMode'];
  if (mode === undefined || mode === null || VOLUME_MODES.includes(asString(mode))) return [];
  return [notSupported(path, mode, VOLUME_MODES)];
}

/** ValidatePositiveQuantityValue of a resource list entry (`storage`). */
export function positiveQuantity(value: unknown, path: string): FieldError[] {
  if (parseQuantity(value) === undefined) return [invalid(path, value, 'must be a valid quantity')];
  return compareQuantities(value, 0) === 1 ? [] : [invalid(path, value, 'must be greater than zero')];
}

/** The requested size of a claim: `spec.resources[storage]`, as upstream names the path. */
export function validateClaimStorageRequest(spec: Json, path: string): FieldError[] {
  const requests = asObject(asObject(spec['resources'])['requests']);
  const storagePath = key(child(path, 'resources'), 'storage');
  const hasDataSource = spec['dataSource'] !== undefined || spec['dataSourceRef'] !== undefined;
  if (requests['storage'] === undefined) return hasDataSource ? [] : [required(storagePath)];
  return positiveQuantity(requests['storage'], storagePath);
}
