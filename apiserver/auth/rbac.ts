import { effectiveRules } from './aggregation.js';
import type { AuthorizationDecision, Authorizer, NonResourceRule, ResourceRule, RulesResult } from './authorizer.js';
import { forbiddenStatusMessage } from './forbidden.js';
import { goQuote } from './go_quote.js';
import { ruleAllows } from './policy_rule.js';
import type { RbacSource } from './rbac_source.js';
import type { ClusterRoleBinding, PolicyRule, RoleBinding, RoleRef, Subject } from './rbac_types.js';
import { SYSTEM_MASTERS_GROUP, matchesServiceAccount, type UserInfo } from './user.js';

/**
 * The RBAC authorizer (plugin/pkg/auth/authorizer/rbac with the rule resolver of
 * pkg/registry/rbac/validation), behind kube-apiserver's privileged-group check.
 *
 * A request is allowed when the user is in a privileged group (`system:masters`), or when a rule of
 * a role bound to the user allows it: first every ClusterRoleBinding, then, for a namespaced
 * request, the RoleBindings of its namespace (which may reference a Role of that namespace or a
 * ClusterRole, granting its rules in the namespace only). A binding applies when one of its
 * subjects is the user (User, by name), one of its groups (Group), or its service account
 * (ServiceAccount, namespace defaulting to the binding's, matching `system:serviceaccount:ns:name`).
 * A binding whose role is missing contributes nothing, and its error becomes the reason of a
 * denial ("RBAC: clusterrole.rbac.authorization.k8s.io \"x\" not found").
 */
export interface RbacAuthorizerOptions {
  /** Groups allowed everything before RBAC is consulted. Default ['system:masters']. */
  readonly privilegedGroups?: readonly string[];
}

export function rbacAuthorizer(source: RbacSource, options: RbacAuthorizerOptions = {}): Authorizer {
  const privileged = options.privilegedGroups ?? [SYSTEM_MASTERS_GROUP];
  return {
    authorize(attributes): AuthorizationDecision {
      if (attributes.user.groups.some((g) => privileged.includes(g))) return { decision: 'allow', reason: '' };
      const errors: string[] = [];
      const allowedBy = visitRules(source, attributes.user, attributes.namespace, errors, (rule) => ruleAllows(attributes, rule));
      if (allowedBy !== undefined) return { decision: 'allow', reason: `RBAC: allowed by ${allowedBy}` };
      const reason = errors.length > 0 ? `RBAC: ${aggregateMessages(errors)}` : '';
      return { decision: 'deny', reason, message: forbiddenStatusMessage(attributes, reason) };
    },
    /**
     * The rules of every binding that applies (RulesFor): a rule with resources is a resource rule,
     * one with non-resource URLs a non-resource rule (a rule with both counts as each). A binding
     * whose role is missing makes the answer incomplete, with its error.
     */
    rulesFor(user, namespace): RulesResult {
      const { rules, errors } = rulesFor(source, user, namespace);
      const resourceRules: ResourceRule[] = [];
      const nonResourceRules: NonResourceRule[] = [];
      for (const rule of rules) {
        const verbs = rule.verbs ?? [];
        if ((rule.resources ?? []).length > 0) {
          resourceRules.push({
            verbs,
            ...(rule.apiGroups !== undefined ? { apiGroups: rule.apiGroups } : {}),
            resources: rule.resources ?? [],
            ...(rule.resourceNames !== undefined && rule.resourceNames.length > 0 ? { resourceNames: rule.resourceNames } : {}),
          });
        }
        if ((rule.nonResourceURLs ?? []).length > 0) nonResourceRules.push({ verbs, nonResourceURLs: rule.nonResourceURLs ?? [] });
      }
      return { resourceRules, nonResourceRules, incomplete: errors.length > 0, evaluationError: aggregateMessages(errors) };
    },
  };
}

/** Every rule that applies to the user in the namespace ('' for cluster scope), and the resolution errors. */
export function rulesFor(source: RbacSource, user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
  const rules: PolicyRule[] = [];
  const errors: string[] = [];
  visitRules(source, user, namespace, errors, (rule) => {
    rules.push(rule);
    return false;
  });
  return { rules, errors };
}

/**
 * Visit the user's rules (VisitRulesFor) until `visit` returns true; returns the description of the
 * binding whose rule stopped it, or undefined.
 */
function visitRules(
  source: RbacSource,
  user: UserInfo,
  namespace: string,
  errors: string[],
  visit: (rule: PolicyRule) => boolean,
): string | undefined {
  for (const binding of source.clusterRoleBindings()) {
    const subject = appliesTo(user, binding.subjects, '');
    if (subject === undefined) continue;
    const rules = roleReferenceRules(source, binding.roleRef, '', errors);
    if (rules === undefined) continue;
    for (const rule of rules) {
      if (visit(rule)) return describeClusterRoleBinding(binding, subject);
    }
  }
  if (namespace === '') return undefined;
  for (const binding of source.roleBindings(namespace)) {
    const subject = appliesTo(user, binding.subjects, namespace);
    if (subject === undefined) continue;
    const rules = roleReferenceRules(source, binding.roleRef, namespace, errors);
    if (rules === undefined) continue;
    for (const rule of rules) {
      if (visit(rule)) return describeRoleBinding(binding, subject, namespace);
    }
  }
  return undefined;
}

/** The rules a binding's roleRef grants (GetRoleReferenceRules), or undefined with an error recorded. */
function roleReferenceRules(source: RbacSource, roleRef: RoleRef | undefined, bindingNamespace: string, errors: string[]): readonly PolicyRule[] | undefined {
  const kind = roleRef?.kind ?? '';
  const name = roleRef?.name ?? '';
  switch (kind) {
    case 'Role': {
      const role = bindingNamespace === '' ? undefined : source.roles(bindingNamespace).find((r) => r.metadata?.name === name);
      if (role === undefined) {
        errors.push(`role.rbac.authorization.k8s.io ${goQuote(name)} not found`);
        return undefined;
      }
      return role.rules ?? [];
    }
    case 'ClusterRole': {
      const all = source.clusterRoles();
      const role = all.find((r) => r.metadata?.name === name);
      if (role === undefined) {
        errors.push(`clusterrole.rbac.authorization.k8s.io ${goQuote(name)} not found`);
        return undefined;
      }
      return role.aggregationRule === undefined || role.aggregationRule === null ? (role.rules ?? []) : effectiveRules(role, all);
    }
    default:
      errors.push(`unsupported role reference kind: ${goQuote(kind)}`);
      return undefined;
  }
}

/** The first subject of the binding that is the user, if any. */
function appliesTo(user: UserInfo, subjects: readonly Subject[] | undefined, namespace: string): Subject | undefined {
  return (subjects ?? []).find((s) => appliesToUser(user, s, namespace));
}

function appliesToUser(user: UserInfo, subject: Subject, namespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const saNamespace = subject.namespace !== undefined && subject.namespace !== '' ? subject.namespace : namespace;
      if (saNamespace === '') return false;
      return matchesServiceAccount(saNamespace, subject.name, user.name);
    }
    default:
      return false;
  }
}

function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') {
    const ns = subject.namespace !== undefined && subject.namespace !== '' ? subject.namespace : bindingNamespace;
    return `${subject.kind} ${goQuote(`${subject.name}/${ns}`)}`;
  }
  return `${subject.kind} ${goQuote(subject.name)}`;
}

function describeClusterRoleBinding(binding: ClusterRoleBinding, subject: Subject): string {
  return `ClusterRoleBinding ${goQuote(binding.metadata?.name ?? '')} of ${binding.roleRef?.kind ?? ''} ${goQuote(binding.roleRef?.name ?? '')} to ${describeSubject(subject, '')}`;
}

function describeRoleBinding(binding: RoleBinding, subject: Subject, ns: string): string {
  return `RoleBinding ${goQuote(`${binding.metadata?.name ?? ''}/${ns}`)} of ${binding.roleRef?.kind ?? ''} ${goQuote(binding.roleRef?.name ?? '')} to ${describeSubject(subject, ns)}`;
}

/** utilerrors.NewAggregate(...).Error(): '' for none, one message, or the distinct ones as "[a, b]". */
export function aggregateMessages(messages: readonly string[]): string {
  if (messages.length === 0) return '';
  if (messages.length === 1) return messages[0] ?? '';
  const distinct = [...new Set(messages)];
  return distinct.length === 1 ? (distinct[0] ?? '') : `[${distinct.join(', ')}]`;
}
