import { createWriteStream, type WriteStream } from 'node:fs';

/** One event as written to history.jsonl (the format the checkers read: see ../history/types.ts). */
export interface RecordedEvent {
  readonly process: number;
  readonly type: 'invoke' | 'ok' | 'fail' | 'info';
  readonly f: string;
  readonly key?: string;
  readonly value: unknown;
  readonly time: number;
}

/**
 * Records a history as it happens: every invocation when a client sends a request, every
 * completion when it learns the outcome, with monotonic nanoseconds since the start of the run.
 * Events are written in the order they happen, one JSON object per line.
 */
export class HistoryRecorder {
  private readonly startNs = process.hrtime.bigint();
  private readonly out: WriteStream;
  readonly events: RecordedEvent[] = [];

  constructor(path: string) {
    this.out = createWriteStream(path);
  }

  nowNs(): number {
    return Number(process.hrtime.bigint() - this.startNs);
  }

  record(e: Omit<RecordedEvent, 'time'>): void {
    const event: RecordedEvent = { ...e, time: this.nowNs() };
    this.events.push(event);
    this.out.write(`${JSON.stringify(event)}\n`);
  }

  /** Runs one operation for `process`, recording its invocation and its completion. */
  async op<T>(process: number, f: string, key: string | undefined, value: unknown, run: () => Promise<Completion<T>>): Promise<Completion<T>> {
    this.record({ process, type: 'invoke', f, ...(key === undefined ? {} : { key }), value });
    let done: Completion<T>;
    try {
      done = await run();
    } catch (err) {
      // A workload's bug must not leave the history malformed: the outcome is unknown.
      this.record({ process, type: 'info', f, ...(key === undefined ? {} : { key }), value });
      throw err;
    }
    this.record({ process, type: done.type, f, ...(key === undefined ? {} : { key }), value: done.value });
    return done;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(resolve));
  }
}

/** How an operation ended: ok (with its result), fail (definitely did not happen), info (unknown). */
export interface Completion<T = unknown> {
  readonly type: 'ok' | 'fail' | 'info';
  readonly value: T | unknown;
}
