import type { KubeObject } from '../registry/types.js';

/**
 * The rbac.authorization.k8s.io/v1 objects as plain Kubernetes JSON. Fields are optional where
 * JSON may omit them; the authorizer treats a missing list as empty.
 */

export const RBAC_GROUP = 'rbac.authorization.k8s.io';
export const RBAC_API_VERSION = 'rbac.authorization.k8s.io/v1';

export interface PolicyRule {
  readonly verbs?: readonly string[];
  readonly apiGroups?: readonly string[];
  /** `pods`, `pods/status`, `*`, `*\/scale`. */
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  /** `/healthz`, `/apis/*`, `*`. Only in ClusterRoles bound by ClusterRoleBindings. */
  readonly nonResourceURLs?: readonly string[];
}

export interface Subject {
  /** 'User', 'Group' or 'ServiceAccount'. */
  readonly kind: string;
  readonly apiGroup?: string;
  readonly name: string;
  /** ServiceAccount only; defaults to the binding's namespace. */
  readonly namespace?: string;
}

export interface RoleRef {
  readonly apiGroup?: string;
  /** 'Role' or 'ClusterRole'. */
  readonly kind: string;
  readonly name: string;
}

export interface LabelSelectorRequirement {
  readonly key: string;
  /** 'In', 'NotIn', 'Exists', 'DoesNotExist'. */
  readonly operator: string;
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export interface AggregationRule {
  readonly clusterRoleSelectors?: readonly LabelSelector[];
}

export type Role = KubeObject & { rules?: PolicyRule[] };
export type ClusterRole = KubeObject & { rules?: PolicyRule[]; aggregationRule?: AggregationRule };
export type RoleBinding = KubeObject & { subjects?: Subject[]; roleRef?: RoleRef };
export type ClusterRoleBinding = KubeObject & { subjects?: Subject[]; roleRef?: RoleRef };
