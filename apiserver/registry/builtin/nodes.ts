import type { FieldError, KubeObject, ResourceDecl } from '../types.js';
import { asObjects, asString, spec, tableColumns } from './printers/format.js';
import { nodeColumnDefinitions, nodeRow } from './printers/core.js';
import { nodeSchema } from './schemas/node.js';
import { child, index, notSupported } from './validation/errors.js';

/** core/v1 nodes (no), cluster-scoped, with status. */

const TAINT_EFFECTS = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];

/** SetDefaults_NodeStatus: allocatable defaults to capacity. */
export function defaultNode(obj: KubeObject): void {
  const st = obj['status'];
  if (typeof st !== 'object' || st === null) return;
  const s = st as Record<string, unknown>;
  if (s['allocatable'] === undefined && typeof s['capacity'] === 'object' && s['capacity'] !== null) {
    s['allocatable'] = { ...(s['capacity'] as Record<string, unknown>) };
  }
}

function validateNode(obj: KubeObject): FieldError[] {
  const out: FieldError[] = [];
  for (const [i, taint] of asObjects(spec(obj)['taints']).entries()) {
    const effect = asString(taint['effect']);
    if (effect !== '' && !TAINT_EFFECTS.includes(effect)) out.push(notSupported(child(index('spec.taints', i), 'effect'), effect, TAINT_EFFECTS));
  }
  return out;
}

export const nodes: ResourceDecl = {
  group: '',
  version: 'v1',
  kind: 'Node',
  listKind: 'NodeList',
  plural: 'nodes',
  singular: 'node',
  shortNames: ['no'],
  namespaced: false,
  schema: nodeSchema,
  printerColumns: tableColumns(nodeColumnDefinitions, nodeRow),
  selectableFields: { 'spec.unschedulable': (obj) => String(spec(obj)['unschedulable'] === true) },
  subresources: { status: true },
  strategy: { generation: false, keepStatusOnCreate: true, defaults: defaultNode, validate: validateNode },
};
