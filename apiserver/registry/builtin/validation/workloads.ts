import type { FieldError, KubeObject } from '../../types.js';
import { asObject, asObjects, asString, type Json } from '../printers/format.js';
import { child, forbidden, immutable, invalid, nonNegative, notSupported } from './errors.js';
import { validatePodTemplateSpec } from './pod.js';
import { selectorIsEmpty, selectorMatches, validateLabelSelector } from './selector.js';

/** The checks apps/v1 workloads share: selector, template, restartPolicy, counts, selector immutability. */

export type WorkloadKind = 'deployment' | 'replicaset' | 'daemonset' | 'statefulset';

const EMPTY_SELECTOR: Record<WorkloadKind, string> = {
  deployment: 'empty selector is invalid for deployment',
  replicaset: 'empty selector is invalid for deployment',
  daemonset: 'empty selector is invalid for daemonset',
  statefulset: 'empty selector is invalid for statefulset',
};

export const specOf = (obj: KubeObject): Json => asObject(obj['spec']);

/** The selector and the template it must select (ValidatePodTemplateSpecForReplicaSet and kin). */
export function validateSelectorAndTemplate(obj: KubeObject, kind: WorkloadKind): FieldError[] {
  const spec = specOf(obj);
  const out: FieldError[] = [];
  const selector = spec['selector'];
  if (selector !== undefined && selector !== null) {
    out.push(...validateLabelSelector(selector, 'spec.selector'));
    if (selectorIsEmpty(selector)) out.push(invalid('spec.selector', selector, EMPTY_SELECTOR[kind]));
  }
  const template = asObject(spec['template']);
  const labels = asObject(template['metadata'])['labels'];
  if (selector !== undefined && selector !== null && !selectorIsEmpty(selector) && !selectorMatches(selector, labels)) {
    out.push(invalid('spec.template.metadata.labels', labels ?? {}, '`selector` does not match template `labels`'));
  }
  const claimNames = asObjects(spec['volumeClaimTemplates']).map((pvc) => asString(asObject(pvc['metadata'])['name']));
  out.push(...validatePodTemplateSpec(spec['template'], 'spec.template', claimNames));
  const podSpec = asObject(template['spec']);
  const restartPolicy = asString(podSpec['restartPolicy']);
  if (restartPolicy !== '' && restartPolicy !== 'Always') {
    out.push(notSupported('spec.template.spec.restartPolicy', restartPolicy, ['Always']));
  }
  if (podSpec['activeDeadlineSeconds'] !== undefined && podSpec['activeDeadlineSeconds'] !== null) {
    const path = 'spec.template.spec.activeDeadlineSeconds';
    if (kind === 'daemonset') out.push(invalid(path, podSpec['activeDeadlineSeconds'], 'activeDeadlineSeconds must be nil for daemon set pods'));
    else out.push(forbidden(path, `activeDeadlineSeconds in ${kind === 'statefulset' ? 'StatefulSet' : 'ReplicaSet'} is not Supported`));
  }
  for (const field of ['replicas', 'minReadySeconds', 'revisionHistoryLimit']) out.push(...nonNegative(`spec.${field}`, spec[field]));
  return out;
}

/** apps/v1 selectors cannot change. */
export function validateSelectorUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return immutable('spec.selector', specOf(obj)['selector'], specOf(old)['selector']);
}

const PERCENT = /^[0-9]+%$/;

/** ValidatePositiveIntOrPercent and IsNotMoreThan100Percent; returns the value as a number (percent or count). */
export function validateIntOrPercent(value: unknown, path: string, notOver100: boolean): { errors: FieldError[]; amount: number } {
  const errors: FieldError[] = [];
  let amount = 0;
  if (typeof value === 'string') {
    if (!PERCENT.test(value)) {
      errors.push(
        invalid(path, value, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"),
      );
    } else {
      amount = Number(value.slice(0, -1));
      if (notOver100 && amount > 100) errors.push(invalid(path, value, 'must not be greater than 100%'));
    }
  } else if (typeof value === 'number') {
    amount = value;
    errors.push(...nonNegative(path, value));
  }
  return { errors, amount };
}

/** A rolling update's maxUnavailable and maxSurge (deployments and daemon sets). */
export function validateRollingUpdate(rollingUpdate: unknown, path: string): FieldError[] {
  if (rollingUpdate === undefined || rollingUpdate === null) return [];
  const ru = asObject(rollingUpdate);
  const unavailable = validateIntOrPercent(ru['maxUnavailable'], child(path, 'maxUnavailable'), true);
  const surge = validateIntOrPercent(ru['maxSurge'], child(path, 'maxSurge'), false);
  const out = [...unavailable.errors, ...surge.errors];
  if (ru['maxUnavailable'] !== undefined && ru['maxSurge'] !== undefined && unavailable.amount === 0 && surge.amount === 0) {
    out.push(invalid(child(path, 'maxUnavailable'), ru['maxUnavailable'], 'may not be 0 when `maxSurge` is 0'));
  }
  return out;
}
