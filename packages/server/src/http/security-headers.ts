import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Headers on every response. The API serves JSON only, so the strictest browser policy costs
 * nothing; responses are private by default (a route that is public, like the JWKS, says so).
 */
export function securityHeaderValues(httpsOnly: boolean): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'cross-origin-resource-policy': 'cross-origin',
    ...(httpsOnly && { 'strict-transport-security': 'max-age=31536000' }),
  };
}

export function securityHeaders(httpsOnly: boolean, isClosing: () => boolean) {
  const values = securityHeaderValues(httpsOnly);
  // Callback style: an onSend hook on every response, so no promise of its own.
  return (_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void): void => {
    reply.headers(values);
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    // Shutting down: tell keep-alive clients not to send another request on this connection,
    // so they see a refused connection (unambiguous) rather than one closed under a request.
    if (isClosing()) reply.header('connection', 'close');
    done(null, payload);
  };
}
