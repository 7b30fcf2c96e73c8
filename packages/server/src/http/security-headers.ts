import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Headers on every response. The API serves JSON only, so the strictest browser policy costs
 * nothing; responses are private by default (a route that is public, like the JWKS, says so).
 */
export function securityHeaders(httpsOnly: boolean) {
  return async (_request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    reply.header('cross-origin-resource-policy', 'cross-origin');
    if (httpsOnly) reply.header('strict-transport-security', 'max-age=31536000');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  };
}
