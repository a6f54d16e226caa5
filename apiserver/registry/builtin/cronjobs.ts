import type { FieldError, KubeObject, ResourceDecl } from '../types.js';
import { defaultCronJob } from './defaults/workloads.js';
import { asObject, asString, tableColumns } from './printers/format.js';
import { cronJobColumnDefinitions, cronJobRow } from './printers/workloads.js';
import { cronJobSchema } from './schemas/batch.js';
import { cronScheduleError } from './validation/cron.js';
import { invalid, nonNegative, notSupported, required } from './validation/errors.js';
import { validateJobSpec } from './validation/job.js';
import { specOf } from './validation/workloads.js';

/** batch/v1 cronjobs, with status. */

const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'];
/** Job names get an 11-character suffix, and must stay DNS-1035 labels (63). */
const MAX_CRONJOB_NAME_LENGTH = 52;

/** validateTimeZone: an IANA zone name, as time.LoadLocation finds it. */
function timeZoneErrors(timeZone: unknown): FieldError[] {
  if (timeZone === undefined || timeZone === null) return [];
  const zone = asString(timeZone);
  if (zone === '') return [invalid('spec.timeZone', zone, 'timeZone must be nil or non-empty string')];
  if (zone.toLowerCase() === 'local') return [invalid('spec.timeZone', zone, 'unknown time zone Local')];
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return [];
  } catch {
    return [invalid('spec.timeZone', zone, `unknown time zone ${zone}`)];
  }
}

/** ValidateCronJobCreate/Update: the schedule, the policies, the history limits and the job template. */
function validateCronJob(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const out: FieldError[] = [];
  const name = asString(obj.metadata?.name);
  if (old === undefined && name.length > MAX_CRONJOB_NAME_LENGTH) {
    out.push(invalid('metadata.name', name, `must be no more than ${MAX_CRONJOB_NAME_LENGTH} characters`));
  }
  const schedule = asString(spec['schedule']);
  if (schedule === '') out.push(required('spec.schedule'));
  else {
    const err = cronScheduleError(schedule);
    if (err !== undefined) out.push(invalid('spec.schedule', schedule, err));
    if (schedule.includes('TZ')) out.push(invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  out.push(...nonNegative('spec.startingDeadlineSeconds', spec['startingDeadlineSeconds']));
  const policy = asString(spec['concurrencyPolicy']);
  if (policy === '') out.push(required('spec.concurrencyPolicy'));
  else if (!CONCURRENCY_POLICIES.includes(policy)) out.push(notSupported('spec.concurrencyPolicy', policy, CONCURRENCY_POLICIES));
  out.push(...nonNegative('spec.successfulJobsHistoryLimit', spec['successfulJobsHistoryLimit']));
  out.push(...nonNegative('spec.failedJobsHistoryLimit', spec['failedJobsHistoryLimit']));
  out.push(...timeZoneErrors(spec['timeZone']));
  const jobSpec = asObject(asObject(spec['jobTemplate'])['spec']);
  out.push(...validateJobSpec(jobSpec, 'spec.jobTemplate.spec', { selectorRequired: false }));
  return out;
}

export const cronJobs: ResourceDecl = {
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  listKind: 'CronJobList',
  plural: 'cronjobs',
  singular: 'cronjob',
  shortNames: ['cj'],
  categories: ['all'],
  namespaced: true,
  schema: cronJobSchema,
  printerColumns: tableColumns(cronJobColumnDefinitions, cronJobRow),
  subresources: { status: true },
  strategy: { generation: true, defaults: defaultCronJob, validate: validateCronJob },
};
