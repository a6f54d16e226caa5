/**
 * The directive vocabulary of strategic merge patch, as kubectl writes it:
 *
 *   $patch: replace | delete            on a map (replace it / clear it) or a merged-list element
 *                                        (replace the whole list / delete the element with that key)
 *   $retainKeys: [k, …]                  on a map: drop every existing key not listed
 *   $setElementOrder/<field>: [ … ]      next to a merged list: the order the result must have
 *   $deleteFromPrimitiveList/<field>: [] next to a primitive merged list: values to remove
 */
import { PatchError, PatchErrorCode } from './errors.js';

export const DIRECTIVE_MARKER = '$patch';
export const REPLACE_DIRECTIVE = 'replace';
export const DELETE_DIRECTIVE = 'delete';
export const MERGE_DIRECTIVE = 'merge';
export const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
export const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder';
export const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList';

export const SET_ELEMENT_ORDER_MESSAGE = 'invalid patch format of setElementOrder list';
export const PRIMITIVE_LIST_MESSAGE = 'invalid patch format of primitive list';
export const RETAIN_KEYS_MESSAGE = 'invalid patch format of retainKeys';

export function isSetElementOrderKey(key: string): boolean {
  return key.startsWith(SET_ELEMENT_ORDER_PREFIX);
}

export function isDeleteFromPrimitiveListKey(key: string): boolean {
  return key.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX);
}

/** The field a `$setElementOrder/<field>` or `$deleteFromPrimitiveList/<field>` key refers to. */
export function directiveField(key: string, prefix: typeof SET_ELEMENT_ORDER_PREFIX | typeof DELETE_FROM_PRIMITIVE_LIST_PREFIX): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw prefix === SET_ELEMENT_ORDER_PREFIX
      ? new PatchError(PatchErrorCode.SMP_BAD_SET_ELEMENT_ORDER, SET_ELEMENT_ORDER_MESSAGE)
      : new PatchError(PatchErrorCode.SMP_BAD_PRIMITIVE_LIST, PRIMITIVE_LIST_MESSAGE);
  }
  return key.slice(slash + 1);
}
