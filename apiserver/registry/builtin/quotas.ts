import type { FieldError, KubeObject, ResourceDecl } from '../types.js';
import { qualifiedNameErrors } from '../validate.js';
import { defaultLimitRange } from './defaults/cluster.js';
import { asArray, asObject, asObjects, asString, defaultTableColumns, spec, tableColumns } from './printers/format.js';
import { resourceQuotaColumnDefinitions, resourceQuotaRow } from './printers/policy.js';
import { compareQuantities, parseQuantity } from './quantity.js';
import { limitRangeSchema, resourceQuotaSchema } from './schemas/quota.js';
import { child, duplicate, forbidden, index, invalid, key, notSupported, required } from './validation/errors.js';

/** core/v1 resourcequotas (with status) and limitranges. */

const COUNTED_RESOURCES = [
  'configmaps',
  'persistentvolumeclaims',
  'pods',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'services',
  'services.loadbalancers',
  'services.nodeports',
];
const COMPUTE_RESOURCES = ['cpu', 'ephemeral-storage', 'memory', 'storage'];
const QUOTA_SCOPES = ['BestEffort', 'CrossNamespacePodAffinity', 'NotBestEffort', 'NotTerminating', 'PriorityClass', 'Terminating'];

/** IsStandardQuotaResourceName, with extended (`example.com/gpu`) and object-count (`count/…`) names. */
function isQuotaResourceName(name: string): boolean {
  if (name.includes('/')) return true;
  if (COUNTED_RESOURCES.includes(name) || COMPUTE_RESOURCES.includes(name) || name.startsWith('hugepages-')) return true;
  const [prefix, rest = ''] = name.split(/\.(.*)/s);
  return (prefix === 'requests' || prefix === 'limits') && (COMPUTE_RESOURCES.includes(rest) || rest.startsWith('hugepages-'));
}

/** A quantity of a resource list: valid, not negative, whole for counted resources. */
function quantityErrors(resource: string, value: unknown, path: string): FieldError[] {
  if (parseQuantity(value) === undefined) return [invalid(path, value, 'must be a valid quantity')];
  if (compareQuantities(value, 0) === -1) return [invalid(path, value, 'must be greater than or equal to 0')];
  const counted = COUNTED_RESOURCES.includes(resource) || resource.startsWith('count/');
  if (counted && (parseQuantity(value) ?? 0n) % 1_000_000_000n !== 0n) return [invalid(path, value, 'must be an integer')];
  return [];
}

/** ValidateResourceQuotaSpec: standard resource names with valid amounts, and known scopes. */
function validateResourceQuota(obj: KubeObject): FieldError[] {
  const sp = spec(obj);
  const out: FieldError[] = [];
  for (const [resource, value] of Object.entries(asObject(sp['hard']))) {
    const path = key('spec.hard', resource);
    const nameErrors = qualifiedNameErrors(resource);
    out.push(...nameErrors.map((msg) => invalid(path, resource, msg)));
    if (nameErrors.length === 0 && !isQuotaResourceName(resource)) out.push(invalid(path, resource, 'must be a standard resource for quota'));
    out.push(...quantityErrors(resource, value, path));
  }
  const scopes = asArray(sp['scopes']).map(asString);
  for (const scope of scopes) if (!QUOTA_SCOPES.includes(scope)) out.push(notSupported('spec.scopes', scope, QUOTA_SCOPES));
  const expressions = asObjects(asObject(sp['scopeSelector'])['matchExpressions']);
  if (scopes.length > 0 && expressions.length > 0) {
    out.push(invalid('spec.scopeSelector', sp['scopeSelector'], 'conflicts with spec.scopes'));
  }
  for (const [i, expr] of expressions.entries()) {
    const scope = asString(expr['scopeName']);
    if (!QUOTA_SCOPES.includes(scope)) out.push(notSupported(child(index('spec.scopeSelector.matchExpressions', i), 'scopeName'), scope, QUOTA_SCOPES));
  }
  return out;
}

export const resourceQuotas: ResourceDecl = {
  group: '',
  version: 'v1',
  kind: 'ResourceQuota',
  listKind: 'ResourceQuotaList',
  plural: 'resourcequotas',
  singular: 'resourcequota',
  shortNames: ['quota'],
  namespaced: true,
  schema: resourceQuotaSchema,
  printerColumns: tableColumns(resourceQuotaColumnDefinitions, resourceQuotaRow),
  subresources: { status: true },
  strategy: { generation: false, validate: validateResourceQuota },
};

const LIMIT_LISTS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'];

/** ValidateLimitRange: a type once each, valid amounts, min ≤ max, and no defaults for pods. */
function validateLimitRange(obj: KubeObject): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const [i, item] of asObjects(spec(obj)['limits']).entries()) {
    const path = index('spec.limits', i);
    const type = asString(item['type']);
    if (type === '') out.push(required(child(path, 'type')));
    else out.push(...qualifiedNameErrors(type).map((msg) => invalid(child(path, 'type'), type, msg)));
    if (seen.has(type)) out.push(duplicate(child(path, 'type'), type));
    seen.add(type);
    for (const list of LIMIT_LISTS) {
      for (const [resource, value] of Object.entries(asObject(item[list]))) out.push(...quantityErrors(resource, value, key(child(path, list), resource)));
    }
    if (type === 'Pod') {
      for (const list of ['default', 'defaultRequest']) {
        if (Object.keys(asObject(item[list])).length > 0) out.push(forbidden(child(path, list), "may not be specified when `type` is 'Pod'"));
      }
    }
    const max = asObject(item['max']);
    for (const [resource, min] of Object.entries(asObject(item['min']))) {
      if (max[resource] !== undefined && compareQuantities(min, max[resource]) === 1) {
        out.push(invalid(key(child(path, 'min'), resource), min, `min value ${String(min)} is greater than max value ${String(max[resource])}`));
      }
    }
  }
  return out;
}

export const limitRanges: ResourceDecl = {
  group: '',
  version: 'v1',
  kind: 'LimitRange',
  listKind: 'LimitRangeList',
  plural: 'limitranges',
  singular: 'limitrange',
  shortNames: ['limits'],
  namespaced: true,
  schema: limitRangeSchema,
  printerColumns: defaultTableColumns,
  strategy: { generation: false, defaults: defaultLimitRange, validate: validateLimitRange },
};
