import type { Operation } from '../../../history/index.js';
import type { Rand } from './rand.js';

/**
 * Small arbitrary histories for differential testing: random intervals (so many overlap), random
 * outcomes (ok, fail, info, pending), values from a tiny domain so that reads often, but not always,
 * match some write. About half of them are linearizable.
 */
export function arbitraryHistory(rand: Rand, model: 'register' | 'kv', maxOps: number): Operation[] {
  const n = 1 + rand.int(maxOps);
  const ops: Operation[] = [];
  for (let id = 0; id < n; id++) {
    const invokeNs = rand.int(20);
    const completeNs = invokeNs + rand.int(12);
    const roll = rand.next();
    const outcome = roll < 0.7 ? 'ok' : roll < 0.8 ? 'fail' : roll < 0.9 ? 'info' : 'pending';
    let f: string;
    let input: unknown = null;
    let output: unknown;
    if (model === 'register') {
      const values = [1, 2, 3];
      f = rand.pick(['read', 'read', 'write', 'write', 'cas']);
      if (f === 'read') output = rand.chance(0.2) ? null : rand.pick(values);
      else if (f === 'write') input = output = rand.pick(values);
      else input = output = [rand.chance(0.2) ? null : rand.pick(values), rand.pick(values)];
    } else {
      f = rand.pick(['get', 'get', 'put', 'append', 'append']);
      if (f === 'get') output = rand.pick(['', 'x', 'y', 'xy', 'yx', 'p', 'px', 'pxy', 'pyx', 'xx']);
      else if (f === 'put') input = output = rand.pick(['p', 'x']);
      else input = output = rand.pick(['x', 'y']);
    }
    const indeterminate = outcome === 'info' || outcome === 'pending';
    ops.push({
      id,
      process: id,
      f,
      key: undefined,
      input,
      output: indeterminate ? undefined : output,
      outcome,
      invokeNs,
      completeNs: outcome === 'pending' ? undefined : completeNs,
      invokeLine: 2 * id + 1,
      completeLine: outcome === 'pending' ? undefined : 2 * id + 2,
    });
  }
  return ops;
}
