import type { FieldError, KubeObject, ResourceDecl } from '../types.js';
import { defaultJob } from './defaults/workloads.js';
import { asNumber, asObject, asString, status, tableColumns } from './printers/format.js';
import { jobColumnDefinitions, jobRow } from './printers/workloads.js';
import { jobSchema } from './schemas/batch.js';
import { immutable, invalid, nonNegative, notSupported, required } from './validation/errors.js';
import { validatePodTemplateSpec } from './validation/pod.js';
import { selectorMatches, validateLabelSelector } from './validation/selector.js';
import { specOf } from './validation/workloads.js';

/** batch/v1 jobs, with status. */

function validateJob(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const out: FieldError[] = [];
  const selector = spec['selector'];
  if (selector === undefined || selector === null) out.push(required('spec.selector'));
  else out.push(...validateLabelSelector(selector, 'spec.selector'));
  const template = asObject(spec['template']);
  const labels = asObject(template['metadata'])['labels'];
  if (selector !== undefined && selector !== null && !selectorMatches(selector, labels)) {
    out.push(invalid('spec.template.metadata.labels', labels ?? {}, '`selector` does not match template `labels`'));
  }
  for (const field of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished']) {
    out.push(...nonNegative(`spec.${field}`, spec[field]));
  }
  const mode = asString(spec['completionMode']);
  if (mode !== 'NonIndexed' && mode !== 'Indexed') out.push(notSupported('spec.completionMode', mode, ['NonIndexed', 'Indexed']));
  if (mode === 'Indexed' && typeof spec['completions'] !== 'number') out.push(required('spec.completions', 'when completion mode is Indexed'));
  const replacement = asString(spec['podReplacementPolicy']);
  if (replacement !== '' && replacement !== 'Failed' && replacement !== 'TerminatingOrFailed') {
    out.push(notSupported('spec.podReplacementPolicy', replacement, ['Failed', 'TerminatingOrFailed']));
  }
  out.push(...validatePodTemplateSpec(spec['template'], 'spec.template'));
  const restartPolicy = asString(asObject(template['spec'])['restartPolicy']);
  if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    out.push(notSupported('spec.template.spec.restartPolicy', restartPolicy, ['OnFailure', 'Never']));
  }
  if (old !== undefined) out.push(...validateJobUpdate(spec, specOf(old)));
  return out;
}

/** ValidateJobSpecUpdate: selector and completion mode are fixed; the template too unless the job is suspended. */
function validateJobUpdate(spec: Record<string, unknown>, oldSpec: Record<string, unknown>): FieldError[] {
  const out: FieldError[] = [
    ...immutable('spec.selector', spec['selector'], oldSpec['selector']),
    ...immutable('spec.completionMode', spec['completionMode'], oldSpec['completionMode']),
  ];
  const elastic =
    spec['completionMode'] === 'Indexed' && spec['completions'] === spec['parallelism'] && oldSpec['completions'] === oldSpec['parallelism'];
  if (!elastic) out.push(...immutable('spec.completions', spec['completions'], oldSpec['completions']));
  if (oldSpec['suspend'] !== true) out.push(...immutable('spec.template', spec['template'], oldSpec['template']));
  return out;
}

export const jobs: ResourceDecl = {
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  listKind: 'JobList',
  plural: 'jobs',
  singular: 'job',
  categories: ['all'],
  namespaced: true,
  schema: jobSchema,
  printerColumns: tableColumns(jobColumnDefinitions, jobRow),
  selectableFields: { 'status.successful': (obj) => String(asNumber(status(obj)['succeeded'])) },
  subresources: { status: true },
  strategy: { generation: true, defaults: defaultJob, validate: validateJob },
};
