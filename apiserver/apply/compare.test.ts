import { describe, expect, it } from 'vitest';
import { compareObjects, excludeFields } from './compare.js';
import { FieldSet } from './field_set.js';
import { withObjectMeta } from './object_meta.js';
import { fieldElement, pathToString } from './path_element.js';
import { ensureNamedFieldsAreMembers, removeFields } from './remove.js';
import { podSchema } from './testing.js';
import { fieldSetOf } from './to_field_set.js';

const schema = withObjectMeta(podSchema);
const paths = (s: FieldSet): string[] => s.paths().map(pathToString);

describe('compareObjects', () => {
  it('counts every new path as added, parents included', () => {
    const cmp = compareObjects({}, { spec: { containers: [{ name: 'a', image: 'x' }] } }, schema);
    expect(paths(cmp.added)).toEqual(['.spec', '.spec.containers', '.spec.containers[name="a"]', '.spec.containers[name="a"].image', '.spec.containers[name="a"].name']);
    expect(cmp.removed.isEmpty() && cmp.modified.isEmpty()).toBe(true);
  });

  it('counts changed leaves as modified and gone paths as removed', () => {
    const before = { spec: { nodeName: 'n1', containers: [{ name: 'a', image: 'x' }, { name: 'b' }] } };
    const after = { spec: { nodeName: 'n2', containers: [{ name: 'a', image: 'y' }] } };
    const cmp = compareObjects(before, after, schema);
    expect(paths(cmp.modified)).toEqual(['.spec.nodeName', '.spec.containers[name="a"].image']);
    expect(paths(cmp.removed)).toEqual(['.spec.containers[name="b"]', '.spec.containers[name="b"].name']);
    expect(cmp.added.isEmpty()).toBe(true);
  });

  it('compares atomic lists whole', () => {
    const cmp = compareObjects({ spec: { containers: [{ name: 'a', args: ['1'] }] } }, { spec: { containers: [{ name: 'a', args: ['1', '2'] }] } }, schema);
    expect(paths(cmp.modified)).toEqual(['.spec.containers[name="a"].args']);
  });

  it('sees an empty object replacing null as a modified leaf', () => {
    expect(paths(compareObjects({ status: null }, { status: {} }, schema).modified)).toEqual(['.status']);
    expect(compareObjects({ a: [1] }, { a: [1] }, schema).added.isEmpty()).toBe(true);
  });

  it('treats a change of form as modified, with old children removed and new ones added', () => {
    const cmp = compareObjects({ x: 'scalar' }, { x: { y: 1 } }, undefined);
    expect(paths(cmp.modified)).toEqual(['.x']);
    expect(paths(cmp.added)).toEqual(['.x.y']);
  });

  it('can leave out ignored fields', () => {
    const cmp = excludeFields(compareObjects({}, { spec: { nodeName: 'n' }, status: { phase: 'Running' } }, schema), FieldSet.of([fieldElement('status')]));
    expect(paths(cmp.added)).toEqual(['.spec', '.spec.nodeName']);
  });
});

describe('removeFields', () => {
  const pod = { metadata: { labels: { a: '1' }, finalizers: ['x', 'y'] }, spec: { containers: [{ name: 'a', image: 'i' }, { name: 'b' }], nodeName: 'n' } };

  it('removes members with everything below them, and leaves the input alone', () => {
    const set = fieldSetOf({ spec: { containers: [{ name: 'b' }] }, metadata: { finalizers: ['y'] } }, schema);
    expect(removeFields(pod, set, schema)).toEqual({
      metadata: { labels: { a: '1' }, finalizers: ['x'] },
      spec: { containers: [{ name: 'a', image: 'i' }], nodeName: 'n' },
    });
    expect(pod.spec.containers).toHaveLength(2);
  });

  it('drops maps and lists that lose everything instead of leaving nulls', () => {
    const set = fieldSetOf({ metadata: { labels: { a: '1' } } }, schema);
    expect(removeFields({ metadata: { labels: { a: '1' } }, spec: {} }, set, schema)).toEqual({ spec: {} });
  });
});

describe('ensureNamedFieldsAreMembers', () => {
  it('adds declared properties with members below, not map entries or list elements', () => {
    const set = fieldSetOf({ metadata: { labels: { a: '1' } }, spec: { containers: [{ name: 'a', image: 'i' }] } }, schema);
    expect(paths(ensureNamedFieldsAreMembers(set, schema))).toEqual([
      '.metadata',
      '.spec',
      '.metadata.labels',
      '.metadata.labels.a',
      '.spec.containers',
      '.spec.containers[name="a"]',
      '.spec.containers[name="a"].image',
      '.spec.containers[name="a"].name',
    ]);
  });
});
