import type { Schema } from '../../schema.js';
import { resourceSchema } from './meta.js';
import { dateTime, int32, obj, str } from './builders.js';

/** coordination.k8s.io/v1 Lease. */

export const leaseSchema: Schema = resourceSchema('Lease defines a lease concept.', {
  spec: obj({
    acquireTime: dateTime(),
    holderIdentity: str(),
    leaseDurationSeconds: int32(),
    leaseTransitions: int32(),
    preferredHolder: str(),
    renewTime: dateTime(),
    strategy: str(),
  }),
});
