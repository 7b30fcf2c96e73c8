import fc from 'fast-check';
import type { AppRoute } from '../helpers/app-routes.js';
import { accountSegment, body, headers, long, methods, pathBend, pct, query, rarely, segment, text, type Body, type Material } from './arbitraries.js';
import { nearlyValidFor, validFor } from './schema.js';

/**
 * Generic hostile requests for any route of the app, from what the route itself declares: its
 * path template and, where it has one, its schema (params, querystring, body). No route needs a
 * hint to be fuzzed; hints only add values that exist on the fuzzed server, so more cases reach
 * the code behind the first check.
 */

/** Values for a path parameter: `plain` surely gets past routing, `values` are what cases draw. */
export interface ParamHint {
  plain: string;
  values: fc.Arbitrary<string>;
}

/** Path parameter values, by parameter name, that exist on the fuzzed server. */
export function paramHints(m: Material): Record<string, ParamHint> {
  return {
    // Mostly the first account, whose users and tokens the generators know.
    account: { plain: m.accounts[0]!, values: rarely(accountSegment(m), m.accounts[0]!) },
    username: {
      plain: pct(m.users[0]!.username),
      values: fc.oneof(
        { arbitrary: text.map(pct), weight: 4 },
        { arbitrary: text, weight: 1 },
        { arbitrary: fc.constantFrom(...m.users.map((u) => pct(u.username)), '%20fuzz_pw%20', 'FUZZ_PW', '%2e%2e', '%2F', '', '%00'), weight: 2 },
        { arbitrary: long([400, 600, 5000]).map(pct), weight: 1 },
      ),
    },
    // Mostly meshes that hold documents (the meshes deep property seeds `fuzz`), in any case.
    mesh: {
      plain: 'fuzz',
      values: fc.oneof(
        { arbitrary: fc.constantFrom('fuzz', 'Fuzz', 'FUZZ', 'person', 'empty'), weight: 6 },
        { arbitrary: fc.constantFrom('a1', 'a.b', 'a%2eb', '%24where', '__proto__', 'x'.repeat(64), 'x'.repeat(65), '%C3%A9t%C3%A9', '%FF'), weight: 2 },
        { arbitrary: text.map(pct), weight: 2 },
      ),
    },
  };
}

/** A request without its Host header (the suite adds it). */
export interface RouteRequest {
  method: string;
  target: string;
  headers: [string, string][];
  body?: Body;
}

/** Fastify's template syntax: `:name`, maybe with a `(regex)`, and `*` for the rest of the path. */
const PARAM = /:([A-Za-z0-9_$]+)(?:\([^)]*\))?|\*/g;

/** The names of a template's parameters, `*` for a wildcard. */
export function templateParams(url: string): string[] {
  return [...url.matchAll(PARAM)].map((match) => match[1] ?? '*');
}

export function fillTemplate(url: string, values: Record<string, string>): string {
  return url.replace(PARAM, (_match, name: string | undefined) => values[name ?? '*']!);
}

/** The schema a route declares for one of its parts, if any. */
const declared = (route: AppRoute, part: 'params' | 'querystring' | 'body'): { properties?: Record<string, unknown> } | undefined =>
  (route.schema as Record<string, { properties?: Record<string, unknown> } | undefined> | undefined)?.[part];

/** A value as it goes into a path or a query: no `null` or object survives that anyway. */
const asText = (value: unknown): string => (value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));

const genericParam = fc.oneof(
  { arbitrary: fc.constantFrom('x', '0', '1', '-1', '000000000000000000000000', 'test', 'me'), weight: 3 },
  { arbitrary: segment, weight: 4 },
  // Past the router's 500-character limit for a parameter, and around it.
  { arbitrary: long([400, 501, 5000]).map(pct), weight: 1 },
);

const wildcard = fc.array(segment, { maxLength: 4 }).map((parts) => parts.join('/'));

/** Values for one parameter: the hint's, else the schema's (valid and not), and hostile ones anyway. */
function paramValues(route: AppRoute, name: string, hints: Record<string, ParamHint>): ParamHint {
  if (name === '*') return { plain: '', values: wildcard };
  if (Object.hasOwn(hints, name)) return hints[name]!;
  const schema = declared(route, 'params')?.properties?.[name];
  if (schema === undefined) return { plain: 'x', values: genericParam };
  const valid = validFor(schema).map((value) => pct(asText(value)));
  return { plain: fc.sample(valid, { numRuns: 1, seed: 1 })[0]!, values: fc.oneof({ arbitrary: valid, weight: 3 }, { arbitrary: genericParam, weight: 2 }) };
}

/** Paths that match the route's template, with hostile values in its parameters. */
export function routePath(route: AppRoute, hints: Record<string, ParamHint>): fc.Arbitrary<string> {
  const names = templateParams(route.url);
  return fc.tuple(...names.map((name) => paramValues(route, name, hints).values)).map((values) => fillTemplate(route.url, Object.fromEntries(names.map((name, i) => [name, values[i]!]))));
}

/** The route's path with plain parameter values, which surely gets past routing. */
export function plainPath(route: AppRoute, hints: Record<string, ParamHint>): string {
  return fillTemplate(route.url, Object.fromEntries(templateParams(route.url).map((name) => [name, paramValues(route, name, hints).plain])));
}

/** A query string made of an object: repeated names for arrays, everything percent-encoded. */
export function queryOf(value: unknown): string {
  if (typeof value !== 'object' || value === null) return `?${pct(asText(value))}`;
  const pairs = Object.entries(value).flatMap(([name, v]) => (Array.isArray(v) ? v : [v]).map((item) => `${pct(name)}=${pct(asText(item))}`));
  return `?${pairs.join('&')}`;
}

function routeQuery(route: AppRoute): fc.Arbitrary<string> {
  const schema = declared(route, 'querystring');
  if (schema === undefined) return query;
  return fc.oneof({ arbitrary: validFor(schema).map(queryOf), weight: 2 }, { arbitrary: nearlyValidFor(schema).map(queryOf), weight: 1 }, { arbitrary: query, weight: 2 });
}

/** JSON the schema takes and JSON it nearly takes, mostly as JSON; hostile bodies of every kind anyway. */
function routeBody(route: AppRoute): fc.Arbitrary<Body | undefined> {
  const schema = declared(route, 'body');
  let payload: fc.Arbitrary<Body> = body({});
  if (schema !== undefined) {
    const json = fc.oneof({ arbitrary: validFor(schema), weight: 3 }, { arbitrary: nearlyValidFor(schema), weight: 2 }).map((value) => JSON.stringify(value));
    payload = fc.oneof({ arbitrary: json.map((text) => ({ contentType: 'application/json', bytes: Buffer.from(text) })), weight: 3 }, { arbitrary: body({ json }), weight: 2 });
  }
  return fc.option(payload, { nil: undefined, freq: 4 });
}

/**
 * A live access token, most of the time, for a route that declares (`config.access`) it is not
 * public: a case without one dies at authentication, before anything the route does itself.
 */
function routeAuth(route: AppRoute, m: Material): fc.Arbitrary<[string, string][]> {
  const kind = (route.config as { access?: { kind?: unknown } } | undefined)?.access?.kind;
  const none = fc.constant<[string, string][]>([]);
  if (kind === undefined || kind === 'public') return none;
  const bearer = fc.constantFrom(...m.accessTokens).map((token): [string, string][] => [['authorization', `Bearer ${token}`]]);
  return fc.oneof({ arbitrary: bearer, weight: 3 }, { arbitrary: none, weight: 1 });
}

/**
 * Requests for one route: mostly its own method and template, now and then another method or a
 * bent path; hostile parameters, queries, headers and bodies. `plain` is the route's simplest
 * request (plain parameters, nothing else), which must get past routing.
 */
export function routeRequests(route: AppRoute, m: Material, hints: Record<string, ParamHint>): { plain: RouteRequest; cases: fc.Arbitrary<RouteRequest> } {
  const plain = { method: route.method, target: plainPath(route, hints), headers: [] };
  const cases = fc
    .record({
      method: rarely(methods, route.method),
      path: routePath(route, hints),
      bend: rarely(pathBend, (path: string) => path),
      query: routeQuery(route),
      headers: fc.tuple(routeAuth(route, m), headers(m)).map(([auth, more]) => [...auth, ...more]),
      body: routeBody(route),
    })
    .map((r): RouteRequest => ({ method: r.method, target: `${r.bend(r.path)}${r.query}`, headers: r.headers, body: r.body }));
  return { plain, cases };
}
