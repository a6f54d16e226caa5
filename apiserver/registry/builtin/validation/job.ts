import type { FieldError } from '../../types.js';
import { asObject, asString, type Json } from '../printers/format.js';
import { child, invalid, nonNegative, notSupported, required } from './errors.js';
import { validatePodTemplateSpec } from './pod.js';
import { selectorMatches, validateLabelSelector } from './selector.js';

/** ValidateJobSpec: what Jobs and the job templates of CronJobs share (`path` is `spec` or `spec.jobTemplate.spec`). */
export function validateJobSpec(spec: Json, path: string, opts: { selectorRequired: boolean }): FieldError[] {
  const out: FieldError[] = [];
  const selector = spec['selector'];
  const hasSelector = selector !== undefined && selector !== null;
  if (!hasSelector && opts.selectorRequired) out.push(required(child(path, 'selector')));
  if (hasSelector) out.push(...validateLabelSelector(selector, child(path, 'selector')));
  const template = asObject(spec['template']);
  const templatePath = child(path, 'template');
  const labels = asObject(template['metadata'])['labels'];
  if (hasSelector && !selectorMatches(selector, labels)) {
    out.push(invalid(child(templatePath, 'metadata.labels'), labels ?? {}, '`selector` does not match template `labels`'));
  }
  for (const field of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished']) {
    out.push(...nonNegative(child(path, field), spec[field]));
  }
  const mode = spec['completionMode'];
  if (mode !== undefined && mode !== 'NonIndexed' && mode !== 'Indexed') {
    out.push(notSupported(child(path, 'completionMode'), mode, ['NonIndexed', 'Indexed']));
  }
  if (mode === 'Indexed' && typeof spec['completions'] !== 'number') {
    out.push(required(child(path, 'completions'), 'when completion mode is Indexed'));
  }
  const replacement = asString(spec['podReplacementPolicy']);
  if (replacement !== '' && replacement !== 'Failed' && replacement !== 'TerminatingOrFailed') {
    out.push(notSupported(child(path, 'podReplacementPolicy'), replacement, ['Failed', 'TerminatingOrFailed']));
  }
  out.push(...validatePodTemplateSpec(spec['template'], templatePath));
  const restartPolicy = asString(asObject(template['spec'])['restartPolicy']);
  if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    out.push(notSupported(child(templatePath, 'spec.restartPolicy'), restartPolicy, ['OnFailure', 'Never']));
  }
  return out;
}
