import type { FastifyReply, FastifyRequest } from 'fastify';
import { alwaysAllowAuthorizer, type AuthorizationAttributes, type UserInfo } from '../auth/index.js';
import type { RequestInfo } from '../auth/request_info.js';
import { errors } from '../errors.js';
import { rawBody } from './resources.js';
import type { Gate } from './server.js';

/**
 * The review resources, answered and never stored: SelfSubjectAccessReview and
 * SubjectAccessReview (`kubectl auth can-i`) ask the authorizer; SelfSubjectReview
 * (`kubectl auth whoami`) tells the caller who the server thinks they are; SelfSubjectRulesReview
 * (`kubectl auth can-i --list`) lists the caller's rules in a namespace.
 */

const REVIEWS: Readonly<Record<string, { group: string; kind: string }>> = {
  selfsubjectaccessreviews: { group: 'authorization.k8s.io', kind: 'SelfSubjectAccessReview' },
  selfsubjectrulesreviews: { group: 'authorization.k8s.io', kind: 'SelfSubjectRulesReview' },
  subjectaccessreviews: { group: 'authorization.k8s.io', kind: 'SubjectAccessReview' },
  selfsubjectreviews: { group: 'authentication.k8s.io', kind: 'SelfSubjectReview' },
};

export function isReview(info: RequestInfo): boolean {
  const r = REVIEWS[info.resource];
  return r !== undefined && r.group === info.apiGroup && info.apiVersion === 'v1';
}

interface ReviewSpec {
  resourceAttributes?: { namespace?: string; verb?: string; group?: string; version?: string; resource?: string; subresource?: string; name?: string };
  nonResourceAttributes?: { path?: string; verb?: string };
  user?: string;
  groups?: string[];
  uid?: string;
}

export async function review(gate: Gate | undefined, req: FastifyRequest, reply: FastifyReply, info: RequestInfo): Promise<void> {
  if (req.method !== 'POST') throw errors.methodNotAllowed();
  const r = REVIEWS[info.resource]!;
  const caller = (req as FastifyRequest & { user?: UserInfo }).user ?? { name: 'system:anonymous', groups: ['system:unauthenticated'] };
  const body = rawBody(req) as { spec?: ReviewSpec; metadata?: Record<string, unknown> };
  const answer = (status: Record<string, unknown>, spec?: unknown): FastifyReply =>
    reply.code(201).type('application/json').send(JSON.stringify({ kind: r.kind, apiVersion: `${r.group}/v1`, metadata: { creationTimestamp: null }, ...(spec !== undefined ? { spec } : {}), status }));
  if (info.resource === 'selfsubjectreviews') {
    return void answer({ userInfo: { username: caller.name, ...(caller.uid !== undefined ? { uid: caller.uid } : {}), groups: caller.groups, ...(caller.extra !== undefined ? { extra: caller.extra } : {}) } });
  }
  if (info.resource === 'selfsubjectrulesreviews') {
    // As the Go registry: the namespace is required, and the answer carries an empty spec.
    const namespace = (body?.spec as { namespace?: unknown } | undefined)?.namespace;
    if (typeof namespace !== 'string' || namespace === '') throw errors.badRequest('no namespace on request');
    const rules = gate === undefined ? alwaysAllowAuthorizer.rulesFor(caller, namespace) : gate.rulesFor(caller, namespace);
    return void answer(
      {
        resourceRules: rules.resourceRules,
        nonResourceRules: rules.nonResourceRules,
        incomplete: rules.incomplete,
        ...(rules.evaluationError !== '' ? { evaluationError: rules.evaluationError } : {}),
      },
      {},
    );
  }
  const spec = body?.spec ?? {};
  const subject: UserInfo = info.resource === 'subjectaccessreviews' ? { name: spec.user ?? '', groups: spec.groups ?? [], ...(spec.uid !== undefined ? { uid: spec.uid } : {}) } : caller;
  const ra = spec.resourceAttributes;
  const nra = spec.nonResourceAttributes;
  if (ra === undefined && nra === undefined) {
    throw errors.invalid(r.kind, r.group, '', [{ reason: 'FieldValueRequired', field: 'spec.resourceAttributes', message: 'Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified' }]);
  }
  const attrs: AuthorizationAttributes =
    ra !== undefined
      ? { user: subject, verb: ra.verb ?? '', isResourceRequest: true, path: '', apiGroup: ra.group ?? '', apiVersion: ra.version ?? '', resource: ra.resource ?? '', subresource: ra.subresource ?? '', namespace: ra.namespace ?? '', name: ra.name ?? '' }
      : { user: subject, verb: nra?.verb ?? '', isResourceRequest: false, path: nra?.path ?? '', apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '' };
  const decision = gate === undefined ? { allowed: true, reason: '' } : gate.authorize(attrs);
  return void answer({ allowed: decision.allowed, ...(decision.reason !== '' ? { reason: decision.reason } : {}) }, spec);
}
