import { effectiveRules } from './aggregation.js';
import { RBAC_API_VERSION, RBAC_GROUP, type ClusterRole, type ClusterRoleBinding, type PolicyRule } from './rbac_types.js';
import { ALL_AUTHENTICATED_GROUP, ALL_UNAUTHENTICATED_GROUP, MONITORING_GROUP, SYSTEM_MASTERS_GROUP } from './user.js';

/**
 * The part of kube-apiserver's bootstrap RBAC policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy)
 * that users and tools rely on: the user-facing roles cluster-admin, admin, edit and view (admin,
 * edit and view aggregate the system:aggregate-to-* roles, and any ClusterRole carrying their
 * aggregate-to labels), the discovery, basic-user, public-info-viewer and monitoring roles, and
 * their default bindings. Controller and node roles are left out: ketch's agents are not
 * kube-controller-manager or kubelets.
 *
 * Every call returns fresh objects (the caller may store or change them). Rules are listed as the
 * upstream builder produces them (each list sorted); the aggregated roles come with their rules
 * already filled in, as the aggregation controller would write them.
 */

export const BOOTSTRAP_LABELS: Readonly<Record<string, string>> = Object.freeze({ 'kubernetes.io/bootstrapping': 'rbac-defaults' });
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';
export const AGGREGATE_TO_ADMIN = 'rbac.authorization.k8s.io/aggregate-to-admin';
export const AGGREGATE_TO_EDIT = 'rbac.authorization.k8s.io/aggregate-to-edit';
export const AGGREGATE_TO_VIEW = 'rbac.authorization.k8s.io/aggregate-to-view';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const READ_WRITE = [...READ, ...WRITE];

const LEGACY = '';
const APPS = 'apps';
const AUTHENTICATION = 'authentication.k8s.io';
const AUTHORIZATION = 'authorization.k8s.io';
const AUTOSCALING = 'autoscaling';
const BATCH = 'batch';
const DISCOVERY = 'discovery.k8s.io';
const EXTENSIONS = 'extensions';
const NETWORKING = 'networking.k8s.io';
const POLICY = 'policy';

/** rbacv1helpers.NewRule(...).Groups(...).Resources(...).RuleOrDie(): every list sorted. */
function rule(verbs: readonly string[], groups: readonly string[], resources: readonly string[], names: readonly string[] = []): PolicyRule {
  const r: { verbs: string[]; apiGroups: string[]; resources: string[]; resourceNames?: string[] } = {
    verbs: [...verbs].sort(),
    apiGroups: [...groups].sort(),
    resources: [...resources].sort(),
  };
  if (names.length > 0) r.resourceNames = [...names].sort();
  return r;
}

function urlRule(verbs: readonly string[], urls: readonly string[]): PolicyRule {
  return { verbs: [...verbs].sort(), nonResourceURLs: [...urls].sort() };
}

function clusterRole(name: string, rules: PolicyRule[], labels: Record<string, string> = {}, aggregateLabel?: string): ClusterRole {
  const role: ClusterRole = {
    apiVersion: RBAC_API_VERSION,
    kind: 'ClusterRole',
    metadata: { name, labels: { ...labels, ...BOOTSTRAP_LABELS }, annotations: { [AUTOUPDATE_ANNOTATION]: 'true' } },
    rules,
  };
  if (aggregateLabel !== undefined) role.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [aggregateLabel]: 'true' } }] };
  return role;
}

function clusterRoles(): ClusterRole[] {
  return [
    // a "root" role which can do absolutely anything
    clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urlRule(['*'], ['*'])]),
    // just enough to determine if the server is ready and discover API versions for negotiation
    clusterRole('system:discovery', [
      urlRule(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/', '/openapi', '/openapi/*', '/api', '/api/*', '/apis', '/apis/*']),
    ]),
    // minimal read access to the monitoring endpoints
    clusterRole('system:monitoring', [urlRule(['get'], ['/metrics', '/livez', '/readyz', '/healthz', '/livez/*', '/readyz/*', '/healthz/*'])]),
    // what a "normal" user needs to learn about themselves
    clusterRole('system:basic-user', [
      rule(['create'], [AUTHORIZATION], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], [AUTHENTICATION], ['selfsubjectreviews']),
    ]),
    // just enough to read insensitive cluster information
    clusterRole('system:public-info-viewer', [urlRule(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/'])]),
    // namespace admin: edit plus granting permissions to others
    clusterRole('admin', [], {}, AGGREGATE_TO_ADMIN),
    // namespace editor: every user-level action, none on status subresources, quota or limits
    clusterRole('edit', [], { [AGGREGATE_TO_ADMIN]: 'true' }, AGGREGATE_TO_EDIT),
    // namespace viewer: read-only access to non-escalating resources
    clusterRole('view', [], { [AGGREGATE_TO_EDIT]: 'true' }, AGGREGATE_TO_VIEW),
    clusterRole(
      'system:aggregate-to-admin',
      [rule(['create'], [AUTHORIZATION], ['localsubjectaccessreviews']), rule(READ_WRITE, [RBAC_GROUP], ['roles', 'rolebindings'])],
      { [AGGREGATE_TO_ADMIN]: 'true' },
    ),
    clusterRole(
      'system:aggregate-to-edit',
      [
        // read on escalating resources
        rule(READ, [LEGACY], ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy']),
        rule(['impersonate'], [LEGACY], ['serviceaccounts']),
        rule(WRITE, [LEGACY], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
        rule(['create'], [LEGACY], ['pods/eviction']),
        rule(WRITE, [LEGACY], [
          'replicationcontrollers',
          'replicationcontrollers/scale',
          'serviceaccounts',
          'services',
          'services/proxy',
          'persistentvolumeclaims',
          'configmaps',
          'secrets',
          'events',
        ]),
        rule(['create'], [LEGACY], ['serviceaccounts/token']),
        rule(WRITE, [APPS], [
          'statefulsets',
          'statefulsets/scale',
          'daemonsets',
          'deployments',
          'deployments/scale',
          'deployments/rollback',
          'replicasets',
          'replicasets/scale',
        ]),
        rule(WRITE, [AUTOSCALING], ['horizontalpodautoscalers']),
        rule(WRITE, [BATCH], ['jobs', 'cronjobs']),
        rule(WRITE, [EXTENSIONS], [
          'daemonsets',
          'deployments',
          'deployments/scale',
          'deployments/rollback',
          'ingresses',
          'replicasets',
          'replicasets/scale',
          'replicationcontrollers/scale',
          'networkpolicies',
        ]),
        rule(WRITE, [POLICY], ['poddisruptionbudgets']),
        rule(WRITE, [NETWORKING], ['networkpolicies', 'ingresses']),
      ],
      { [AGGREGATE_TO_EDIT]: 'true' },
    ),
    clusterRole(
      'system:aggregate-to-view',
      [
        rule(READ, [LEGACY], [
          'pods',
          'replicationcontrollers',
          'replicationcontrollers/scale',
          'serviceaccounts',
          'services',
          'services/status',
          'endpoints',
          'persistentvolumeclaims',
          'persistentvolumeclaims/status',
          'configmaps',
        ]),
        rule(READ, [LEGACY], [
          'limitranges',
          'resourcequotas',
          'bindings',
          'events',
          'pods/status',
          'resourcequotas/status',
          'namespaces/status',
          'replicationcontrollers/status',
          'pods/log',
        ]),
        // read access to namespaces at the namespace scope means you can read *this* namespace
        rule(READ, [LEGACY], ['namespaces']),
        rule(READ, [DISCOVERY], ['endpointslices']),
        rule(READ, [APPS], [
          'controllerrevisions',
          'statefulsets',
          'statefulsets/status',
          'statefulsets/scale',
          'daemonsets',
          'daemonsets/status',
          'deployments',
          'deployments/status',
          'deployments/scale',
          'replicasets',
          'replicasets/status',
          'replicasets/scale',
        ]),
        rule(READ, [AUTOSCALING], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
        rule(READ, [BATCH], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
        rule(READ, [EXTENSIONS], [
          'daemonsets',
          'daemonsets/status',
          'deployments',
          'deployments/scale',
          'deployments/status',
          'ingresses',
          'ingresses/status',
          'replicasets',
          'replicasets/scale',
          'replicasets/status',
          'replicationcontrollers/scale',
          'networkpolicies',
        ]),
        rule(READ, [POLICY], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
        rule(READ, [NETWORKING], ['networkpolicies', 'ingresses', 'ingresses/status']),
      ],
      { [AGGREGATE_TO_VIEW]: 'true' },
    ),
  ];
}

/** The bootstrap ClusterRoles, aggregated roles' rules filled in. */
export function bootstrapClusterRoles(): ClusterRole[] {
  const roles = clusterRoles();
  const filled = roles.map((r) => (r.aggregationRule === undefined ? r : { ...r, rules: effectiveRules(r, roles) }));
  return structuredClone(filled);
}

function clusterBinding(roleName: string, groups: readonly string[]): ClusterRoleBinding {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: 'ClusterRoleBinding',
    metadata: { name: roleName, labels: { ...BOOTSTRAP_LABELS }, annotations: { [AUTOUPDATE_ANNOTATION]: 'true' } },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: roleName },
    subjects: groups.map((name) => ({ kind: 'Group', apiGroup: RBAC_GROUP, name })),
  };
}

/** The bootstrap ClusterRoleBindings of the roles above. */
export function bootstrapClusterRoleBindings(): ClusterRoleBinding[] {
  return [
    clusterBinding('cluster-admin', [SYSTEM_MASTERS_GROUP]),
    clusterBinding('system:monitoring', [MONITORING_GROUP]),
    clusterBinding('system:discovery', [ALL_AUTHENTICATED_GROUP]),
    clusterBinding('system:basic-user', [ALL_AUTHENTICATED_GROUP]),
    clusterBinding('system:public-info-viewer', [ALL_AUTHENTICATED_GROUP, ALL_UNAUTHENTICATED_GROUP]),
  ];
}
