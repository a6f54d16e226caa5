import { describe, expect, it } from 'vitest';
import { compareQuantities, parseQuantity } from './quantity.js';
import { podQOSClass } from './defaults/qos.js';

describe('parseQuantity', () => {
  it.each([
    ['1', 1_000_000_000n],
    [2, 2_000_000_000n],
    [0.5, 500_000_000n],
    ['100m', 100_000_000n],
    ['1Ki', 1024n * 1_000_000_000n],
    ['1Gi', 1073741824n * 1_000_000_000n],
    ['1e3', 1000n * 1_000_000_000n],
    ['1.5k', 1500n * 1_000_000_000n],
    ['-1', -1_000_000_000n],
    ['1n', 1n],
  ])('%s', (value, nanos) => {
    expect(parseQuantity(value)).toBe(nanos);
  });

  it('rejects what is not a quantity', () => {
    expect(parseQuantity('1Gb')).toBeUndefined();
    expect(parseQuantity('abc')).toBeUndefined();
    expect(parseQuantity('')).toBeUndefined();
    expect(parseQuantity({})).toBeUndefined();
  });

  it('compares across notations as Quantity.Cmp', () => {
    expect(compareQuantities('1Gi', '1073741824')).toBe(0);
    expect(compareQuantities('100m', '0.1')).toBe(0);
    expect(compareQuantities('500Mi', '1Gi')).toBe(-1);
    expect(compareQuantities('2', '1500m')).toBe(1);
  });
});

describe('podQOSClass', () => {
  const pod = (...resources: object[]): Record<string, unknown> => ({
    containers: resources.map((r, i) => ({ name: `c${i}`, image: 'x', resources: r })),
  });
  it('BestEffort without cpu or memory requests and limits', () => {
    expect(podQOSClass(pod({}, { requests: { 'example.com/gpu': '1' } }))).toBe('BestEffort');
  });
  it('Guaranteed when every container has equal cpu and memory requests and limits', () => {
    const r = { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1073741824' } };
    expect(podQOSClass(pod(r, r))).toBe('Guaranteed');
  });
  it('Burstable otherwise', () => {
    expect(podQOSClass(pod({ requests: { cpu: '100m' } }))).toBe('Burstable');
    expect(podQOSClass(pod({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } }, {}))).toBe('Burstable');
  });
});
