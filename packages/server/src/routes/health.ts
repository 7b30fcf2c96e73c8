import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/context.js';

export async function healthRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  /** The process is up. */
  app.get('/healthz', async () => ({ status: 'ok' }));

  /** The store answers: a load balancer may send traffic. */
  app.get('/readyz', async (request, reply) => {
    try {
      await ctx.store.ping();
      return { status: 'ready', store: ctx.store.kind };
    } catch (error) {
      request.log.warn({ err: error }, 'store not reachable');
      return reply.code(503).send({ status: 'unavailable', store: ctx.store.kind });
    }
  });
}
