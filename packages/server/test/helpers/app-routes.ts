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
    const unreported = unreportedRoutes(app, routes);
    if (unreported.length > 0) throw new Error(`the router holds routes onRoute did not see (${unreported.join(', ')}): buildApp registers some before its plugins load`);
  } finally {
    await app.close();
  }
  return routes;
}

/**
 * The routes the router holds that onRoute did not report, by `METHOD /path`. Two quirks of the
 * printout are not differences: a plugin prefix's trailing-slash twin ("/docs/" beside "/docs",
 * one route to onRoute under prefixTrailingSlash "both") and a wildcard printed without the path
 * or with only part of it (`/docs/*` for `/docs/static/*`): the radix tree prints shared prefixes once.
 */
export function unreportedRoutes(app: FastifyInstance, routes: readonly Pick<AppRoute, 'method' | 'url'>[]): string[] {
  const reported = new Set(routes.map((route) => `${route.method} ${route.url.replace(/:(\w+)/g, '{$1}')}`));
  const wildcards = routes.filter((route) => route.url.endsWith('*'));
  const isWildcardOf = (key: string) => {
    const [method, path = ''] = key.split(' ');
    return path.endsWith('*') && wildcards.some((route) => route.method === method && route.url.startsWith(path.slice(0, -1)));
  };
  const isReported = (key: string) => pathVariants(key).some((variant) => reported.has(variant));
  return routerPaths(app).filter((key) => !isReported(key) && !(key.endsWith('/') && isReported(key.slice(0, -1))) && !isWildcardOf(key));
}

/**
 * The paths a key of routerPaths stands for. Routes whose parameter at one place has different
 * names (`/users/:username/exists`, `/users/:id`) share one node of the radix tree, printed with
 * every name (`/users/{username}|{id}`) and no word of which route uses which; each route still
 * gets its own name in request.params.
 */
export function pathVariants(key: string): string[] {
  const segments = key.split('/').map((segment) => segment.split('|'));
  return segments.reduce<string[][]>((paths, alternatives) => paths.flatMap((path) => alternatives.map((a) => [...path, a])), [[]]).map((path) => path.join('/'));
}

/**
 * Every route of a running app as `METHOD /path`, paths in OpenAPI form (`/{account}/users/me`),
 * read from its router (printRoutes), so a test covers a new route without anyone listing it.
 */
export function routerPaths(app: FastifyInstance): string[] {
  const routes: string[] = [];
  // One node a line: `│   ` or four spaces per level, then `├── ` or `└── `, the path from the
  // parent, and the methods in parentheses when the node is a route.
  const parents: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const path = (parents[depth - 1] ?? '') + match[2]!;
    parents.length = depth;
    parents.push(path);
    for (const method of match[3]?.split(', ') ?? []) routes.push(`${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
  }
  return routes;
}
