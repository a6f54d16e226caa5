import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Member } from '../node/member.js';
import { ETCD_API_VERSION } from './grpc_server.js';
import type { StoreMetrics } from './metrics.js';

/**
 * The member's HTTP endpoints, as etcd serves them: /health, /version and /metrics (Prometheus).
 * etcd serves them on its client port too; ketch serves them on --listen-metrics-urls.
 */
export async function startHttp(member: Member, metrics: StoreMetrics, urls: readonly string[], logger: Logger): Promise<{ app: FastifyInstance; addresses: string[] }> {
  const log = logger.child({ component: 'http' });
  const app: FastifyInstance = Fastify({ logger: false });
  app.get('/health', async (_req, reply) => {
    // Healthy: a leader is known and a linearizable read completes (etcd's QGET check).
    if (member.leaderId() === 0) return reply.code(503).send({ health: 'false', reason: 'RAFT NO LEADER' });
    try {
      await Promise.race([member.linearizableRead(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000))]);
      return { health: 'true', reason: '' };
    } catch (err) {
      return reply.code(503).send({ health: 'false', reason: `QGET ERROR: ${(err as Error).message}` });
    }
  });
  app.get('/version', async () => ({ etcdserver: ETCD_API_VERSION, etcdcluster: ETCD_API_VERSION.replace(/\.\d+$/, '.0') }));
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.render();
  });
  const addresses: string[] = [];
  for (const u of urls) {
    const url = new URL(u);
    const addr = await app.listen({ host: url.hostname, port: Number(url.port) });
    addresses.push(addr);
    log.info({ address: addr }, 'serving /health, /metrics and /version');
  }
  return { app, addresses };
}
