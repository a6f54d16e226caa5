/**
 * JSON Pointer (RFC 6901): `""` is the whole document, otherwise `/`-separated reference tokens in
 * which `~1` stands for `/` and `~0` for `~`. Array indices are `0` or digits without a leading
 * zero; `-` names the position after the last element (only an add can use it).
 */
import { PatchError, PatchErrorCode } from './errors.js';

export const END_OF_ARRAY = '-';

export function parseJsonPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw new PatchError(
      PatchErrorCode.JSON_PATCH_INVALID_POINTER,
      `JSON pointer must be empty or start with "/": ${JSON.stringify(pointer)}`,
    );
  }
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~[^01]|~$/.test(token)) {
        throw new PatchError(
          PatchErrorCode.JSON_PATCH_INVALID_POINTER,
          `invalid escape in JSON pointer ${JSON.stringify(pointer)}: only ~0 and ~1 are allowed`,
        );
      }
      return token.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

export function formatJsonPointer(tokens: readonly string[]): string {
  return tokens.map((t) => `/${t.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** The array index a token names, or undefined when it is not `0` or a digit string without a leading zero. */
export function parseArrayIndex(token: string): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const index = Number(token);
  return Number.isSafeInteger(index) ? index : undefined;
}

/** Whether `prefix` names `tokens` or one of its ancestors. */
export function isPointerPrefix(prefix: readonly string[], tokens: readonly string[]): boolean {
  return prefix.length <= tokens.length && prefix.every((t, i) => tokens[i] === t);
}
