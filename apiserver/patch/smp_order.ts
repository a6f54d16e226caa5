/**
 * Order of a merged list, as strategicpatch computes it. Items are split into those the patch (or
 * its $setElementOrder list) names and those only the server has. Patch items take the patch's
 * order, server-only items keep their live order, and the two are interleaved: a server-only
 * item goes first only when it stood before the next patch item in the live list. So an element
 * the patch adds lands in front of the server's elements unless $setElementOrder places it.
 *
 * Worked example: live [a b c], patch [c' a'] (no $setElementOrder) gives [b c' a']: b is
 * server-only and stood before c in the live list.
 */
import { type JsonValue, hasOwn, isJsonObject, jsonEqual, jsonKind } from './json.js';
import { PatchError, PatchErrorCode } from './errors.js';
import { goFormat } from './go_format.js';

/** How list items are identified: by the merge key of map elements, or by value for scalars. */
export type ItemIdentity = { readonly mergeKey: string } | { readonly mergeKey: undefined };

function identity(item: JsonValue, id: ItemIdentity): JsonValue | undefined {
  if (id.mergeKey === undefined) return item;
  return isJsonObject(item) && hasOwn(item, id.mergeKey) ? item[id.mergeKey] : undefined;
}

/**
 * Index of the item with the same identity in `list`, or -1. A map without the merge key has no
 * identity; it is found only as the very same value (so a live element lacking the key keeps its
 * place instead of failing the patch, as upstream's ErrNoMergeKey would).
 */
export function indexOfItem(list: readonly JsonValue[], item: JsonValue, id: ItemIdentity): number {
  const key = identity(item, id);
  if (key === undefined) return list.indexOf(item);
  return list.findIndex((other) => {
    const otherKey = identity(other, id);
    return otherKey !== undefined && jsonEqual(otherKey, key);
  });
}

/** Splits `items` into those whose identity appears in `by` and those it does not, keeping order. */
export function partitionByPresence(
  items: readonly JsonValue[],
  by: readonly JsonValue[],
  id: ItemIdentity,
): { present: JsonValue[]; absent: JsonValue[] } {
  const present: JsonValue[] = [];
  const absent: JsonValue[] = [];
  for (const item of items) (indexOfItem(by, item, id) >= 0 ? present : absent).push(item);
  return { present, absent };
}

function sortByOrder(items: readonly JsonValue[], order: readonly JsonValue[], id: ItemIdentity): JsonValue[] {
  const rank = (item: JsonValue): number => {
    const i = indexOfItem(order, item, id);
    return i < 0 ? Number.POSITIVE_INFINITY : i;
  };
  return items
    .map((item, position) => ({ item, position, rank: rank(item) }))
    .sort((x, y) => (x.rank === y.rank ? x.position - y.position : x.rank < y.rank ? -1 : 1))
    .map((e) => e.item);
}

/**
 * The final order: `patchItems` sorted by `patchOrder`, `serverOnly` sorted by `serverOrder`, then
 * interleaved by their positions in `serverOrder` (the live list).
 */
export function normalizeElementOrder(
  patchItems: readonly JsonValue[],
  serverOnly: readonly JsonValue[],
  patchOrder: readonly JsonValue[],
  serverOrder: readonly JsonValue[],
  id: ItemIdentity,
): JsonValue[] {
  const right = sortByOrder(patchItems, patchOrder, id);
  const left = sortByOrder(serverOnly, serverOrder, id);
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) {
      out.push(left[i++] as JsonValue);
    } else if (i >= left.length) {
      out.push(right[j++] as JsonValue);
    } else {
      const li = indexOfItem(serverOrder, left[i] as JsonValue, id);
      const ri = indexOfItem(serverOrder, right[j] as JsonValue, id);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++] as JsonValue);
      else out.push(right[j++] as JsonValue);
    }
  }
  return out;
}

/**
 * The one element kind shared by the given lists ('object' or a scalar kind), or undefined when
 * they are all empty. Lists of lists and mixed kinds are errors, as in strategicpatch.
 */
export function listElementKind(...lists: ReadonlyArray<readonly JsonValue[]>): string | undefined {
  let kind: string | undefined;
  for (const list of lists) {
    for (const item of list) {
      const k = jsonKind(item);
      if (k === 'array') throw new PatchError(PatchErrorCode.SMP_LIST_OF_LISTS, 'lists of lists are not supported');
      if (kind === undefined) kind = k;
      else if (kind !== k) {
        throw new PatchError(
          PatchErrorCode.SMP_MIXED_LIST_TYPES,
          `list element types are not identical: ${goFormat(lists.map((l) => [...l]))}`,
        );
      }
    }
  }
  return kind;
}

/** Removes duplicate scalars, keeping the first occurrence. */
export function dedupeScalars(items: readonly JsonValue[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const item of items) if (!out.some((o) => jsonEqual(o, item))) out.push(item);
  return out;
}
