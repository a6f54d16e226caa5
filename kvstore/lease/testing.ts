import { Lessor, type LessorOptions } from './lessor.js';

/** A hand-driven clock for tests: time moves only when the test says so. */
export class FakeClock {
  constructor(public nowMs = 1_000_000) {}
  readonly now = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

/** A lessor on a fake clock, minimum TTL 1 s unless overridden. */
export function testLessor(opts: Partial<LessorOptions> = {}): { lessor: Lessor; clock: FakeClock } {
  const clock = new FakeClock();
  return { lessor: new Lessor({ minTtlSeconds: 1, clock: clock.now, ...opts }), clock };
}
