import type { FieldError, KubeObject, ResourceDecl } from '../types.js';
import { qualifiedNameErrors } from '../validate.js';
import { asString, spec, tableColumns } from './printers/format.js';
import { leaseColumnDefinitions, leaseRow } from './printers/core.js';
import { leaseSchema } from './schemas/coordination.js';
import { forbidden, invalid, nonNegative, notSupported, positive } from './validation/errors.js';

/** coordination.k8s.io/v1 leases. */

const LEASE_STRATEGIES = ['OldestEmulationVersion'];

/** ValidateLeaseSpec. */
function validateLease(obj: KubeObject): FieldError[] {
  const sp = spec(obj);
  const out: FieldError[] = [
    ...positive('spec.leaseDurationSeconds', sp['leaseDurationSeconds']),
    ...nonNegative('spec.leaseTransitions', sp['leaseTransitions']),
  ];
  const strategy = asString(sp['strategy']);
  if (sp['strategy'] !== undefined && sp['strategy'] !== null) {
    if (!strategy.includes('/')) {
      if (!LEASE_STRATEGIES.includes(strategy)) out.push(notSupported('spec.strategy', strategy, LEASE_STRATEGIES));
    } else {
      for (const msg of qualifiedNameErrors(strategy)) out.push(invalid('spec.strategy', strategy, msg));
    }
  }
  if (asString(sp['preferredHolder']) !== '' && strategy === '') {
    out.push(forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
  }
  return out;
}

export const leases: ResourceDecl = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  listKind: 'LeaseList',
  plural: 'leases',
  singular: 'lease',
  namespaced: true,
  schema: leaseSchema,
  printerColumns: tableColumns(leaseColumnDefinitions, leaseRow),
  strategy: { generation: false, validate: validateLease },
};
