import type { EventType } from '../../../history/index.js';
import { Rand } from './rand.js';

/**
 * Histories of a simulated store that is linearizable by construction, for testing the checker:
 * each operation takes effect atomically at one random moment between its invocation and its
 * completion, against one true state per key. Some operations time out: they complete as "info",
 * and took effect before, take effect later (a request still in flight), or never. Some fail
 * without taking effect. Written values are unique, so a read pins down the write it saw.
 */

/** One line of a history file, before it is written. */
export interface RecordedEvent {
  readonly process: number;
  readonly type: EventType;
  readonly f: string;
  readonly key?: string;
  readonly value: unknown;
  readonly time: number;
}

export interface SimulationOptions {
  readonly seed: number;
  readonly model: 'register' | 'kv';
  readonly processes: number;
  readonly operations: number;
  /** Keys to spread the operations over; 0 for operations that carry no key. */
  readonly keys: number;
  /** Share of operations that end as "info" (default 0.02). */
  readonly infoRate?: number;
  /** Share of operations that fail without effect (default 0.02). */
  readonly failRate?: number;
}

interface InFlight {
  readonly process: number;
  readonly f: string;
  readonly key: string | undefined;
  readonly input: unknown;
  /** Set once it has taken effect. */
  applied: boolean;
  result: { type: 'ok' | 'fail'; value: unknown } | undefined;
}

export function simulateHistory(options: SimulationOptions): RecordedEvent[] {
  const rand = new Rand(options.seed);
  const infoRate = options.infoRate ?? 0.02;
  const failRate = options.failRate ?? 0.02;
  const events: RecordedEvent[] = [];
  const state = new Map<string | undefined, unknown>();
  const written: unknown[] = [];
  let time = 0;
  let unique = 0;
  let invoked = 0;
  let nextProcess = options.processes;
  const processes: number[] = Array.from({ length: options.processes }, (_, i) => i);
  const inFlight = new Map<number, InFlight>();
  /** Timed-out operations that have not taken effect yet, and may. */
  const zombies: InFlight[] = [];
  const initial = options.model === 'register' ? null : '';

  const record = (process: number, type: EventType, f: string, key: string | undefined, value: unknown): void => {
    time += rand.int(4); // sometimes 0: events at the same instant
    events.push({ process, type, f, ...(key === undefined ? {} : { key }), value, time });
  };
  const apply = (op: InFlight): void => {
    const current = state.has(op.key) ? state.get(op.key) : initial;
    op.applied = true;
    switch (op.f) {
      case 'read':
      case 'get':
        op.result = { type: 'ok', value: current };
        return;
      case 'write':
      case 'put':
        state.set(op.key, op.input);
        op.result = { type: 'ok', value: op.input };
        return;
      case 'append':
        state.set(op.key, (current as string) + (op.input as string));
        op.result = { type: 'ok', value: op.input };
        return;
      case 'cas': {
        const [from, to] = op.input as [unknown, unknown];
        if (current === from) state.set(op.key, to);
        op.result = { type: current === from ? 'ok' : 'fail', value: op.input };
        return;
      }
    }
  };
  const newOperation = (process: number): InFlight => {
    const key = options.keys === 0 ? undefined : `k${rand.int(options.keys)}`;
    const roll = rand.next();
    let f: string;
    let input: unknown = null;
    if (options.model === 'register') {
      if (roll < 0.45) f = 'read';
      else if (roll < 0.8) {
        f = 'write';
        input = ++unique;
      } else {
        f = 'cas';
        const current = state.get(key) ?? null;
        const from = current !== null && rand.chance(0.6) ? current : written.length > 0 ? rand.pick(written) : 0;
        input = [from, ++unique];
      }
    } else if (roll < 0.45) f = 'get';
    else if (roll < 0.6) {
      f = 'put';
      input = `p${++unique}.`;
    } else {
      f = 'append';
      input = `a${++unique}.`;
    }
    if (f === 'write') written.push(input);
    if (f === 'cas') written.push((input as unknown[])[1]);
    return { process, f, key, input, applied: false, result: undefined };
  };

  while (invoked < options.operations || inFlight.size > 0) {
    if (zombies.length > 0 && rand.chance(0.05)) {
      const i = rand.int(zombies.length);
      const zombie = zombies[i]!;
      zombies.splice(i, 1);
      if (rand.chance(0.5)) apply(zombie); // a late effect; otherwise it never happens
      continue;
    }
    const slot = rand.int(processes.length);
    const process = processes[slot]!;
    const op = inFlight.get(process);
    if (op === undefined) {
      if (invoked >= options.operations) continue;
      invoked++;
      const fresh = newOperation(process);
      inFlight.set(process, fresh);
      record(process, 'invoke', fresh.f, fresh.key, fresh.input);
      continue;
    }
    if (!op.applied) {
      const roll = rand.next();
      if (roll < infoRate / 2) {
        // Timed out before taking effect: it may still, later.
        inFlight.delete(process);
        record(process, 'info', op.f, op.key, null);
        zombies.push(op);
        processes[slot] = nextProcess++; // like Jepsen, a crashed client's successor is a new process
      } else if (roll < infoRate / 2 + failRate && op.f !== 'cas') {
        inFlight.delete(process);
        record(process, 'fail', op.f, op.key, null);
      } else {
        apply(op);
      }
      continue;
    }
    inFlight.delete(process);
    if (rand.chance(infoRate / 2)) {
      record(process, 'info', op.f, op.key, null);
      processes[slot] = nextProcess++;
    } else {
      record(process, op.result!.type, op.f, op.key, op.result!.value);
    }
  }
  return events;
}

export function toJsonLines(events: readonly RecordedEvent[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
}

/**
 * Makes a linearizable history not linearizable: finds an ok read (get) R and two ok writes (puts)
 * W1, W2 with W1 completed before W2 was invoked and W2 completed before R was invoked, and makes R
 * return W1's value. Values are unique, so only W1 could explain it, and W2 must come between.
 * Returns undefined when the history has no such triple.
 */
export function injectStaleRead(events: readonly RecordedEvent[]): RecordedEvent[] | undefined {
  interface Span { key: string | undefined; f: string; value: unknown; invoke: number; complete: number; completeIndex: number }
  const spans: Span[] = [];
  const open = new Map<number, { index: number; e: RecordedEvent }>();
  events.forEach((e, index) => {
    if (e.type === 'invoke') {
      open.set(e.process, { index, e });
      return;
    }
    const inv = open.get(e.process);
    open.delete(e.process);
    if (inv === undefined || e.type !== 'ok') return;
    spans.push({ key: e.key, f: e.f, value: e.f === 'read' || e.f === 'get' ? e.value : inv.e.value, invoke: inv.e.time, complete: e.time, completeIndex: index });
  });
  const isWrite = (s: Span): boolean => s.f === 'write' || s.f === 'put';
  for (let r = spans.length - 1; r >= 0; r--) {
    const read = spans[r]!;
    if (read.f !== 'read' && read.f !== 'get') continue;
    const candidates = spans.filter((s) => isWrite(s) && s.key === read.key && s.complete < read.invoke);
    for (const second of candidates) {
      const first = candidates.find((s) => s.complete < second.invoke && s.value !== read.value);
      if (first === undefined) continue;
      const copy = [...events];
      const e = copy[read.completeIndex]!;
      copy[read.completeIndex] = { ...e, value: first.value };
      return copy;
    }
  }
  return undefined;
}
