import { asObject, asObjects, type Json } from '../printers/format.js';
import { parseQuantity } from '../quantity.js';

/** qos.GetPodQOS: Guaranteed, Burstable or BestEffort from the cpu and memory requests and limits. */

const QOS_RESOURCES = new Set(['cpu', 'memory']);

export function podQOSClass(spec: Json): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let guaranteed = true;
  for (const container of [...asObjects(spec['containers']), ...asObjects(spec['initContainers'])]) {
    const resources = asObject(container['resources']);
    for (const [name, value] of Object.entries(asObject(resources['requests']))) {
      const q = parseQuantity(value);
      if (!QOS_RESOURCES.has(name) || q === undefined || q <= 0n) continue;
      requests.set(name, (requests.get(name) ?? 0n) + q);
    }
    const found = new Set<string>();
    for (const [name, value] of Object.entries(asObject(resources['limits']))) {
      const q = parseQuantity(value);
      if (!QOS_RESOURCES.has(name) || q === undefined || q <= 0n) continue;
      found.add(name);
      limits.set(name, (limits.get(name) ?? 0n) + q);
    }
    if (!found.has('cpu') || !found.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, request] of requests) {
      if (limits.get(name) !== request) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
