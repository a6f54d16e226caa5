import { describe, expect, it } from 'vitest';
import { applyConfChangeTo, decodeConfChange, encodeConfChange, validateConfChange } from './confchange.js';
import { thrownCode } from './testing/fixtures.js';
import type { ConfChange, ConfState } from './types.js';

describe('encodeConfChange / decodeConfChange', () => {
  const cases: ConfChange[] = [
    { type: 'addNode', nodeId: 1 },
    { type: 'addLearner', nodeId: 42 },
    { type: 'removeNode', nodeId: 7 },
    { type: 'addNode', nodeId: Number.MAX_SAFE_INTEGER },
    { type: 'addNode', nodeId: 3, context: new Uint8Array([1, 2, 3, 255]) },
  ];
  for (const cc of cases) {
    it(`round-trips ${cc.type} ${cc.nodeId}${cc.context === undefined ? '' : ' with context'}`, () => {
      expect(decodeConfChange(encodeConfChange(cc))).toEqual(cc);
    });
  }

  it('decodes from a view into a larger buffer', () => {
    const enc = encodeConfChange({ type: 'removeNode', nodeId: 9, context: new Uint8Array([5]) });
    const big = new Uint8Array(enc.length + 7);
    big.set(enc, 3);
    expect(decodeConfChange(big.subarray(3, 3 + enc.length))).toEqual({ type: 'removeNode', nodeId: 9, context: new Uint8Array([5]) });
  });

  it('an empty context is left out', () => {
    expect(decodeConfChange(encodeConfChange({ type: 'addNode', nodeId: 2, context: new Uint8Array(0) }))).toEqual({ type: 'addNode', nodeId: 2 });
  });

  it('rejects data that is not a conf change', () => {
    expect(thrownCode(() => decodeConfChange(new Uint8Array(8)))).toBe('RAFT_CONF_CHANGE_INVALID');
    const bad = encodeConfChange({ type: 'addNode', nodeId: 1 });
    bad[0] = 9;
    expect(thrownCode(() => decodeConfChange(bad))).toBe('RAFT_CONF_CHANGE_INVALID');
  });
});

describe('validateConfChange', () => {
  const cs: ConfState = { voters: [1, 2, 3], learners: [4] };
  const single: ConfState = { voters: [1], learners: [2] };
  const cases: Array<[ConfState, ConfChange, boolean]> = [
    [cs, { type: 'addNode', nodeId: 5 }, true],
    [cs, { type: 'addNode', nodeId: 4 }, true], // promote a learner
    [cs, { type: 'addNode', nodeId: 1 }, false], // already a voter
    [cs, { type: 'addLearner', nodeId: 5 }, true],
    [cs, { type: 'addLearner', nodeId: 4 }, false], // already a learner
    [cs, { type: 'addLearner', nodeId: 2 }, true], // demote one of several voters
    [single, { type: 'addLearner', nodeId: 1 }, false], // demote the only voter
    [cs, { type: 'removeNode', nodeId: 3 }, true],
    [cs, { type: 'removeNode', nodeId: 4 }, true],
    [cs, { type: 'removeNode', nodeId: 9 }, false], // not a member
    [single, { type: 'removeNode', nodeId: 1 }, false], // the last voter
    [single, { type: 'removeNode', nodeId: 2 }, true],
    [cs, { type: 'addNode', nodeId: 0 }, false],
    [cs, { type: 'addNode', nodeId: -1 }, false],
    [cs, { type: 'addNode', nodeId: 1.5 }, false],
  ];
  for (const [conf, cc, ok] of cases) {
    it(`${cc.type} ${cc.nodeId} on voters=${conf.voters.join(',')} learners=${conf.learners.join(',')} is ${ok ? 'valid' : 'invalid'}`, () => {
      expect(validateConfChange(conf, cc) === undefined).toBe(ok);
    });
  }
});

describe('applyConfChangeTo', () => {
  const cs: ConfState = { voters: [1, 3], learners: [4] };
  it('adds a voter, keeping ids sorted', () => {
    expect(applyConfChangeTo(cs, { type: 'addNode', nodeId: 2 })).toEqual({ voters: [1, 2, 3], learners: [4] });
  });
  it('promotes a learner', () => {
    expect(applyConfChangeTo(cs, { type: 'addNode', nodeId: 4 })).toEqual({ voters: [1, 3, 4], learners: [] });
  });
  it('adds a learner', () => {
    expect(applyConfChangeTo(cs, { type: 'addLearner', nodeId: 2 })).toEqual({ voters: [1, 3], learners: [2, 4] });
  });
  it('demotes a voter', () => {
    expect(applyConfChangeTo(cs, { type: 'addLearner', nodeId: 3 })).toEqual({ voters: [1], learners: [3, 4] });
  });
  it('removes a voter or a learner', () => {
    expect(applyConfChangeTo(cs, { type: 'removeNode', nodeId: 1 })).toEqual({ voters: [3], learners: [4] });
    expect(applyConfChangeTo(cs, { type: 'removeNode', nodeId: 4 })).toEqual({ voters: [1, 3], learners: [] });
  });
  it('returns the same configuration, untouched, for an invalid change', () => {
    expect(applyConfChangeTo(cs, { type: 'removeNode', nodeId: 9 })).toBe(cs);
    expect(applyConfChangeTo(cs, { type: 'addNode', nodeId: 1 })).toBe(cs);
    expect(cs).toEqual({ voters: [1, 3], learners: [4] });
  });
});
