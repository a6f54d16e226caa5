import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { requestInfo, type RequestInfo } from '../auth/request_info.js';
import type { AuthorizationAttributes, RulesResult, UserInfo } from '../auth/index.js';
import { aggregated, AGGREGATED_V2, AGGREGATED_V2BETA1, apiGroup, apiGroupList, apiResourceList, apiVersions } from '../discovery/discovery.js';
import { errors, StatusError } from '../errors.js';
import { KUBE_VERSION, openApiV2, openApiV3GroupVersion, openApiV3Index } from '../openapi/openapi.js';
import type { ApiContext } from './context.js';
import { BODY_TYPES } from './negotiate.js';
import { handleResource, queryOf } from './resources.js';
import { errorEvent, openWatch, type WatchSink } from './watch.js';
import { sendEvent } from './watch_event.js';
import { isReview, review } from './reviews.js';

/**
 * The API server's HTTP surface on fastify: resource endpoints under /api and /apis, discovery,
 * OpenAPI, /version, health endpoints and /metrics; watches also over WebSocket upgrades. Every
 * error leaves as a Status object.
 */

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** The user of a server without authentication: everyone is allowed everything. */
const ANONYMOUS_ALLOWED: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };

/** What the HTTP layer asks of authentication and authorization (apiserver/auth), and metrics. */
export interface Gate {
  /** Rejects (401/403 StatusError) or resolves with the request's user. */
  check(req: IncomingMessage, info: RequestInfo): Promise<UserInfo>;
  /** What the authorizer says of a user doing something (for SubjectAccessReviews). */
  authorize(attrs: AuthorizationAttributes): { allowed: boolean; reason: string };
  /** The rules the authorizer grants a user in a namespace (for SelfSubjectRulesReviews). */
  rulesFor(user: UserInfo, namespace: string): RulesResult;
}

export interface HttpOptions {
  readonly api: ApiContext;
  readonly logger: Logger;
  readonly gate?: Gate;
  readonly ready: () => Promise<string | undefined>;
  readonly metrics: () => Promise<{ contentType: string; body: string }>;
  readonly observe?: (verb: string, resource: string, code: number, seconds: number) => void;
  readonly https?: { key: string; cert: string; ca?: string };
}

export function versionInfo(): Record<string, string> {
  const [major = '1', minor = '32'] = KUBE_VERSION.replace(/^v/, '').split('.');
  return {
    major,
    minor,
    gitVersion: `${KUBE_VERSION}-ketch`,
    gitCommit: 'ketch',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch}`,
  };
}

function sendStatus(reply: FastifyReply, err: StatusError): FastifyReply {
  return reply.code(err.code).type('application/json').send(JSON.stringify(err.toStatus()));
}

export function buildHttp(opts: HttpOptions): FastifyInstance {
  const { api, logger } = opts;
  const log = logger.child({ component: 'http' });
  const app = Fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    ...(opts.https !== undefined ? { https: { key: opts.https.key, cert: opts.https.cert, ...(opts.https.ca !== undefined ? { ca: opts.https.ca, requestCert: true, rejectUnauthorized: false } : {}) } } : {}),
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(BODY_TYPES, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof StatusError) return sendStatus(reply, err);
    const e = err as { code?: string; statusCode?: number; message: string };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendStatus(reply, errors.tooLarge(MAX_BODY_BYTES));
    if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) return sendStatus(reply, errors.badRequest(e.message));
    log.error({ err }, 'request failed');
    return sendStatus(reply, errors.internal(e.message, err));
  });
  app.setNotFoundHandler((_req, reply) => sendStatus(reply, errors.noRoute()));

  const started = new Map<FastifyRequest, number>();
  app.addHook('onRequest', async (req) => {
    started.set(req, performance.now());
  });
  app.addHook('onResponse', async (req, reply) => {
    const t0 = started.get(req);
    started.delete(req);
    if (t0 === undefined) return;
    const info = (req as FastifyRequest & { info?: RequestInfo }).info;
    const seconds = (performance.now() - t0) / 1000;
    opts.observe?.(info?.verb ?? req.method.toLowerCase(), info?.resource ?? '', reply.statusCode, seconds);
    log.debug({ method: req.method, url: req.url, code: reply.statusCode, ms: Math.round(seconds * 1000) }, 'request');
  });

  const gate = async (req: FastifyRequest): Promise<RequestInfo> => {
    const info = requestInfo(req.method, req.url);
    (req as FastifyRequest & { info?: RequestInfo }).info = info;
    const user = (await opts.gate?.check(req.raw, info)) ?? ANONYMOUS_ALLOWED;
    (req as FastifyRequest & { user?: UserInfo }).user = user;
    return info;
  };

  // Health: /livez and /healthz answer while the process runs; /readyz needs the store.
  for (const path of ['/healthz', '/livez']) {
    app.get(path, async (req, reply) => {
      await gate(req);
      return reply.type('text/plain').send('ok');
    });
  }
  app.get('/readyz', async (req, reply) => {
    await gate(req);
    const problem = await opts.ready();
    if (problem !== undefined) return reply.code(500).type('text/plain').send(`[-]etcd failed: ${problem}\nreadyz check failed\n`);
    return reply.type('text/plain').send('ok');
  });
  app.get('/version', async (req, reply) => {
    await gate(req);
    return reply.send(versionInfo());
  });
  app.get('/metrics', async (req, reply) => {
    await gate(req);
    const m = await opts.metrics();
    return reply.type(m.contentType).send(m.body);
  });
  app.get('/openapi/v2', async (req, reply) => {
    await gate(req);
    const accept = req.headers.accept ?? '';
    if (accept !== '' && !/json|\*\/\*/.test(accept)) throw errors.notAcceptable(['application/json']);
    return reply.type('application/json').send(JSON.stringify(openApiV2(api.registry)));
  });
  app.get('/openapi/v3', async (req, reply) => {
    await gate(req);
    return reply.type('application/json').send(JSON.stringify(openApiV3Index(api.registry)));
  });
  app.get('/openapi/v3/*', async (req, reply) => {
    await gate(req);
    const rest = (req.params as { '*': string })['*'];
    const parts = rest.split('/');
    const doc = parts[0] === 'api' && parts.length === 2 ? openApiV3GroupVersion(api.registry, '', parts[1]!) : parts[0] === 'apis' && parts.length === 3 ? openApiV3GroupVersion(api.registry, parts[1]!, parts[2]!) : undefined;
    if (doc === undefined) throw errors.noRoute();
    reply.header('cache-control', 'public, immutable');
    return reply.type('application/json').send(JSON.stringify(doc));
  });

  const apiHandler = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const info = await gate(req);
    if (!info.isResourceRequest || info.resource === '') return discovery(opts, req, reply);
    if (isReview(info)) return review(opts.gate, req, reply, info);
    await handleResource(api, req, reply, info);
  };
  app.all('/api', apiHandler);
  app.all('/api/*', apiHandler);
  app.all('/apis', apiHandler);
  app.all('/apis/*', apiHandler);

  attachWebSockets(app, opts);
  return app;
}

async function discovery(opts: HttpOptions, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw errors.methodNotAllowed();
  const registry = opts.api.registry;
  const parts = new URL(req.url, 'http://x').pathname.split('/').filter((p) => p !== '');
  const accept = req.headers.accept ?? '';
  const wantsAggregated = accept.includes('as=APIGroupDiscoveryList');
  const json = (body: unknown, type = 'application/json'): FastifyReply => reply.type(type).send(JSON.stringify(body));
  if (parts.length === 1 && wantsAggregated) {
    const v2 = accept.includes('v=v2;') || accept.includes('v=v2,') || /v=v2(;|,|$)/.test(accept);
    const apiVersion = v2 ? 'apidiscovery.k8s.io/v2' : 'apidiscovery.k8s.io/v2beta1';
    reply.header('vary', 'Accept');
    return void json(aggregated(registry, parts[0] === 'api', apiVersion), v2 ? AGGREGATED_V2 : AGGREGATED_V2BETA1);
  }
  if (parts.length === 1 && parts[0] === 'api') return void json(apiVersions(req.headers.host ?? '127.0.0.1'));
  if (parts.length === 1 && parts[0] === 'apis') return void json(apiGroupList(registry));
  if (parts.length === 2 && parts[0] === 'api') {
    const list = apiResourceList(registry, '', parts[1]!);
    if (list === undefined) throw errors.noRoute();
    return void json(list);
  }
  if (parts.length === 2 && parts[0] === 'apis') {
    const g = apiGroup(registry, parts[1]!);
    if (g === undefined) throw errors.noRoute();
    return void json(g);
  }
  if (parts.length === 3 && parts[0] === 'apis') {
    const list = apiResourceList(registry, parts[1]!, parts[2]!);
    if (list === undefined) throw errors.noRoute();
    return void json(list);
  }
  throw errors.noRoute();
}

/** Watches over WebSocket: the same events, one message each (kubernetes' websocket watch). */
function attachWebSockets(app: FastifyInstance, opts: HttpOptions): void {
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => {
      // The bearer-token subprotocol is never echoed; another offered protocol is.
      for (const p of protocols) if (!p.startsWith('base64url.bearer.authorization.k8s.io.')) return p;
      return false;
    },
  });
  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void (async () => {
      try {
        const url = req.url ?? '/';
        const info = requestInfo('GET', url);
        if (!info.isResourceRequest || info.verb !== 'watch') throw errors.badRequest('only watch requests can be upgraded to a WebSocket');
        await opts.gate?.check(req, info);
        const decl = opts.api.registry.lookup(info.apiGroup, info.apiVersion, info.resource);
        if (decl === undefined) throw errors.noRoute();
        const q = queryOf({ url } as FastifyRequest);
        wss.handleUpgrade(req, socket, head, (ws) => {
          void serveWebSocketWatch(opts, ws, decl, decl.plural === 'namespaces' && decl.group === '' ? '' : info.namespace, q, req.headers.accept);
        });
      } catch (err) {
        const status = err instanceof StatusError ? err : errors.internal((err as Error).message, err);
        const body = JSON.stringify(status.toStatus());
        socket.end(`HTTP/1.1 ${status.code} ${status.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      }
    })();
  });
}

async function serveWebSocketWatch(opts: HttpOptions, ws: WebSocket, decl: Parameters<typeof openWatch>[1], namespace: string, q: Record<string, string | undefined>, accept: string | undefined): Promise<void> {
  const limit = opts.api.options.maxWatchBufferBytes;
  const sink: WatchSink = {
    write: (event) => {
      if (ws.readyState !== ws.OPEN) return false;
      sendEvent(ws, event);
      return ws.bufferedAmount <= limit;
    },
    end: () => ws.close(1000),
    onClose: (cb) => ws.once('close', cb),
  };
  try {
    await openWatch(opts.api, decl, namespace, q, accept, sink);
  } catch (err) {
    const status = err instanceof StatusError ? err : errors.internal((err as Error).message, err);
    if (ws.readyState === ws.OPEN) sendEvent(ws, errorEvent(status));
    ws.close(1000);
  }
}
