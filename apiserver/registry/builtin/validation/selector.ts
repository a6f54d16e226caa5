import type { FieldError } from '../../types.js';
import { labelValueErrors, qualifiedNameErrors } from '../../validate.js';
import { asArray, asObject, asObjects, asString } from '../printers/format.js';
import { child, forbidden, index, invalid, required } from './errors.js';

/** metav1.LabelSelector: validation (ValidateLabelSelector) and matching (LabelSelectorAsSelector). */

export function validateLabels(labels: unknown, path: string): FieldError[] {
  const out: FieldError[] = [];
  for (const [k, v] of Object.entries(asObject(labels))) {
    for (const msg of qualifiedNameErrors(k)) out.push(invalid(path, k, msg));
    for (const msg of labelValueErrors(asString(v))) out.push(invalid(path, v, msg));
  }
  return out;
}

export function validateLabelSelector(selector: unknown, path: string): FieldError[] {
  if (selector === undefined || selector === null) return [];
  const sel = asObject(selector);
  const out: FieldError[] = [];
  for (const [i, expr] of asObjects(sel['matchExpressions']).entries()) {
    const exprPath = index(child(path, 'matchExpressions'), i);
    const values = asArray(expr['values']);
    switch (expr['operator']) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) out.push(required(child(exprPath, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) out.push(forbidden(child(exprPath, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        out.push(invalid(child(exprPath, 'operator'), expr['operator'], 'not a valid selector operator'));
    }
    for (const msg of qualifiedNameErrors(asString(expr['key']))) out.push(invalid(child(exprPath, 'key'), expr['key'], msg));
  }
  out.push(...validateLabels(sel['matchLabels'], child(path, 'matchLabels')));
  return out;
}

/** A selector with neither matchLabels nor matchExpressions (it selects everything). */
export function selectorIsEmpty(selector: unknown): boolean {
  const sel = asObject(selector);
  return Object.keys(asObject(sel['matchLabels'])).length === 0 && asObjects(sel['matchExpressions']).length === 0;
}

/** Whether the selector selects an object with these labels. Invalid operators match nothing. */
export function selectorMatches(selector: unknown, labels: unknown): boolean {
  const sel = asObject(selector);
  const have = asObject(labels);
  for (const [k, v] of Object.entries(asObject(sel['matchLabels']))) {
    if (have[k] !== v) return false;
  }
  for (const expr of asObjects(sel['matchExpressions'])) {
    const k = asString(expr['key']);
    const values = asArray(expr['values']).map(asString);
    const present = Object.prototype.hasOwnProperty.call(have, k);
    const value = asString(have[k]);
    switch (expr['operator']) {
      case 'In':
        if (!present || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (present && values.includes(value)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
