import assert from 'node:assert/strict';
import { createPrivateKey, sign } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import fc from 'fast-check';
import { createAccount } from '../../src/modules/accounts/accounts.js';
import { appRoutes, unreportedRoutes, type AppRoute } from '../helpers/app-routes.js';
import { get } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { giveRole, grantsOf } from '../helpers/roles.js';
import { login, passwordGrant, passwordUser, refreshGrant } from '../helpers/tokens.js';
import {
  accountSegment,
  authorization,
  body,
  headers,
  jsonObject,
  jsonOdd,
  pct,
  methods,
  pathBend,
  printable,
  query,
  rarely,
  segment,
  text,
  tokenish,
  type Body,
  type Material,
} from './arbitraries.js';
import { AnswerTally, assertWellFormedAnswer, errorLines, isDocsPath } from './invariant.js';
import { fillTemplate, paramHints, plainPath, routePath, routeRequests, templateParams, type ParamHint, type RouteRequest } from './route-inputs.js';
import { CLOSED, encodeRequest, exchange, type WireAnswer, type WireRequest } from './wire.js';

/**
 * Property-based fuzzing of every endpoint of one real server (issue 6, "Hostile input").
 *
 * The routes are the app's own, enumerated by an onRoute hook (see helpers/app-routes.ts): every
 * route gets generic hostile requests made from its template and schema (route-inputs.ts), so a
 * new route is fuzzed without anyone adding it here. The deep properties below know more about
 * the routes they are written for (DEEP); a stale one fails the first test.
 *
 * Every request goes over a raw socket (see wire.ts) and every answer is held to one invariant
 * (see invariant.ts): a 2xx or a 4xx with a JSON reason, never a 5xx, never a hang, and no error
 * in the server's log. Generators (arbitraries.ts) mix real material (the account, a client id,
 * live and spent tokens, tokens signed with the server's own key) with garbage, so that cases
 * get past the first check and reach the code behind it.
 *
 * `npm test` runs FUZZ_RUNS (default 200) cases per property, and a tenth of that (at least 10)
 * per route in the generic property of every route; `npm run fuzz` runs 5000. A failure
 * prints fast-check's seed and path; replay it with FUZZ_SEED=<seed> FUZZ_PATH=<path> (the
 * server's state, e.g. which tokens are spent, is not replayed, but the inputs are).
 * FUZZ_STATS=1 prints, per property, how often each answer came back.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const PATH = process.env.FUZZ_PATH;
const settings = { numRuns: RUNS, includeErrorInReport: true, ...(SEED !== undefined && { seed: SEED }), ...(PATH !== undefined && { path: PATH }) };
/** Cases per route in the generic property of every route: there are many routes. */
const ROUTE_RUNS = Math.max(10, Math.ceil(RUNS / 10));
/** Far above any honest answer on loopback; only a hang gets near it. */
const ANSWER_TIMEOUT_MS = 10_000;
/** How long the client waits in silence before giving up on sending the rest (see exchange). */
const IDLE_END_MS = 1_000;

/** A text that is JSON as itself (an object for the SDK's form of PATCH), else as a JSON string. */
function asJson(text: string): string {
  try {
    JSON.parse(text);
    return text;
  } catch {
    return JSON.stringify(text);
  }
}

/** The routes the deep properties are written for. */
const DEEP = {
  token: 'POST /:account/connect/token',
  revocation: 'POST /:account/connect/revocation',
  introspect: 'POST /:account/connect/introspect',
  register: 'POST /:account/users/register',
  registerAnonymous: 'POST /:account/users/register/anonymous',
  me: 'GET /:account/users/me',
  meshSearch: 'GET /:account/meshes/:mesh',
  meshPatch: 'PATCH /:account/meshes/:mesh',
  meshDelete: 'DELETE /:account/meshes/:mesh',
  meshCreate: 'POST /:account/meshes/:mesh',
};

/**
 * Whether the router took a plain request (no body, a URL that decodes) to a route: anything but
 * the not-found handler's answer. A HEAD answer has no body to tell by, so only its status counts.
 */
function routed(answer: WireAnswer | typeof CLOSED, head: boolean): boolean {
  if (answer === CLOSED) return false;
  if (answer.status !== 404) return true;
  if (head) return false;
  try {
    return (JSON.parse(answer.body.toString('utf8')) as { code?: unknown }).code !== 'route_not_found';
  } catch {
    return false;
  }
}

describe('fuzz: hostile requests to every endpoint', () => {
  let t: TestServer;
  let port: number;
  let m: Material;
  let routes: AppRoute[];
  let hints: Record<string, ParamHint>;

  before(async () => {
    t = await startTestServer({ logLevel: 'warn' });
    port = Number(new URL(t.url).port);
    routes = await appRoutes(t);
    // Account `test` lets everything through to the handlers (no API limit, no login back-off), so
    // cases reach the code behind the limits; account `strict` keeps the defaults, so the limits
    // themselves get fuzzed too (they answer 429, which is a well-formed 4xx).
    const current = (await t.server.store.accounts.findByName('test'))!.settings;
    const open = 1_000_000_000;
    await t.setAccountSettings({
      apiRequestLimit: null,
      loginThrottle: { ...current.loginThrottle, freeFailures: open, lockFailures: open, ipFreeFailures: open, ipLockFailures: open },
    });
    const strict = await createAccount(t.server.store, 'strict', t.clock.now());

    await passwordUser(t, 'fuzz_pw', 'correct horse battery staple');
    // Its tokens get past every permission check, so cases reach the handlers of users and roles
    // routes, not only their 403; the anonymous users' tokens still get the 403s.
    await giveRole(t, 'fuzz_pw', 'FuzzAdmin', grantsOf({ users: 'crud', roles: 'crud' }));
    await login(t, 'fuzz_anon_1');
    await login(t, 'fuzz_anon_2');
    const jwks = await get(`${t.base}/.well-known/jwks.json`);
    const [signingKey] = await t.server.store.signingKeys.list();
    const privateKey = createPrivateKey(signingKey!.privateKeyPem);
    m = {
      accounts: ['test', 'strict'],
      clientIds: [t.publicKey, strict.client.publicKey],
      users: [
        { username: 'fuzz_pw', password: 'correct horse battery staple' },
        { username: 'fuzz_anon_1', password: 'nopassword' },
        { username: 'fuzz_anon_2', password: 'nopassword' },
      ],
      accessTokens: [],
      refreshTokens: [],
      kid: jwks.body.keys[0].kid,
      sign: (input) => sign(null, Buffer.from(input), privateKey).toString('base64url'),
    };
    hints = paramHints(m);
  });

  // Fresh tokens for every property: the ones before may be spent, revoked or expired by now.
  beforeEach(async () => {
    const sessions = await Promise.all(m.users.map((u) => passwordGrant(t, u.username, u.password)));
    for (const session of sessions) assert.equal(session.status, 200, JSON.stringify(session.body));
    m.accessTokens = sessions.map((s) => s.body.access_token);
    m.refreshTokens = sessions.map((s) => s.body.refresh_token);
  });

  after(() => t.close());

  /** Sends one request and holds the answer, and the server's log, to the invariant. */
  async function check(request: WireRequest & { wait?: number }): Promise<WireAnswer | typeof CLOSED> {
    if (request.wait) t.clock.advance(request.wait);
    const logged = t.logs.length;
    const head = request.method === 'HEAD';
    const answer = await exchange(port, encodeRequest(request), { timeoutMs: ANSWER_TIMEOUT_MS, idleEndMs: IDLE_END_MS, head });
    assertWellFormedAnswer(answer, { head, docsPage: isDocsPath(request.target) });
    assert.deepEqual(errorLines(t.logs.slice(logged)), [], 'the server logged an error while answering');
    seen.count(answer);
    return answer;
  }

  const seen = new AnswerTally();
  const property = async (arbitrary: fc.Arbitrary<WireRequest>, more: Partial<fc.Parameters<[WireRequest]>> = {}) => {
    await fc.assert(
      fc.asyncProperty(arbitrary, async (sent) => {
        await check(sent);
      }),
      { ...settings, ...more },
    );
    // FUZZ_STATS=1 shows which answers a property's cases got: a generator whose cases all die at
    // the first check needs better material, and this is how to tell.
    if (process.env.FUZZ_STATS) console.error(seen.drain());
  };

  /** Host is always sent, as real clients do (a request without one is covered by the protocol test). */
  const request = (method: string, target: string, extra: [string, string][], payload: Body = {}): WireRequest => {
    const head: [string, string][] = [['host', '127.0.0.1'], ...extra];
    if (payload.contentType !== undefined) head.push(['content-type', payload.contentType]);
    return printable({ method, target, headers: head, body: payload.bytes });
  };

  const asIs = (path: string) => path;

  /** The path template of a route the app has; a deep property for one it lacks fails here. */
  const url = (key: string): string => {
    const route = routes.find((r) => r.key === key);
    assert.ok(route, `the fuzz suite is written for ${key}, which the app does not have`);
    return route.url;
  };

  test('the suite fuzzes the routes the server has, and every hint names a route or parameter of it', () => {
    assert.ok(routes.length > 0);
    // The routes were enumerated from a second app: the running server must hold the same ones.
    assert.deepEqual(unreportedRoutes(t.server.app, routes), [], 'the running server holds routes that were not enumerated');
    for (const route of routes) assert.ok(t.server.app.hasRoute({ method: route.method, url: route.url }), `the running server has no ${route.key}`);
    const keys = new Set(routes.map((r) => r.key));
    assert.deepEqual(Object.values(DEEP).filter((key) => !keys.has(key)), [], 'deep properties for routes the app does not have');
    const params = new Set(routes.flatMap((r) => templateParams(r.url)));
    assert.deepEqual(Object.keys(hints).filter((name) => !params.has(name)), [], 'hints for path parameters no route has');
  });

  test('any method, any route or path, any headers, any body', async () => {
    const randomPath = fc.array(segment, { maxLength: 6 }).map((parts) => `/${parts.join('/')}`);
    const target = fc.oneof(
      { arbitrary: fc.constantFrom(...routes).chain((route) => routePath(route, hints)), weight: 4 },
      { arbitrary: randomPath, weight: 2 },
      {
        arbitrary: fc.constantFrom('*', '/', '//', '/%', '/..', '/test', '/test/', '/test/users', '/test/connect', '/test/.well-known', '/test/.well-known/', '/.well-known/openid-configuration', '/test/.well-known/%2e%2e/jwks.json'),
        weight: 1,
      },
    );
    await property(
      fc
        .record({ method: methods, target, bend: pathBend, query, headers: headers(m, { framing: true }), body: body({}) })
        .map((r) => request(r.method, `${r.bend(r.target)}${r.query}`, r.headers, r.body)),
    );
  });

  /**
   * One property per route of the app, made from nothing but what the route declares (and the
   * parameter hints): a route nobody wrote a generator for is fuzzed all the same. The route's
   * plain request must get past routing first: the cases draw their parameters from the same
   * values, and a template they cannot fill, or parameters they never match, would fuzz nothing
   * but the 404.
   */
  test('every route of the app: hostile parameters, queries, headers, content types and bodies of every JSON type', async (context) => {
    const reached = new Set<string>();
    const toRequest = (r: RouteRequest) => request(r.method, r.target, r.headers, r.body);
    for (const route of routes) {
      await context.test(route.key, async () => {
        const { plain, cases } = routeRequests(route, m, hints);
        if (routed(await check(toRequest(plain)), route.method === 'HEAD')) reached.add(route.key);
        // A HEAD answer has no body to tell the router's 404 from the route's: its GET twin can.
        const twinReached = route.method === 'HEAD' && reached.has(`GET ${route.url}`);
        assert.ok(reached.has(route.key) || twinReached, `${plain.method} ${plain.target} did not get past routing to ${route.key}: its path parameters need a hint (paramHints in route-inputs.ts)`);
        await property(cases.map(toRequest), { numRuns: ROUTE_RUNS });
      });
    }
  });

  /**
   * Named fields: often all of them with values from `real` (each now and then left out or
   * replaced by `odd`), plus now and then a repeat or an unknown name; sometimes a random pile.
   */
  function fields<V>(real: Record<string, fc.Arbitrary<V>>, odd: fc.Arbitrary<V>): fc.Arbitrary<[string, V][]> {
    const names = Object.keys(real);
    // Object.hasOwn: a generated name may well be `constructor`.
    const value = (name: string) => fc.oneof({ arbitrary: Object.hasOwn(real, name) ? real[name]! : odd, weight: 5 }, { arbitrary: odd, weight: 1 });
    const name = fc.oneof({ arbitrary: fc.constantFrom(...names), weight: 8 }, { arbitrary: text, weight: 1 });
    const pair = name.chain((n) => value(n).map((v): [string, V] => [n, v]));
    const complete = fc
      .tuple(
        fc.tuple(...names.map((n) => fc.option(value(n).map((v): [string, V] => [n, v]), { freq: 8, nil: undefined }))),
        fc.oneof({ arbitrary: fc.constant([]), weight: 4 }, { arbitrary: fc.array(pair, { minLength: 1, maxLength: 2 }), weight: 1 }),
      )
      .map(([pairs, extra]) => [...pairs.filter((p) => p !== undefined), ...extra]);
    return fc.oneof({ arbitrary: complete, weight: 4 }, { arbitrary: fc.array(pair, { maxLength: 10 }), weight: 1 });
  }

  /** The connect/ endpoints' parameters with values real, near-real and hostile. */
  const connectValues = (): Record<string, fc.Arbitrary<string>> => ({
    client_id: fc.oneof({ arbitrary: fc.constant(m.clientIds[0]!), weight: 6 }, { arbitrary: fc.constantFrom(...m.clientIds.slice(1)), weight: 1 }),
    grant_type: fc.oneof(
      { arbitrary: fc.constantFrom('password', 'refresh_token'), weight: 6 },
      { arbitrary: fc.constantFrom('client_credentials', 'authorization_code', 'PASSWORD', 'urn:ietf:params:oauth:grant-type:jwt-bearer'), weight: 1 },
    ),
    username: fc.constantFrom(...m.users.map((u) => u.username), 'FUZZ_PW', ' fuzz_pw ', 'nobody'),
    password: fc.constantFrom(...m.users.map((u) => u.password), 'wrong'),
    scope: fc.constantFrom('meshy.api', 'offline_access', 'meshy.api offline_access', 'openid', 'meshy.api  offline_access', 'admin', 'meshy.api offline_access offline_access'),
    refresh_token: tokenish(m),
    client_secret: fc.constantFrom('', 'secret'),
    token: tokenish(m),
    token_type_hint: fc.constantFrom('refresh_token', 'access_token', 'id_token'),
  });

  /** Bodies for connect/: mostly forms, sometimes JSON or worse, and the content type right or wrong. */
  const connectBody = (values: Record<string, fc.Arbitrary<string>>) => {
    const formBody = fields(values, text);
    return fc.oneof(
      { arbitrary: formBody.map((pairs) => ({ contentType: 'application/x-www-form-urlencoded', bytes: Buffer.from(new URLSearchParams(pairs).toString()) })), weight: 4 },
      { arbitrary: body({ form: formBody, json: jsonObject(fc.constantFrom(...Object.keys(values)), jsonOdd) }), weight: 1 },
    );
  };

  const pick = (names: string[]) => Object.fromEntries(names.map((n) => [n, connectValues()[n]!]));

  /**
   * Time moves between some cases, so grace windows close, spent tokens count as reuse and
   * access tokens expire; a fresh set of tokens for every property (see beforeEach).
   */
  const wait = fc.constantFrom(0, 0, 0, 0, 0, 0, 5_000, 11_000, 3_601_000);

  /** Mostly account `test`, whose users and tokens the generators know. */
  const account = () => rarely(accountSegment(m), 'test');

  test('connect/token: missing, repeated and hostile parameters, tokens of every shape', async () => {
    // A user's name and password go together often enough for logins to succeed now and then.
    const credentials = fc.constantFrom(...m.users).chain((user) =>
      connectBody({
        ...pick(['grant_type', 'client_id', 'scope', 'client_secret']),
        refresh_token: fc.oneof({ arbitrary: fc.constantFrom(...m.refreshTokens), weight: 2 }, { arbitrary: tokenish(m), weight: 3 }),
        username: rarely(connectValues().username!, user.username),
        password: rarely(connectValues().password!, user.password),
      }),
    );
    await property(
      fc
        .record({ wait, account: account(), bend: rarely(pathBend, asIs), body: credentials, headers: headers(m), method: rarely(fc.constantFrom('GET', 'PUT', 'DELETE'), 'POST') })
        .map((r) => Object.assign(request(r.method, r.bend(fillTemplate(url(DEEP.token), { account: r.account })), r.headers, r.body), { wait: r.wait })),
    );
  });

  test('connect/revocation and connect/introspect: hostile tokens, hints and clients', async () => {
    const names = ['token', 'token_type_hint', 'client_id'];
    await property(
      fc
        .record({ wait, account: account(), endpoint: fc.constantFrom(url(DEEP.revocation), url(DEEP.introspect)), body: connectBody(pick(names)), headers: headers(m) })
        .map((r) => Object.assign(request('POST', fillTemplate(r.endpoint, { account: r.account }), r.headers, r.body), { wait: r.wait })),
    );
  });

  test('users/register and users/register/anonymous: wrong types, unicode, NULs, forms instead of JSON', async () => {
    // Values that are almost fine, so later checks (password, uniqueness, hashing) get reached.
    const nearly = fc.string({ minLength: 1, maxLength: 20 }).map((s): unknown => `fz_${s}`);
    const real: Record<string, fc.Arbitrary<unknown>> = {
      username: fc.oneof(nearly, fc.constantFrom(...m.users.map((u) => u.username), ' fuzz_pw ', 'FUZZ_PW')),
      newPassword: fc.oneof(nearly, fc.constantFrom('nopassword', ' ')),
      firstName: text,
      lastName: text,
      emailAddress: fc.constantFrom('a@b.co', 'not-an-email', '@', 'a@b'),
      phoneNumber: fc.constantFrom('+15555550100', '555', '+0123'),
      securityQuestions: fc.array(fc.record({ question: jsonOdd, answer: jsonOdd }, { requiredKeys: [] }), { maxLength: 3 }),
      isActive: jsonOdd,
      roles: jsonOdd,
      id: jsonOdd,
      // A computed key: a plain `__proto__:` here would set the literal's prototype instead.
      ['__proto__']: fc.constant({ isAdmin: true }),
    };
    // Most cases leave out the fields that only make noise.
    const quiet = fc.constantFrom(['username', 'newPassword'], ['username'], ['newPassword'], Object.keys(real));
    const userJson = quiet.chain((keep) =>
      fields(Object.fromEntries(Object.entries(real).filter(([k]) => keep.includes(k))), jsonOdd).map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`),
    );
    await property(
      fc
        .record({
          account: account(),
          endpoint: fc.constantFrom(url(DEEP.register), url(DEEP.registerAnonymous)),
          body: fc.oneof({ arbitrary: userJson.map((json) => ({ contentType: 'application/json', bytes: Buffer.from(json) })), weight: 3 }, { arbitrary: body({ json: userJson }), weight: 1 }),
          headers: headers(m),
        })
        .map((r) => request('POST', fillTemplate(r.endpoint, { account: r.account }), r.headers, r.body)),
    );
  });

  test('users/me: Authorization headers real, tampered, forged (alg none, wrong kid), absurd', async () => {
    await property(
      fc
        .record({
          account: account(),
          method: rarely(fc.constantFrom('HEAD', 'POST', 'OPTIONS', 'DELETE'), 'GET'),
          auth: fc.oneof(
            { arbitrary: fc.constantFrom(...m.accessTokens).map((token) => [`Bearer ${token}`]), weight: 1 },
            { arbitrary: fc.array(authorization(m), { maxLength: 2 }), weight: 3 },
          ),
          headers: headers(m),
          query,
        })
        .map((r) => request(r.method, `${fillTemplate(url(DEEP.me), { account: r.account })}${r.query}`, [...r.auth.map((a): [string, string] => ['authorization', a]), ...r.headers])),
    );
  });

  /**
   * MongoDB filters, orderBy and updates built to hurt: nesting past every limit, a huge `$in`,
   * regexes that make a backtracking engine take exponential time (run on RE2 here, over strings
   * made to trigger them), prototype keys, code (`$where`, `$function`, `$accumulator`), invalid
   * UTF-8, shell syntax that is not quite. Every one is a 2xx or a 4xx with a reason, never a hang.
   */
  test('meshes: hostile filters, orderBy and updates on search, PATCH, DELETE and create', async () => {
    const seed = await fetch(`${t.base}/meshes/fuzz`, {
      method: 'POST',
      headers: { authorization: `Bearer ${m.accessTokens[0]}`, 'content-type': 'application/json' },
      body: JSON.stringify([
        { name: 'a'.repeat(40) + '!', n: 1, tags: ['x', 'y'], nested: { deep: [{ v: 1 }] } },
        { name: 'Rob', n: 2.5, tags: [], nested: null },
        { name: 'x'.repeat(5000), n: -1, tags: [1, 'a', null, { k: 'v' }] },
      ]),
    });
    assert.equal(seed.status, 201);
    const nest = (depth: number, open: string, close: string, leaf: string) => `${open.repeat(depth)}${leaf}${close.repeat(depth)}`;
    const catastrophic = ['(a+)+$', '(a|aa)+$', '(a|a?)+$', '(.*a){25}$', '^(([a-z])+.)+[A-Z]([a-z])+$', '(x+x+)+y', '((a{100}){100}){100}', '(?=a)a', '(a)\\1', '(?<n>a)', '[', '\\'];
    const hostileFilter = fc.oneof(
      fc.constantFrom(...catastrophic).map((re) => JSON.stringify({ name: { $regex: re } })),
      fc.constantFrom(...catastrophic).map((re) => `{ name: /${re}/i }`),
      fc.constantFrom(30, 31, 32, 33, 64, 1000, 20_000).map((d) => nest(d, '{"a":', '}', '1')),
      fc.constantFrom(30, 33, 1000, 20_000).map((d) => `{"a":${nest(d, '[', ']', '1')}}`),
      fc.constantFrom(30, 33, 500).map((d) => nest(d, '{"$and":[', ']}', '{"n":1}')),
      fc.constantFrom(999, 1000, 1001, 20_000).map((n) => JSON.stringify({ n: { $in: Array.from({ length: n }, (_, i) => i) } })),
      fc.constantFrom(
        '{"__proto__": {"n": 1}}',
        '{"constructor": {"prototype": {"n": 1}}}',
        '{"n.__proto__": 1}',
        '{ $where: "sleep(10000) || true" }',
        '{ $where: function () { return true } }',
        '{ $expr: { $function: { body: "function () { return true }", args: [], lang: "js" } } }',
        '{ $expr: { $accumulator: {} } }',
        '{ n: { $gt: new Date() } }',
        '{ n: { $type: "javascript" } }',
        '{ _id: ObjectId("zz") }',
        '{ n: NumberLong("99999999999999999999999") }',
        '{ n: 1e400 }',
        '{ n: Infinity }',
        '{ n: NaN }',
        '{ n: { $mod: [0, 1] } }',
        '{ tags: { $size: -1 } }',
        '{ tags: { $all: [] } }',
        '{ nested: { $elemMatch: {} } }',
        '{ "": 1 }',
        '{ "a..b": 1 }',
        '{ $or: [] }',
        '{ a: 1 } // comment',
        '{ a: 1 }; db.dropDatabase()',
        '`${1}`',
        '{ a: this }',
        '{ a: process.exit(1) }',
        '\u0000{}',
      ),
      fc.string({ maxLength: 60 }).map((s) => `{ name: ${JSON.stringify(s)} }`),
      jsonOdd.map((v) => JSON.stringify(v)),
    );
    const hostileOrderBy = fc.oneof(hostileFilter, fc.constantFrom('{ n: 1 }', '{ n: 0 }', '{ n: "asc" }', '{ "name": -1, n: 1 }', '{ $natural: 1 }', '{ "a.$": 1 }'));
    const hostileUpdate = fc.oneof(
      hostileFilter,
      fc.constantFrom(
        '{ $set: { "__proto__.polluted": 1 } }',
        '{ $set: { "constructor.prototype.polluted": 1 } }',
        '{ $set: { _id: "000000000000000000000001" } }',
        '{ $rename: { n: "_id" } }',
        '{ $inc: { name: 1 } }',
        '{ $mul: { n: 1e308 } }',
        '{ $push: { tags: { $each: [1], $slice: -1e12 } } }',
        '{ $push: { tags: { $each: [1], $position: 1e12 } } }',
        '{ $set: { "tags.99999999": 1 } }',
        '{ $set: { "tags.$": 1 } }',
        '{ $set: { "tags.$[]": 1 } }',
        '{ $set: { "tags.$[x]": 1 } }',
        '{ $pull: { tags: { $where: "1" } } }',
        '{ $currentDate: { n: { $type: "timestamp" } } }',
        '{ $setOnInsert: { a: 1 } }',
        '{ $bit: { n: { and: 1 } } }',
        '[{ $set: { a: 1 } }]',
        '{ $set: { a: { $b: 1 } } }',
        '{ $set: { "a.b": { "c.d": 1 } } }',
      ),
    );
    // Invalid UTF-8 and other bytes no text holds, percent-encoded in a query or raw in a body.
    const badBytes = fc.constantFrom('%FF', '%C0%AF', '%ED%A0%80', '%F4%90%80%80', '%00', '%E2%82', '%');
    const inQuery = fc.oneof({ arbitrary: hostileFilter.map(pct), weight: 4 }, { arbitrary: fc.tuple(hostileFilter.map(pct), badBytes).map(([f, b]) => `${f.slice(0, 4)}${b}${f.slice(4)}`), weight: 1 });
    const auth = fc.constantFrom(...m.accessTokens).map((token): [string, string][] => [['authorization', `Bearer ${token}`]]);
    const mesh = fc.constantFrom('fuzz', 'Fuzz', 'empty');
    const json = (text: string): Body => ({ contentType: 'application/json', bytes: Buffer.from(text) });
    const rawBody = (text: string, bytes: Buffer): Body => ({ contentType: 'application/json', bytes: Buffer.concat([Buffer.from(text.slice(0, 12)), bytes, Buffer.from(text.slice(12))]) });
    const invalidUtf8 = fc.constantFrom(Buffer.from([0xff]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xe2, 0x82]));
    const patchBody = fc.oneof(
      { arbitrary: fc.tuple(hostileFilter, hostileUpdate).map(([filter, update]) => json(JSON.stringify({ filter, update }))), weight: 4 },
      // The SDK's form: objects, not text (where the text is JSON at all).
      { arbitrary: fc.tuple(hostileFilter, hostileUpdate).map(([filter, update]) => json(`{"filter":${asJson(filter)},"update":${asJson(update)}}`)), weight: 2 },
      { arbitrary: fc.tuple(hostileFilter, invalidUtf8).map(([filter, bytes]) => rawBody(JSON.stringify({ filter, update: '{ $set: { a: 1 } }' }), bytes)), weight: 1 },
    );
    const createBody = fc.oneof(
      hostileFilter.map((text) => json(text)),
      hostileUpdate.map((text) => json(`[${asJson(text)}, {"ok": 1}]`)),
      fc.tuple(fc.constantFrom('{"name": "x"}', '[{"a": 1}]'), invalidUtf8).map(([text, bytes]) => ({ contentType: 'application/json', bytes: Buffer.concat([Buffer.from(text.slice(0, 9)), bytes, Buffer.from(text.slice(9))]) })),
    );
    const target = (key: string, meshName: string) => fillTemplate(url(key), { account: 'test', mesh: meshName });
    await property(
      fc.oneof(
        fc
          .record({ mesh, filter: inQuery, orderBy: hostileOrderBy.map(pct), page: rarely(fc.constantFrom('2', '0', '-1', '1e9', 'x'), '1'), pageSize: rarely(fc.constantFrom('200', '201', '0'), '25'), auth })
          .map((r) => request('GET', `${target(DEEP.meshSearch, r.mesh)}?filter=${r.filter}&orderBy=${r.orderBy}&page=${r.page}&pageSize=${r.pageSize}`, r.auth)),
        fc.record({ mesh, filter: inQuery, auth }).map((r) => request('DELETE', `${target(DEEP.meshDelete, r.mesh)}?filter=${r.filter}`, r.auth)),
        fc.record({ mesh, body: patchBody, auth }).map((r) => request('PATCH', target(DEEP.meshPatch, r.mesh), r.auth, r.body)),
        fc.record({ mesh, body: createBody, auth }).map((r) => request('POST', target(DEEP.meshCreate, r.mesh), r.auth, r.body)),
      ),
    );
    // The catastrophic patterns above ran against strings made for them: the server still answers at once.
    const after = await fetch(`${t.base}/meshes/fuzz?filter=${pct('{ n: 1 }')}`, { headers: { authorization: `Bearer ${m.accessTokens[0]}` } });
    assert.equal(after.status, 200);
  });

  test('broken HTTP: garbage, bad request lines, header injection, bad chunked bodies, huge heads', async () => {
    // Every route's plain path, so that what the parser lets through reaches each of them.
    const target = fc.constantFrom(...new Set(routes.map((route) => plainPath(route, hints))));
    const complete = (text: string) => ({ bytes: Buffer.from(text, 'latin1'), incomplete: false });
    // Sent whole, then the client gives up at once: the server must answer what it got.
    const cutShort = (bytes: Buffer) => ({ bytes, incomplete: true });
    const raw = fc.oneof(
      // Bytes that are not HTTP at all.
      fc.uint8Array({ minLength: 1, maxLength: 400 }).map((bytes) => cutShort(Buffer.from(bytes))),
      fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 200 }).map((s) => cutShort(Buffer.from(s, 'latin1'))),
      // A request line that is almost right.
      fc
        .tuple(
          fc.constantFrom('GET', 'POST', 'get', 'G\0T'),
          target,
          fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1.1 extra', 'http/1.1', ''),
          fc.constantFrom('\r\n', '\n', '\r'),
        )
        .map(([method, path, version, eol]) => complete(`${method} ${path} ${version}${eol}host: 127.0.0.1${eol}connection: close${eol}${eol}`)),
      // Headers with NUL, bare CR or LF, no colon, obsolete folding, spaces before the colon.
      fc
        .tuple(target, fc.constantFrom('x: a\0b', 'x: a\rb', 'x: a\nb', 'no colon', ' folded', 'x : y', ': empty name', 'x:\x7f', 'content-length: 1\r\ncontent-length: 2', 'transfer-encoding: chunked, identity'))
        .map(([path, line]) => complete(`POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n${line}\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: 2\r\n\r\n{}`)),
      // Chunked bodies with bad sizes, trailers, chunk extensions...
      fc
        .tuple(target, fc.constantFrom('zz\r\n{}\r\n0\r\n\r\n', '2;ext=1\r\n{}\r\n0\r\n\r\n', '2\r\n{}\r\n0\r\nx-trailer: 1\r\n\r\n', '-1\r\n\r\n', '2\r\n{}XX0\r\n\r\n'))
        .map(([path, chunks]) => complete(`POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n${chunks}`)),
      // ...or missing terminators, a chunk of 2^64 - 1 bytes, bodies shorter than their content-length.
      fc
        .tuple(target, fc.constantFrom('transfer-encoding: chunked\r\n\r\n2\r\n{}', 'transfer-encoding: chunked\r\n\r\nffffffffffffffff\r\n{}\r\n0\r\n\r\n', 'transfer-encoding: chunked\r\n\r\n2\r\n{}\r\n', 'content-length: 10\r\n\r\n{}'))
        .map(([path, rest]) => cutShort(Buffer.from(`POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nconnection: close\r\n${rest}`, 'latin1'))),
      // Heads past the parser's limit: one huge header, or very many small ones.
      fc.tuple(target, fc.constantFrom('one', 'many')).map(([path, how]) => {
        const extra = how === 'one' ? `x-big: ${'a'.repeat(20_000)}\r\n` : Array.from({ length: 3_000 }, (_, i) => `x-${i}: y\r\n`).join('');
        return complete(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n${extra}connection: close\r\n\r\n`);
      }),
      // A head that never ends.
      target.map((path) => cutShort(Buffer.from(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nx-half: `, 'latin1'))),
    );
    await fc.assert(
      fc.asyncProperty(
        raw.map((sent) => Object.assign(sent, { [fc.toStringMethod]: () => JSON.stringify(sent.bytes.toString('latin1').slice(0, 400)) })),
        async ({ bytes, incomplete }) => {
          const logged = t.logs.length;
          const answer = await exchange(port, bytes, { timeoutMs: ANSWER_TIMEOUT_MS, idleEndMs: incomplete ? 0 : IDLE_END_MS });
          // Empty lines before a request line are to be ignored (RFC 9112 §2.2): nothing but
          // empty lines is no request at all, and hanging up is the right answer to it.
          if (/^[\r\n]*$/.test(bytes.toString('latin1'))) assert.equal(answer, CLOSED);
          else assertWellFormedAnswer(answer, { head: false, docsPage: isDocsPath(/^\S+ (\S+)/.exec(bytes.toString('latin1').trimStart())?.[1] ?? '') });
          assert.deepEqual(errorLines(t.logs.slice(logged)), [], 'the server logged an error while answering');
        },
      ),
      settings,
    );
  });

  /**
   * Three requests Node's HTTP layer would answer itself with an empty body: HTTP/1.1 without
   * Host, an Expect other than 100-continue, CONNECT. The app hooks them (raw-errors.ts), so they
   * are held to the whole invariant: a 4xx with a JSON reason.
   */
  test('requests the HTTP layer sees before the app still get a 4xx JSON reason', async () => {
    const send = (text: string) => exchange(port, Buffer.from(text, 'latin1'), { timeoutMs: ANSWER_TIMEOUT_MS, idleEndMs: IDLE_END_MS });
    const cases: [string, number][] = [
      ['GET /nowhere HTTP/1.1\r\nconnection: close\r\n\r\n', 404],
      ['GET /test/users/me HTTP/1.1\r\nhost: 127.0.0.1\r\nexpect: the-unexpected\r\nconnection: close\r\n\r\n', 417],
      ['CONNECT 127.0.0.1:22 HTTP/1.1\r\nhost: 127.0.0.1:22\r\n\r\n', 405],
    ];
    for (const [text, status] of cases) {
      const answer = await send(text);
      assert.ok(answer !== CLOSED, text);
      assert.equal(answer.status, status);
      assertWellFormedAnswer(answer, { head: false });
    }
  });

  test('afterwards: /healthz answers and a user can still register, log in, refresh and read themselves', async () => {
    assert.deepEqual((await get(`${t.url}/healthz`)).body, { status: 'ok' });
    const session = await login(t, 'after_the_fuzz');
    const refreshed = await refreshGrant(t, session.refresh_token);
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    const me = await get(`${t.base}/users/me`, { authorization: `Bearer ${refreshed.body.access_token}` });
    assert.equal(me.status, 200);
    assert.equal(me.body.username, 'after_the_fuzz');
  });
});
