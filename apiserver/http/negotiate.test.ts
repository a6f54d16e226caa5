import { describe, expect, it } from 'vitest';
import { aggregated, apiResourceList } from '../discovery/discovery.js';
import { openApiV3GroupVersion, openApiV3Index } from '../openapi/openapi.js';
import { Registry } from '../registry/registry.js';
import type { ResourceDecl } from '../registry/types.js';
import { decodeBody, negotiate, patchTypeOf } from './negotiate.js';
import { toTable } from './table.js';

const widgets: ResourceDecl = {
  group: 'example.com',
  version: 'v1',
  kind: 'Widget',
  plural: 'widgets',
  singular: 'widget',
  shortNames: ['wd'],
  namespaced: true,
  schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } },
  printerColumns: [
    { name: 'Name', type: 'string', format: 'name', jsonPath: '.metadata.name' },
    { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
  ],
  subresources: { status: true, scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.size' } },
};

describe('content negotiation', () => {
  it('picks Table, metadata-only or plain JSON from kubectl-style Accept headers', () => {
    const kubectlGet = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
    expect(negotiate(kubectlGet, { listish: true, tableAllowed: true })).toEqual({ format: 'json', transform: 'Table' });
    expect(negotiate(kubectlGet, { listish: true, tableAllowed: false })).toEqual({ format: 'json', transform: 'none' });
    expect(negotiate('application/vnd.kubernetes.protobuf, application/json', { listish: false, tableAllowed: true }).transform).toBe('none');
    expect(negotiate('application/yaml', { listish: false, tableAllowed: true }).format).toBe('yaml');
    expect(() => negotiate('application/vnd.kubernetes.protobuf', { listish: false, tableAllowed: true })).toThrow(expect.objectContaining({ code: 406 }));
  });

  it('maps patch content types, refusing others with 415', () => {
    expect(patchTypeOf('application/strategic-merge-patch+json')).toBe('strategic');
    expect(patchTypeOf('application/apply-patch+yaml; charset=utf-8')).toBe('apply');
    expect(() => patchTypeOf('text/plain')).toThrow(expect.objectContaining({ code: 415, reason: 'UnsupportedMediaType' }));
  });

  it('decodes JSON and YAML bodies, with a 400 for malformed ones', () => {
    expect(decodeBody(Buffer.from('{"a":1}'), 'application/json')).toEqual({ a: 1 });
    expect(decodeBody(Buffer.from('a: 1\nb: [x]\n'), 'application/yaml')).toEqual({ a: 1, b: ['x'] });
    expect(() => decodeBody(Buffer.from('{"a":'), 'application/json')).toThrow(expect.objectContaining({ code: 400 }));
    expect(() => decodeBody(Buffer.from('a: [1'), 'application/apply-patch+yaml')).toThrow(expect.objectContaining({ code: 400 }));
  });
});

describe('documents generated from declarations', () => {
  const registry = new Registry([widgets]);
  it('lists the resource and its subresources in legacy and aggregated discovery', () => {
    const list = apiResourceList(registry, 'example.com', 'v1') as { resources: Array<{ name: string; kind: string }> };
    expect(list.resources.map((r) => r.name)).toEqual(['widgets', 'widgets/scale', 'widgets/status']);
    const agg = aggregated(registry, false, 'apidiscovery.k8s.io/v2') as { items: Array<{ metadata: { name: string }; versions: Array<{ resources: Array<{ resource: string; scope: string; shortNames: string[]; subresources: Array<{ subresource: string }> }> }> }> };
    const r = agg.items[0]!.versions[0]!.resources[0]!;
    expect(agg.items[0]!.metadata.name).toBe('example.com');
    expect(r).toMatchObject({ resource: 'widgets', scope: 'Namespaced', shortNames: ['wd'] });
    expect(r.subresources.map((s) => s.subresource)).toEqual(['scale', 'status']);
  });

  it('declares fieldValidation on PATCH with the group-version-kind, as kubectl checks', () => {
    const doc = openApiV3GroupVersion(registry, 'example.com', 'v1') as { paths: Record<string, { patch?: { parameters: Array<{ name: string; in: string }>; 'x-kubernetes-group-version-kind': unknown } }>; components: { schemas: Record<string, unknown> } };
    const item = doc.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}']!;
    expect(item.patch!['x-kubernetes-group-version-kind']).toEqual({ group: 'example.com', kind: 'Widget', version: 'v1' });
    expect(item.patch!.parameters).toContainEqual(expect.objectContaining({ name: 'fieldValidation', in: 'query' }));
    expect(Object.keys(doc.components.schemas)).toContain('com.example.v1.Widget');
    const index = openApiV3Index(registry) as { paths: Record<string, { serverRelativeURL: string }> };
    expect(index.paths['apis/example.com/v1']!.serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/example.com\/v1\?hash=[0-9A-F]+$/);
  });

  it('prints a Table with the declared columns and metadata-only row objects', () => {
    const t = toTable(widgets, [{ metadata: { name: 'w1', uid: 'u' }, spec: { size: 3 } }], { include: 'Metadata', resourceVersion: '7' }) as { columnDefinitions: Array<{ name: string }>; rows: Array<{ cells: unknown[]; object: { kind: string } }>; metadata: { resourceVersion: string } };
    expect(t.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Size']);
    expect(t.rows[0]!.cells).toEqual(['w1', 3]);
    expect(t.rows[0]!.object.kind).toBe('PartialObjectMetadata');
    expect(t.metadata.resourceVersion).toBe('7');
  });
});
