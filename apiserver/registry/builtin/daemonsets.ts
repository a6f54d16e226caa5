import type { FieldError, KubeObject, ResourceDecl } from '../types.js';
import { defaultDaemonSet } from './defaults/workloads.js';
import { asObject, asString, tableColumns } from './printers/format.js';
import { daemonSetColumnDefinitions, daemonSetRow } from './printers/workloads.js';
import { daemonSetSchema } from './schemas/apps.js';
import { notSupported } from './validation/errors.js';
import { specOf, validateRollingUpdate, validateSelectorAndTemplate, validateSelectorUpdate } from './validation/workloads.js';

/** apps/v1 daemonsets (ds), with status (no scale). */

function validateDaemonSet(obj: KubeObject, old?: KubeObject): FieldError[] {
  const out = validateSelectorAndTemplate(obj, 'daemonset');
  const strategy = asObject(specOf(obj)['updateStrategy']);
  const type = asString(strategy['type']);
  if (type !== 'OnDelete' && type !== 'RollingUpdate') out.push(notSupported('spec.updateStrategy.type', type, ['OnDelete', 'RollingUpdate']));
  if (type === 'RollingUpdate') out.push(...validateRollingUpdate(strategy['rollingUpdate'], 'spec.updateStrategy.rollingUpdate'));
  if (old !== undefined) out.push(...validateSelectorUpdate(obj, old));
  return out;
}

export const daemonSets: ResourceDecl = {
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  listKind: 'DaemonSetList',
  plural: 'daemonsets',
  singular: 'daemonset',
  shortNames: ['ds'],
  categories: ['all'],
  namespaced: true,
  schema: daemonSetSchema,
  printerColumns: tableColumns(daemonSetColumnDefinitions, daemonSetRow),
  subresources: { status: true },
  strategy: { generation: true, defaults: defaultDaemonSet, validate: validateDaemonSet },
};
