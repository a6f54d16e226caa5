import { describe, expect, it } from 'vitest';
import { createAuthenticator, unauthorizedStatus } from './authenticator.js';
import { bearerProtocol, bearerTokenFromHeader, isWebSocketRequest, webSocketBearerToken, withoutBearerProtocols } from './bearer_token.js';
import type { PeerCertificateInfo } from './client_certificate.js';
import { AuthErrorCode } from './errors.js';
import { parseTokenFile, tokenTableAuthenticator } from './token_file.js';

const tokens = tokenTableAuthenticator(parseTokenFile('alice-token,alice,uid-a,"dev,system:masters"\nbob-token,bob,uid-b\n'));
const auth = createAuthenticator({ tokens });

const ws = (protocols: string): Record<string, string> => ({
  upgrade: 'websocket',
  connection: 'Upgrade',
  'sec-websocket-protocol': protocols,
});

const b64 = (s: string): string => Buffer.from(s).toString('base64url');

describe('bearerTokenFromHeader', () => {
  it.each([
    [{ authorization: 'Bearer abc' }, 'abc'],
    [{ authorization: 'bearer abc' }, 'abc'],
    [{ authorization: '  BEARER abc  ' }, 'abc'],
    [{ Authorization: 'Bearer abc' }, 'abc'],
    [{ authorization: 'Bearer abc extra' }, 'abc'],
    [{ authorization: ['Bearer first', 'Bearer second'] }, 'first'],
    [{ authorization: 'Bearer' }, undefined],
    // upstream splits on single spaces: a double space leaves an empty token, which is no token
    [{ authorization: 'Bearer  abc' }, undefined],
    [{ authorization: 'Basic YWxpY2U6cHc=' }, undefined],
    [{}, undefined],
  ])('%j → %s', (headers, expected) => {
    expect(bearerTokenFromHeader(headers)).toBe(expected);
  });
});

describe('webSocketBearerToken', () => {
  it('recognises a WebSocket upgrade by Upgrade and Connection', () => {
    expect(isWebSocketRequest({ upgrade: 'WebSocket', connection: 'keep-alive, Upgrade' })).toBe(true);
    expect(isWebSocketRequest({ upgrade: 'websocket', connection: 'keep-alive' })).toBe(false);
    expect(isWebSocketRequest({ upgrade: 'h2c', connection: 'Upgrade' })).toBe(false);
  });

  it('decodes the token and keeps the other subprotocols in order', () => {
    expect(webSocketBearerToken(ws(`v4.channel.k8s.io, base64url.bearer.authorization.k8s.io.${b64('alice-token')}, v5.channel.k8s.io`))).toEqual({
      kind: 'token',
      token: 'alice-token',
      protocols: ['v4.channel.k8s.io', 'v5.channel.k8s.io'],
    });
  });

  it('reads repeated Sec-WebSocket-Protocol headers as one list', () => {
    const headers = { upgrade: 'websocket', connection: 'upgrade', 'sec-websocket-protocol': [bearerProtocol('bob-token'), 'binary.k8s.io'] };
    expect(webSocketBearerToken(headers)).toMatchObject({ kind: 'token', token: 'bob-token', protocols: ['binary.k8s.io'] });
  });

  it.each([
    [`base64url.bearer.authorization.k8s.io.${b64('t')}`, 'missing additional subprotocol'],
    [`base64url.bearer.authorization.k8s.io.${b64('a')}, base64url.bearer.authorization.k8s.io.${b64('b')}, x`, 'multiple base64.bearer.authorization tokens specified'],
    ['base64url.bearer.authorization.k8s.io.not+base64/url, x', 'invalid base64.bearer.authorization token encoding'],
    ['base64url.bearer.authorization.k8s.io.YWJj==, x', 'invalid base64.bearer.authorization token encoding'],
    [`base64url.bearer.authorization.k8s.io.${Buffer.from([0xff, 0xfe]).toString('base64url')}, x`, 'invalid base64.bearer.authorization token'],
  ])('refuses %s', (protocols, message) => {
    expect(webSocketBearerToken(ws(protocols))).toEqual({ kind: 'invalid', message });
  });

  it('ignores the protocol header on a request that is not an upgrade, and an empty token', () => {
    expect(webSocketBearerToken({ 'sec-websocket-protocol': `${bearerProtocol('alice-token')}, x` })).toEqual({ kind: 'none' });
    expect(webSocketBearerToken(ws('base64url.bearer.authorization.k8s.io., v4.channel.k8s.io'))).toEqual({ kind: 'none' });
  });

  it('strips token protocols from an offered set (for the server to choose from)', () => {
    expect(withoutBearerProtocols(new Set([bearerProtocol('x'), 'v4.channel.k8s.io']))).toEqual(['v4.channel.k8s.io']);
  });
});

describe('createAuthenticator', () => {
  it('authenticates a bearer token and adds system:authenticated', () => {
    expect(auth.authenticate({ authorization: 'Bearer bob-token' })).toEqual({
      authenticated: true,
      method: 'token',
      user: { name: 'bob', uid: 'uid-b', groups: ['system:authenticated'] },
    });
    const alice = auth.authenticate({ authorization: 'Bearer alice-token' });
    expect(alice.authenticated && alice.user.groups).toEqual(['dev', 'system:masters', 'system:authenticated']);
  });

  it('refuses an unknown bearer token with 401, never as anonymous', () => {
    const result = auth.authenticate({ authorization: 'Bearer wrong' });
    expect(result).toMatchObject({ authenticated: false, error: { code: AuthErrorCode.INVALID_TOKEN, message: 'invalid bearer token' } });
    expect(createAuthenticator().authenticate({ authorization: 'Bearer alice-token' })).toMatchObject({ authenticated: false });
  });

  it('makes a request with no credentials anonymous, or 401 when anonymous auth is off', () => {
    expect(auth.authenticate({})).toEqual({
      authenticated: true,
      method: 'anonymous',
      user: { name: 'system:anonymous', groups: ['system:unauthenticated'] },
    });
    expect(createAuthenticator({ tokens, anonymous: false }).authenticate({})).toMatchObject({
      authenticated: false,
      error: { code: AuthErrorCode.ANONYMOUS_DISABLED },
    });
  });

  it('authenticates a WebSocket token protocol and returns the protocols left to echo back', () => {
    const result = auth.authenticate(ws(`${bearerProtocol('alice-token')}, v4.channel.k8s.io`));
    expect(result).toMatchObject({ authenticated: true, method: 'websocket-token', user: { name: 'alice' }, webSocketProtocols: ['v4.channel.k8s.io'] });
  });

  it('refuses a malformed or unknown WebSocket token with 401', () => {
    expect(auth.authenticate(ws(bearerProtocol('alice-token')))).toMatchObject({
      authenticated: false,
      error: { code: AuthErrorCode.INVALID_WEBSOCKET_TOKEN, message: 'missing additional subprotocol' },
    });
    expect(auth.authenticate(ws(`${bearerProtocol('nope')}, v4.channel.k8s.io`))).toMatchObject({
      authenticated: false,
      error: { code: AuthErrorCode.INVALID_TOKEN },
    });
  });

  const verified = (subject: Record<string, string | string[]>): PeerCertificateInfo => ({ authorized: true, certificate: { subject } });

  it('authenticates a verified client certificate as CN with O groups, before tokens', () => {
    const result = auth.authenticate({ authorization: 'Bearer bob-token' }, verified({ CN: 'admin', O: ['system:masters', 'ops'] }));
    expect(result).toEqual({
      authenticated: true,
      method: 'x509',
      user: { name: 'admin', groups: ['system:masters', 'ops', 'system:authenticated'] },
    });
    expect(auth.authenticate({}, verified({ CN: 'kubelet', O: 'system:nodes' }))).toMatchObject({ user: { groups: ['system:nodes', 'system:authenticated'] } });
  });

  it('treats an absent certificate or one without a CN as no certificate', () => {
    expect(auth.authenticate({}, { authorized: false, certificate: {} })).toMatchObject({ method: 'anonymous' });
    expect(auth.authenticate({}, { authorized: false, certificate: null })).toMatchObject({ method: 'anonymous' });
    expect(auth.authenticate({}, verified({ O: 'x' }))).toMatchObject({ method: 'anonymous' });
  });

  it('refuses an unverified certificate unless another credential succeeds', () => {
    const bad: PeerCertificateInfo = { authorized: false, authorizationError: new Error('unable to verify the first certificate'), certificate: { subject: { CN: 'mallory', O: 'system:masters' } } };
    expect(auth.authenticate({}, bad)).toMatchObject({
      authenticated: false,
      error: { code: AuthErrorCode.INVALID_CLIENT_CERTIFICATE, message: 'verifying certificate CN=mallory failed: x509: unable to verify the first certificate' },
    });
    expect(auth.authenticate({ authorization: 'Bearer bob-token' }, bad)).toMatchObject({ authenticated: true, user: { name: 'bob' } });
    const both = auth.authenticate({ authorization: 'Bearer wrong' }, bad);
    expect(both.authenticated === false && both.error.message).toBe(
      '[verifying certificate CN=mallory failed: x509: unable to verify the first certificate, invalid bearer token]',
    );
  });

  it('ignores client certificates when they are turned off', () => {
    const noCerts = createAuthenticator({ tokens, clientCertificates: false });
    expect(noCerts.authenticate({}, verified({ CN: 'admin', O: 'system:masters' }))).toMatchObject({ method: 'anonymous' });
  });

  it('builds the 401 Status kube-apiserver sends', () => {
    expect(unauthorizedStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
  });
});
