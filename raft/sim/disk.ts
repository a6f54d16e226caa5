import type { Prng } from '../rand.js';
import type { Ready } from '../ready.js';
import { MemoryStorage } from '../storage.js';
import { encodeConfChange } from '../confchange.js';
import { NONE, type ConfState, type Entry, type HardState, type Snapshot } from '../types.js';

/** How initial members learn the initial membership; see SimDisk's constructor. */
export type BootstrapMode = 'log' | 'snapshot';

/**
 * A simulated node's disk. The MemoryStorage is the durable state: it survives a crash, while
 * everything else the node holds in memory (the core, the state machine, a Ready still being
 * written) is lost. A write takes virtual time; a Ready's messages leave only after it completes.
 */
export interface DiskConditions {
  readonly minWriteDelayMs: number;
  readonly maxWriteDelayMs: number;
}

export const FAST_DISK: DiskConditions = Object.freeze({ minWriteDelayMs: 0.1, maxWriteDelayMs: 2 });

/** What one durable write did, for the checkers. */
export interface WriteRecord {
  readonly snapshot: Snapshot | undefined;
  /** The term of the entry just before `entries` after the write, or undefined if compacted. */
  readonly prevTerm: number | undefined;
  /** The entries actually written (those behind the first retained index are skipped). */
  readonly entries: readonly Entry[];
  readonly hardState: HardState | undefined;
}

export class SimDisk {
  readonly storage: MemoryStorage;
  conditions: DiskConditions = FAST_DISK;
  /**
   * Unsafe, for proving the checkers work end to end: drop the vote from every hard state written,
   * as a driver that forgot to persist it would.
   */
  forgetVotes = false;

  /**
   * A fresh disk. An initial member is bootstrapped with `bootstrap` as its membership: with mode
   * 'log' (etcd's way) the disk also holds one committed addNode entry per initial voter at term 1,
   * so a member that joins later with an empty disk learns the initial membership by replaying
   * the log; with 'snapshot' the membership lives only in the index-0 snapshot.
   */
  constructor(bootstrap: ConfState | undefined, mode: BootstrapMode) {
    if (bootstrap === undefined) {
      this.storage = new MemoryStorage();
      return;
    }
    this.storage = MemoryStorage.withConfState(bootstrap);
    if (mode === 'snapshot') return;
    const entries = bootstrap.voters.map(
      (nodeId, i): Entry => ({ term: 1, index: i + 1, type: 'confChange', data: encodeConfChange({ type: 'addNode', nodeId }) }),
    );
    this.storage.append(entries);
    this.storage.setHardState({ term: 1, vote: NONE, commit: entries.length });
  }

  writeDelayMs(rng: Prng): number {
    const c = this.conditions;
    return Math.round((c.minWriteDelayMs + rng.float() * (c.maxWriteDelayMs - c.minWriteDelayMs)) * 1000) / 1000;
  }

  /** Whether handling this Ready needs a write, i.e. cannot complete in the same instant. */
  static needsWrite(rd: Ready): boolean {
    return rd.snapshot !== undefined || rd.entries.length > 0 || rd.hardState !== undefined;
  }

  /** Step 1 of the Ready contract: snapshot, then entries, then hard state. */
  persist(rd: Ready): WriteRecord {
    const s = this.storage;
    if (rd.snapshot !== undefined) s.applySnapshot(rd.snapshot);
    const w = this.appendEntries(rd.entries, rd.snapshot, rd.hardState);
    if (rd.hardState !== undefined) s.setHardState(this.forgetVotes ? { ...rd.hardState, vote: NONE } : rd.hardState);
    return w;
  }

  /**
   * A write torn by a crash: only the first `count` entries of the Ready reached the disk, and
   * nothing after them (no hard state). Only for Readies without a snapshot.
   */
  persistTorn(rd: Ready, count: number): WriteRecord {
    return this.appendEntries(rd.entries.slice(0, count), undefined, undefined);
  }

  /** Appends entries (skipping those behind the first retained index) and describes the write. */
  private appendEntries(ents: readonly Entry[], snapshot: Snapshot | undefined, hardState: HardState | undefined): WriteRecord {
    const s = this.storage;
    const first = s.firstIndex();
    const skip = ents.length === 0 ? 0 : first - (ents[0] as Entry).index;
    const entries = skip > 0 ? ents.slice(skip) : ents;
    const head = entries[0];
    if (head === undefined) return { snapshot, prevTerm: undefined, entries, hardState };
    const prev = head.index - 1;
    const prevTerm = prev >= first - 1 && prev <= s.lastIndex() ? s.term(prev) : undefined;
    s.append(entries);
    return { snapshot, prevTerm, entries, hardState };
  }
}
