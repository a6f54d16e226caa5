/**
 * Just enough of Kubernetes' field selector grammar (k8s.io/apimachinery/pkg/fields) for request
 * info: parse a selector and ask which value it requires a field to equal. A list or watch with
 * `fieldSelector=metadata.name=foo` is authorized as a request for the object named foo.
 *
 * Grammar: terms separated by unescaped commas; each term is `key=value`, `key==value` or
 * `key!=value` (the first operator found, trying `!=`, `==`, `=` at each position); `\,`, `\=`
 * and `\\` escape in values. A term without an operator, or a bad escape, is a parse error.
 */

interface Term {
  readonly field: string;
  readonly equal: boolean;
  readonly value: string;
}

const OPERATORS = ['!=', '==', '='] as const;

/** The parsed terms, or undefined when the selector does not parse. '' parses to no terms. */
function parseTerms(selector: string): Term[] | undefined {
  const terms: Term[] = [];
  for (const raw of splitUnescaped(selector)) {
    if (raw === '') continue;
    const split = splitTerm(raw);
    if (split === undefined) return undefined;
    const value = unescapeValue(split.rhs);
    if (value === undefined) return undefined;
    terms.push({ field: split.lhs, equal: split.op !== '!=', value });
  }
  return terms;
}

function splitUnescaped(selector: string): string[] {
  if (selector === '') return [];
  const out: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (escaped) {
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === ',') {
      out.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  out.push(selector.slice(start));
  return out;
}

function splitTerm(term: string): { lhs: string; op: string; rhs: string } | undefined {
  let escaped = false;
  for (let i = 0; i < term.length; i++) {
    if (escaped) {
      escaped = false;
      continue;
    }
    if (term[i] === '\\') {
      escaped = true;
      continue;
    }
    for (const op of OPERATORS) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

function unescapeValue(value: string): string | undefined {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c !== '\\') {
      if (c === ',' || c === '=') return undefined;
      out += c;
      continue;
    }
    const next = value[i + 1];
    if (next !== '\\' && next !== ',' && next !== '=') return undefined;
    out += next;
    i++;
  }
  return out;
}

/**
 * The value `field` must equal for the selector to match (fields.Selector.RequiresExactMatch), or
 * undefined when the selector does not pin it or does not parse.
 */
export function fieldSelectorExactMatch(selector: string, field: string): string | undefined {
  const terms = parseTerms(selector);
  if (terms === undefined) return undefined;
  for (const term of terms) {
    if (term.field === field && term.equal) return term.value;
  }
  return undefined;
}

/** Whether the field selector parses. */
export function isValidFieldSelector(selector: string): boolean {
  return parseTerms(selector) !== undefined;
}
