import { describe, expect, it } from 'vitest';
import { mergeObjects } from './merge.js';
import { withObjectMeta } from './object_meta.js';
import { podSchema } from './testing.js';

const schema = withObjectMeta(podSchema);
const merge = (live: unknown, config: unknown): unknown => mergeObjects(live, config, schema);
const names = (list: unknown): string[] => (list as Array<{ name: string }>).map((c) => c.name);

describe('mergeObjects', () => {
  it('merges maps field by field', () => {
    expect(merge({ metadata: { labels: { a: '1', b: '2' } }, spec: { nodeName: 'n1' } }, { metadata: { labels: { b: '3', c: '4' } } })).toEqual({
      metadata: { labels: { a: '1', b: '3', c: '4' } },
      spec: { nodeName: 'n1' },
    });
  });

  it('merges list-map elements by key and keeps the others', () => {
    const live = { spec: { containers: [{ name: 'a', image: 'a:1', imagePullPolicy: 'Always' }, { name: 'b', image: 'b:1' }] } };
    const out = merge(live, { spec: { containers: [{ name: 'a', image: 'a:2' }] } });
    expect(out).toEqual({
      spec: { containers: [{ name: 'a', image: 'a:2', imagePullPolicy: 'Always' }, { name: 'b', image: 'b:1' }] },
    });
  });

  it('orders merged lists as upstream: live order, the configuration deciding among shared elements', () => {
    const c = (...n: string[]): unknown => ({ spec: { containers: n.map((name) => ({ name })) } });
    const merged = (live: string[], config: string[]): string[] =>
      names((merge(c(...live), c(...config)) as { spec: { containers: unknown } }).spec.containers);
    expect(merged(['a', 'b', 'c'], ['d'])).toEqual(['a', 'b', 'c', 'd']);
    expect(merged(['a', 'b', 'c'], ['c', 'a'])).toEqual(['b', 'c', 'a']);
    expect(merged(['a', 'b'], ['x', 'b', 'y'])).toEqual(['a', 'x', 'b', 'y']);
    expect(merged([], ['b', 'a'])).toEqual(['b', 'a']);
  });

  it('merges sets by value', () => {
    // The new value goes before the shared one it precedes in the configuration.
    expect(merge({ metadata: { finalizers: ['a', 'b'] } }, { metadata: { finalizers: ['c', 'a'] } })).toEqual({ metadata: { finalizers: ['c', 'a', 'b'] } });
    expect(merge({ metadata: { finalizers: ['a', 'b'] } }, { metadata: { finalizers: ['b', 'c'] } })).toEqual({ metadata: { finalizers: ['a', 'b', 'c'] } });
  });

  it('replaces atomic lists and maps', () => {
    const live = { spec: { containers: [{ name: 'a', args: ['x', 'y'] }], nodeSelector: { disk: 'ssd', zone: 'a' } } };
    expect(merge(live, { spec: { containers: [{ name: 'a', args: ['z'] }], nodeSelector: { zone: 'b' } } })).toEqual({
      spec: { containers: [{ name: 'a', args: ['z'] }], nodeSelector: { zone: 'b' } },
    });
  });

  it('sets a scalar to null but keeps a non-empty granular map for a null', () => {
    expect(merge({ spec: { nodeName: 'n1' } }, { spec: { nodeName: null } })).toEqual({ spec: { nodeName: null } });
    expect(merge({ metadata: { labels: { a: '1' } } }, { metadata: { labels: null } })).toEqual({ metadata: { labels: { a: '1' } } });
    expect(merge({ metadata: { labels: {} } }, { metadata: { labels: null } })).toEqual({ metadata: { labels: null } });
  });

  it('replaces a value of another form', () => {
    expect(merge({ spec: { nodeName: 'n1' } }, { spec: { nodeName: { odd: 1 } } })).toEqual({ spec: { nodeName: { odd: 1 } } });
  });

  it("replaces a live element with a duplicated key by the configuration's element", () => {
    const live = { spec: { containers: [{ name: 'a', image: '1' }, { name: 'b' }, { name: 'a', image: '2' }] } };
    expect(merge(live, { spec: { containers: [{ name: 'a', image: '3' }] } })).toEqual({
      spec: { containers: [{ name: 'a', image: '3' }, { name: 'b' }] },
    });
  });

  it('does not modify its inputs', () => {
    const live = { spec: { containers: [{ name: 'a' }] } };
    const config = { spec: { containers: [{ name: 'a', image: 'x' }] } };
    merge(live, config);
    expect(live).toEqual({ spec: { containers: [{ name: 'a' }] } });
    expect(config).toEqual({ spec: { containers: [{ name: 'a', image: 'x' }] } });
  });
});
