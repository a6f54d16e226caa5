import type { Entry } from '../types.js';
import { violation } from './checkers.js';

/**
 * The simulated application: it applies committed entries in order and keeps a hash chain over
 * them, so two nodes that applied the same entries up to an index hold the same 52-bit hash there,
 * and a snapshot is just (hash, command count). Its snapshot data is what a leader ships to a
 * lagging follower.
 */
export class HashStateMachine {
  /** Invariant: entries are applied at appliedIndex + 1, one after another. */
  appliedIndex = 0;
  hash = 0;
  /** Normal, non-empty entries applied (client commands). */
  commandCount = 0;

  constructor(readonly nodeId: number) {}

  apply(e: Entry): void {
    if (e.index !== this.appliedIndex + 1) {
      violation('ApplyOrder', `n${this.nodeId} was handed index ${e.index} to apply after ${this.appliedIndex}`);
    }
    this.appliedIndex = e.index;
    this.hash = chainHash(this.hash, e);
    if (e.type === 'normal' && e.data.length > 0) this.commandCount++;
  }

  snapshotData(): Uint8Array {
    const out = new Uint8Array(12);
    const view = new DataView(out.buffer);
    view.setUint32(0, Math.floor(this.hash / 0x1_0000_0000));
    view.setUint32(4, this.hash >>> 0);
    view.setUint32(8, this.commandCount);
    return out;
  }

  /** Restores the state at `index` from snapshot data (empty data means the empty state). */
  restore(index: number, data: Uint8Array): void {
    this.appliedIndex = index;
    if (data.length === 0) {
      this.hash = 0;
      this.commandCount = 0;
      return;
    }
    if (data.length !== 12) violation('StateMachineSafety', `n${this.nodeId} got snapshot data of ${data.length} bytes`);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.hash = view.getUint32(0) * 0x1_0000_0000 + view.getUint32(4);
    this.commandCount = view.getUint32(8);
  }
}

/** Extends a hash chain by one entry: two FNV-1a lanes folded into a safe 52-bit integer. */
export function chainHash(prev: number, e: Entry): number {
  let a = (prev >>> 0) ^ 0x811c9dc5;
  let b = Math.floor(prev / 0x1_0000_0000) ^ 0x01000193;
  const mix = (x: number): void => {
    a = Math.imul(a ^ x, 0x01000193);
    b = Math.imul(b ^ x, 0x5bd1e995) ^ (b >>> 15);
  };
  mix(e.index | 0);
  mix(Math.floor(e.index / 0x1_0000_0000));
  mix(e.term | 0);
  mix(e.type === 'confChange' ? 1 : 0);
  for (let i = 0; i < e.data.length; i++) mix(e.data[i] as number);
  mix(e.data.length);
  return (b & 0xfffff) * 0x1_0000_0000 + (a >>> 0);
}
