import { errors } from '../errors.js';
import type { KubeObject, ResourceDecl } from '../registry/types.js';
import { checkFieldSelectorFields, parseFieldSelector, parseLabelSelector, SelectorError } from '../selectors/index.js';

/**
 * A list or watch's selection: label and field selectors checked against the fields the type
 * allows (metadata.name, metadata.namespace and its selectableFields), as one predicate.
 */

export function fieldsOf(decl: ResourceDecl, obj: KubeObject): Record<string, string> {
  const fields: Record<string, string> = { 'metadata.name': obj.metadata?.name ?? '' };
  if (decl.namespaced) fields['metadata.namespace'] = obj.metadata?.namespace ?? '';
  for (const [name, read] of Object.entries(decl.selectableFields ?? {})) fields[name] = read(obj);
  return fields;
}

export function selectionFilter(decl: ResourceDecl, labelSelector: string | undefined, fieldSelector: string | undefined): ((obj: KubeObject) => boolean) | undefined {
  try {
    const labels = labelSelector !== undefined && labelSelector.trim() !== '' ? parseLabelSelector(labelSelector) : undefined;
    const fields = fieldSelector !== undefined && fieldSelector.trim() !== '' ? parseFieldSelector(fieldSelector) : undefined;
    if (fields !== undefined) checkFieldSelectorFields(fields, ['metadata.name', ...(decl.namespaced ? ['metadata.namespace'] : []), ...Object.keys(decl.selectableFields ?? {})]);
    if (labels === undefined && fields === undefined) return undefined;
    return (obj) => (labels === undefined || labels.matches(obj.metadata?.labels ?? {})) && (fields === undefined || fields.matches(fieldsOf(decl, obj)));
  } catch (err) {
    if (err instanceof SelectorError) throw errors.badRequest(err.message);
    throw err;
  }
}
