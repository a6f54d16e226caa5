/**
 * One requirement of a label selector: a key, an operator and its values (labels.Requirement).
 * Built only through createLabelRequirement, which checks what NewRequirement checks.
 */
import { SelectorError, SelectorErrorCode } from './errors.js';
import { labelKeyErrors, labelValueErrors } from './label_validation.js';

/** selection.Operator values, spelled as Kubernetes spells them. */
export const LabelOperator = {
  In: 'in',
  NotIn: 'notin',
  Equals: '=',
  DoubleEquals: '==',
  NotEquals: '!=',
  Exists: 'exists',
  DoesNotExist: '!',
  GreaterThan: 'gt',
  LessThan: 'lt',
} as const;

export type LabelOperator = (typeof LabelOperator)[keyof typeof LabelOperator];

/** In upstream's order (binary operators, then unary), for "supported values" messages. */
const ALL_OPERATORS: readonly string[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt', 'exists', '!'];

export type Labels = Readonly<Record<string, string>>;

export class LabelRequirement {
  /** Use createLabelRequirement. */
  constructor(
    readonly key: string,
    readonly operator: LabelOperator,
    /** As given (parsed selectors give them sorted and unique). */
    readonly values: readonly string[],
  ) {}

  matches(labels: Labels): boolean {
    const has = Object.prototype.hasOwnProperty.call(labels, this.key);
    const value = has ? labels[this.key] : undefined;
    switch (this.operator) {
      case LabelOperator.In:
      case LabelOperator.Equals:
      case LabelOperator.DoubleEquals:
        return value !== undefined && this.values.includes(value);
      case LabelOperator.NotIn:
      case LabelOperator.NotEquals:
        return value === undefined || !this.values.includes(value);
      case LabelOperator.Exists:
        return has;
      case LabelOperator.DoesNotExist:
        return !has;
      case LabelOperator.GreaterThan:
      case LabelOperator.LessThan: {
        if (value === undefined || this.values.length !== 1) return false;
        const actual = parseInt64(value);
        const bound = parseInt64(this.values[0] as string);
        if (actual === undefined || bound === undefined) return false;
        return this.operator === LabelOperator.GreaterThan ? actual > bound : actual < bound;
      }
      default: {
        const never: never = this.operator;
        return never;
      }
    }
  }

  /** Kubernetes' rendering: `!k`, `k`, `k=v`, `k==v`, `k!=v`, `k>1`, `k<1`, `k in (a,b)`, `k notin (a)` (values sorted). */
  toString(): string {
    switch (this.operator) {
      case LabelOperator.Exists:
        return this.key;
      case LabelOperator.DoesNotExist:
        return `!${this.key}`;
      case LabelOperator.In:
      case LabelOperator.NotIn:
        return `${this.key} ${this.operator} (${this.renderValues()})`;
      case LabelOperator.GreaterThan:
        return `${this.key}>${this.renderValues()}`;
      case LabelOperator.LessThan:
        return `${this.key}<${this.renderValues()}`;
      case LabelOperator.Equals:
      case LabelOperator.DoubleEquals:
      case LabelOperator.NotEquals:
        return `${this.key}${this.operator}${this.renderValues()}`;
      default: {
        const never: never = this.operator;
        return never;
      }
    }
  }

  private renderValues(): string {
    return this.values.length === 1 ? (this.values[0] as string) : [...this.values].sort(compareStrings).join(',');
  }
}

/**
 * NewRequirement: the key must be a valid label key, every value a valid label value; in/notin
 * need values, =/==/!= exactly one, gt/lt exactly one integer, exists/! none.
 */
export function createLabelRequirement(key: string, operator: string, values: readonly string[]): LabelRequirement {
  const errs: string[] = [];
  const keyErrs = labelKeyErrors(key);
  if (keyErrs.length > 0) errs.push(invalidValue('key', key, keyErrs.join('; ')));
  switch (operator) {
    case LabelOperator.In:
    case LabelOperator.NotIn:
      if (values.length === 0) errs.push(invalidValue('values', values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case LabelOperator.Equals:
    case LabelOperator.DoubleEquals:
    case LabelOperator.NotEquals:
      if (values.length !== 1) errs.push(invalidValue('values', values, 'exact-match compatibility requires one single value'));
      break;
    case LabelOperator.Exists:
    case LabelOperator.DoesNotExist:
      if (values.length !== 0) errs.push(invalidValue('values', values, 'values set must be empty for exists and does not exist'));
      break;
    case LabelOperator.GreaterThan:
    case LabelOperator.LessThan:
      if (values.length !== 1) errs.push(invalidValue('values', values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(invalidValue(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
    default:
      errs.push(
        `operator: Unsupported value: ${goQuote(operator)}: supported values: ${ALL_OPERATORS.map(goQuote).join(', ')}`,
      );
  }
  values.forEach((v, i) => {
    const valueErrs = labelValueErrors(v);
    if (valueErrs.length > 0) errs.push(invalidValue(`values[${i}][${key}]`, v, valueErrs.join('; ')));
  });
  if (errs.length > 0) throw new SelectorError(SelectorErrorCode.LABEL_SELECTOR_INVALID, aggregate(errs));
  return new LabelRequirement(key, operator as LabelOperator, [...values]);
}

/** field.Invalid(path, value, detail).Error(): `path: Invalid value: "v": detail`. */
export function invalidValue(path: string, value: string | readonly string[], detail: string): string {
  const shown = typeof value === 'string' ? goQuote(value) : goStringSlice(value);
  return `${path}: Invalid value: ${shown}: ${detail}`;
}

/** utilerrors.Aggregate: one message as is, several as `[a, b]`, duplicates once. */
function aggregate(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? (unique[0] as string) : `[${unique.join(', ')}]`;
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

function goStringSlice(values: readonly string[]): string {
  return `[]string{${values.map(goQuote).join(', ')}}`;
}

/** strconv.ParseInt(s, 10, 64): optional sign, decimal digits, within int64. */
export function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

/** Go's string order (bytewise; the same as UTF-16 order for the ASCII labels allow). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
