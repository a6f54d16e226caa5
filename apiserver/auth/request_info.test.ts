import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from './errors.js';
import { requestInfo } from './request_info.js';

// The success table of upstream's TestGetAPIRequestInfo (requestinfo_test.go), with the API prefix
// it really produces ("apis" for the group paths; upstream's table says "api" but never checks it).
// [method, url, verb, apiPrefix, apiGroup, apiVersion, namespace, resource, subresource, name, parts]
type Row = [string, string, string, string, string, string, string, string, string, string, string[]];
const SUCCESS: Row[] = [
  // resource paths
  ['GET', '/api/v1/namespaces', 'list', 'api', '', 'v1', '', 'namespaces', '', '', ['namespaces']],
  ['GET', '/api/v1/namespaces/other', 'get', 'api', '', 'v1', 'other', 'namespaces', '', 'other', ['namespaces', 'other']],
  ['GET', '/api/v1/namespaces/other/pods', 'list', 'api', '', 'v1', 'other', 'pods', '', '', ['pods']],
  ['GET', '/api/v1/namespaces/other/pods/foo', 'get', 'api', '', 'v1', 'other', 'pods', '', 'foo', ['pods', 'foo']],
  ['HEAD', '/api/v1/namespaces/other/pods/foo', 'get', 'api', '', 'v1', 'other', 'pods', '', 'foo', ['pods', 'foo']],
  ['GET', '/api/v1/pods', 'list', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
  ['HEAD', '/api/v1/pods', 'list', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
  // special verbs
  ['GET', '/api/v1/proxy/namespaces/other/pods/foo', 'proxy', 'api', '', 'v1', 'other', 'pods', '', 'foo', ['pods', 'foo']],
  [
    'GET',
    '/api/v1/proxy/namespaces/other/pods/foo/subpath/not/a/subresource',
    'proxy',
    'api',
    '',
    'v1',
    'other',
    'pods',
    '',
    'foo',
    ['pods', 'foo', 'subpath', 'not', 'a', 'subresource'],
  ],
  ['GET', '/api/v1/watch/pods', 'watch', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
  ['GET', '/api/v1/pods?watch=true', 'watch', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
  ['GET', '/api/v1/pods?watch=false', 'list', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
  ['GET', '/api/v1/watch/namespaces/other/pods', 'watch', 'api', '', 'v1', 'other', 'pods', '', '', ['pods']],
  ['GET', '/api/v1/namespaces/other/pods?watch=1', 'watch', 'api', '', 'v1', 'other', 'pods', '', '', ['pods']],
  ['GET', '/api/v1/namespaces/other/pods?watch=0', 'list', 'api', '', 'v1', 'other', 'pods', '', '', ['pods']],
  // subresource identification
  ['GET', '/api/v1/namespaces/other/pods/foo/status', 'get', 'api', '', 'v1', 'other', 'pods', 'status', 'foo', ['pods', 'foo', 'status']],
  [
    'GET',
    '/api/v1/namespaces/other/pods/foo/proxy/subpath',
    'get',
    'api',
    '',
    'v1',
    'other',
    'pods',
    'proxy',
    'foo',
    ['pods', 'foo', 'proxy', 'subpath'],
  ],
  ['PUT', '/api/v1/namespaces/other/finalize', 'update', 'api', '', 'v1', 'other', 'namespaces', 'finalize', 'other', ['namespaces', 'other', 'finalize']],
  ['PUT', '/api/v1/namespaces/other/status', 'update', 'api', '', 'v1', 'other', 'namespaces', 'status', 'other', ['namespaces', 'other', 'status']],
  // verb identification
  ['PATCH', '/api/v1/namespaces/other/pods/foo', 'patch', 'api', '', 'v1', 'other', 'pods', '', 'foo', ['pods', 'foo']],
  ['DELETE', '/api/v1/namespaces/other/pods/foo', 'delete', 'api', '', 'v1', 'other', 'pods', '', 'foo', ['pods', 'foo']],
  ['POST', '/api/v1/namespaces/other/pods', 'create', 'api', '', 'v1', 'other', 'pods', '', '', ['pods']],
  // deletecollection verb identification
  ['DELETE', '/api/v1/nodes', 'deletecollection', 'api', '', 'v1', '', 'nodes', '', '', ['nodes']],
  ['DELETE', '/api/v1/namespaces', 'deletecollection', 'api', '', 'v1', '', 'namespaces', '', '', ['namespaces']],
  ['DELETE', '/api/v1/namespaces/other/pods', 'deletecollection', 'api', '', 'v1', 'other', 'pods', '', '', ['pods']],
  ['DELETE', '/apis/extensions/v1/namespaces/other/pods', 'deletecollection', 'apis', 'extensions', 'v1', 'other', 'pods', '', '', ['pods']],
  // api group identification
  ['POST', '/apis/extensions/v1/namespaces/other/pods', 'create', 'apis', 'extensions', 'v1', 'other', 'pods', '', '', ['pods']],
  // api version identification
  ['POST', '/apis/extensions/v1beta3/namespaces/other/pods', 'create', 'apis', 'extensions', 'v1beta3', 'other', 'pods', '', '', ['pods']],
];

describe('requestInfo: upstream resource cases', () => {
  it.each(SUCCESS)('%s %s', (method, url, verb, apiPrefix, apiGroup, apiVersion, namespace, resource, subresource, name, parts) => {
    const info = requestInfo(method, url);
    expect(info).toMatchObject({
      isResourceRequest: true,
      verb,
      apiPrefix,
      apiGroup,
      apiVersion,
      namespace,
      resource,
      subresource,
      name,
      parts,
    });
  });
});

describe('requestInfo: non-resource requests', () => {
  // upstream's error cases and TestGetNonAPIRequestInfo's false rows
  it.each([
    '/',
    '/api/version/',
    '/apis/group/version/',
    '/badprefix/version/resource',
    '/apis/version/resource',
    '/not-api/version/resource',
    '/apis/extensions/v1beta1',
    '/apis/extensions/v1beta1/',
    '/api/version',
    '/api',
    '',
    '/apis',
    '/healthz',
    '/version',
    '/openapi/v3',
    '/openapi/v3/apis/apps/v1',
  ])('GET %j is not a resource request', (url) => {
    const info = requestInfo('GET', url);
    expect(info.isResourceRequest).toBe(false);
    expect(info.verb).toBe('get');
    expect(info.resource).toBe('');
  });

  it.each([
    ['/api/version/resource', true],
    ['/apis/group/version/resource/name/subresource', true],
    ['/api/version/resource/name/subresource', true],
    ['/apis/batch/v1/job', true],
    ['/apis/batch/v1/job/foo', true],
    ['/apis/batch/v1/job/foo/scale', true],
  ] as const)('%s is a resource request', (url, expected) => {
    expect(requestInfo('GET', url).isResourceRequest).toBe(expected);
  });

  it('uses the lower-case HTTP method as the verb and keeps the path', () => {
    expect(requestInfo('POST', '/healthz')).toMatchObject({ isResourceRequest: false, verb: 'post', path: '/healthz', parts: [] });
    expect(requestInfo('HEAD', '/version').verb).toBe('head');
    expect(requestInfo('GET', '/openapi/v3?timeout=32s').path).toBe('/openapi/v3');
  });

  it('keeps the api prefix of a group path too short to be a resource, as upstream does', () => {
    expect(requestInfo('GET', '/apis/apps/v1')).toMatchObject({ isResourceRequest: false, apiPrefix: 'apis', apiGroup: '' });
  });
});

describe('requestInfo: selectors (upstream TestSelectorParsing)', () => {
  // [name, method, url, name, verb, fieldSelector, labelSelector]
  it.each([
    ['no selector', 'GET', '/apis/group/version/resource', '', 'list', '', ''],
    ['metadata.name selector', 'GET', '/apis/group/version/resource?fieldSelector=metadata.name=name1', 'name1', 'list', 'metadata.name=name1', ''],
    [
      'metadata.name selector with watch',
      'GET',
      '/apis/group/version/resource?watch=true&fieldSelector=metadata.name=name1',
      'name1',
      'watch',
      'metadata.name=name1',
      '',
    ],
    ['random selector', 'GET', '/apis/group/version/resource?fieldSelector=foo=bar&labelSelector=baz=qux', '', 'list', 'foo=bar', 'baz=qux'],
    ['invalid selector with metadata.name', 'GET', '/apis/group/version/resource?fieldSelector=metadata.name=name1,foo', '', 'list', 'metadata.name=name1,foo', ''],
    [
      'invalid selector with metadata.name with watch',
      'GET',
      '/apis/group/version/resource?fieldSelector=metadata.name=name1,foo&watch=true',
      '',
      'watch',
      'metadata.name=name1,foo',
      '',
    ],
    [
      'invalid selector with metadata.name with watch false',
      'GET',
      '/apis/group/version/resource?fieldSelector=metadata.name=name1,foo&watch=false',
      '',
      'list',
      'metadata.name=name1,foo',
      '',
    ],
    ['selector on deletecollection is honored', 'DELETE', '/apis/group/version/resource?fieldSelector=foo=bar&labelSelector=baz=qux', '', 'deletecollection', 'foo=bar', 'baz=qux'],
    [
      'selector on repeated param matches parsed param',
      'GET',
      '/apis/group/version/resource?fieldSelector=metadata.name=foo&fieldSelector=metadata.name=bar&labelSelector=foo=bar&labelSelector=foo=baz',
      'foo',
      'list',
      'metadata.name=foo',
      'foo=bar',
    ],
    ['selector on other verb is ignored', 'GET', '/apis/group/version/resource/name?fieldSelector=foo=bar&labelSelector=foo=bar', 'name', 'get', '', ''],
    [
      'selector on deprecated root type watch is not parsed',
      'GET',
      '/apis/group/version/watch/resource?fieldSelector=metadata.name=foo&labelSelector=foo=bar',
      '',
      'watch',
      '',
      '',
    ],
    [
      'selector on deprecated root item watch is not parsed',
      'GET',
      '/apis/group/version/watch/resource/name?fieldSelector=metadata.name=foo&labelSelector=foo=bar',
      'name',
      'watch',
      '',
      '',
    ],
  ])('%s', (_title, method, url, name, verb, fieldSelector, labelSelector) => {
    expect(requestInfo(method, url)).toMatchObject({ name, verb, fieldSelector, labelSelector });
  });

  it('takes the name from == and escaped values, but not from != or an invalid path segment', () => {
    expect(requestInfo('GET', '/api/v1/pods', 'fieldSelector=metadata.name%3D%3Dweb').name).toBe('web');
    expect(requestInfo('GET', '/api/v1/pods', 'fieldSelector=spec.nodeName%3Dn1,metadata.name%3Dweb').name).toBe('web');
    expect(requestInfo('GET', '/api/v1/pods', 'fieldSelector=metadata.name!%3Dweb').name).toBe('');
    expect(requestInfo('GET', '/api/v1/pods', 'fieldSelector=metadata.name%3D..').name).toBe('');
    expect(requestInfo('GET', '/api/v1/pods', 'fieldSelector=metadata.name%3Da%2Fb').name).toBe('');
    // a malformed list option makes upstream drop the name (decoding ListOptions fails)
    expect(requestInfo('GET', '/api/v1/pods', 'limit=abc&fieldSelector=metadata.name%3Dweb')).toMatchObject({ name: '', verb: 'list' });
    expect(requestInfo('GET', '/api/v1/pods', 'limit=5&fieldSelector=metadata.name%3Dweb').name).toBe('web');
  });

  it('accepts the query as URLSearchParams, a string with or without "?", or inside the path', () => {
    expect(requestInfo('GET', '/api/v1/pods', new URLSearchParams({ watch: 'true' })).verb).toBe('watch');
    expect(requestInfo('GET', '/api/v1/pods', '?watch=1').verb).toBe('watch');
    expect(requestInfo('GET', '/api/v1/pods', 'watch=TRUE').verb).toBe('watch');
    expect(requestInfo('GET', '/api/v1/pods?watch=False').verb).toBe('list');
    // an explicit query wins over one left in the path
    expect(requestInfo('GET', '/api/v1/pods', '').verb).toBe('list');
  });
});

describe('requestInfo: other behaviour', () => {
  it('maps an unknown method on a resource to the empty verb', () => {
    expect(requestInfo('OPTIONS', '/api/v1/pods')).toMatchObject({ isResourceRequest: true, verb: '' });
  });

  it('reads a legacy watch of one object', () => {
    expect(requestInfo('GET', '/api/v1/watch/namespaces/default/pods/web')).toMatchObject({
      verb: 'watch',
      namespace: 'default',
      resource: 'pods',
      name: 'web',
    });
  });

  it('decodes the path before splitting, as Go URL.Path does', () => {
    expect(requestInfo('GET', '/api/v1/namespaces/default/config%6Daps/a')).toMatchObject({ resource: 'configmaps', name: 'a' });
  });

  it('fails on a legacy verb with nothing after it, as upstream does', () => {
    expect(() => requestInfo('GET', '/api/v1/watch')).toThrow(expect.objectContaining({ code: AuthErrorCode.REQUEST_INFO }));
    expect(() => requestInfo('GET', '/apis/apps/v1/proxy')).toThrow(expect.objectContaining({ code: AuthErrorCode.REQUEST_INFO }));
  });

  it('reads cluster-scoped subresources and custom resources', () => {
    expect(requestInfo('PATCH', '/api/v1/nodes/n1/status')).toMatchObject({ namespace: '', resource: 'nodes', name: 'n1', subresource: 'status' });
    expect(requestInfo('PUT', '/apis/apps/v1/namespaces/ns/deployments/web/scale')).toMatchObject({
      apiGroup: 'apps',
      resource: 'deployments',
      subresource: 'scale',
      verb: 'update',
    });
    expect(requestInfo('GET', '/apis/example.com/v1alpha1/widgets')).toMatchObject({ apiGroup: 'example.com', apiVersion: 'v1alpha1', verb: 'list' });
  });
});
