import type { AuthorizationAttributes } from './authorizer.js';
import { goQuote } from './go_quote.js';

/**
 * The 403 kube-apiserver sends when no authorizer allows a request (responsewriters.Forbidden and
 * apierrors.NewForbidden):
 *
 *   pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"
 *   pods "web" is forbidden: User "alice" cannot get resource "pods/status" in API group "" in the namespace "default"
 *   nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope
 *   forbidden: User "system:anonymous" cannot get path "/metrics"
 *
 * followed by ": <reason>" when the authorizer gave one.
 */

/** forbiddenMessage: the part after "is forbidden: ". */
export function forbiddenMessage(attributes: AuthorizationAttributes): string {
  const user = goQuote(attributes.user.name);
  if (!attributes.isResourceRequest) {
    return `User ${user} cannot ${attributes.verb} path ${goQuote(attributes.path)}`;
  }
  const resource = attributes.subresource === '' ? attributes.resource : `${attributes.resource}/${attributes.subresource}`;
  const what = `User ${user} cannot ${attributes.verb} resource ${goQuote(resource)} in API group ${goQuote(attributes.apiGroup)}`;
  if (attributes.namespace !== '') return `${what} in the namespace ${goQuote(attributes.namespace)}`;
  return `${what} at the cluster scope`;
}

/** The Status message: "<group resource> [\"name\"] is forbidden: <forbiddenMessage>[: reason]". */
export function forbiddenStatusMessage(attributes: AuthorizationAttributes, reason: string): string {
  const detail = reason === '' ? forbiddenMessage(attributes) : `${forbiddenMessage(attributes)}: ${reason}`;
  const groupResource = attributes.resource === '' && attributes.apiGroup === '' ? '' : qualifiedResource(attributes);
  if (groupResource === '') return `forbidden: ${detail}`;
  if (attributes.name === '') return `${groupResource} is forbidden: ${detail}`;
  return `${groupResource} ${goQuote(attributes.name)} is forbidden: ${detail}`;
}

/** The 403 Status object (reason Forbidden, details naming the group, resource and name). */
export function forbiddenStatus(attributes: AuthorizationAttributes, reason = ''): Record<string, unknown> {
  const details: Record<string, string> = {};
  if (attributes.isResourceRequest) {
    if (attributes.name !== '') details['name'] = attributes.name;
    if (attributes.apiGroup !== '') details['group'] = attributes.apiGroup;
    if (attributes.resource !== '') details['kind'] = attributes.resource;
  }
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: forbiddenStatusMessage(attributes, reason),
    reason: 'Forbidden',
    details,
    code: 403,
  };
}

/** schema.GroupResource.String(): "pods", "deployments.apps". */
function qualifiedResource(attributes: AuthorizationAttributes): string {
  return attributes.apiGroup === '' ? attributes.resource : `${attributes.resource}.${attributes.apiGroup}`;
}
