import type { FieldError, KubeObject, ResourceDecl } from '../types.js';
import { defaultJob } from './defaults/workloads.js';
import { asNumber, status, tableColumns } from './printers/format.js';
import { jobColumnDefinitions, jobRow } from './printers/workloads.js';
import { jobSchema } from './schemas/batch.js';
import { immutable } from './validation/errors.js';
import { validateJobSpec } from './validation/job.js';
import { specOf } from './validation/workloads.js';

/** batch/v1 jobs, with status. */

function validateJob(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const out = validateJobSpec(spec, 'spec', { selectorRequired: true });
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
