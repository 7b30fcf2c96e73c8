import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';
import { Directory } from './modules/accounts/directory.js';
import { accountHook } from './http/account-hook.js';
import { access, enforceAccess } from './http/access.js';
import { authenticate, signedInUser } from './http/authenticate.js';
import { CorsAllowLists } from './http/cors-allow-lists.js';
import './http/request.js';
import { sendApiError, sendRouteNotFound } from './http/errors.js';
import { registerOpenapi } from './http/openapi.js';
import { answerNodeLevelRequests, clientErrorHandler, frameworkErrorHandler } from './http/raw-errors.js';
import { securityHeaders } from './http/security-headers.js';
import { discardGetBodies } from './http/unread-bodies.js';
import { refuseWhileClosing } from './http/shutdown.js';
import { schemaErrorFormatter, validatorCompiler } from './http/validation.js';
import { loggerOptions } from './logging.js';
import { systemClock, type Clock } from './lib/clock.js';
import type { LimitStore } from './limits/limit-store.js';
import { MemoryLimitStore } from './limits/memory-limit-store.js';
import { LoginThrottle } from './limits/login-throttle.js';
import type { KeyRing } from './modules/oauth/key-ring.js';
import type { OAuthDeps } from './modules/oauth/token-context.js';
import { VerifiedTokenCache } from './modules/oauth/verified-token-cache.js';
import { connectRoutes } from './modules/oauth/routes.js';
import { discoveryRoutes } from './modules/oauth/discovery-routes.js';
import { healthRoutes } from './modules/health/routes.js';
import { userRoutes } from './modules/users/routes.js';
import { userAdminRoutes } from './modules/users/admin-routes.js';
import { RecoveryLimits } from './modules/recovery/attempt-limits.js';
import { recoveryRoutes } from './modules/recovery/routes.js';
import { GrantsCache } from './modules/roles/grants-cache.js';
import { SignedInUserCache } from './modules/users/signed-in-user-cache.js';
import { forgettingStore } from './modules/users/user-cache-invalidation.js';
import { roleRoutes } from './modules/roles/routes.js';
import { meshRoutes } from './modules/meshes/routes.js';
import { EnginePool } from './modules/projections/engine-pool.js';
import { projectionRoutes } from './modules/projections/routes.js';
import type { Store } from './store/store.js';

export interface AppDeps {
  store: Store;
  keys: KeyRing;
  /** Server secret: refresh tokens and verification hashes are MACed under it. */
  secret: Buffer;
  clock?: Clock;
  /** Counters for API limits and failed logins; in memory unless given (Redis). */
  limits?: LimitStore;
  /** Where logs go; tests pass a stream to read them. */
  logStream?: NodeJS.WritableStream;
  /** Called when a request has written a message to the outbox (the delivery loop's nudge). */
  nudgeDelivery?: () => void;
}

/** Builds the HTTP application. It never listens: server.ts does, and tests call inject or listen(0). */
export function buildApp(config: Config, deps: AppDeps): FastifyInstance {
  const clock = deps.clock ?? systemClock;
  const httpsOnly = config.publicUrl?.startsWith('https://') ?? false;
  let closing = false;
  // The gate's users, read at most every 2 s; writes through `store` forget the users they change.
  const signedInUsers = new SignedInUserCache(deps.store.users, clock);
  const store = forgettingStore(deps.store, signedInUsers);
  const directory = new Directory(store, clock);
  const corsAllowLists = new CorsAllowLists(directory);
  const app = Fastify({
    logger: loggerOptions(config.logLevel, deps.logStream) as FastifyServerOptions['logger'],
    // One line per request, written by our onResponse hook, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimit,
    // Slow clients cannot hold a connection forever: a whole request within the timeout, and
    // an idle socket closed after it too.
    requestTimeout: config.requestTimeoutSeconds * 1000,
    connectionTimeout: config.requestTimeoutSeconds * 1000 + 2000,
    // Refused by refuseWhileClosing instead, with our JSON and the account's CORS headers.
    return503OnClosing: false,
    routerOptions: { maxParamLength: 500 },
    clientErrorHandler: clientErrorHandler(httpsOnly),
    // Nothing here depends on Host (the issuer comes from the settings), so HTTP/1.1 without it is
    // answered like any other request instead of with Node's empty 400. Node checks request
    // deadlines on connectionsCheckingInterval (30 s by default, too coarse for short timeouts).
    http: { requireHostHeader: false, connectionsCheckingInterval: Math.min(1000, config.requestTimeoutSeconds * 500) },
    frameworkErrors: frameworkErrorHandler(httpsOnly, corsAllowLists),
    trustProxy: config.trustProxy,
    schemaErrorFormatter,
  });
  app.setValidatorCompiler(validatorCompiler);

  let cachedBaseUrl: string | undefined;
  const baseUrl = (): string => {
    if (config.publicUrl) return config.publicUrl;
    if (cachedBaseUrl) return cachedBaseUrl;
    const address = app.server.address();
    const port = address && typeof address === 'object' ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    cachedBaseUrl = `http://${host}:${port}`;
    return cachedBaseUrl;
  };

  const limits = deps.limits ?? new MemoryLimitStore();
  const grants = new GrantsCache(store.roles, clock);
  const oauth: OAuthDeps = {
    users: store.users,
    refreshFamilies: store.refreshFamilies,
    clock,
    keys: deps.keys,
    refreshSecret: deps.secret,
    issuerFor: (account) => `${baseUrl()}/${account.name}`,
    loginThrottle: new LoginThrottle(limits, app.log),
    findClient: (publicKey) => directory.client(publicKey),
    verifiedTokens: new VerifiedTokenCache(),
    permissionClaimsOf: (account, roles) => grants.claimsOf(account, roles),
  };

  answerNodeLevelRequests(app.server, httpsOnly);
  app.setErrorHandler(sendApiError);
  app.setNotFoundHandler(sendRouteNotFound);
  const refusal = refuseWhileClosing(() => closing);
  app.addHook('onRequest', refusal.onRequest);
  app.addHook('preParsing', refusal.preParsing);
  app.addHook('onRequest', discardGetBodies(config.bodyLimit));
  app.addHook('onSend', securityHeaders(httpsOnly, () => closing));
  app.addHook('preClose', async () => {
    closing = true;
  });
  if (['trace', 'debug', 'info'].includes(config.logLevel)) {
    app.addHook('onResponse', async (request, reply) => {
      request.log.info(
        { method: request.method, path: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 },
        'request',
      );
    });
  }

  // One engine thread per process: projections are reports, and the API's threads come first.
  const engine = new EnginePool({ threads: 1, heapMb: config.projectionHeapMb, timeoutMs: config.projectionTimeoutSeconds * 1000, maxQueued: 64 });
  app.addHook('onClose', () => engine.close());
  const projectionNames = async (accountId: string) => (await store.projections.list(accountId)).map((p) => p.name);

  registerOpenapi(app);
  app.register(healthRoutes, { store, limits, limitsKind: config.redisUrl ? 'redis' : 'memory' });
  app.register(
    async (scope) => {
      scope.addHook('onRequest', accountHook({ directory, limits, clock }, corsAllowLists));
      // Not-found under /{account} runs the hook above too: the account's CORS, its 404 or 429.
      scope.setNotFoundHandler(sendRouteNotFound);
      enforceAccess(scope, {
        authenticate: authenticate({ oauth, users: signedInUsers }),
        allows: (request, permissible, action) => grants.allows(request.account, signedInUser(request).roles, permissible, action),
      });
      // CORS preflight for every route of the account; the hook above has set the headers.
      scope.options('/*', { config: { access: access.public } }, async (_request, reply) => reply.code(204).send());
      await scope.register(connectRoutes, { oauth });
      const nudge = deps.nudgeDelivery ?? (() => {});
      await scope.register(userRoutes, { users: store.users, clock, secret: deps.secret, nudge, loginThrottle: oauth.loginThrottle });
      await scope.register(recoveryRoutes, { users: store.users, outbox: store.outbox, limits: new RecoveryLimits(limits), clock, secret: deps.secret, nudge });
      await scope.register(userAdminRoutes, { users: store.users, roles: store.roles, grants, clock });
      await scope.register(discoveryRoutes, { oauth });
      await scope.register(roleRoutes, {
        roles: store.roles,
        clock,
        grants,
        contents: (account) => ({ meshes: () => store.meshes.meshNames(account.id), projections: () => projectionNames(account.id) }),
      });
      await scope.register(projectionRoutes, {
        projections: store.projections,
        clock,
        documents: store.meshes,
        engine,
        limits: {
          maxDocuments: config.projectionMaxDocuments,
          stageBytes: config.projectionStageBytes,
        },
      });
      await scope.register(meshRoutes, { meshes: store.meshes, clock });
    },
    { prefix: '/:account' },
  );
  return app;
}
