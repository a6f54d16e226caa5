import type { Schema } from '../../schema.js';
import { resourceSchema } from './meta.js';
import { atomic, atomicObj, obj, quantityMap, str, strings } from './builders.js';

/** core/v1 ResourceQuota and LimitRange. */

const scopeSelector: Schema = atomicObj({
  matchExpressions: atomic(
    obj({ operator: str(), scopeName: str(), values: strings() }, { required: ['scopeName', 'operator'] }),
  ),
});

export const resourceQuotaSchema: Schema = resourceSchema('ResourceQuota sets aggregate quota restrictions enforced per namespace', {
  spec: obj({ hard: quantityMap(), scopeSelector, scopes: strings() }),
  status: obj({ hard: quantityMap(), used: quantityMap() }),
});

const limitRangeItem: Schema = obj(
  {
    default: quantityMap(),
    defaultRequest: quantityMap(),
    max: quantityMap(),
    maxLimitRequestRatio: quantityMap(),
    min: quantityMap(),
    type: str(),
  },
  { required: ['type'] },
);

export const limitRangeSchema: Schema = resourceSchema(
  'LimitRange sets resource usage limits for each kind of resource in a Namespace.',
  { spec: obj({ limits: atomic(limitRangeItem) }, { required: ['limits'] }) },
);
