import { describe, expect, it } from 'vitest';
import { decodeContinue, encodeContinue } from './continue.js';
import { Keys } from './keys.js';

describe('storage keys', () => {
  const keys = new Keys('/registry');
  const pods = { group: '', resource: 'pods', namespaced: true };
  const deploys = { group: 'apps', resource: 'deployments', namespaced: true };
  const nodes = { group: '', resource: 'nodes', namespaced: false };
  it('lays objects out as kube-apiserver does, groups qualified', () => {
    expect(keys.object(pods, 'default', 'web')).toBe('/registry/pods/default/web');
    expect(keys.object(deploys, 'ns', 'd')).toBe('/registry/apps/deployments/ns/d');
    expect(keys.object(nodes, '', 'n1')).toBe('/registry/nodes/n1');
    expect(keys.collection(pods, '')).toBe('/registry/pods/');
    expect(keys.collection(pods, 'default')).toBe('/registry/pods/default/');
  });
  it('parses keys back, refusing keys of other resources', () => {
    expect(keys.parse(pods, '/registry/pods/default/web')).toEqual({ namespace: 'default', name: 'web' });
    expect(keys.parse(nodes, '/registry/nodes/n1')).toEqual({ namespace: '', name: 'n1' });
    expect(keys.parse(pods, '/registry/podsx/a/b')).toBeUndefined();
    expect(keys.parse(pods, '/registry/pods/onlyns')).toBeUndefined();
  });
});

describe('continue tokens', () => {
  it('round-trip and reject malformed tokens with a 400', () => {
    const t = encodeContinue(42, 'default/web\u0000');
    expect(decodeContinue(t)).toEqual({ revision: 42, start: 'default/web\u0000' });
    expect(() => decodeContinue('not-a-token')).toThrow(expect.objectContaining({ code: 400 }));
    const bad = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 3, start: '../x' })).toString('base64url');
    expect(() => decodeContinue(bad)).toThrow(expect.objectContaining({ code: 400 }));
  });
});
