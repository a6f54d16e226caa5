import type { LabelSelector } from './rbac_types.js';

/**
 * metav1.LabelSelector matching, for ClusterRole aggregation: every matchLabels pair and every
 * matchExpressions requirement must hold. An empty selector matches everything. A selector that
 * LabelSelectorAsSelector would reject (unknown operator, In/NotIn without values, Exists or
 * DoesNotExist with values) matches nothing.
 */
export function labelSelectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!Object.hasOwn(have, key) || have[key] !== value) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const values = req.values ?? [];
    const present = Object.hasOwn(have, req.key);
    const value = have[req.key];
    switch (req.operator) {
      case 'In':
        if (values.length === 0 || !present || value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (values.length === 0) return false;
        if (present && value !== undefined && values.includes(value)) return false;
        break;
      case 'Exists':
        if (values.length > 0 || !present) return false;
        break;
      case 'DoesNotExist':
        if (values.length > 0 || present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
