import type { FieldError, KubeObject, ResourceDecl } from '../types.js';
import { defaultPriorityClass } from './defaults/cluster.js';
import { asString, tableColumns } from './printers/format.js';
import { priorityClassColumnDefinitions, priorityClassRow } from './printers/policy.js';
import { priorityClassSchema } from './schemas/scheduling.js';
import { forbidden, immutable, notSupported } from './validation/errors.js';

/** scheduling.k8s.io/v1 priorityclasses. */

const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
const SYSTEM_PREFIX = 'system-';
/** The system classes kube-apiserver knows: name → value (neither is a global default). */
const SYSTEM_PRIORITY_CLASSES: Readonly<Record<string, number>> = {
  'system-node-critical': 2_000_001_000,
  'system-cluster-critical': 2_000_000_000,
};
const PREEMPTION_POLICIES = ['Never', 'PreemptLowerPriority'];

/** ValidatePriorityClass(Update): user classes stay at or below 1e9, system names are reserved; the value is fixed. */
function validatePriorityClass(obj: KubeObject, old?: KubeObject): FieldError[] {
  const out: FieldError[] = [];
  const name = asString(obj.metadata?.name);
  const value = obj['value'];
  if (name.startsWith(SYSTEM_PREFIX)) {
    const known = SYSTEM_PRIORITY_CLASSES[name];
    let problem: string | undefined;
    if (known === undefined) problem = `${name} is not a known system priority class`;
    else if (known !== value) problem = `value of ${name} PriorityClass must be ${known}`;
    else if (obj['globalDefault'] === true) problem = `globalDefault of ${name} PriorityClass must be false`;
    if (problem !== undefined) {
      out.push(forbidden('metadata.name', `priority class names with '${SYSTEM_PREFIX}' prefix are reserved for system use only. error: ${problem}`));
    }
  } else if (typeof value === 'number' && value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    out.push(forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  const policy = obj['preemptionPolicy'];
  if (policy !== undefined && policy !== null && !PREEMPTION_POLICIES.includes(asString(policy))) {
    out.push(notSupported('preemptionPolicy', policy, PREEMPTION_POLICIES));
  }
  if (old !== undefined) {
    if (value !== old['value']) out.push(forbidden('value', 'may not be changed in an update.'));
    out.push(...immutable('preemptionPolicy', policy, old['preemptionPolicy']));
  }
  return out;
}

export const priorityClasses: ResourceDecl = {
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  listKind: 'PriorityClassList',
  plural: 'priorityclasses',
  singular: 'priorityclass',
  shortNames: ['pc'],
  namespaced: false,
  schema: priorityClassSchema,
  printerColumns: tableColumns(priorityClassColumnDefinitions, priorityClassRow),
  strategy: { generation: false, defaults: defaultPriorityClass, validate: validatePriorityClass },
};
