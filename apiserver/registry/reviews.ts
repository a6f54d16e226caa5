import type { ResourceDecl } from './types.js';

/**
 * The review types (authorization.k8s.io and authentication.k8s.io): create-only, answered by the
 * server (apiserver/http/reviews.ts), listed in discovery so that kubectl finds them.
 */
const review = (group: string, kind: string, plural: string, namespaced = false): ResourceDecl => ({
  group,
  version: 'v1',
  kind,
  plural,
  singular: kind.toLowerCase(),
  namespaced,
  verbs: ['create'],
  virtual: true,
  schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
});

export const reviewResources: readonly ResourceDecl[] = [
  review('authentication.k8s.io', 'SelfSubjectReview', 'selfsubjectreviews'),
  review('authorization.k8s.io', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews'),
  review('authorization.k8s.io', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews'),
  review('authorization.k8s.io', 'SubjectAccessReview', 'subjectaccessreviews'),
];
