import fs from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import type { Access } from './access.js';
import { errorResponseSchema, errorShapeOf, mergeErrorResponse, undeclaredErrors } from './openapi-errors.js';
import { accountNamePattern } from '../modules/accounts/accounts.js';

export const openapiJsonPath = '/openapi.json';
export const docsPrefix = '/docs';

/**
 * The reference page runs swagger-ui's own bundled files and nothing else: no inline script, no
 * other origin (the spec and "Try it out" requests go to this server). The page draws a few
 * images from data: URLs (icons in the stylesheet, the logo).
 */
export const docsContentSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const { version } = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

/**
 * `GET /openapi.json` (OpenAPI 3.1, generated from the route schemas) and `GET /docs`. Call it on
 * the root instance before any route is registered: @fastify/swagger collects routes as they are
 * added (onRoute), and the document is built from what it saw.
 */
export function registerOpenapi(app: FastifyInstance): void {
  app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'OpenMeshy',
        version,
        description:
          "MeshyDB's REST API, self-hosted. Every API path is under `/{account}`. Errors answer " +
          '`{"statusCode", "code", "message"}`, and the `connect/` endpoints RFC 6749\'s `{"error", "error_description", "code"}`: ' +
          "the sentence is MeshyDB's documented one, `code` is stable. Each error response lists its reasons.",
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: ({ schema, url, route }) => ({ schema: documentedSchema(schema, route), url }),
  });
  app.register(async (docs) => {
    // swagger-ui's redirects (to /docs/) name the request target, which in absolute form
    // (`GET http://elsewhere/docs/...`) carries any host: keep them on this server, as paths.
    docs.addHook('onSend', async (_request, reply) => {
      const location = reply.getHeader('location');
      if (typeof location === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(location)) {
        const url = new URL(location);
        reply.header('location', `${url.pathname}${url.search}`);
      }
    });
    docs.register(swaggerUi, {
      routePrefix: docsPrefix,
      staticCSP: docsContentSecurityPolicy,
      theme: { title: 'OpenMeshy API' },
      // The standalone layout's top bar (a box to load another document) draws swagger's logo with
      // an inline <style>, which the policy refuses; the base layout is the reference alone.
      uiConfig: { layout: 'BaseLayout' },
    });
  });
  // In a plugin like every other route, so it is registered when the app loads, after any onRoute
  // hook added to the built app (the tests enumerate routes that way).
  app.register(async (scope) => {
    scope.get(openapiJsonPath, { schema: { hide: true } }, async () => app.swagger());
  });
}

/** What the document says of a route beyond its own schema: what every route of its kind answers. */
function documentedSchema(schema: FastifySchema | undefined, route: RouteOptions): FastifySchema {
  // The CORS preflight answers every path of an account; it is not an operation of the API.
  if (route.method === 'OPTIONS') return { ...schema, hide: true } as FastifySchema;
  const access = route.config?.access as Access | undefined;
  const params = pathParams(schema?.params as JsonSchema | undefined, route.url);
  return {
    ...schema,
    ...(params && { params }),
    ...(access && access.kind !== 'public' && { security: [{ bearer: [] }] }),
    response: withUndeclaredErrors(schema?.response as Record<string, JsonSchema> | undefined, route),
  } as FastifySchema;
}

type JsonSchema = Record<string, unknown>;

function withUndeclaredErrors(declared: Record<string, JsonSchema> | undefined, route: RouteOptions): Record<string, JsonSchema> {
  const shape = errorShapeOf(route.url);
  // Without any success response of its own, the route keeps @fastify/swagger's default one.
  const response: Record<string, JsonSchema> = Object.keys(declared ?? {}).some((status) => /^(2|default)/.test(status))
    ? { ...declared }
    : { 200: { description: 'Default Response' }, ...declared };
  for (const [status, codes] of undeclaredErrors(route)) {
    const own = response[status];
    response[status] = own ? mergeErrorResponse(own, codes, shape) : errorResponseSchema(codes, shape);
  }
  return response;
}

/** Every `:param` of the URL as a path parameter, `account` described, the route's own ones kept. */
function pathParams(declared: JsonSchema | undefined, url: string): JsonSchema | undefined {
  const names = [...url.matchAll(/:(\w+)/g)].map((match) => match[1]!);
  if (!names.includes('account')) return declared;
  const properties: Record<string, JsonSchema> = {
    account: { type: 'string', pattern: accountNamePattern, description: 'The account\'s name (`openmeshy account create NAME`).' },
    ...(declared?.properties as Record<string, JsonSchema> | undefined),
  };
  for (const name of names) properties[name] ??= { type: 'string' };
  const required = [...new Set([...names, ...((declared?.required as string[] | undefined) ?? [])])];
  return { ...declared, type: 'object', properties, required };
}
