import type { FastifyReply } from 'fastify';
import { stringify as toYaml } from 'yaml';
import type { Negotiated } from './negotiate.js';

/** Writes a response body in the negotiated format. */
export function send(reply: FastifyReply, code: number, body: unknown, n: Negotiated): FastifyReply {
  reply.code(code);
  if (n.format === 'yaml') return reply.type('application/yaml').send(toYaml(body));
  return reply.type('application/json').send(JSON.stringify(body));
}
