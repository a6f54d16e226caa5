import { describe, expect, it } from 'vitest';
import { authorizationAttributes } from './authorizer.js';
import { authorizerForModes, unionAuthorizer } from './authorization_modes.js';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './bootstrap_policy.js';
import { AuthErrorCode } from './errors.js';
import { forbiddenStatus } from './forbidden.js';
import { rbacAuthorizer } from './rbac.js';
import { staticRbacSource } from './rbac_source.js';
import type { RoleBinding } from './rbac_types.js';
import { requestInfo } from './request_info.js';
import { alwaysAllowAuthorizer, alwaysDenyAuthorizer } from './trivial_authorizers.js';
import { ANONYMOUS, withAuthenticatedGroup, type UserInfo } from './user.js';

const binding = (namespace: string, roleName: string, user: string): RoleBinding => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { namespace, name: `${user}-${roleName}` },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
  subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: user }],
});

const source = staticRbacSource([
  ...bootstrapClusterRoles(),
  ...bootstrapClusterRoleBindings(),
  binding('team', 'view', 'viewer'),
  binding('team', 'edit', 'editor'),
  binding('team', 'admin', 'boss'),
]);
// privileged groups off, so cluster-admin's binding to system:masters is what is tested
const rbac = rbacAuthorizer(source, { privilegedGroups: [] });

const user = (name: string, groups: string[] = []): UserInfo => withAuthenticatedGroup({ name, groups });
const can = (who: UserInfo, method: string, url: string): boolean => rbac.authorize(authorizationAttributes(who, requestInfo(method, url))).decision === 'allow';

describe('bootstrap policy objects', () => {
  it('ships the roles and bindings users rely on, labelled as upstream', () => {
    const names = bootstrapClusterRoles().map((r) => r.metadata?.name);
    expect(names).toEqual(
      expect.arrayContaining(['cluster-admin', 'admin', 'edit', 'view', 'system:discovery', 'system:basic-user', 'system:public-info-viewer']),
    );
    const edit = bootstrapClusterRoles().find((r) => r.metadata?.name === 'edit');
    expect(edit?.metadata?.labels).toEqual({ 'rbac.authorization.k8s.io/aggregate-to-admin': 'true', 'kubernetes.io/bootstrapping': 'rbac-defaults' });
    expect(edit?.metadata?.annotations).toEqual({ 'rbac.authorization.kubernetes.io/autoupdate': 'true' });
    expect(edit?.aggregationRule).toEqual({ clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } }] });
    expect(bootstrapClusterRoles().find((r) => r.metadata?.name === 'view')?.metadata?.labels).toMatchObject({ 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' });

    const bindings = Object.fromEntries(bootstrapClusterRoleBindings().map((b) => [b.metadata?.name, b.subjects?.map((s) => `${s.kind}:${s.name}`)]));
    expect(bindings).toMatchObject({
      'cluster-admin': ['Group:system:masters'],
      'system:discovery': ['Group:system:authenticated'],
      'system:basic-user': ['Group:system:authenticated'],
      'system:public-info-viewer': ['Group:system:authenticated', 'Group:system:unauthenticated'],
    });
  });

  it('fills in the aggregated rules and returns fresh objects each call', () => {
    const admin = bootstrapClusterRoles().find((r) => r.metadata?.name === 'admin');
    expect(admin?.rules).toContainEqual({ verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings', 'roles'] });
    expect(admin?.rules).toContainEqual(expect.objectContaining({ apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] }));
    admin?.rules?.splice(0);
    expect(bootstrapClusterRoles().find((r) => r.metadata?.name === 'admin')?.rules?.length).toBeGreaterThan(10);
  });
});

describe('bootstrap policy in use', () => {
  it('lets anonymous users read health and version, nothing else', () => {
    expect(can(ANONYMOUS, 'GET', '/healthz')).toBe(true);
    expect(can(ANONYMOUS, 'GET', '/readyz')).toBe(true);
    expect(can(ANONYMOUS, 'GET', '/version')).toBe(true);
    expect(can(ANONYMOUS, 'GET', '/api')).toBe(false);
    expect(can(ANONYMOUS, 'GET', '/api/v1/namespaces/default/pods')).toBe(false);
  });

  it('lets authenticated users discover APIs and review themselves', () => {
    const nobody = user('nobody');
    for (const url of ['/api', '/api/v1', '/apis', '/apis/apps/v1', '/openapi/v2', '/openapi/v3/apis/apps/v1', '/livez']) {
      expect(can(nobody, 'GET', url), url).toBe(true);
    }
    expect(can(nobody, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews')).toBe(true);
    expect(can(nobody, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews')).toBe(true);
    expect(can(nobody, 'GET', '/metrics')).toBe(false);
    expect(can(nobody, 'GET', '/api/v1/namespaces/team/pods')).toBe(false);
    expect(can(user('prom', ['system:monitoring']), 'GET', '/metrics')).toBe(true);
  });

  it('view reads workloads but not secrets, and only in its namespace', () => {
    const viewer = user('viewer');
    expect(can(viewer, 'GET', '/api/v1/namespaces/team/pods')).toBe(true);
    expect(can(viewer, 'GET', '/api/v1/namespaces/team/pods/web/log')).toBe(true);
    expect(can(viewer, 'GET', '/apis/apps/v1/namespaces/team/deployments?watch=true')).toBe(true);
    expect(can(viewer, 'GET', '/api/v1/namespaces/team/secrets')).toBe(false);
    expect(can(viewer, 'POST', '/api/v1/namespaces/team/pods')).toBe(false);
    expect(can(viewer, 'GET', '/api/v1/namespaces/other/pods')).toBe(false);
  });

  it('edit writes workloads and secrets but not status or RBAC; admin also manages RBAC', () => {
    const editor = user('editor');
    expect(can(editor, 'POST', '/apis/apps/v1/namespaces/team/deployments')).toBe(true);
    expect(can(editor, 'PATCH', '/apis/apps/v1/namespaces/team/deployments/web/scale')).toBe(true);
    expect(can(editor, 'GET', '/api/v1/namespaces/team/secrets/s')).toBe(true);
    expect(can(editor, 'PUT', '/api/v1/namespaces/team/pods/web/status')).toBe(false);
    expect(can(editor, 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings')).toBe(false);
    const boss = user('boss');
    expect(can(boss, 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings')).toBe(true);
    expect(can(boss, 'DELETE', '/api/v1/namespaces/team/configmaps')).toBe(true);
    expect(can(boss, 'GET', '/api/v1/nodes')).toBe(false);
  });

  it('cluster-admin (through system:masters) may do anything', () => {
    const root = user('admin', ['system:masters']);
    expect(can(root, 'DELETE', '/api/v1/nodes/n1')).toBe(true);
    expect(can(root, 'POST', '/logs/anything')).toBe(true);
    expect(rbac.authorize(authorizationAttributes(root, requestInfo('GET', '/api/v1/nodes')))).toEqual({
      decision: 'allow',
      reason: 'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"',
    });
  });

  it('builds the 403 Status of a denied request', () => {
    const attrs = authorizationAttributes(user('viewer'), requestInfo('GET', '/api/v1/namespaces/team/secrets/db'));
    const decision = rbac.authorize(attrs);
    expect(decision).toMatchObject({ decision: 'deny', message: 'secrets "db" is forbidden: User "viewer" cannot get resource "secrets" in API group "" in the namespace "team"' });
    expect(forbiddenStatus(attrs)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'secrets "db" is forbidden: User "viewer" cannot get resource "secrets" in API group "" in the namespace "team"',
      reason: 'Forbidden',
      details: { name: 'db', kind: 'secrets' },
      code: 403,
    });
    expect(forbiddenStatus(authorizationAttributes(ANONYMOUS, requestInfo('GET', '/metrics')))).toMatchObject({
      message: 'forbidden: User "system:anonymous" cannot get path "/metrics"',
      details: {},
    });
  });
});

describe('authorization modes', () => {
  const attrs = authorizationAttributes(user('viewer'), requestInfo('GET', '/api/v1/namespaces/team/secrets'));

  it('AlwaysAllow allows and AlwaysDeny refuses with upstream reason', () => {
    expect(alwaysAllowAuthorizer.authorize(attrs)).toEqual({ decision: 'allow', reason: '' });
    expect(alwaysDenyAuthorizer.authorize(attrs)).toEqual({
      decision: 'deny',
      reason: 'Everything is forbidden.',
      message: 'secrets is forbidden: User "viewer" cannot list resource "secrets" in API group "" in the namespace "team": Everything is forbidden.',
    });
  });

  it('a union asks in order, and joins reasons when nobody allows', () => {
    expect(unionAuthorizer([alwaysDenyAuthorizer, alwaysAllowAuthorizer]).authorize(attrs).decision).toBe('allow');
    expect(unionAuthorizer([alwaysDenyAuthorizer, alwaysDenyAuthorizer]).authorize(attrs).reason).toBe('Everything is forbidden.\nEverything is forbidden.');
  });

  it('parses --authorization-mode, always letting system:masters through', () => {
    expect(authorizerForModes('').authorize(attrs).decision).toBe('allow');
    expect(authorizerForModes('RBAC', source).authorize(attrs).decision).toBe('deny');
    expect(authorizerForModes('RBAC,AlwaysAllow', source).authorize(attrs).decision).toBe('allow');
    const root = authorizationAttributes(user('root', ['system:masters']), requestInfo('GET', '/api/v1/nodes'));
    expect(authorizerForModes(['AlwaysDeny']).authorize(root).decision).toBe('allow');
  });

  it('lists rules for SelfSubjectRulesReview: everything under AlwaysAllow, the bound roles under RBAC', () => {
    expect(authorizerForModes('AlwaysAllow').rulesFor(user('viewer'), 'team')).toEqual({
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
      evaluationError: '',
    });
    expect(authorizerForModes('AlwaysDeny').rulesFor(user('viewer'), 'team').resourceRules).toEqual([]);
    const viewer = authorizerForModes('RBAC', source).rulesFor(user('viewer'), 'team');
    expect(viewer.resourceRules).toContainEqual(expect.objectContaining({ verbs: ['create'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] }));
    expect(viewer.resourceRules.some((r) => r.resources?.includes('pods') && r.verbs.includes('list'))).toBe(true);
    expect(viewer.resourceRules.some((r) => r.resources?.includes('secrets'))).toBe(false);
    expect(viewer.nonResourceRules.some((r) => r.nonResourceURLs?.includes('/version'))).toBe(true);
    // view is bound in "team" only: elsewhere the viewer has the bootstrap rules alone.
    expect(authorizerForModes('RBAC', source).rulesFor(user('viewer'), 'other').resourceRules.some((r) => r.resources?.includes('pods'))).toBe(false);
    // system:masters' rules come from the cluster-admin binding, once (the privileged check lists none).
    const root = authorizerForModes('RBAC', source).rulesFor(user('root', ['system:masters']), 'team');
    expect(root.resourceRules.filter((r) => r.verbs.includes('*') && r.resources?.includes('*'))).toHaveLength(1);
  });

  it('refuses unknown, repeated or unsatisfiable modes', () => {
    for (const modes of ['Node,RBAC', 'ABAC', 'RBAC,RBAC', 'RBAC']) {
      expect(() => authorizerForModes(modes, modes === 'RBAC' ? undefined : source)).toThrow(
        expect.objectContaining({ code: AuthErrorCode.UNKNOWN_AUTHORIZATION_MODE }),
      );
    }
  });
});
