import { describe, expect, it } from 'vitest';
import { effectiveRules } from './aggregation.js';
import type { AuthorizationAttributes } from './authorizer.js';
import { labelSelectorMatches } from './label_selector.js';
import { ruleAllows } from './policy_rule.js';
import { rbacAuthorizer, rulesFor } from './rbac.js';
import { staticRbacSource } from './rbac_source.js';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding } from './rbac_types.js';

function res(
  user: string,
  groups: string[],
  verb: string,
  resource: string,
  namespace = '',
  extra: Partial<AuthorizationAttributes> = {},
): AuthorizationAttributes {
  return {
    user: { name: user, groups },
    verb,
    isResourceRequest: true,
    path: '',
    apiGroup: '',
    apiVersion: 'v1',
    resource,
    subresource: '',
    namespace,
    name: '',
    ...extra,
  };
}

function nonRes(user: string, groups: string[], verb: string, path: string): AuthorizationAttributes {
  return { user: { name: user, groups }, verb, isResourceRequest: false, path, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '' };
}

/** Upstream's newRule: every field split on ",". */
function newRule(verbs: string, apiGroups: string, resources: string, urls: string): PolicyRule {
  return { verbs: verbs.split(','), apiGroups: apiGroups.split(','), resources: resources.split(','), nonResourceURLs: urls.split(',') };
}

const clusterRole = (name: string, rules: PolicyRule[], labels?: Record<string, string>): ClusterRole => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: labels === undefined ? { name } : { name, labels },
  rules,
});
const role = (namespace: string, name: string, rules: PolicyRule[]): Role => ({ kind: 'Role', metadata: { namespace, name }, rules });

/** "User:alice", "Group:devs", "ServiceAccount:ns/name" or "ServiceAccount:name". */
function subjects(list: string[]): { kind: string; name: string; namespace?: string; apiGroup?: string }[] {
  return list.map((s) => {
    const [kind = '', rest = ''] = s.split(/:(.*)/s);
    if (kind === 'ServiceAccount') {
      const [a = '', b] = rest.split('/');
      return b === undefined ? { kind, name: a } : { kind, namespace: a, name: b };
    }
    return { kind, apiGroup: 'rbac.authorization.k8s.io', name: rest };
  });
}
const crb = (name: string, roleName: string, subs: string[]): ClusterRoleBinding => ({
  kind: 'ClusterRoleBinding',
  metadata: { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
  subjects: subjects(subs),
});
const rb = (namespace: string, name: string, kind: 'Role' | 'ClusterRole', roleName: string, subs: string[]): RoleBinding => ({
  kind: 'RoleBinding',
  metadata: { namespace, name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: roleName },
  subjects: subjects(subs),
});

describe('RBAC: upstream TestAuthorizer cases', () => {
  it('a RoleBinding to a ClusterRole grants it in that namespace only, to users and groups', () => {
    const authz = rbacAuthorizer(
      staticRbacSource([clusterRole('admin', [newRule('*', '*', '*', '*')]), rb('ns1', 'b', 'ClusterRole', 'admin', ['User:admin', 'Group:admins'])]),
    );
    for (const a of [
      res('admin', [], 'get', 'Pods', 'ns1'),
      res('admin', [], 'watch', 'Pods', 'ns1'),
      res('admin', ['group1'], 'watch', 'Foobar', 'ns1'),
      res('joe', ['admins'], 'watch', 'Foobar', 'ns1'),
      res('joe', ['group1', 'admins'], 'watch', 'Foobar', 'ns1'),
    ]) {
      expect(authz.authorize(a).decision).toBe('allow');
    }
    for (const a of [
      res('admin', [], 'GET', 'Pods', 'ns2'),
      res('admin', [], 'GET', 'Nodes', ''),
      res('admin', ['admins'], 'GET', 'Pods', 'ns2'),
      res('admin', ['admins'], 'GET', 'Nodes', ''),
    ]) {
      expect(authz.authorize(a).decision).toBe('deny');
    }
  });

  it('non-resource URLs: exact, any verb, and prefix', () => {
    const authz = rbacAuthorizer(
      staticRbacSource([
        clusterRole('non-resource-url-getter', [newRule('get', '', '', '/apis')]),
        clusterRole('non-resource-url', [newRule('*', '', '', '/apis')]),
        clusterRole('non-resource-url-prefix', [newRule('get', '', '', '/apis/*')]),
        crb('a', 'non-resource-url-getter', ['User:foo', 'Group:bar']),
        crb('b', 'non-resource-url', ['User:admin', 'Group:admin']),
        crb('c', 'non-resource-url-prefix', ['User:prefixed', 'Group:prefixed']),
      ]),
    );
    const pass = [
      nonRes('foo', [], 'get', '/apis'),
      nonRes('', ['bar'], 'get', '/apis'),
      nonRes('admin', [], 'get', '/apis'),
      nonRes('', ['admin'], 'get', '/apis'),
      nonRes('admin', [], 'watch', '/apis'),
      nonRes('', ['admin'], 'watch', '/apis'),
      nonRes('prefixed', [], 'get', '/apis/v1'),
      nonRes('', ['prefixed'], 'get', '/apis/v1'),
      nonRes('prefixed', [], 'get', '/apis/v1/foobar'),
    ];
    const fail = [
      nonRes('foo', [], 'watch', '/apis'),
      nonRes('', ['bar'], 'watch', '/apis'),
      nonRes('foo', [], 'get', '/api/v1'),
      nonRes('admin', [], 'get', '/api/v1'),
      nonRes('prefixed', [], 'get', '/api/v1'),
    ];
    for (const a of pass) expect(authz.authorize(a).decision, `${a.user.name} ${a.verb} ${a.path}`).toBe('allow');
    for (const a of fail) expect(authz.authorize(a).decision, `${a.user.name} ${a.verb} ${a.path}`).toBe('deny');
  });

  it('a resource rule does not cover its subresources; resource/sub and */sub do', () => {
    const plain = rbacAuthorizer(staticRbacSource([clusterRole('admin', [newRule('*', '*', 'pods', '*')]), rb('ns1', 'b', 'ClusterRole', 'admin', ['User:admin'])]));
    expect(plain.authorize(res('admin', [], 'get', 'pods', 'ns1')).decision).toBe('allow');
    expect(plain.authorize(res('admin', [], 'get', 'pods', 'ns1', { subresource: 'status' })).decision).toBe('deny');

    const subs = rbacAuthorizer(
      staticRbacSource([
        clusterRole('admin', [newRule('*', '*', 'pods/status', '*'), newRule('*', '*', '*/scale', '*')]),
        rb('ns1', 'b', 'ClusterRole', 'admin', ['User:admin']),
      ]),
    );
    for (const [resource, subresource] of [
      ['pods', 'status'],
      ['pods', 'scale'],
      ['deployments', 'scale'],
      ['anything', 'scale'],
    ] as const) {
      expect(subs.authorize(res('admin', [], 'get', resource, 'ns1', { subresource })).decision).toBe('allow');
    }
    expect(subs.authorize(res('admin', [], 'get', 'pods', 'ns1')).decision).toBe('deny');
  });
});

describe('ruleAllows (upstream TestRuleMatches)', () => {
  const r = (verb: string, group: string, resource: string, subresource = '', name = ''): AuthorizationAttributes =>
    res('u', [], verb, resource, 'ns', { apiGroup: group, subresource, name });

  it('matches * for verbs, groups and resources, and expands tuples', () => {
    expect(ruleAllows(r('verb2', 'group1', 'resource1'), { verbs: ['*'], apiGroups: ['group1'], resources: ['resource1'] })).toBe(true);
    expect(ruleAllows(r('verb1', 'group2', 'resource1'), { verbs: ['*'], apiGroups: ['group1'], resources: ['resource1'] })).toBe(false);
    expect(ruleAllows(r('verb1', 'group2', 'resource1'), { verbs: ['verb1'], apiGroups: ['*'], resources: ['resource1'] })).toBe(true);
    expect(ruleAllows(r('verb1', 'group1', 'resource2'), { verbs: ['verb1'], apiGroups: ['group1'], resources: ['*'] })).toBe(true);
    const tuple: PolicyRule = { verbs: ['verb1', 'verb2'], apiGroups: ['group1', 'group2'], resources: ['resource1', 'resource2'] };
    for (const v of ['verb1', 'verb2']) for (const g of ['group1', 'group2']) for (const x of ['resource1', 'resource2']) expect(ruleAllows(r(v, g, x), tuple)).toBe(true);
  });

  it('matches resourceNames only for named requests', () => {
    const named: PolicyRule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['cm1'] };
    expect(ruleAllows(r('get', '', 'configmaps', '', 'cm1'), named)).toBe(true);
    expect(ruleAllows(r('get', '', 'configmaps', '', 'cm2'), named)).toBe(false);
    expect(ruleAllows(r('list', '', 'configmaps'), named)).toBe(false);
  });

  it('never lets a resource rule allow a non-resource path, nor the reverse', () => {
    expect(ruleAllows(nonRes('u', [], 'get', '/healthz'), { verbs: ['*'], apiGroups: ['*'], resources: ['*'] })).toBe(false);
    expect(ruleAllows(r('get', '', 'pods'), { verbs: ['*'], nonResourceURLs: ['*'] })).toBe(false);
  });

  it('matches a trailing * as a prefix, and nothing else as a pattern', () => {
    const rule: PolicyRule = { verbs: ['get'], nonResourceURLs: ['/logs*', '/exact'] };
    expect(ruleAllows(nonRes('u', [], 'get', '/logs'), rule)).toBe(true);
    expect(ruleAllows(nonRes('u', [], 'get', '/logsxyz/a'), rule)).toBe(true);
    expect(ruleAllows(nonRes('u', [], 'get', '/exact/'), rule)).toBe(false);
    expect(ruleAllows(nonRes('u', [], 'get', '/ex*'), { verbs: ['get'], nonResourceURLs: ['/e*t'] })).toBe(false);
  });
});

describe('RBAC: bindings and subjects', () => {
  const source = staticRbacSource([
    role('dev', 'pod-reader', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }]),
    rb('dev', 'read-pods', 'Role', 'pod-reader', ['User:alice']),
    clusterRole('secret-reader', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]),
    rb('dev', 'sa-secrets', 'ClusterRole', 'secret-reader', ['ServiceAccount:builder', 'ServiceAccount:ci/deployer']),
    clusterRole('node-reader', [{ verbs: ['list'], apiGroups: [''], resources: ['nodes'] }]),
    crb('nodes', 'node-reader', ['Group:ops', 'ServiceAccount:kube-system/monitor']),
    crb('dangling', 'gone', ['User:alice']),
    rb('dev', 'dangling-role', 'Role', 'missing', ['User:bob']),
  ]);
  const authz = rbacAuthorizer(source);

  it('allows through a RoleBinding to a Role, with upstream reason', () => {
    expect(authz.authorize(res('alice', [], 'list', 'pods', 'dev'))).toEqual({
      decision: 'allow',
      reason: 'RBAC: allowed by RoleBinding "read-pods/dev" of Role "pod-reader" to User "alice"',
    });
    expect(authz.authorize(res('alice', [], 'list', 'pods', 'prod')).decision).toBe('deny');
    expect(authz.authorize(res('alice', [], 'list', 'pods', '')).decision).toBe('deny');
  });

  it('matches service accounts, defaulting their namespace to the binding namespace', () => {
    expect(authz.authorize(res('system:serviceaccount:dev:builder', [], 'get', 'secrets', 'dev'))).toEqual({
      decision: 'allow',
      reason: 'RBAC: allowed by RoleBinding "sa-secrets/dev" of ClusterRole "secret-reader" to ServiceAccount "builder/dev"',
    });
    expect(authz.authorize(res('system:serviceaccount:ci:deployer', [], 'get', 'secrets', 'dev')).decision).toBe('allow');
    expect(authz.authorize(res('system:serviceaccount:other:builder', [], 'get', 'secrets', 'dev')).decision).toBe('deny');
    expect(authz.authorize(res('system:serviceaccount:kube-system:monitor', [], 'list', 'nodes')).decision).toBe('allow');
  });

  it('allows through a ClusterRoleBinding to a group, cluster-wide and in every namespace', () => {
    expect(authz.authorize(res('carol', ['ops'], 'list', 'nodes'))).toEqual({
      decision: 'allow',
      reason: 'RBAC: allowed by ClusterRoleBinding "nodes" of ClusterRole "node-reader" to Group "ops"',
    });
    expect(authz.authorize(res('carol', ['ops'], 'list', 'nodes', 'anywhere')).decision).toBe('allow');
  });

  it('allows system:masters everything, without bindings', () => {
    expect(authz.authorize(res('root', ['system:masters'], 'delete', 'namespaces', '', { name: 'kube-system' }))).toEqual({ decision: 'allow', reason: '' });
    expect(authz.authorize(nonRes('root', ['system:masters'], 'post', '/anything'))).toEqual({ decision: 'allow', reason: '' });
    expect(rbacAuthorizer(source, { privilegedGroups: [] }).authorize(res('root', ['system:masters'], 'list', 'pods')).decision).toBe('deny');
  });

  it('reports a binding to a missing role in the denial reason and message', () => {
    expect(authz.authorize(res('alice', [], 'list', 'nodes'))).toEqual({
      decision: 'deny',
      reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found',
      message:
        'nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope: RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found',
    });
    expect(authz.authorize(res('bob', [], 'get', 'pods', 'dev')).reason).toBe('RBAC: role.rbac.authorization.k8s.io "missing" not found');
    // a missing role does not stop other bindings from allowing
    expect(authz.authorize(res('alice', [], 'get', 'pods', 'dev')).decision).toBe('allow');
  });

  it('collects the rules that apply (RulesFor)', () => {
    const { rules, errors } = rulesFor(source, { name: 'alice', groups: ['ops'] }, 'dev');
    expect(rules).toEqual([
      { verbs: ['list'], apiGroups: [''], resources: ['nodes'] },
      { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] },
    ]);
    expect(errors).toEqual(['clusterrole.rbac.authorization.k8s.io "gone" not found']);
  });

  it('answers SelfSubjectRulesReview: resource and non-resource rules, incomplete with the error', () => {
    const withUrls = rbacAuthorizer(
      staticRbacSource([
        clusterRole('urls', [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/version'] }, { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['p1'] }]),
        crb('u', 'urls', ['User:carol']),
      ]),
    );
    expect(withUrls.rulesFor({ name: 'carol', groups: [] }, 'dev')).toEqual({
      resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['p1'] }],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/version'] }],
      incomplete: false,
      evaluationError: '',
    });
    expect(withUrls.rulesFor({ name: 'dave', groups: [] }, 'dev')).toEqual({ resourceRules: [], nonResourceRules: [], incomplete: false, evaluationError: '' });
    const alice = authz.rulesFor({ name: 'alice', groups: ['ops'] }, 'dev');
    expect(alice.resourceRules.map((r) => r.resources)).toEqual([['nodes'], ['pods']]);
    expect(alice).toMatchObject({ incomplete: true, evaluationError: 'clusterrole.rbac.authorization.k8s.io "gone" not found' });
  });

  it('ignores unknown subject kinds and refuses unknown roleRef kinds', () => {
    const odd = rbacAuthorizer(
      staticRbacSource([
        clusterRole('all', [newRule('*', '*', '*', '*')]),
        { kind: 'ClusterRoleBinding', metadata: { name: 'x' }, roleRef: { kind: 'ClusterRole', name: 'all' }, subjects: [{ kind: 'Robot', name: 'r2' }] },
        { kind: 'ClusterRoleBinding', metadata: { name: 'y' }, roleRef: { kind: 'Widget', name: 'all' }, subjects: [{ kind: 'User', name: 'r2' }] },
      ]),
    );
    expect(odd.authorize(res('r2', [], 'get', 'pods'))).toMatchObject({ decision: 'deny', reason: 'RBAC: unsupported role reference kind: "Widget"' });
  });
});

describe('forbidden messages (responsewriters.Forbidden)', () => {
  const authz = rbacAuthorizer(staticRbacSource([]));
  it.each([
    [res('alice', [], 'list', 'pods', 'default'), 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"'],
    [res('alice', [], 'list', 'nodes'), 'nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope'],
    [
      res('alice', [], 'get', 'pods', 'default', { subresource: 'status', name: 'web' }),
      'pods "web" is forbidden: User "alice" cannot get resource "pods/status" in API group "" in the namespace "default"',
    ],
    [
      res('system:serviceaccount:ns:sa', [], 'create', 'deployments', 'ns', { apiGroup: 'apps' }),
      'deployments.apps is forbidden: User "system:serviceaccount:ns:sa" cannot create resource "deployments" in API group "apps" in the namespace "ns"',
    ],
    [nonRes('system:anonymous', ['system:unauthenticated'], 'get', '/metrics'), 'forbidden: User "system:anonymous" cannot get path "/metrics"'],
  ])('%#', (attributes, message) => {
    expect(authz.authorize(attributes)).toEqual({ decision: 'deny', reason: '', message });
  });
});

describe('ClusterRole aggregation', () => {
  const view = (): ClusterRole => ({
    kind: 'ClusterRole',
    metadata: { name: 'view' },
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'aggregate-to-view': 'true' } }] },
    rules: [{ verbs: ['stale'], apiGroups: [''], resources: ['ignored'] }],
  });
  const podsRule: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['pods'] };
  const widgetsRule: PolicyRule = { verbs: ['get', 'list'], apiGroups: ['example.com'], resources: ['widgets'] };

  it('takes the rules of matching roles, sorted by name, without duplicates, ignoring stored rules', () => {
    const roles = [
      view(),
      clusterRole('z-widgets', [widgetsRule, podsRule], { 'aggregate-to-view': 'true' }),
      clusterRole('a-pods', [podsRule], { 'aggregate-to-view': 'true' }),
      clusterRole('unlabelled', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]),
    ];
    expect(effectiveRules(roles[0] as ClusterRole, roles)).toEqual([podsRule, widgetsRule]);
  });

  it('is transitive (admin → edit → view) and survives cycles', () => {
    const roles: ClusterRole[] = [
      { kind: 'ClusterRole', metadata: { name: 'admin' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'to-admin': 'true' } }] } },
      {
        kind: 'ClusterRole',
        metadata: { name: 'edit', labels: { 'to-admin': 'true' } },
        aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'to-edit': 'true' } }] },
      },
      {
        kind: 'ClusterRole',
        metadata: { name: 'view', labels: { 'to-edit': 'true', 'to-admin': 'true' } },
        aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'to-view': 'true' } }] },
      },
      clusterRole('pods', [podsRule], { 'to-view': 'true' }),
      // a cycle: loop-a selects loop-b, which selects loop-a
      { kind: 'ClusterRole', metadata: { name: 'loop-a', labels: { b: 'x' } }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'x' } }] }, rules: [widgetsRule] },
      { kind: 'ClusterRole', metadata: { name: 'loop-b', labels: { a: 'x' } }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { b: 'x' } }] } },
    ];
    expect(effectiveRules(roles[0] as ClusterRole, roles)).toEqual([podsRule]);
    expect(effectiveRules(roles[4] as ClusterRole, roles)).toEqual([widgetsRule]);

    const authz = rbacAuthorizer(staticRbacSource([...roles, rb('ns', 'b', 'ClusterRole', 'admin', ['User:ann'])]));
    expect(authz.authorize(res('ann', [], 'get', 'pods', 'ns')).decision).toBe('allow');
    expect(authz.authorize(res('ann', [], 'list', 'pods', 'ns')).decision).toBe('deny');
  });

  it('sees a newly labelled role at once (read-time aggregation)', () => {
    const objects = [view(), rb('ns', 'v', 'ClusterRole', 'view', ['Group:viewers'])];
    const before = rbacAuthorizer(staticRbacSource(objects));
    const attrs = res('u', ['viewers'], 'list', 'widgets', 'ns', { apiGroup: 'example.com' });
    expect(before.authorize(attrs).decision).toBe('deny');
    const after = rbacAuthorizer(staticRbacSource([...objects, clusterRole('widget-viewer', [widgetsRule], { 'aggregate-to-view': 'true' })]));
    expect(after.authorize(attrs).decision).toBe('allow');
  });
});

describe('labelSelectorMatches', () => {
  const labels = { app: 'web', tier: 'front' };
  it.each([
    [{}, true],
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'db' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, false],
    [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'In', values: [] }] }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'Exists', values: ['web'] }] }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'Gt', values: ['1'] }] }, false],
  ])('%j → %s', (selector, expected) => {
    expect(labelSelectorMatches(selector, labels)).toBe(expected);
  });
});
