import type { FieldError, KubeObject, ResourceDecl } from '../types.js';
import { defaultDeployment } from './defaults/workloads.js';
import { asObject, asString, tableColumns } from './printers/format.js';
import { deploymentColumnDefinitions, deploymentRow } from './printers/workloads.js';
import { deploymentSchema } from './schemas/apps.js';
import { forbidden, invalid, notSupported } from './validation/errors.js';
import { specOf, validateRollingUpdate, validateSelectorAndTemplate, validateSelectorUpdate } from './validation/workloads.js';

/** apps/v1 deployments (deploy), with status and scale. */

function validateDeployment(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const out = validateSelectorAndTemplate(obj, 'deployment');
  const strategy = asObject(spec['strategy']);
  const type = asString(strategy['type']);
  if (type !== 'Recreate' && type !== 'RollingUpdate') out.push(notSupported('spec.strategy.type', type, ['Recreate', 'RollingUpdate']));
  if (type === 'Recreate' && strategy['rollingUpdate'] !== undefined && strategy['rollingUpdate'] !== null) {
    out.push(forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
  }
  if (type === 'RollingUpdate') out.push(...validateRollingUpdate(strategy['rollingUpdate'], 'spec.strategy.rollingUpdate'));
  const deadline = spec['progressDeadlineSeconds'];
  const minReady = typeof spec['minReadySeconds'] === 'number' ? spec['minReadySeconds'] : 0;
  if (typeof deadline === 'number' && deadline <= minReady) {
    out.push(invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'));
  }
  if (old !== undefined) out.push(...validateSelectorUpdate(obj, old));
  return out;
}

export const deployments: ResourceDecl = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  listKind: 'DeploymentList',
  plural: 'deployments',
  singular: 'deployment',
  shortNames: ['deploy'],
  categories: ['all'],
  namespaced: true,
  schema: deploymentSchema,
  printerColumns: tableColumns(deploymentColumnDefinitions, deploymentRow),
  subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
  strategy: { generation: true, defaults: defaultDeployment, validate: validateDeployment },
};
