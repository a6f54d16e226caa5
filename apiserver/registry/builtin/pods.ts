import type { KubeObject, ResourceDecl } from '../types.js';
import { defaultPod } from './defaults/pod.js';
import { asObjects, asString, spec, status, tableColumns } from './printers/format.js';
import { podColumnDefinitions, podRow } from './printers/pod.js';
import { podSchema } from './schemas/pod.js';
import { volumeSourceNames } from './schemas/volumes.js';
import { validatePodSpec, validatePodSpecUpdate } from './validation/pod.js';

/** core/v1 pods (po), with the status and binding subresources. */

/** Pod field selectors (pod.ToSelectableFields). */
export const podSelectableFields: Readonly<Record<string, (obj: KubeObject) => string>> = {
  'spec.nodeName': (obj) => asString(spec(obj)['nodeName']),
  'spec.restartPolicy': (obj) => asString(spec(obj)['restartPolicy']),
  'spec.schedulerName': (obj) => asString(spec(obj)['schedulerName']),
  'spec.serviceAccountName': (obj) => asString(spec(obj)['serviceAccountName']),
  'spec.hostNetwork': (obj) => String(spec(obj)['hostNetwork'] === true),
  'status.phase': (obj) => asString(status(obj)['phase']),
  'status.podIP': (obj) => asString(asObjects(status(obj)['podIPs'])[0]?.['ip']) || asString(status(obj)['podIP']),
  'status.nominatedNodeName': (obj) => asString(status(obj)['nominatedNodeName']),
};

export const pods: ResourceDecl = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  listKind: 'PodList',
  plural: 'pods',
  singular: 'pod',
  shortNames: ['po'],
  categories: ['all'],
  namespaced: true,
  schema: podSchema,
  printerColumns: tableColumns(podColumnDefinitions, podRow),
  selectableFields: podSelectableFields,
  subresources: { status: true, binding: true },
  strategy: {
    generation: false,
    defaults: (obj) => defaultPod(obj, volumeSourceNames),
    validate: (obj, old) => [
      ...validatePodSpec(obj['spec'], 'spec'),
      ...(old === undefined ? [] : validatePodSpecUpdate(obj, old)),
    ],
  },
};

