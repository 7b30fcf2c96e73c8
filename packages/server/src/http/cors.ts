import type { FastifyReply, FastifyRequest } from 'fastify';

const allowedHeaders = 'authorization, content-type';
const allowedMethods = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';

/**
 * CORS by the account's allow-list. Headers go on before anything can fail, so a browser can
 * read a 401 or 429 too. Credentials (cookies) are never involved: tokens travel in headers.
 */
export function applyCors(request: FastifyRequest, reply: FastifyReply, allowList: readonly string[]): void {
  const origin = request.headers.origin;
  if (typeof origin !== 'string') return;
  const allowed = allowList.includes('*') || allowList.includes(origin);
  reply.header('vary', 'Origin');
  if (!allowed) return;
  reply.header('access-control-allow-origin', allowList.includes('*') ? '*' : origin);
  reply.header('access-control-expose-headers', 'retry-after, www-authenticate');
  if (request.method === 'OPTIONS') {
    reply.header('access-control-allow-methods', allowedMethods);
    reply.header('access-control-allow-headers', allowedHeaders);
    reply.header('access-control-max-age', '600');
  }
}
