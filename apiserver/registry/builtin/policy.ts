import type { FieldError, KubeObject, ResourceDecl } from '../types.js';
import { defaultPodDisruptionBudget } from './defaults/cluster.js';
import { spec, tableColumns } from './printers/format.js';
import { podDisruptionBudgetColumnDefinitions, podDisruptionBudgetRow } from './printers/policy.js';
import { podDisruptionBudgetSchema } from './schemas/policy.js';
import { invalid, notSupported } from './validation/errors.js';
import { validateLabelSelector } from './validation/selector.js';
import { validateIntOrPercent } from './validation/workloads.js';

/** policy/v1 poddisruptionbudgets, with status. */

const EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

/** ValidatePodDisruptionBudgetSpec: one of minAvailable and maxUnavailable (counts or percents), a valid selector. */
function validatePodDisruptionBudget(obj: KubeObject): FieldError[] {
  const sp = spec(obj);
  const set = (v: unknown): boolean => v !== undefined && v !== null;
  const out: FieldError[] = [];
  if (set(sp['minAvailable']) && set(sp['maxUnavailable'])) {
    out.push(invalid('spec', sp, 'minAvailable and maxUnavailable cannot be both set'));
  }
  for (const field of ['minAvailable', 'maxUnavailable']) {
    if (set(sp[field])) out.push(...validateIntOrPercent(sp[field], `spec.${field}`, true).errors);
  }
  out.push(...validateLabelSelector(sp['selector'], 'spec.selector'));
  const policy = sp['unhealthyPodEvictionPolicy'];
  if (set(policy) && !EVICTION_POLICIES.includes(String(policy))) out.push(notSupported('spec.unhealthyPodEvictionPolicy', policy, EVICTION_POLICIES));
  return out;
}

export const podDisruptionBudgets: ResourceDecl = {
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  listKind: 'PodDisruptionBudgetList',
  plural: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  shortNames: ['pdb'],
  namespaced: true,
  schema: podDisruptionBudgetSchema,
  printerColumns: tableColumns(podDisruptionBudgetColumnDefinitions, podDisruptionBudgetRow),
  subresources: { status: true },
  strategy: { generation: true, defaults: defaultPodDisruptionBudget, validate: validatePodDisruptionBudget },
};
