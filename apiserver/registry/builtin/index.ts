import type { ResourceDecl } from '../types.js';
import { horizontalPodAutoscalers } from './autoscaling.js';
import { configMaps } from './configmaps.js';
import { customResourceDefinitions } from './crds.js';
import { cronJobs } from './cronjobs.js';
import { daemonSets } from './daemonsets.js';
import { deployments } from './deployments.js';
import { endpoints } from './endpoints.js';
import { events } from './events.js';
import { jobs } from './jobs.js';
import { leases } from './leases.js';
import { namespaces } from './namespaces.js';
import { ingressClasses, ingresses, networkPolicies } from './networking.js';
import { nodes } from './nodes.js';
import { pods } from './pods.js';
import { podDisruptionBudgets } from './policy.js';
import { priorityClasses } from './priorityclasses.js';
import { limitRanges, resourceQuotas } from './quotas.js';
import { clusterRoleBindings, clusterRoles, roleBindings, roles } from './rbac.js';
import { replicaSets } from './replicasets.js';
import { secrets } from './secrets.js';
import { serviceAccounts } from './serviceaccounts.js';
import { services } from './services.js';
import { statefulSets } from './statefulsets.js';
import { persistentVolumeClaims, persistentVolumes, storageClasses } from './storage.js';

/**
 * The built-in Kubernetes types ketch serves, declared as a kube-apiserver 1.32 reports them in
 * discovery, with upstream's OpenAPI schemas, printers, field selectors, defaults and validation.
 */
export const builtinResources: readonly ResourceDecl[] = [
  namespaces,
  pods,
  nodes,
  services,
  endpoints,
  configMaps,
  secrets,
  events,
  serviceAccounts,
  persistentVolumeClaims,
  persistentVolumes,
  resourceQuotas,
  limitRanges,
  deployments,
  replicaSets,
  daemonSets,
  statefulSets,
  jobs,
  cronJobs,
  horizontalPodAutoscalers,
  podDisruptionBudgets,
  ingresses,
  ingressClasses,
  networkPolicies,
  leases,
  customResourceDefinitions,
  roles,
  clusterRoles,
  roleBindings,
  clusterRoleBindings,
  priorityClasses,
  storageClasses,
];

/** meta/v1 ObjectMeta, for the metadata of custom resources. */
export { objectMeta as objectMetaSchema } from './schemas/meta.js';
export { bindingSchema } from './schemas/core.js';
export { humanDuration } from './printers/duration.js';
