/**
 * The descriptor tables this decoder knows, compiled once on first use. To cover another group
 * version, generate its table (gen/gen_tables.py) and add it to TABLES.
 */
import { compileDescriptors, lookupKind, type CompiledDescriptors, type DescriptorModule, type MessageDesc } from './descriptor.js';
import { appsV1 } from './tables/apps.js';
import { batchV1 } from './tables/batch.js';
import { coreV1 } from './tables/core.js';
import { metaV1 } from './tables/meta.js';
import {
  authenticationV1,
  authorizationV1,
  autoscalingV1,
  autoscalingV2,
  coordinationV1,
  eventsV1,
  networkingV1,
  policyV1,
  schedulingV1,
  storageV1,
} from './tables/other_groups.js';
import { rbacV1 } from './tables/rbac.js';

export const TABLES: readonly DescriptorModule[] = [
  metaV1,
  coreV1,
  appsV1,
  batchV1,
  rbacV1,
  coordinationV1,
  autoscalingV1,
  autoscalingV2,
  policyV1,
  networkingV1,
  schedulingV1,
  storageV1,
  eventsV1,
  authenticationV1,
  authorizationV1,
];

let compiled: CompiledDescriptors | undefined;

export function descriptors(): CompiledDescriptors {
  compiled ??= compileDescriptors(TABLES);
  return compiled;
}

export function descriptorForKind(apiVersion: string, kind: string): MessageDesc | undefined {
  return lookupKind(descriptors(), apiVersion, kind);
}

/** Every apiVersion and kind a body may carry ('*' for kinds of any group version). */
export function supportedKinds(): { apiVersion: string; kind: string }[] {
  const out: { apiVersion: string; kind: string }[] = [];
  for (const [apiVersion, byKind] of descriptors().kinds) {
    for (const kind of byKind.keys()) out.push({ apiVersion, kind });
  }
  return out;
}
