import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/context.js';

export async function healthRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  /** The process is up. */
  app.get('/healthz', async () => ({ status: 'ok' }));

  /** The store (and Redis, when configured) answer: a load balancer may send traffic. */
  app.get('/readyz', async (request, reply) => {
    const [store, limits] = await Promise.all([check(() => ctx.store.ping()), check(() => ctx.limits.ping())]);
    const body = {
      status: store && limits ? 'ready' : 'unavailable',
      store: ctx.store.kind,
      storeReachable: store,
      limits: ctx.config.redisUrl ? 'redis' : 'memory',
      limitsReachable: limits,
    };
    if (!store || !limits) request.log.warn(body, 'not ready');
    return reply.code(store && limits ? 200 : 503).send(body);
  });
}

async function check(ping: () => Promise<void>): Promise<boolean> {
  try {
    await ping();
    return true;
  } catch {
    return false;
  }
}
