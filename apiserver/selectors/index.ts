/**
 * apiserver/selectors: label and field selectors as Kubernetes parses, matches and prints them.
 * Pure and synchronous; failures throw SelectorError, whose code maps to the Status
 * kube-apiserver would send (SELECTOR_WIRE_ERRORS).
 */
export {
  LabelSelector,
  parseLabelSelector,
  labelSelectorFromObject,
  labelSelectorFromSet,
  formatLabelSelector,
  type MetaLabelSelector,
  type MetaLabelSelectorRequirement,
} from './labels.js';
export { LabelRequirement, LabelOperator, createLabelRequirement, type Labels } from './label_requirement.js';
export { labelKeyErrors, labelValueErrors, isValidLabelKey, isValidLabelValue } from './label_validation.js';
export {
  FieldSelector,
  parseFieldSelector,
  fieldSelectorFromSet,
  checkFieldSelectorFields,
  escapeFieldSelectorValue,
  unescapeFieldSelectorValue,
  type FieldRequirement,
  type FieldOperator,
  type Fields,
} from './fields.js';
export { SelectorError, SelectorErrorCode, SELECTOR_WIRE_ERRORS, type SelectorWireError } from './errors.js';
