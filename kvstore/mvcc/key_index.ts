import { MvccError, MvccErrorCode } from './errors.js';
import { compareRevisions, revisionLess, ZERO_REVISION, type Revision } from './revision.js';

/**
 * One life of a key: from its creation to its deletion (the tombstone, when there is one, is the
 * last revision of the generation).
 */
export interface Generation {
  /** Number of puts in this generation. */
  ver: number;
  /** The revision that created the key in this generation. */
  created: Revision;
  /** Every revision of the key in this generation, in order. */
  revs: Revision[];
}

/**
 * The history of one user key, as a list of generations. A worked example: the key is put at
 * revisions 1.0, 2.0, 3.0, deleted at 4.0, put at 5.0 and 6.0:
 *
 *     generations: [ {ver: 3, created: 1.0, revs: [1.0, 2.0, 3.0, 4.0(t)]},
 *                    {ver: 2, created: 5.0, revs: [5.0, 6.0]} ]
 *
 * get(3) finds 3.0 (version 3, created 1.0); get(4) finds nothing (deleted); get(6) finds 6.0
 * (version 2, created 5.0). After a tombstone a new, empty generation is opened.
 *
 * Compacting at revision R keeps, in each generation, the largest revision <= R (so that reads at
 * R still work) and everything after it; a generation whose tombstone is <= R disappears whole.
 */
export class KeyIndex {
  readonly key: string;
  /** The latest revision of the key. Invariant: the last revision of the last non-empty generation. */
  modified: Revision = ZERO_REVISION;
  generations: Generation[] = [];

  constructor(key: string) {
    this.key = key;
  }

  put(rev: Revision): void {
    if (!revisionLess(this.modified, rev)) {
      throw new MvccError(MvccErrorCode.INTERNAL, `put with unexpected smaller revision [${rev.main}.${rev.sub} <= ${this.modified.main}.${this.modified.sub}]`);
    }
    if (this.generations.length === 0) this.generations.push({ ver: 0, created: ZERO_REVISION, revs: [] });
    const g = this.generations[this.generations.length - 1] as Generation;
    if (g.revs.length === 0) g.created = rev;
    g.revs.push(rev);
    g.ver++;
    this.modified = rev;
  }

  /** Records a deletion at rev: the current generation ends, and a new empty one opens. */
  tombstone(rev: Revision): void {
    const g = this.generations[this.generations.length - 1];
    if (g === undefined || g.revs.length === 0) {
      throw new MvccError(MvccErrorCode.INTERNAL, `tombstone on a key that does not exist: ${JSON.stringify(this.key)}`);
    }
    this.put(rev);
    this.generations.push({ ver: 0, created: ZERO_REVISION, revs: [] });
  }

  /** Whether the key exists (is not deleted) at its latest revision. */
  isLive(): boolean {
    const g = this.generations[this.generations.length - 1];
    return g !== undefined && g.revs.length > 0;
  }

  isEmpty(): boolean {
    return this.generations.length === 1 && (this.generations[0] as Generation).revs.length === 0;
  }

  /**
   * The revision of the key visible at store revision atRev, with its creation revision and
   * version; undefined if the key did not exist then.
   */
  get(atRev: number): { modified: Revision; created: Revision; version: number } | undefined {
    const g = this.findGeneration(atRev);
    if (g === undefined) return undefined;
    // The last revision in g whose main <= atRev.
    let lo = 0;
    let hi = g.revs.length - 1;
    let n = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((g.revs[mid] as Revision).main <= atRev) {
        n = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (n < 0) return undefined;
    return { modified: g.revs[n] as Revision, created: g.created, version: g.ver - (g.revs.length - n - 1) };
  }

  /**
   * The generation holding the key's state at atRev, or undefined if the key was absent then
   * (never created yet, or deleted with no later re-creation before atRev).
   */
  private findGeneration(atRev: number): Generation | undefined {
    const last = this.generations.length - 1;
    for (let i = last; i >= 0; i--) {
      const g = this.generations[i] as Generation;
      if (g.revs.length === 0) continue;
      const tomb = g.revs[g.revs.length - 1] as Revision;
      // A generation that ended in a tombstone at or before atRev: the key is deleted at atRev.
      if (i !== last && tomb.main <= atRev) return undefined;
      if ((g.revs[0] as Revision).main <= atRev) return g;
    }
    return undefined;
  }

  /**
   * Revisions with main >= rev, for watch history; when a transaction changed the key more than
   * once, only its last change is returned.
   */
  since(rev: number): Revision[] {
    const out: Revision[] = [];
    let lastMain = -1;
    for (const g of this.generations) {
      for (const r of g.revs) {
        if (r.main < rev) continue;
        if (r.main === lastMain) out[out.length - 1] = r;
        else out.push(r);
        lastMain = r.main;
      }
    }
    return out;
  }

  /**
   * Drops history older than atRev. Adds to `keep` the revisions that must stay in the backend
   * (those still visible at some revision >= atRev). Returns whether the whole key can be dropped.
   */
  compact(atRev: number, keep: Set<string>): boolean {
    // Find the first generation that is still relevant at atRev: one with a revision > atRev, or the
    // last generation, or one not ended by a tombstone <= atRev.
    let gi = 0;
    while (gi < this.generations.length - 1) {
      const g = this.generations[gi] as Generation;
      const tomb = g.revs[g.revs.length - 1] as Revision;
      if (tomb.main > atRev) break;
      gi++;
    }
    const g = this.generations[gi] as Generation;
    // Within it, keep the last revision <= atRev (unless it is the tombstone) and all after it.
    let n = -1;
    for (let i = 0; i < g.revs.length; i++) if ((g.revs[i] as Revision).main <= atRev) n = i;
    if (n >= 0) {
      const isTombstone = gi < this.generations.length - 1 && n === g.revs.length - 1;
      const r = g.revs[n] as Revision;
      if (!isTombstone) keep.add(revKey(r));
      g.revs = g.revs.slice(n);
      if (isTombstone) {
        // Deleted at or before atRev, and nothing else in the generation: drop it.
        g.revs = [];
      }
    }
    this.generations = this.generations.slice(gi);
    if (g.revs.length === 0 && this.generations.length > 1) this.generations.shift();
    return this.isEmpty() || this.generations.length === 0;
  }

  toString(): string {
    return `${JSON.stringify(this.key)} modified=${this.modified.main}.${this.modified.sub} generations=${this.generations
      .map((g) => `{ver=${g.ver} created=${g.created.main} revs=[${g.revs.map((r) => `${r.main}.${r.sub}`).join(',')}]}`)
      .join(' ')}`;
  }
}

/** A revision as a map key. */
export function revKey(r: Revision): string {
  return `${r.main}.${r.sub}`;
}

export { compareRevisions };
