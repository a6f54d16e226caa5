/**
 * Field selectors (k8s.io/apimachinery/pkg/fields): comma-separated `field=value`, `field==value`
 * or `field!=value` terms, all of which must hold. A missing field reads as ''. Values escape
 * `\`, `,` and `=` with a backslash (`a=x\,y`); field names have no escaping, so the first
 * operator in a term splits it. Which fields may be named is the resource's business (metadata.name
 * and metadata.namespace always, more per type): checkFieldSelectorFields refuses the rest as
 * kube-apiserver does, with 400 "field label not supported: <field>".
 */
import { SelectorError, SelectorErrorCode } from './errors.js';

export type FieldOperator = '=' | '!=';

export interface FieldRequirement {
  readonly field: string;
  /** `==` is read as `=`. */
  readonly operator: FieldOperator;
  readonly value: string;
}

export type Fields = Readonly<Record<string, string>>;

export class FieldSelector {
  /** Terms in the order upstream keeps them: sorted by their source text. */
  private constructor(readonly requirements: readonly FieldRequirement[]) {}

  private static readonly EVERYTHING = new FieldSelector([]);

  static everything(): FieldSelector {
    return FieldSelector.EVERYTHING;
  }

  static of(requirements: readonly FieldRequirement[]): FieldSelector {
    return requirements.length === 0 ? FieldSelector.EVERYTHING : new FieldSelector([...requirements]);
  }

  get isEmpty(): boolean {
    return this.requirements.length === 0;
  }

  matches(fields: Fields): boolean {
    return this.requirements.every((r) => {
      const actual = Object.prototype.hasOwnProperty.call(fields, r.field) ? fields[r.field] : '';
      return r.operator === '=' ? actual === r.value : actual !== r.value;
    });
  }

  /** The distinct field names the selector uses, in its order. */
  fieldNames(): string[] {
    return [...new Set(this.requirements.map((r) => r.field))];
  }

  /**
   * The value an `=` term requires `field` to have (RequiresExactMatch), e.g. the name in
   * `metadata.name=web`, so storage can read one key instead of listing.
   */
  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator === '=')?.value;
  }

  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeFieldSelectorValue(r.value)}`).join(',');
  }
}

/** fields.ParseSelector: the `fieldSelector` query parameter. Throws SelectorError with upstream's message. */
export function parseFieldSelector(selector: string): FieldSelector {
  const terms = splitTerms(selector).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const requirements: FieldRequirement[] = [];
  for (const term of terms) {
    if (term === '') continue;
    const split = splitTerm(term);
    if (split === undefined) {
      throw new SelectorError(SelectorErrorCode.FIELD_SELECTOR_SYNTAX, `invalid selector: '${selector}'; can't understand '${term}'`);
    }
    requirements.push({
      field: split.field,
      operator: split.operator === '!=' ? '!=' : '=',
      value: unescapeFieldSelectorValue(split.value),
    });
  }
  return FieldSelector.of(requirements);
}

/** A selector of `field=value` for every entry (fields.SelectorFromSet), e.g. { 'metadata.name': 'web' }. */
export function fieldSelectorFromSet(fields: Fields): FieldSelector {
  return FieldSelector.of(Object.entries(fields).map(([field, value]) => ({ field, operator: '=', value })));
}

/**
 * Refuses a selector naming a field outside `supported` with FIELD_LABEL_NOT_SUPPORTED
 * ("field label not supported: foo"), the first such field in the selector's order.
 */
export function checkFieldSelectorFields(selector: FieldSelector, supported: Iterable<string>): void {
  const allowed = new Set(supported);
  for (const field of selector.fieldNames()) {
    if (!allowed.has(field)) {
      throw new SelectorError(SelectorErrorCode.FIELD_LABEL_NOT_SUPPORTED, `field label not supported: ${field}`);
    }
  }
}

/** fields.EscapeValue: `\` → `\\`, `,` → `\,`, `=` → `\=`. */
export function escapeFieldSelectorValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/**
 * fields.UnescapeValue. Unescaped `,` and `=` are errors, as are unknown escapes and a trailing
 * backslash. Beyond upstream, `\!` also reads as `!` (upstream refuses it), so a value may be
 * written without ever looking like an operator.
 */
export function unescapeFieldSelectorValue(value: string): string {
  if (!/[\\,=]/.test(value)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\\') {
      const next = value[i + 1];
      if (next === undefined) throw invalidEscape('\\');
      if (next !== '\\' && next !== ',' && next !== '=' && next !== '!') throw invalidEscape(`\\${next}`);
      out += next;
      i++;
    } else if (c === ',' || c === '=') {
      // Go prints the rune with %v: its code point.
      throw new SelectorError(
        SelectorErrorCode.FIELD_SELECTOR_SYNTAX,
        `invalid field selector: unescaped character in value: ${c.codePointAt(0) ?? 0}`,
      );
    } else {
      out += c;
    }
  }
  return out;
}

function invalidEscape(sequence: string): SelectorError {
  return new SelectorError(SelectorErrorCode.FIELD_SELECTOR_SYNTAX, `invalid field selector: invalid escape sequence: ${sequence}`);
}

/** Splits on commas that are not backslash-escaped; escapes stay in the terms. */
function splitTerms(selector: string): string[] {
  if (selector === '') return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** Splits a term at its first operator; at one position `!=` wins over `==`, which wins over `=`. */
function splitTerm(term: string): { field: string; operator: string; value: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const operator of ['!=', '==', '=']) {
      if (term.startsWith(operator, i)) return { field: term.slice(0, i), operator, value: term.slice(i + operator.length) };
    }
  }
  return undefined;
}
