import { labelSelectorFromObject, SelectorError } from '../selectors/index.js';
import type { LabelSelector } from './rbac_types.js';

/**
 * Whether a metav1.LabelSelector (matchLabels and matchExpressions, as a ClusterRole's
 * aggregationRule holds) selects a set of labels. A malformed selector selects nothing.
 */
export function labelSelectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  try {
    return labelSelectorFromObject(selector as Parameters<typeof labelSelectorFromObject>[0]).matches(labels ?? {});
  } catch (err) {
    if (err instanceof SelectorError) return false;
    throw err;
  }
}
