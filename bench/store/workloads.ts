/**
 * The request shapes of etcd's tools/benchmark: `put` (random keys of a key space, fixed-size
 * values), `range` (single-key gets, linearizable or serializable), and a sequential fill that
 * writes every key of the key space once.
 */
import { randomBytes } from 'node:crypto';
import type { Connection, Unary } from './conns.js';
import { unary } from './conns.js';
import { runLoop, type LoopResult, type Until } from './load.js';

/** Keys `key00000000` … (11 bytes each) and one value, built once so requests allocate nothing. */
export interface KeySpace {
  readonly keys: readonly Buffer[];
  readonly value: Buffer;
}

export function makeKeySpace(size: number, valueBytes: number): KeySpace {
  const keys = Array.from({ length: size }, (_, i) => Buffer.from(`key${String(i).padStart(8, '0')}`));
  return { keys, value: randomBytes(valueBytes) };
}

interface PutRequest {
  key: Buffer;
  value: Buffer;
}

interface RangeRequest {
  key: Buffer;
  serializable: boolean;
}

function roundRobin<T>(items: readonly T[], client: number): T {
  const item = items[client % items.length];
  if (item === undefined) throw new Error('no connections');
  return item;
}

function randomKey(ks: KeySpace): Buffer {
  return ks.keys[Math.floor(Math.random() * ks.keys.length)] ?? ks.keys[0] ?? Buffer.from('key');
}

export interface WorkloadOptions {
  readonly label: string;
  readonly conns: readonly Connection[];
  readonly clients: number;
  readonly until: Until;
  readonly requestTimeoutMs: number;
}

function methods<Req>(conns: readonly Connection[], method: string): Array<Unary<Req, unknown>> {
  return conns.map((c) => unary<Req, unknown>(c.kv, method));
}

/** Puts of the key space's value to random keys. */
export function runPuts(ks: KeySpace, opts: WorkloadOptions): Promise<LoopResult> {
  const puts = methods<PutRequest>(opts.conns, 'Put');
  return runLoop({
    ...opts,
    request: (c) => roundRobin(puts, c)({ key: randomKey(ks), value: ks.value }, opts.requestTimeoutMs),
  });
}

/** Single-key gets of random keys. */
export function runGets(ks: KeySpace, serializable: boolean, opts: WorkloadOptions): Promise<LoopResult> {
  const ranges = methods<RangeRequest>(opts.conns, 'Range');
  return runLoop({
    ...opts,
    request: (c) => roundRobin(ranges, c)({ key: randomKey(ks), serializable }, opts.requestTimeoutMs),
  });
}

/** Writes every key of the key space once, in order. */
export function runFill(ks: KeySpace, opts: Omit<WorkloadOptions, 'until'>): Promise<LoopResult> {
  const puts = methods<PutRequest>(opts.conns, 'Put');
  let next = 0;
  return runLoop({
    ...opts,
    until: { count: ks.keys.length },
    request: (c) => {
      const key = ks.keys[next++ % ks.keys.length] ?? Buffer.from('key');
      return roundRobin(puts, c)({ key, value: ks.value }, opts.requestTimeoutMs);
    },
  });
}
