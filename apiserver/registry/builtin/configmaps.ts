import type { FieldError, KubeObject, ResourceDecl } from '../types.js';
import { asObject, tableColumns } from './printers/format.js';
import { configMapColumnDefinitions, configMapRow } from './printers/core.js';
import { configMapSchema } from './schemas/core.js';
import { forbidden, invalid, key, sameJson, tooLong } from './validation/errors.js';
import { configMapKeyErrors } from './validation/names.js';

/** core/v1 configmaps (cm). */

/** core.MaxSecretSize, which also bounds a ConfigMap. */
export const MAX_DATA_BYTES = 1024 * 1024;
const IMMUTABLE = 'field is immutable when `immutable` is set';

function validateConfigMap(obj: KubeObject, old?: KubeObject): FieldError[] {
  const out: FieldError[] = [];
  const data = asObject(obj['data']);
  const binaryData = asObject(obj['binaryData']);
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const msg of configMapKeyErrors(k)) out.push(invalid(key('data', k), k, msg));
    if (k in binaryData) out.push(invalid(key('data', k), k, 'duplicate of key present in binaryData'));
    total += typeof v === 'string' ? Buffer.byteLength(v) : 0;
  }
  for (const [k, v] of Object.entries(binaryData)) {
    for (const msg of configMapKeyErrors(k)) out.push(invalid(key('binaryData', k), k, msg));
    if (k in data) out.push(invalid(key('binaryData', k), k, 'duplicate of key present in data'));
    total += typeof v === 'string' ? Buffer.from(v, 'base64').length : 0;
  }
  if (total > MAX_DATA_BYTES) out.push(tooLong('', MAX_DATA_BYTES));
  if (old !== undefined) out.push(...validateImmutableData(obj, old, ['data', 'binaryData']));
  return out;
}

/** ValidateConfigMapUpdate / ValidateSecretUpdate: an immutable object keeps its data and stays immutable. */
export function validateImmutableData(obj: KubeObject, old: KubeObject, fields: readonly string[]): FieldError[] {
  if (old['immutable'] !== true) return [];
  const out: FieldError[] = [];
  if (obj['immutable'] !== true) out.push(forbidden('immutable', IMMUTABLE));
  for (const field of fields) if (!sameJson(obj[field] ?? {}, old[field] ?? {})) out.push(forbidden(field, IMMUTABLE));
  return out;
}

export const configMaps: ResourceDecl = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  listKind: 'ConfigMapList',
  plural: 'configmaps',
  singular: 'configmap',
  shortNames: ['cm'],
  namespaced: true,
  schema: configMapSchema,
  printerColumns: tableColumns(configMapColumnDefinitions, configMapRow),
  strategy: { generation: false, validate: validateConfigMap },
};
