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

/** A rule as SelfSubjectRulesReview reports it: resource rules and non-resource rules. */
export interface ResourceRule {
  readonly verbs: readonly string[];
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
}

export interface NonResourceRule {
  readonly verbs: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/**
 * What a user may do in a namespace (authorizer.RuleResolver's RulesFor): the rules, whether the
 * list may be missing some (a binding whose role is missing, an authorizer that cannot list), and
 * the errors met, joined ('' when none).
 */
export interface RulesResult {
  readonly resourceRules: readonly ResourceRule[];
  readonly nonResourceRules: readonly NonResourceRule[];
  readonly incomplete: boolean;
  readonly evaluationError: string;
}

export const NO_RULES: RulesResult = { resourceRules: [], nonResourceRules: [], incomplete: false, evaluationError: '' };

export interface Authorizer {
  authorize(attributes: AuthorizationAttributes): AuthorizationDecision;
  /** The rules the user has in the namespace ('' for cluster scope), for SelfSubjectRulesReview. */
  rulesFor(user: UserInfo, namespace: string): RulesResult;
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
