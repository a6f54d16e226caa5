import { describe, expect, it } from 'vitest';
import { FieldSet } from './field_set.js';
import { fieldElement as f, keyElement as k, pathToString, valueElement as v, type Path } from './path_element.js';

const set = (...paths: Path[]): FieldSet => FieldSet.of(...paths);
const printed = (s: FieldSet): string[] => s.paths().map(pathToString);

const replicas: Path = [f('spec'), f('replicas')];
const spec: Path = [f('spec')];
const image: Path = [f('spec'), f('containers'), k({ name: 'nginx' }), f('image')];
const container: Path = [f('spec'), f('containers'), k({ name: 'nginx' })];

describe('FieldSet', () => {
  it('holds members, not their parents', () => {
    const s = set(replicas);
    expect(s.has(replicas)).toBe(true);
    expect(s.has(spec)).toBe(false);
    expect(s.has([])).toBe(false);
    expect(s.size()).toBe(1);
    expect(new FieldSet().insert([]).isEmpty()).toBe(true);
  });

  it('iterates members of a level before the levels below, each in path element order', () => {
    const s = set(image, [f('spec'), f('replicas')], spec, [f('metadata'), f('labels'), f('app')], [f('apiVersion')]);
    expect(printed(s)).toEqual(['.apiVersion', '.spec', '.metadata.labels.app', '.spec.replicas', '.spec.containers[name="nginx"].image']);
  });

  it('unions and intersects path-wise', () => {
    const a = set(replicas, image);
    const b = set(replicas, container);
    expect(printed(a.union(b)).sort()).toEqual(['.spec.containers[name="nginx"]', '.spec.containers[name="nginx"].image', '.spec.replicas']);
    expect(printed(a.intersection(b))).toEqual(['.spec.replicas']);
    expect(a.intersection(set(container)).isEmpty()).toBe(true);
  });

  it('differences leave paths below a removed member (parent - child = parent, child - parent = child)', () => {
    expect(printed(set(spec, replicas).difference(set(replicas)))).toEqual(['.spec']);
    expect(printed(set(replicas).difference(set(spec)))).toEqual(['.spec.replicas']);
    expect(set(replicas).difference(set(replicas)).isEmpty()).toBe(true);
  });

  it('recursive differences also remove everything below a removed member', () => {
    expect(set(replicas, image, [f('metadata')]).recursiveDifference(set(spec)).paths().map(pathToString)).toEqual(['.metadata']);
    expect(printed(set(image, replicas).recursiveDifference(set(container)))).toEqual(['.spec.replicas']);
  });

  it('keeps only leaves', () => {
    const s = set(container, image, replicas);
    expect(printed(s.leaves()).sort()).toEqual(['.spec.containers[name="nginx"].image', '.spec.replicas']);
  });

  it('compares by content', () => {
    expect(set(replicas, image).equals(set(image, replicas))).toBe(true);
    expect(set(replicas).equals(set(replicas, spec))).toBe(false);
    expect(set([f('a'), v('x')]).equals(set([f('a'), v('y')]))).toBe(false);
  });

  it('gives the subset below a prefix', () => {
    const s = set(replicas, image);
    expect(printed(s.withPrefix(f('spec')))).toEqual(['.replicas', '.containers[name="nginx"].image']);
    expect(s.withPrefix(f('status')).isEmpty()).toBe(true);
  });

  it('does not change its operands', () => {
    const a = set(replicas);
    const b = set(image);
    a.union(b);
    a.difference(b);
    a.intersection(b);
    expect(printed(a)).toEqual(['.spec.replicas']);
    expect(printed(b)).toEqual(['.spec.containers[name="nginx"].image']);
  });
});
