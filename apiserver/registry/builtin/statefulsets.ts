import type { FieldError, KubeObject, ResourceDecl } from '../types.js';
import { defaultStatefulSet } from './defaults/workloads.js';
import { asObject, asString, tableColumns } from './printers/format.js';
import { statefulSetColumnDefinitions, statefulSetRow } from './printers/workloads.js';
import { statefulSetSchema } from './schemas/apps.js';
import { forbidden, notSupported, sameJson } from './validation/errors.js';
import { specOf, validateSelectorAndTemplate } from './validation/workloads.js';

/** apps/v1 statefulsets (sts), with status and scale. */

const UPDATABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];
const RETENTION = ['Delete', 'Retain'];

function validateStatefulSet(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const out = validateSelectorAndTemplate(obj, 'statefulset');
  const policy = asString(spec['podManagementPolicy']);
  if (policy !== 'OrderedReady' && policy !== 'Parallel') out.push(notSupported('spec.podManagementPolicy', policy, ['OrderedReady', 'Parallel']));
  const type = asString(asObject(spec['updateStrategy'])['type']);
  if (type !== 'OnDelete' && type !== 'RollingUpdate') out.push(notSupported('spec.updateStrategy.type', type, ['OnDelete', 'RollingUpdate']));
  const retention = asObject(spec['persistentVolumeClaimRetentionPolicy']);
  for (const field of ['whenDeleted', 'whenScaled']) {
    const value = asString(retention[field]);
    if (value !== '' && !RETENTION.includes(value)) {
      out.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${field}`, value, RETENTION));
    }
  }
  if (old !== undefined) {
    const strip = (s: Record<string, unknown>): Record<string, unknown> =>
      Object.fromEntries(Object.entries(s).filter(([k]) => !UPDATABLE.includes(k)));
    if (!sameJson(strip(spec), strip(specOf(old)))) {
      out.push(
        forbidden(
          'spec',
          "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        ),
      );
    }
  }
  return out;
}

export const statefulSets: ResourceDecl = {
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  listKind: 'StatefulSetList',
  plural: 'statefulsets',
  singular: 'statefulset',
  shortNames: ['sts'],
  categories: ['all'],
  namespaced: true,
  schema: statefulSetSchema,
  printerColumns: tableColumns(statefulSetColumnDefinitions, statefulSetRow),
  subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
  strategy: { generation: true, defaults: defaultStatefulSet, validate: validateStatefulSet },
};
