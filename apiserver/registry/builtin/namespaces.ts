import type { FieldError, KubeObject, ResourceDecl } from '../types.js';
import { qualifiedNameErrors } from '../validate.js';
import { asArray, asObject, asString, status, tableColumns } from './printers/format.js';
import { namespaceColumnDefinitions, namespaceRow } from './printers/core.js';
import { namespaceSchema } from './schemas/core.js';
import { index, invalid } from './validation/errors.js';

/** core/v1 namespaces (ns), with status. */

const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/**
 * Status phase Active (SetDefaults_NamespaceStatus); on create, the "kubernetes" finalizer in
 * spec.finalizers. A create is recognised by its missing status: the REST layer clears status on
 * create and restores the stored one on update, so a removed finalizer is not added back.
 */
export function defaultNamespace(obj: KubeObject): void {
  const creating = obj['status'] === undefined;
  const st = asObject(obj['status']);
  if (asString(st['phase']) === '') obj['status'] = { ...st, phase: 'Active' };
  if (!creating) return;
  const spec = asObject(obj['spec']);
  const finalizers = asArray(spec['finalizers']).map(asString);
  if (!finalizers.includes('kubernetes')) obj['spec'] = { ...spec, finalizers: [...finalizers, 'kubernetes'] };
}

function validateNamespace(obj: KubeObject): FieldError[] {
  const out: FieldError[] = [];
  for (const [i, finalizer] of asArray(asObject(obj['spec'])['finalizers']).map(asString).entries()) {
    const path = index('spec.finalizers', i);
    for (const msg of qualifiedNameErrors(finalizer)) out.push(invalid(path, finalizer, msg));
    if (!finalizer.includes('/') && !STANDARD_FINALIZERS.has(finalizer)) {
      out.push(invalid(path, finalizer, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  }
  return out;
}

export const namespaces: ResourceDecl = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  listKind: 'NamespaceList',
  plural: 'namespaces',
  singular: 'namespace',
  shortNames: ['ns'],
  namespaced: false,
  schema: namespaceSchema,
  printerColumns: tableColumns(namespaceColumnDefinitions, namespaceRow),
  selectableFields: { 'status.phase': (obj) => asString(status(obj)['phase']) },
  subresources: { status: true },
  strategy: { generation: false, defaults: defaultNamespace, validate: validateNamespace },
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
};
