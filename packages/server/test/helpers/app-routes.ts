import type { FastifyInstance, FastifySchema } from 'fastify';
import { buildApp } from '../../src/app.js';
import { KeyRing } from '../../src/modules/oauth/key-ring.js';
import type { TestServer } from './server.js';

/** One method of one route, as the app registered it. */
export interface AppRoute {
  /** `POST /:account/connect/token`: how tests and their messages name a route. */
  key: string;
  method: string;
  /** The path template, prefix included, in Fastify's syntax (`:param`, `*`). */
  url: string;
  /** The route's `schema` option (params, querystring, body...), when it declares one. */
  schema?: FastifySchema;
  /** The route's `config` option (where a route declares its access), when it has one. */
  config?: unknown;
}

/**
 * The routes of the app a test server runs, so that tests cover a new route without anyone adding
 * it to a list. They are collected by an `onRoute` hook on a second app built like the server's
 * (same settings, same store) that never listens: the running one cannot be asked, as Fastify
 * keeps no list and calls onRoute only for routes registered after the hook. buildApp registers
 * its routes in plugins, which load at ready(), after the hook is added here; the router's own
 * count proves that no route was registered before it.
 */
export async function appRoutes(t: TestServer): Promise<AppRoute[]> {
  // The store holds its signing key already: this only reads it.
  const keys = await KeyRing.open(t.server.store.signingKeys, t.clock, 'ES256');
  // Its secret never matters: this app answers no request.
  const app = buildApp({ ...t.config, logLevel: 'silent' }, { store: t.server.store, keys, secret: Buffer.alloc(32), clock: t.clock });
  const routes: AppRoute[] = [];
  app.addHook('onRoute', (options) => {
    for (const method of [options.method].flat()) {
      routes.push({ key: `${method} ${options.url}`, method, url: options.url, schema: options.schema, config: options.config });
    }
  });
  try {
    await app.ready();
    const held = routeCount(app);
    if (held !== routes.length) throw new Error(`the router holds ${held} routes but onRoute saw ${routes.length}: buildApp registers some before its plugins load`);
  } finally {
    await app.close();
  }
  return routes;
}

/** How many (path, method) pairs an app's router holds, from its printout: `├── /healthz (GET, HEAD)`. */
export function routeCount(app: FastifyInstance): number {
  let count = 0;
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const methods = /\(([A-Z][A-Z, -]*)\)\s*$/.exec(line);
    if (methods) count += methods[1]!.split(',').length;
  }
  return count;
}
