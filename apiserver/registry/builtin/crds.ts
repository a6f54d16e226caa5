import type { FieldError, KubeObject, ResourceDecl } from '../types.js';
import { asArray, asObject, asObjects, asString, defaultTableColumns } from './printers/format.js';
import { customResourceDefinitionSchema } from './schemas/crd.js';
import { child, immutable, index, invalid, notSupported, required } from './validation/errors.js';
import { dns1035LabelErrors, dns1123SubdomainErrors } from './validation/names.js';

/** apiextensions.k8s.io/v1 customresourcedefinitions (crd, crds), cluster-scoped, with status. */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** SetDefaults_CustomResourceDefinitionSpec and the storedVersions the strategy maintains. */
export function defaultCustomResourceDefinition(obj: KubeObject): void {
  if (!isObject(obj['spec'])) return;
  const spec = obj['spec'];
  if (isObject(spec['names'])) {
    const names = spec['names'];
    const kind = asString(names['kind']);
    if (asString(names['singular']) === '') names['singular'] = kind.toLowerCase();
    if (asString(names['listKind']) === '' && kind !== '') names['listKind'] = `${kind}List`;
  }
  if (!isObject(spec['conversion'])) spec['conversion'] = { strategy: 'None' };
  const service = asObject(asObject(asObject(spec['conversion'])['webhook'])['clientConfig'])['service'];
  if (isObject(service) && service['port'] === undefined) service['port'] = 443;
  // PrepareForCreate/Update: the storage version is recorded in status.storedVersions.
  const storage = asObjects(spec['versions']).find((v) => v['storage'] === true);
  if (storage === undefined) return;
  if (!isObject(obj['status'])) obj['status'] = {};
  const status = asObject(obj['status']);
  const stored = asArray(status['storedVersions']).map(asString);
  const name = asString(storage['name']);
  if (!stored.includes(name)) status['storedVersions'] = [...stored, name];
}

const COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];

function validateNames(names: Json, path: string): FieldError[] {
  const out: FieldError[] = [];
  const label = (field: string, value: string, prefix = ''): void => {
    const errs = dns1035LabelErrors(prefix === '' ? value : value.toLowerCase());
    if (value !== '' && errs.length > 0) out.push(invalid(child(path, field), value, `${prefix}${errs.join(',')}`));
  };
  if (names['plural'] === '') out.push(required(child(path, 'plural')));
  if (names['kind'] === '') out.push(required(child(path, 'kind')));
  label('plural', asString(names['plural']));
  label('singular', asString(names['singular']));
  label('kind', asString(names['kind']), 'may have mixed case, but should otherwise match: ');
  label('listKind', asString(names['listKind']), 'may have mixed case, but should otherwise match: ');
  for (const list of ['shortNames', 'categories']) {
    for (const [i, value] of asArray(names[list]).map(asString).entries()) {
      const errs = dns1035LabelErrors(value);
      if (errs.length > 0) out.push(invalid(index(child(path, list), i), value, errs.join(',')));
    }
  }
  if (asString(names['kind']) !== '' && names['kind'] === names['listKind']) {
    out.push(invalid(child(path, 'listKind'), names['listKind'], 'kind and listKind may not be the same'));
  }
  return out;
}

function validateVersions(versions: unknown[], path: string): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  let unique = true;
  let storageCount = 0;
  for (const [i, value] of versions.entries()) {
    const version = asObject(value);
    const p = index(path, i);
    const name = asString(version['name']);
    if (version['storage'] === true) storageCount++;
    if (seen.has(name)) unique = false;
    seen.add(name);
    const errs = dns1035LabelErrors(name);
    if (errs.length > 0) out.push(invalid(child(p, 'name'), name, errs.join(',')));
    const schema = asObject(version['schema'])['openAPIV3Schema'];
    const schemaPath = child(child(p, 'schema'), 'openAPIV3Schema');
    if (!isObject(schema)) out.push(required(schemaPath, 'schemas are required'));
    else if (schema['type'] === undefined || schema['type'] === '') out.push(required(child(schemaPath, 'type'), 'must not be empty at the root'));
    else if (schema['type'] !== 'object') out.push(invalid(child(schemaPath, 'type'), schema['type'], 'must be object at the root'));
    for (const [j, column] of asObjects(version['additionalPrinterColumns']).entries()) {
      const c = index(child(p, 'additionalPrinterColumns'), j);
      const type = asString(column['type']);
      if (!COLUMN_TYPES.includes(type)) out.push(notSupported(child(c, 'type'), type, COLUMN_TYPES));
      const format = asString(column['format']);
      if (format !== '' && !COLUMN_FORMATS.includes(format)) out.push(notSupported(child(c, 'format'), format, COLUMN_FORMATS));
    }
  }
  if (!unique) out.push(invalid(path, versions, 'must contain unique version names'));
  if (storageCount !== 1) out.push(invalid(path, versions, 'must have exactly one version marked as storage version'));
  if (versions.length === 0) out.push(required(path, 'must have at least one version'));
  return out;
}

/** ValidateCustomResourceDefinition: the rules users hit (names, group, scope, versions, schemas). */
export function validateCustomResourceDefinition(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = asObject(obj['spec']);
  const names = asObject(spec['names']);
  const group = asString(spec['group']);
  const out: FieldError[] = [];
  const name = obj.metadata?.name ?? '';
  if (name !== `${asString(names['plural'])}.${group}`) out.push(invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  if (spec['group'] === '') out.push(required('spec.group'));
  else if (group !== '') {
    for (const msg of dns1123SubdomainErrors(group)) out.push(invalid('spec.group', group, msg));
    if (group.split('.').length < 2) out.push(invalid('spec.group', group, 'should be a domain with at least one dot'));
  }
  const scope = asString(spec['scope']);
  if (spec['scope'] === '') out.push(required('spec.scope'));
  else if (spec['scope'] !== undefined && scope !== 'Cluster' && scope !== 'Namespaced') out.push(notSupported('spec.scope', scope, ['Cluster', 'Namespaced']));
  if (Array.isArray(spec['versions'])) out.push(...validateVersions(spec['versions'], 'spec.versions'));
  if (isObject(spec['names'])) out.push(...validateNames(names, 'spec.names'));
  const strategy = asString(asObject(spec['conversion'])['strategy']);
  if (strategy !== '' && strategy !== 'None' && strategy !== 'Webhook') out.push(notSupported('spec.conversion.strategy', strategy, ['None', 'Webhook']));
  if (old !== undefined) {
    const oldSpec = asObject(old['spec']);
    out.push(...immutable('spec.group', spec['group'], oldSpec['group']));
    out.push(...immutable('spec.scope', spec['scope'], oldSpec['scope']));
    out.push(...immutable('spec.names.plural', names['plural'], asObject(oldSpec['names'])['plural']));
  }
  return out;
}

export const customResourceDefinitions: ResourceDecl = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  listKind: 'CustomResourceDefinitionList',
  plural: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  namespaced: false,
  schema: customResourceDefinitionSchema,
  printerColumns: defaultTableColumns,
  subresources: { status: true },
  strategy: { generation: true, defaults: defaultCustomResourceDefinition, validate: validateCustomResourceDefinition },
};
