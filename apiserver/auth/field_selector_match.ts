import { parseFieldSelector, SelectorError } from '../selectors/index.js';

/**
 * For request info: the value a field selector requires `field` to equal (`metadata.name=foo`
 * makes a list or watch a request about foo), or undefined when it requires none or does not parse.
 */
export function fieldSelectorExactMatch(selector: string, field: string): string | undefined {
  try {
    return parseFieldSelector(selector).requiresExactMatch(field);
  } catch (err) {
    if (err instanceof SelectorError) return undefined;
    throw err;
  }
}

export function isValidFieldSelector(selector: string): boolean {
  try {
    parseFieldSelector(selector);
    return true;
  } catch (err) {
    if (err instanceof SelectorError) return false;
    throw err;
  }
}
