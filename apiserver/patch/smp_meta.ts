/**
 * Patch metadata of a field, read from its schema: Kubernetes' patchStrategy and patchMergeKey
 * struct tags, carried as x-kubernetes-patch-strategy and x-kubernetes-patch-merge-key.
 * A field the schema says nothing about has no strategy: its maps merge and its lists are replaced.
 */
import type { Schema } from '../registry/schema.js';
import { PatchError, PatchErrorCode } from './errors.js';

export interface PatchMeta {
  /** 'merge' merges lists (by mergeKey, or as sets of scalars); 'replace' replaces maps whole; '' is the default. */
  readonly strategy: string;
  /** Whether 'retainKeys' was among the strategies (it changes nothing on apply; $retainKeys does). */
  readonly retainKeys: boolean;
  readonly mergeKey: string | undefined;
}

const NO_META: PatchMeta = { strategy: '', retainKeys: false, mergeKey: undefined };

export function patchMetaOf(schema: Schema | undefined): PatchMeta {
  if (schema === undefined) return NO_META;
  const raw = schema['x-kubernetes-patch-strategy'];
  const mergeKey = schema['x-kubernetes-patch-merge-key'] || undefined;
  const strategies = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  switch (strategies.length) {
    case 0:
      return { strategy: '', retainKeys: false, mergeKey };
    case 1:
      return strategies[0] === 'retainKeys'
        ? { strategy: '', retainKeys: true, mergeKey }
        : { strategy: strategies[0] as string, retainKeys: false, mergeKey };
    case 2:
      if (strategies[0] === 'retainKeys') return { strategy: strategies[1] as string, retainKeys: true, mergeKey };
      if (strategies[1] === 'retainKeys') return { strategy: strategies[0] as string, retainKeys: true, mergeKey };
      throw badStrategy(strategies);
    default:
      throw badStrategy(strategies);
  }
}

function badStrategy(strategies: string[]): PatchError {
  return new PatchError(PatchErrorCode.SMP_BAD_PATCH_STRATEGY, `unexpected patch strategy: [${strategies.join(' ')}]`);
}
