import type { RequestInfo } from './request_info.js';
import type { UserInfo } from './user.js';

/**
 * What authorizers decide on (authorizer.Attributes) and what they answer.
 *
 * Kubernetes authorizers answer Allow, Deny or NoOpinion; a request nobody allows is refused. ketch
 * folds NoOpinion into 'deny' (no ketch authorizer denies outright), so 'deny' means "not allowed
 * by this authorizer" and a union of authorizers moves on to the next one.
 */
export interface AuthorizationAttributes {
  readonly user: UserInfo;
  readonly verb: string;
  readonly isResourceRequest: boolean;
  /** The URL path: what non-resource rules match. */
  readonly path: string;
  readonly apiGroup: string;
  readonly apiVersion: string;
  readonly resource: string;
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
}

export type AuthorizationDecision =
  | { readonly decision: 'allow'; readonly reason: string }
  | {
      readonly decision: 'deny';
      /** The authorizer's reason (often '', or "RBAC: ..." when a binding's role is missing). */
      readonly reason: string;
      /** The message of the 403 Status, as kube-apiserver words it (forbiddenMessage + reason). */
      readonly message: string;
    };

export interface Authorizer {
  authorize(attributes: AuthorizationAttributes): AuthorizationDecision;
}

/** The authorization attributes of a request. */
export function authorizationAttributes(user: UserInfo, info: RequestInfo): AuthorizationAttributes {
  return {
    user,
    verb: info.verb,
    isResourceRequest: info.isResourceRequest,
    path: info.path,
    apiGroup: info.apiGroup,
    apiVersion: info.apiVersion,
    resource: info.resource,
    subresource: info.subresource,
    namespace: info.namespace,
    name: info.name,
  };
}
