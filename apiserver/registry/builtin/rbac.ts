import type { FieldError, KubeObject, ResourceDecl } from '../types.js';
import { asArray, asObject, asObjects, asString, defaultTableColumns, tableColumns } from './printers/format.js';
import { roleBindingColumnDefinitions, roleBindingRow } from './printers/core.js';
import { clusterRoleBindingSchema, clusterRoleSchema, roleBindingSchema, roleSchema } from './schemas/rbac.js';
import { child, index, invalid, notSupported, required, sameJson } from './validation/errors.js';
import { dns1123SubdomainErrors } from './validation/names.js';
import { validateLabelSelector } from './validation/selector.js';

/** rbac.authorization.k8s.io/v1 roles, clusterroles, rolebindings, clusterrolebindings. */

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** SetDefaults_RoleBinding / _ClusterRoleBinding / _Subject. */
export function defaultBinding(obj: KubeObject): void {
  const roleRef = asObject(obj['roleRef']);
  if (obj['roleRef'] !== undefined && asString(roleRef['apiGroup']) === '') roleRef['apiGroup'] = RBAC_GROUP;
  for (const subject of asObjects(obj['subjects'])) {
    if (asString(subject['apiGroup']) === '' && (subject['kind'] === 'User' || subject['kind'] === 'Group')) subject['apiGroup'] = RBAC_GROUP;
  }
}

/** ValidatePolicyRule. */
function validateRules(obj: KubeObject, namespaced: boolean): FieldError[] {
  const out: FieldError[] = [];
  for (const [i, rule] of asObjects(obj['rules']).entries()) {
    const path = index('rules', i);
    if (rule['verbs'] !== undefined && asArray(rule['verbs']).length === 0) {
      out.push(required(child(path, 'verbs'), 'verbs must contain at least one value'));
    }
    const nonResourceURLs = asArray(rule['nonResourceURLs']);
    if (nonResourceURLs.length > 0) {
      if (namespaced) out.push(invalid(child(path, 'nonResourceURLs'), nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs'));
      if (asArray(rule['apiGroups']).length > 0 || asArray(rule['resources']).length > 0 || asArray(rule['resourceNames']).length > 0) {
        out.push(invalid(child(path, 'nonResourceURLs'), nonResourceURLs, 'rules cannot apply to both regular resources and non-resource URLs'));
      }
      continue;
    }
    if (asArray(rule['apiGroups']).length === 0) out.push(required(child(path, 'apiGroups'), 'resource rules must supply at least one api group'));
    if (asArray(rule['resources']).length === 0) out.push(required(child(path, 'resources'), 'resource rules must supply at least one resource'));
  }
  return out;
}

/** ValidateRBACName: a path segment name. */
function rbacNameErrors(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  for (const bad of ['/', '%']) if (name.includes(bad)) return [`may not contain '${bad}'`];
  return [];
}

function validateBinding(obj: KubeObject, old: KubeObject | undefined, namespaced: boolean): FieldError[] {
  const out: FieldError[] = [];
  const roleRef = asObject(obj['roleRef']);
  if (asString(roleRef['apiGroup']) !== RBAC_GROUP) out.push(notSupported('roleRef.apiGroup', roleRef['apiGroup'] ?? '', [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(asString(roleRef['kind']))) out.push(notSupported('roleRef.kind', roleRef['kind'] ?? '', kinds));
  const roleName = asString(roleRef['name']);
  if (roleName === '') out.push(required('roleRef.name'));
  else for (const msg of rbacNameErrors(roleName)) out.push(invalid('roleRef.name', roleName, msg));
  for (const [i, subject] of asObjects(obj['subjects']).entries()) {
    const path = index('subjects', i);
    const name = asString(subject['name']);
    if (subject['name'] === '') out.push(required(child(path, 'name')));
    const apiGroup = asString(subject['apiGroup']);
    switch (subject['kind']) {
      case 'ServiceAccount':
        if (name !== '') for (const msg of dns1123SubdomainErrors(name)) out.push(invalid(child(path, 'name'), name, msg));
        if (apiGroup !== '') out.push(notSupported(child(path, 'apiGroup'), apiGroup, ['']));
        if (!namespaced && asString(subject['namespace']) === '') out.push(required(child(path, 'namespace')));
        break;
      case 'User':
      case 'Group':
        if (apiGroup !== RBAC_GROUP) out.push(notSupported(child(path, 'apiGroup'), apiGroup, [RBAC_GROUP]));
        break;
      default:
        out.push(notSupported(child(path, 'kind'), subject['kind'] ?? '', ['ServiceAccount', 'User', 'Group']));
    }
  }
  if (old !== undefined && !sameJson(obj['roleRef'], old['roleRef'])) out.push(invalid('roleRef', obj['roleRef'], 'cannot change roleRef'));
  return out;
}

export const roles: ResourceDecl = {
  group: RBAC_GROUP,
  version: 'v1',
  kind: 'Role',
  listKind: 'RoleList',
  plural: 'roles',
  singular: 'role',
  namespaced: true,
  schema: roleSchema,
  printerColumns: defaultTableColumns,
  strategy: { nameValidation: 'pathSegment', generation: false, validate: (obj) => validateRules(obj, true) },
};

export const clusterRoles: ResourceDecl = {
  group: RBAC_GROUP,
  version: 'v1',
  kind: 'ClusterRole',
  listKind: 'ClusterRoleList',
  plural: 'clusterroles',
  singular: 'clusterrole',
  namespaced: false,
  schema: clusterRoleSchema,
  printerColumns: defaultTableColumns,
  strategy: {
    nameValidation: 'pathSegment',
    generation: false,
    validate: (obj) => {
      const out = validateRules(obj, false);
      const rule = obj['aggregationRule'];
      if (rule !== undefined && rule !== null) {
        const selectors = asArray(asObject(rule)['clusterRoleSelectors']);
        if (selectors.length === 0) {
          out.push(required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
        }
        for (const [i, s] of selectors.entries()) out.push(...validateLabelSelector(s, index('aggregationRule.clusterRoleSelectors', i)));
      }
      return out;
    },
  },
};

export const roleBindings: ResourceDecl = {
  group: RBAC_GROUP,
  version: 'v1',
  kind: 'RoleBinding',
  listKind: 'RoleBindingList',
  plural: 'rolebindings',
  singular: 'rolebinding',
  namespaced: true,
  schema: roleBindingSchema,
  printerColumns: tableColumns(roleBindingColumnDefinitions('roleBinding'), roleBindingRow),
  strategy: { nameValidation: 'pathSegment', generation: false, defaults: defaultBinding, validate: (obj, old) => validateBinding(obj, old, true) },
};

export const clusterRoleBindings: ResourceDecl = {
  group: RBAC_GROUP,
  version: 'v1',
  kind: 'ClusterRoleBinding',
  listKind: 'ClusterRoleBindingList',
  plural: 'clusterrolebindings',
  singular: 'clusterrolebinding',
  namespaced: false,
  schema: clusterRoleBindingSchema,
  printerColumns: tableColumns(roleBindingColumnDefinitions('clusterRoleBinding'), roleBindingRow),
  strategy: { nameValidation: 'pathSegment', generation: false, defaults: defaultBinding, validate: (obj, old) => validateBinding(obj, old, false) },
};
