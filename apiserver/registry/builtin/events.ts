import type { FieldError, KubeObject, ResourceDecl } from '../types.js';
import { asObject, asString, tableColumns } from './printers/format.js';
import { eventColumnDefinitions, eventRow } from './printers/core.js';
import { eventSchema } from './schemas/core.js';
import { invalid } from './validation/errors.js';

/** core/v1 events (ev). */

const involved = (obj: KubeObject): Record<string, unknown> => asObject(obj['involvedObject']);

/** Event field selectors (event.ToSelectableFields). */
export const eventSelectableFields: Readonly<Record<string, (obj: KubeObject) => string>> = {
  'involvedObject.kind': (obj) => asString(involved(obj)['kind']),
  'involvedObject.namespace': (obj) => asString(involved(obj)['namespace']),
  'involvedObject.name': (obj) => asString(involved(obj)['name']),
  'involvedObject.uid': (obj) => asString(involved(obj)['uid']),
  'involvedObject.apiVersion': (obj) => asString(involved(obj)['apiVersion']),
  'involvedObject.resourceVersion': (obj) => asString(involved(obj)['resourceVersion']),
  'involvedObject.fieldPath': (obj) => asString(involved(obj)['fieldPath']),
  reason: (obj) => asString(obj['reason']),
  reportingComponent: (obj) => asString(obj['reportingComponent']),
  source: (obj) => asString(asObject(obj['source'])['component']) || asString(obj['reportingComponent']),
  type: (obj) => asString(obj['type']),
};

/** ValidateEvent (core/v1): the involved object's namespace matches the event's. */
function validateEvent(obj: KubeObject): FieldError[] {
  const ns = asString(obj.metadata?.namespace);
  const involvedNs = asString(involved(obj)['namespace']);
  const ok = involvedNs === '' ? ns === '' || ns === 'default' : ns === involvedNs;
  return ok ? [] : [invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace')];
}

export const events: ResourceDecl = {
  group: '',
  version: 'v1',
  kind: 'Event',
  listKind: 'EventList',
  plural: 'events',
  singular: 'event',
  shortNames: ['ev'],
  namespaced: true,
  schema: eventSchema,
  printerColumns: tableColumns(eventColumnDefinitions, eventRow),
  selectableFields: eventSelectableFields,
  strategy: { generation: false, validate: validateEvent },
};
