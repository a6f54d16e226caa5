/**
 * Who a request is from, as Kubernetes' user.Info, and the well-known user and group names
 * (k8s.io/apiserver/pkg/authentication/user and .../serviceaccount).
 */

export interface UserInfo {
  readonly name: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** Members are allowed everything, before any authorizer is asked (kube-apiserver's privileged group). */
export const SYSTEM_MASTERS_GROUP = 'system:masters';
/** Added to every authenticated user. */
export const ALL_AUTHENTICATED_GROUP = 'system:authenticated';
/** The only group of the anonymous user. */
export const ALL_UNAUTHENTICATED_GROUP = 'system:unauthenticated';
/** The user of a request with no credentials, when anonymous authentication is on. */
export const ANONYMOUS_USER = 'system:anonymous';
/** Group of users allowed the monitoring endpoints (bound to system:monitoring). */
export const MONITORING_GROUP = 'system:monitoring';

const SERVICE_ACCOUNT_USERNAME_PREFIX = 'system:serviceaccount:';
/** Group of every service account. */
export const ALL_SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';

export const ANONYMOUS: UserInfo = Object.freeze({
  name: ANONYMOUS_USER,
  groups: Object.freeze([ALL_UNAUTHENTICATED_GROUP]),
});

/** `system:serviceaccount:<namespace>:<name>`, the user name of a service account. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_USERNAME_PREFIX}${namespace}:${name}`;
}

/** Whether `username` is the service account `namespace/name` (serviceaccount.MatchesUsername). */
export function matchesServiceAccount(namespace: string, name: string, username: string): boolean {
  return username === serviceAccountUsername(namespace, name);
}

/**
 * The user with `system:authenticated` added, unless it already has it or `system:unauthenticated`
 * (group.AuthenticatedGroupAdder).
 */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.groups.includes(ALL_AUTHENTICATED_GROUP) || user.groups.includes(ALL_UNAUTHENTICATED_GROUP)) {
    return user;
  }
  return { ...user, groups: [...user.groups, ALL_AUTHENTICATED_GROUP] };
}
