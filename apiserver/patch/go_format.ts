/**
 * Go's `%v` rendering of decoded JSON, so error messages read like kube-apiserver's
 * (`unknown patch type: foo in map: map[$patch:foo name:a]`): maps as `map[k:v …]` with sorted
 * keys, slices as `[a b]`, strings unquoted, null as `<nil>`. Integers print as integers (kube
 * decodes patches with int64 preserved); other numbers as Go's shortest %g.
 */
import { jsonKind } from './json.js';

export function goFormat(value: unknown): string {
  const kind = jsonKind(value);
  switch (kind) {
    case 'null':
      return '<nil>';
    case 'string':
      return value as string;
    case 'boolean':
      return String(value);
    case 'number':
      return goNumber(value as number);
    case 'array':
      return `[${(value as unknown[]).map(goFormat).join(' ')}]`;
    case 'object': {
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
      return `map[${keys.map((k) => `${k}:${goFormat(obj[k])}`).join(' ')}]`;
    }
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/** Go's `%s` of an interface value: strings as they are, anything else as `%!s(type=value)`. */
export function goFormatString(value: unknown): string {
  if (typeof value === 'string') return value;
  return `%!s(${goTypeName(value)}=${goFormat(value)})`;
}

/** The Go type encoding/json decodes a JSON value into (int64 for integers, as kube decodes patches). */
export function goTypeName(value: unknown): string {
  const kind = jsonKind(value);
  switch (kind) {
    case 'null':
      return '<nil>';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(value) ? 'int64' : 'float64';
    case 'array':
      return '[]interface {}';
    case 'object':
      return 'map[string]interface {}';
    default: {
      const never: never = kind;
      return never;
    }
  }
}

function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  const abs = Math.abs(n);
  const exponent = abs === 0 ? 0 : Math.floor(Math.log10(abs));
  if (exponent < -4 || exponent >= 21) {
    const [mantissa, exp = '0'] = n.toExponential().split('e');
    const sign = exp.startsWith('-') ? '-' : '+';
    const digits = exp.replace(/^[+-]/, '').padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return String(n);
}
