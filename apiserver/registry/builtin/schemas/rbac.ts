import type { Schema } from '../../schema.js';
import { labelSelector, resourceSchema } from './meta.js';
import { atomic, atomicObj, obj, str, strings } from './builders.js';

/** rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding, ClusterRoleBinding. */

const policyRule: Schema = obj(
  {
    apiGroups: strings(),
    nonResourceURLs: strings(),
    resourceNames: strings(),
    resources: strings(),
    verbs: strings(),
  },
  { required: ['verbs'] },
);

const subject: Schema = atomicObj(
  { apiGroup: str(), kind: str(), name: str(), namespace: str() },
  { required: ['kind', 'name'] },
);

const roleRef: Schema = atomicObj({ apiGroup: str(), kind: str(), name: str() }, { required: ['apiGroup', 'kind', 'name'] });

export const roleSchema: Schema = resourceSchema(
  'Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.',
  { rules: atomic(policyRule) },
);

export const clusterRoleSchema: Schema = resourceSchema(
  'ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.',
  { aggregationRule: obj({ clusterRoleSelectors: atomic(labelSelector) }), rules: atomic(policyRule) },
);

export const roleBindingSchema: Schema = resourceSchema(
  'RoleBinding references a role, but does not contain it.  It can reference a Role in the same namespace or a ClusterRole in the global namespace.',
  { roleRef, subjects: atomic(subject) },
  ['roleRef'],
);

export const clusterRoleBindingSchema: Schema = resourceSchema(
  'ClusterRoleBinding references a ClusterRole, but not contain it.  It can reference a ClusterRole in the global namespace, and adds who information via Subject.',
  { roleRef, subjects: atomic(subject) },
  ['roleRef'],
);
