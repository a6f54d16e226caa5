import { describe, expect, it } from 'vitest';
import { Prng } from '../../raft/index.js';
import { MvccErrorCode } from './errors.js';
import { MvccStore } from './store.js';
import { applyDeleteRange, applyPut, applyTxn, NO_LEASES } from './txn.js';
import type { KeyValue, RequestOp } from './types.js';

/**
 * Random puts, deletes, multi-change transactions, compactions and restarts (a new store restored
 * from the old one's history, as the backend does at start-up), checked after every step against a
 * naive model that keeps a full copy of the key space at every revision. Values are random bytes of
 * random sizes, empty ones and some larger than a history chunk among them. A failure names its seed.
 */

const SEEDS = 12;
const STEPS = 160;
const KEYS = ['a', 'b', 'c', 'd', 'e', 'f'];
const ALL = new Uint8Array([0]);

interface ModelKv {
  readonly value: Buffer;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
}

/** One change as the model saw it: which key, at which (main, sub), put or delete. */
interface ModelChange {
  readonly main: number;
  readonly sub: number;
  readonly key: string;
  readonly type: 'put' | 'delete';
}

class Model {
  /** states[rev]: the key space after revision rev (index 1 is the empty store). */
  readonly states: Array<Map<string, ModelKv>> = [new Map(), new Map()];
  readonly changes: ModelChange[] = [];
  compactRevision = 0;

  get current(): number {
    return this.states.length - 1;
  }

  /** Applies one revision's writes, in order; returns false (and changes nothing) if none changed anything. */
  commit(writes: ReadonlyArray<{ key: string; value?: Buffer }>): boolean {
    const rev = this.current + 1;
    const next = new Map(this.states[this.current]);
    const changes: ModelChange[] = [];
    for (const w of writes) {
      const prev = next.get(w.key);
      if (w.value === undefined) {
        if (prev === undefined) continue;
        next.delete(w.key);
        changes.push({ main: rev, sub: changes.length, key: w.key, type: 'delete' });
      } else {
        next.set(w.key, { value: w.value, createRevision: prev?.createRevision ?? rev, modRevision: rev, version: (prev?.version ?? 0) + 1 });
        changes.push({ main: rev, sub: changes.length, key: w.key, type: 'put' });
      }
    }
    if (changes.length === 0) return false;
    this.states.push(next);
    this.changes.push(...changes);
    return true;
  }

  /** The changes a compaction at compactRevision must keep: all later ones, and each key's last put at or before it. */
  kept(): ModelChange[] {
    const lastAtOrBefore = new Map<string, ModelChange>();
    for (const c of this.changes) if (c.main <= this.compactRevision) lastAtOrBefore.set(c.key, c);
    return this.changes.filter((c) => c.main > this.compactRevision || (c.type === 'put' && lastAtOrBefore.get(c.key) === c));
  }
}

function randomValue(rng: Prng): Buffer {
  const roll = rng.int(100);
  // Mostly small; some empty; a few spanning much of a chunk or larger than the largest chunk (1 MiB).
  const size = roll < 10 ? 0 : roll < 90 ? rng.int(600) : roll < 97 ? 20_000 + rng.int(300_000) : 1024 * 1024 + rng.int(100_000);
  const v = Buffer.alloc(size);
  for (let i = 0; i + 4 <= size; i += 4) v.writeUInt32LE(rng.nextU32(), i);
  for (let i = size & ~3; i < size; i++) v[i] = rng.int(256);
  return v;
}

/** A KeyValue as compared: the value by length and whether it equals the expected bytes (big values stay cheap). */
function view(kv: KeyValue, want?: Uint8Array): object {
  const value = want === undefined || Buffer.from(kv.value.buffer, kv.value.byteOffset, kv.value.byteLength).equals(want) ? kv.value.length : 'differs';
  return { key: Buffer.from(kv.key).toString(), value, create: kv.createRevision, mod: kv.modRevision, version: kv.version };
}

function expectedView(key: string, kv: ModelKv): object {
  return { key, value: kv.value.length, create: kv.createRevision, mod: kv.modRevision, version: kv.version };
}

/** Every read the store can still serve, against the model. */
function check(store: MvccStore, model: Model, seed: number, step: number): void {
  const at = `seed ${seed} step ${step}`;
  expect(store.currentRevision, at).toBe(model.current);
  expect(store.compactRevision, at).toBe(model.compactRevision);
  for (let rev = Math.max(1, model.compactRevision); rev <= model.current; rev++) {
    const state = model.states[rev] as Map<string, ModelKv>;
    const all = store.range(ALL, { rangeEnd: ALL, revision: rev }).kvs.map((kv) => view(kv, state.get(Buffer.from(kv.key).toString())?.value));
    const want = [...state.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, kv]) => expectedView(k, kv));
    expect(all, `${at}: range all at ${rev}`).toEqual(want);
  }
  if (model.compactRevision > 1) {
    expect(() => store.range(ALL, { rangeEnd: ALL, revision: model.compactRevision - 1 }), at).toThrowError(
      expect.objectContaining({ code: MvccErrorCode.COMPACTED }),
    );
  }
  // History holds exactly what some read at or after the compaction revision can see.
  const kept = model.kept();
  expect(store.historySize().changes, `${at}: changes held`).toBe(kept.length);
  const keptSet = new Set(kept.map((c) => `${c.main}.${c.sub}`));
  for (const c of model.changes) expect(store.hasChange(c), `${at}: change ${c.main}.${c.sub}`).toBe(keptSet.has(`${c.main}.${c.sub}`));
  // Watch catch-up sees every change after the compaction revision, in order.
  const seen: string[] = [];
  store.changesBetween(model.compactRevision + 1, model.current, (rev, c) => void seen.push(`${rev}:${c.type}:${Buffer.from(c.kv.key).toString()}`));
  expect(seen, `${at}: changesBetween`).toEqual(model.changes.filter((c) => c.main > model.compactRevision).map((c) => `${c.main}:${c.type}:${c.key}`));
}

/** A new store holding what `store` holds, rebuilt revision by revision as Backend.load does at start-up. */
function restart(store: MvccStore): MvccStore {
  const restored = new MvccStore();
  for (let rev = 1; rev <= store.currentRevision; rev++) {
    const changes = store.changesAt(rev);
    if (changes !== undefined) restored.restore(rev, changes, store.compactRevision);
  }
  restored.restore(store.compactRevision, [], store.compactRevision);
  return restored;
}

function runSeed(seed: number): { restarts: number; compactions: number; bigValues: number } {
  const rng = new Prng(seed);
  let store = new MvccStore();
  const model = new Model();
  /** KeyValues read out earlier, with what they must still say (they are views into history chunks). */
  const held: Array<{ kv: KeyValue; want: object; value: Buffer }> = [];
  const stats = { restarts: 0, compactions: 0, bigValues: 0 };
  for (let step = 0; step < STEPS; step++) {
    const roll = rng.int(100);
    if (roll < 45) {
      const key = rng.pick(KEYS);
      const value = randomValue(rng);
      if (value.length > 1024 * 1024) stats.bigValues++;
      applyPut(store, { key: Buffer.from(key), value, lease: 0 }, NO_LEASES);
      model.commit([{ key, value }]);
    } else if (roll < 60) {
      const from = rng.int(KEYS.length);
      const to = from + 1 + rng.int(3);
      const keys = KEYS.slice(from, to);
      applyDeleteRange(store, { key: Buffer.from(KEYS[from] as string), rangeEnd: to >= KEYS.length ? ALL : Buffer.from(KEYS[to] as string) }, NO_LEASES);
      model.commit(keys.map((key) => ({ key })));
    } else if (roll < 80) {
      // One transaction, several changes: distinct keys, each put or deleted, in one revision.
      const keys = KEYS.filter(() => rng.chance(0.5));
      const writes = keys.map((key) => (rng.chance(0.7) ? { key, value: randomValue(rng) } : { key }));
      const success: RequestOp[] = writes.map((w) =>
        w.value === undefined
          ? { type: 'deleteRange', request: { key: Buffer.from(w.key) } }
          : { type: 'put', request: { key: Buffer.from(w.key), value: w.value, lease: 0 } },
      );
      applyTxn(store, { compare: [], success, failure: [] }, NO_LEASES);
      model.commit(writes);
    } else if (roll < 90) {
      if (model.current > model.compactRevision) {
        const rev = model.compactRevision + 1 + rng.int(model.current - model.compactRevision);
        store.compact(rev);
        model.compactRevision = rev;
        stats.compactions++;
      }
    } else if (roll < 95) {
      store = restart(store);
      stats.restarts++;
    } else {
      // Read some values out and keep them across later compactions and writes.
      const kvs = store.range(ALL, { rangeEnd: ALL }).kvs;
      if (kvs.length > 0) {
        const kv = rng.pick(kvs);
        held.push({ kv, want: view(kv), value: Buffer.from(kv.value) });
      }
    }
    check(store, model, seed, step);
    for (const h of held) expect(view(h.kv, h.value), `seed ${seed} step ${step}: a KeyValue read out earlier`).toEqual(h.want);
  }
  return stats;
}

describe('MvccStore against a model (seeded)', () => {
  it('serves every read at or after the compaction revision, keeps exactly what those reads see, and restores', () => {
    const totals = { restarts: 0, compactions: 0, bigValues: 0 };
    for (let seed = 1; seed <= SEEDS; seed++) {
      const s = runSeed(seed);
      totals.restarts += s.restarts;
      totals.compactions += s.compactions;
      totals.bigValues += s.bigValues;
    }
    // The seeds do exercise what the test is about.
    expect(totals.restarts).toBeGreaterThan(10);
    expect(totals.compactions).toBeGreaterThan(20);
    expect(totals.bigValues).toBeGreaterThan(3);
  });
});
