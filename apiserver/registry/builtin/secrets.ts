import type { FieldError, KubeObject, ResourceDecl } from '../types.js';
import { asObject, asString, tableColumns } from './printers/format.js';
import { secretColumnDefinitions, secretRow } from './printers/core.js';
import { secretSchema } from './schemas/core.js';
import { MAX_DATA_BYTES, validateImmutableData } from './configmaps.js';
import { immutable, invalid, key, required, tooLong } from './validation/errors.js';
import { configMapKeyErrors } from './validation/names.js';

/** core/v1 secrets. */

/** Type Opaque by default; stringData is write-only and merged into data (base64), as v1 conversion does. */
export function defaultSecret(obj: KubeObject): void {
  if (asString(obj['type']) === '') obj['type'] = 'Opaque';
  const stringData = obj['stringData'];
  if (stringData === undefined || stringData === null) return;
  const data: Record<string, unknown> = { ...asObject(obj['data']) };
  for (const [k, v] of Object.entries(asObject(stringData))) data[k] = Buffer.from(asString(v), 'utf8').toString('base64');
  obj['data'] = data;
  delete obj['stringData'];
}

/** The keys each well-known secret type must carry. */
const REQUIRED_KEYS: Readonly<Record<string, readonly string[]>> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};

function validateSecret(obj: KubeObject, old?: KubeObject): FieldError[] {
  const out: FieldError[] = [];
  const data = asObject(obj['data']);
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const msg of configMapKeyErrors(k)) out.push(invalid(key('data', k), k, msg));
    total += typeof v === 'string' ? Buffer.from(v, 'base64').length : 0;
  }
  if (total > MAX_DATA_BYTES) out.push(tooLong('data', MAX_DATA_BYTES));
  const type = asString(obj['type']);
  for (const k of REQUIRED_KEYS[type] ?? []) if (!(k in data)) out.push(required(key('data', k)));
  if (type === 'kubernetes.io/service-account-token' && asString(obj.metadata?.annotations?.['kubernetes.io/service-account.name']) === '') {
    out.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
  }
  if (type === 'kubernetes.io/basic-auth' && !('username' in data) && !('password' in data)) {
    out.push(required(key('data', 'username')), required(key('data', 'password')));
  }
  if (old !== undefined) {
    out.push(...immutable('type', obj['type'], old['type']));
    out.push(...validateImmutableData(obj, old, ['data']));
  }
  return out;
}

export const secrets: ResourceDecl = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  listKind: 'SecretList',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  schema: secretSchema,
  printerColumns: tableColumns(secretColumnDefinitions, secretRow),
  selectableFields: { type: (obj) => asString(obj['type']) },
  strategy: { generation: false, defaults: defaultSecret, validate: validateSecret },
};
