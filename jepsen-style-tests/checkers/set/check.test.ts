import { describe, expect, it } from 'vitest';
import { pairOperations, parseHistory } from '../../history/index.js';
import { checkSet } from './check.js';

/** Writes a history line by line: op(process, f, value, outcome, result) at increasing times. */
class H {
  private readonly lines: string[] = [];
  private t = 0;
  op(process: number, f: string, input: unknown, type: 'ok' | 'fail' | 'info', output: unknown = input): this {
    this.lines.push(JSON.stringify({ process, type: 'invoke', f, value: input, time: this.t++ }));
    this.lines.push(JSON.stringify({ process, type, f, value: output, time: this.t++ }));
    return this;
  }
  final(member: string, elements: number[], rev = 10): this {
    return this.op(1000 + this.lines.length, 'final-read', { member }, 'ok', { member, rev, elements });
  }
  check() {
    const text = this.lines.join('\n');
    return checkSet(pairOperations(parseHistory(text, 't'), 't'));
  }
}

function base(): H {
  return new H().op(0, 'add', 0, 'ok').op(1, 'add', 1, 'ok').op(2, 'add', 2, 'info').op(3, 'add', 3, 'fail').op(0, 'read', null, 'ok', [0, 1]);
}

describe('set checker', () => {
  it('accepts every acknowledged add on every member, with or without the unknown one', () => {
    const v = base().final('m1', [0, 1, 2]).final('m2', [0, 1, 2]).check();
    expect(v.anomalies).toEqual([]);
    expect(v.stats).toMatchObject({ adds: 4, acknowledged: 2, 'unknown adds present': 1, 'final reads': 2 });
  });

  it('lost: an acknowledged add missing from one member', () => {
    const v = base().final('m1', [0, 1]).final('m2', [0]).check();
    expect(v.counts).toEqual({ lost: 1, divergent: 1 });
    expect(v.anomalies[0]).toMatchObject({ kind: 'lost', who: 'm2', key: '1' });
  });

  it('lost: a read that began after an add was acknowledged and lacks it (stale)', () => {
    const v = base().op(1, 'read', null, 'ok', [1]).final('m1', [0, 1]).check();
    expect(v.counts).toEqual({ lost: 1 });
  });

  it('lost: an element a read showed, missing from a later read', () => {
    const v = new H().op(0, 'add', 5, 'info').op(1, 'read', null, 'ok', [5]).op(1, 'read', null, 'ok', []).final('m1', [5]).check();
    expect(v.counts).toEqual({ lost: 1 });
  });

  it('unexpected: an element never added, and one whose add failed', () => {
    const v = base().final('m1', [0, 1, 3, 99]).check();
    expect(v.counts).toEqual({ unexpected: 2 });
  });

  it('missing-final-read: a member that could not be read', () => {
    const v = base().op(7, 'final-read', { member: 'm3' }, 'fail', { member: 'm3' }).final('m1', [0, 1]).check();
    expect(v.counts).toEqual({ 'missing-final-read': 1 });
  });
});
