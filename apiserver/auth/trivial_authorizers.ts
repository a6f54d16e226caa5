import { NO_RULES, type Authorizer } from './authorizer.js';
import { forbiddenStatusMessage } from './forbidden.js';
import { SYSTEM_MASTERS_GROUP } from './user.js';

/**
 * The authorizers that need no policy (authorizerfactory): AlwaysAllow (`--authorization-mode`
 * AlwaysAllow, kube-apiserver's default), AlwaysDeny, and the privileged-group check that
 * kube-apiserver puts in front of every mode.
 */

export const alwaysAllowAuthorizer: Authorizer = {
  authorize: () => ({ decision: 'allow', reason: '' }),
  rulesFor: () => ({
    resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
    nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
    incomplete: false,
    evaluationError: '',
  }),
};

const EVERYTHING_FORBIDDEN = 'Everything is forbidden.';

export const alwaysDenyAuthorizer: Authorizer = {
  authorize: (attributes) => ({
    decision: 'deny',
    reason: EVERYTHING_FORBIDDEN,
    message: forbiddenStatusMessage(attributes, EVERYTHING_FORBIDDEN),
  }),
  rulesFor: () => NO_RULES,
};

/**
 * Allows members of the groups everything; has no opinion on anyone else. As in kube-apiserver it
 * lists no rules: `system:masters` gets its `*` rules from the cluster-admin binding.
 */
export function privilegedGroupsAuthorizer(groups: readonly string[] = [SYSTEM_MASTERS_GROUP]): Authorizer {
  return {
    authorize(attributes) {
      if (attributes.user.groups.some((g) => groups.includes(g))) return { decision: 'allow', reason: '' };
      return { decision: 'deny', reason: '', message: forbiddenStatusMessage(attributes, '') };
    },
    rulesFor: () => NO_RULES,
  };
}
