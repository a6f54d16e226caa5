import type { ResourceDecl } from '../types.js';
import { defaultReplicaSet } from './defaults/workloads.js';
import { asNumber, status, tableColumns } from './printers/format.js';
import { replicaSetColumnDefinitions, replicaSetRow } from './printers/workloads.js';
import { replicaSetSchema } from './schemas/apps.js';
import { validateSelectorAndTemplate, validateSelectorUpdate } from './validation/workloads.js';

/** apps/v1 replicasets (rs), with status and scale. */

export const replicaSets: ResourceDecl = {
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  listKind: 'ReplicaSetList',
  plural: 'replicasets',
  singular: 'replicaset',
  shortNames: ['rs'],
  categories: ['all'],
  namespaced: true,
  schema: replicaSetSchema,
  printerColumns: tableColumns(replicaSetColumnDefinitions, replicaSetRow),
  selectableFields: { 'status.replicas': (obj) => String(asNumber(status(obj)['replicas'])) },
  subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
  strategy: {
    generation: true,
    defaults: defaultReplicaSet,
    validate: (obj, old) => [
      ...validateSelectorAndTemplate(obj, 'replicaset'),
      ...(old === undefined ? [] : validateSelectorUpdate(obj, old)),
    ],
  },
};
