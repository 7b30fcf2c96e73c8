import type { FastifyRequest, onRequestHookHandler, preParsingHookHandler } from 'fastify';
import { ApiError } from '../errors.js';

/**
 * While the server drains, a request that arrives on a connection still open is refused with 503
 * (a load balancer sends it elsewhere) instead of run; one that arrived before finishes as usual.
 * Fastify's own return503OnClosing answers before any hook, so its 503 had neither our JSON nor
 * the account's CORS headers. Here the arrival is noted by the first onRequest hook, and the
 * refusal comes in preParsing: after every onRequest hook (the account hook, which puts on the
 * CORS headers, included), before the body is read.
 */
export function refuseWhileClosing(isClosing: () => boolean): { onRequest: onRequestHookHandler; preParsing: preParsingHookHandler } {
  const arrivedWhileClosing = new WeakSet<FastifyRequest>();
  // Callback style: no promise on every request for a check that is almost always false.
  return {
    onRequest(request, _reply, done) {
      if (isClosing()) arrivedWhileClosing.add(request);
      done();
    },
    preParsing(request, _reply, _payload, done) {
      // Retry-After as on the other 503s: a retry finds another instance, or this one restarted.
      if (arrivedWhileClosing.has(request)) done(new ApiError('shutting_down', { headers: { 'retry-after': '1' } }));
      else done();
    },
  };
}
