import { MvccError, MvccErrorCode } from './errors.js';
import { compareRevisions, ZERO_REVISION, type Revision } from './revision.js';

/**
 * The history of one user key: its generations, each one life of the key from its creation to its
 * deletion (the tombstone, when there is one, is the last revision of the generation). A worked
 * example: the key is put at revisions 1.0, 2.0, 3.0, deleted at 4.0, put at 5.0 and 6.0:
 *
 *     generations: [ {ver: 3, created: 1.0, revs: [1.0, 2.0, 3.0, 4.0(t)]},
 *                    {ver: 2, created: 5.0, revs: [5.0, 6.0]} ]
 *
 * get(3) finds 3.0 (version 3, created 1.0); get(4) finds nothing (deleted); get(6) finds 6.0
 * (version 2, created 5.0).
 *
 * Compacting at revision R keeps, in each generation, the largest revision <= R (so that reads at
 * R still work) and everything after it; a generation whose tombstone is <= R disappears whole.
 *
 * Held compactly, as a store has one per key: every generation's revisions as one flat sequence of
 * numbers, main then sub, with a tombstone's sub stored as -(sub + 1). A tombstone ends its
 * generation, so the generations need no objects of their own. The first revision lives in two
 * fields and only the others in an array, so a key with one revision (most keys, after a
 * compaction) has no array at all. Only the oldest generation can lose revisions to compaction;
 * what its version count and creation revision were is kept in `trimmed`.
 */
export class KeyIndex {
  readonly key: string;
  /**
   * The sequence [main0, sub0, main1, sub1, …] in increasing revision order (a negative sub marks a
   * tombstone) is [firstMain, firstSub, ...rest]; firstMain is 0 when it is empty (revisions start at 1).
   * Invariant: firstMain === 0 implies rest is empty.
   */
  private firstMain = 0;
  private firstSub = 0;
  private rest: number[] = EMPTY_REVS;
  /** The oldest generation's dropped revisions (for versions) and its creation, after compaction trimmed it. */
  private trimmed: { readonly dropped: number; readonly created: Revision } | undefined = undefined;

  constructor(key: string) {
    this.key = key;
  }

  /** The latest revision of the key (ZERO_REVISION for a key never written). */
  get modified(): Revision {
    const n = this.length();
    return n === 0 ? ZERO_REVISION : this.revisionAt(n - 2);
  }

  put(rev: Revision): void {
    this.append(rev, rev.sub);
  }

  /** Records a deletion at rev: the current generation ends. */
  tombstone(rev: Revision): void {
    if (!this.isLive()) {
      throw new MvccError(MvccErrorCode.INTERNAL, `tombstone on a key that does not exist: ${JSON.stringify(this.key)}`);
    }
    this.append(rev, -(rev.sub + 1));
  }

  /** Whether the key exists (is not deleted) at its latest revision. */
  isLive(): boolean {
    const n = this.length();
    return n > 0 && this.num(n - 1) >= 0;
  }

  /** Whether no revision of the key is left. */
  isEmpty(): boolean {
    return this.firstMain === 0;
  }

  /**
   * The revision of the key visible at store revision atRev, with its creation revision and
   * version; undefined if the key did not exist then.
   */
  get(atRev: number): { modified: Revision; created: Revision; version: number } | undefined {
    const p = this.lastAtOrBefore(atRev);
    // Nothing yet, or the latest change by then was a deletion.
    if (p < 0 || this.num(p + 1) < 0) return undefined;
    const start = this.generationStart(p);
    const puts = (p - start) / 2 + 1;
    if (start === 0 && this.trimmed !== undefined) {
      return { modified: this.revisionAt(p), created: this.trimmed.created, version: this.trimmed.dropped + puts };
    }
    return { modified: this.revisionAt(p), created: this.revisionAt(start), version: puts };
  }

  /**
   * Revisions with main >= rev, for watch history; when a transaction changed the key more than
   * once, only its last change is returned.
   */
  since(rev: number): Revision[] {
    const out: Revision[] = [];
    let lastMain = -1;
    for (let p = 0; p < this.length(); p += 2) {
      const r = this.revisionAt(p);
      if (r.main < rev) continue;
      if (r.main === lastMain) out[out.length - 1] = r;
      else out.push(r);
      lastMain = r.main;
    }
    return out;
  }

  /**
   * Drops history older than atRev. Calls `keep` with the revisions that must stay in the backend
   * (those still visible at some revision >= atRev). Returns whether the whole key can be dropped.
   */
  compact(atRev: number, keep: (rev: Revision) => void): boolean {
    const p = this.lastAtOrBefore(atRev);
    if (p < 0) return this.isEmpty();
    if (this.num(p + 1) < 0) {
      // Deleted at or before atRev: every generation up to that tombstone goes.
      this.trimmed = undefined;
      this.dropFirst(p + 2);
      return this.isEmpty();
    }
    // p is a put in the oldest generation still relevant: keep it and everything after it.
    const start = this.generationStart(p);
    keep(this.revisionAt(p));
    if (p > 0) {
      const before = start === 0 ? this.trimmed : undefined;
      this.trimmed = { dropped: (before?.dropped ?? 0) + (p - start) / 2, created: before?.created ?? this.revisionAt(start) };
      if (p === start) this.trimmed = before;
      this.dropFirst(p);
    }
    return false;
  }

  /** The main revisions of each generation, oldest first (for tests and debugging). */
  generationMains(): number[][] {
    const gens: number[][] = [];
    let open = false;
    for (let p = 0; p < this.length(); p += 2) {
      if (!open) gens.push([]);
      (gens[gens.length - 1] as number[]).push(this.num(p));
      open = this.num(p + 1) >= 0;
    }
    return gens;
  }

  toString(): string {
    const m = this.modified;
    return `${JSON.stringify(this.key)} modified=${m.main}.${m.sub} generations=${this.generationMains()
      .map((g) => `[${g.join(',')}]`)
      .join(' ')}`;
  }

  private append(rev: Revision, storedSub: number): void {
    const modified = this.modified;
    if (compareRevisions(modified, rev) >= 0) {
      throw new MvccError(MvccErrorCode.INTERNAL, `put with unexpected smaller revision [${rev.main}.${rev.sub} <= ${modified.main}.${modified.sub}]`);
    }
    if (this.firstMain === 0) {
      this.firstMain = rev.main;
      this.firstSub = storedSub;
    } else if (this.rest.length < EXACT_UP_TO) {
      // concat sizes the array exactly; push would reserve room for 16 more numbers, and most keys
      // only ever have a revision or two.
      this.rest = this.rest.concat(rev.main, storedSub);
    } else {
      this.rest.push(rev.main, storedSub);
    }
  }

  /** How many numbers the sequence holds (twice the revisions). */
  private length(): number {
    return this.firstMain === 0 ? 0 : 2 + this.rest.length;
  }

  /** The number at position i of the sequence. */
  private num(i: number): number {
    if (i === 0) return this.firstMain;
    if (i === 1) return this.firstSub;
    return this.rest[i - 2] as number;
  }

  /** Drops the first p numbers (p even) of the sequence. */
  private dropFirst(p: number): void {
    if (p === 0) return;
    const n = this.length();
    if (p >= n) {
      this.firstMain = 0;
      this.firstSub = 0;
      this.rest = EMPTY_REVS;
      return;
    }
    this.firstMain = this.num(p);
    this.firstSub = this.num(p + 1);
    this.rest = p + 2 >= n ? EMPTY_REVS : this.rest.slice(p);
  }

  /** The position where the generation holding position p starts. */
  private generationStart(p: number): number {
    let start = p;
    while (start > 0 && this.num(start - 1) >= 0) start -= 2;
    return start;
  }

  /** The revision stored at position p (even). */
  private revisionAt(p: number): Revision {
    const sub = this.num(p + 1);
    return { main: this.num(p), sub: sub < 0 ? -sub - 1 : sub };
  }

  /** The position of the last revision with main <= atRev, or -1. */
  private lastAtOrBefore(atRev: number): number {
    let lo = 0;
    let hi = this.length() / 2 - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.num(2 * mid) <= atRev) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? -1 : 2 * found;
  }
}

const EMPTY_REVS: number[] = [];
/** Up to this many numbers, a key's array of further revisions is copied to grow exactly, not pushed to. */
const EXACT_UP_TO = 16;

export { compareRevisions };
