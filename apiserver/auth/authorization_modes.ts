import type { AuthorizationDecision, Authorizer, NonResourceRule, ResourceRule, RulesResult } from './authorizer.js';
import { AuthError, AuthErrorCode } from './errors.js';
import { forbiddenStatusMessage } from './forbidden.js';
import { aggregateMessages, rbacAuthorizer } from './rbac.js';
import type { RbacSource } from './rbac_source.js';
import { alwaysAllowAuthorizer, alwaysDenyAuthorizer, privilegedGroupsAuthorizer } from './trivial_authorizers.js';

/**
 * kube-apiserver's `--authorization-mode`: a comma-separated list of modes asked in order, behind
 * the `system:masters` check. The first to allow wins; when none does, the request is refused with
 * their non-empty reasons joined by newlines (union.New). ketch serves AlwaysAllow (the default),
 * AlwaysDeny and RBAC; Node, ABAC and Webhook are refused at start-up.
 */
export const AUTHORIZATION_MODES = ['AlwaysAllow', 'AlwaysDeny', 'RBAC'] as const;
export type AuthorizationMode = (typeof AUTHORIZATION_MODES)[number];
export const DEFAULT_AUTHORIZATION_MODE: AuthorizationMode = 'AlwaysAllow';

/** Asks each authorizer in order; the first allow wins. */
export function unionAuthorizer(authorizers: readonly Authorizer[]): Authorizer {
  return {
    authorize(attributes): AuthorizationDecision {
      const reasons: string[] = [];
      for (const authorizer of authorizers) {
        const decision = authorizer.authorize(attributes);
        if (decision.decision === 'allow') return decision;
        if (decision.reason !== '') reasons.push(decision.reason);
      }
      const reason = reasons.join('\n');
      return { decision: 'deny', reason, message: forbiddenStatusMessage(attributes, reason) };
    },
    /** Every authorizer's rules, in order; incomplete when any is (unionAuthzRulesHandler). */
    rulesFor(user, namespace): RulesResult {
      const resourceRules: ResourceRule[] = [];
      const nonResourceRules: NonResourceRule[] = [];
      const errs: string[] = [];
      let incomplete = false;
      for (const authorizer of authorizers) {
        const r = authorizer.rulesFor(user, namespace);
        resourceRules.push(...r.resourceRules);
        nonResourceRules.push(...r.nonResourceRules);
        incomplete ||= r.incomplete;
        if (r.evaluationError !== '') errs.push(r.evaluationError);
      }
      return { resourceRules, nonResourceRules, incomplete, evaluationError: aggregateMessages(errs) };
    },
  };
}

/**
 * The authorizer for an `--authorization-mode` value ("RBAC", "RBAC,AlwaysDeny", or a list).
 * RBAC needs `rbac`. Throws AuthError UNKNOWN_AUTHORIZATION_MODE.
 */
export function authorizerForModes(modes: string | readonly string[], rbac?: RbacSource): Authorizer {
  const list = (typeof modes === 'string' ? modes.split(',') : [...modes]).map((m) => m.trim()).filter((m) => m !== '');
  if (list.length === 0) list.push(DEFAULT_AUTHORIZATION_MODE);
  const seen = new Set<string>();
  const authorizers: Authorizer[] = [privilegedGroupsAuthorizer()];
  for (const mode of list) {
    if (seen.has(mode)) {
      throw new AuthError(AuthErrorCode.UNKNOWN_AUTHORIZATION_MODE, `authorization-mode ${JSON.stringify(mode)} has already been specified`);
    }
    seen.add(mode);
    switch (mode) {
      case 'AlwaysAllow':
        authorizers.push(alwaysAllowAuthorizer);
        break;
      case 'AlwaysDeny':
        authorizers.push(alwaysDenyAuthorizer);
        break;
      case 'RBAC':
        if (rbac === undefined) throw new AuthError(AuthErrorCode.UNKNOWN_AUTHORIZATION_MODE, 'authorization mode RBAC needs an RBAC source');
        authorizers.push(rbacAuthorizer(rbac, { privilegedGroups: [] }));
        break;
      default:
        throw new AuthError(
          AuthErrorCode.UNKNOWN_AUTHORIZATION_MODE,
          `authorization-mode ${JSON.stringify(mode)} is not supported; supported modes: ${AUTHORIZATION_MODES.join(', ')}`,
        );
    }
  }
  return unionAuthorizer(authorizers);
}
