import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { LimitStore } from '../../limits/limit-store.js';
import type { Store } from '../../store/store.js';

export interface HealthDeps {
  store: Pick<Store, 'kind' | 'ping'>;
  limits: Pick<LimitStore, 'ping'>;
  /** 'redis' or 'memory', for the report. */
  limitsKind: string;
}

const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  store: Type.String({ description: 'sqlite or postgres' }),
  storeReachable: Type.Boolean(),
  limits: Type.String({ description: 'memory or redis' }),
  limitsReachable: Type.Boolean(),
});

const schemas = {
  health: { summary: 'The process is up', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
  ready: { summary: 'The store (and Redis) answer', response: { 200: Readiness, 503: Readiness } },
};

export async function healthRoutes(app: FastifyInstance, deps: HealthDeps): Promise<void> {
  /** The process is up. */
  app.get('/healthz', { schema: schemas.health }, async () => ({ status: 'ok' }));

  /** The store (and Redis, when configured) answer: a load balancer may send traffic. */
  app.get('/readyz', { schema: schemas.ready }, async (request, reply) => {
    const [store, limits] = await Promise.all([check(() => deps.store.ping()), check(() => deps.limits.ping())]);
    const body = {
      status: store && limits ? 'ready' : 'unavailable',
      store: deps.store.kind,
      storeReachable: store,
      limits: deps.limitsKind,
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
