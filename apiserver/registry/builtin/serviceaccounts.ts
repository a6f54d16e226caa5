import type { ResourceDecl } from '../types.js';
import { tableColumns } from './printers/format.js';
import { serviceAccountColumnDefinitions, serviceAccountRow } from './printers/core.js';
import { serviceAccountSchema } from './schemas/core.js';

/** core/v1 serviceaccounts (sa). */

export const serviceAccounts: ResourceDecl = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  listKind: 'ServiceAccountList',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  shortNames: ['sa'],
  namespaced: true,
  schema: serviceAccountSchema,
  printerColumns: tableColumns(serviceAccountColumnDefinitions, serviceAccountRow),
  strategy: { generation: false },
};
