import { labelSelectorMatches } from './label_selector.js';
import { sameRule } from './policy_rule.js';
import type { ClusterRole, PolicyRule } from './rbac_types.js';

/**
 * ClusterRole aggregation, computed when read rather than by a controller. Upstream's
 * clusterrole-aggregation controller rewrites the rules of every ClusterRole with an
 * aggregationRule: for each selector in order, the ClusterRoles it matches (the role itself
 * excluded) sorted by name, their rules appended unless an equal rule is already there. Since it
 * reruns whenever any ClusterRole changes, aggregated roles that select other aggregated roles
 * (admin selects edit, edit selects view) settle on the transitive result, which is what this
 * computes. A cycle of aggregated roles falls back, inside the cycle, to the rules stored on the
 * role that closes it.
 *
 * Example: `view` selects `rbac.authorization.k8s.io/aggregate-to-view: "true"`; a CRD's
 * ClusterRole carrying that label makes its rules part of `view`, `edit` and `admin`.
 */
export function effectiveRules(role: ClusterRole, clusterRoles: readonly ClusterRole[]): PolicyRule[] {
  return resolve(role, clusterRoles, new Set());
}

function resolve(role: ClusterRole, clusterRoles: readonly ClusterRole[], visiting: Set<string>): PolicyRule[] {
  const selectors = role.aggregationRule?.clusterRoleSelectors;
  const name = role.metadata?.name ?? '';
  if (role.aggregationRule === undefined || role.aggregationRule === null || visiting.has(name)) return [...(role.rules ?? [])];
  visiting.add(name);
  const rules: PolicyRule[] = [];
  for (const selector of selectors ?? []) {
    const matched = clusterRoles
      .filter((r) => (r.metadata?.name ?? '') !== name && labelSelectorMatches(selector, r.metadata?.labels))
      .sort((a, b) => compareNames(a.metadata?.name ?? '', b.metadata?.name ?? ''));
    for (const other of matched) {
      for (const rule of resolve(other, clusterRoles, visiting)) {
        if (!rules.some((r) => sameRule(r, rule))) rules.push(rule);
      }
    }
  }
  visiting.delete(name);
  return rules;
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
