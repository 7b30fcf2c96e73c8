import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { checkServeConfig, type Config } from './config.js';
import { AccountNameError, createAccount } from './modules/accounts/accounts.js';
import { systemClock, type Clock } from './lib/clock.js';
import { loadServerSecret } from './lib/server-secret.js';
import { KeyRing } from './modules/oauth/key-ring.js';
import type { LimitStore } from './limits/limit-store.js';
import { MemoryLimitStore } from './limits/memory-limit-store.js';
import { RedisLimitStore } from './limits/redis-limit-store.js';
import { openStore } from './store/open-store.js';
import { configuredTransports, deliveryStatus } from './modules/outbox/configured.js';
import { DeliveryLoop } from './modules/outbox/delivery-loop.js';
import type { Store } from './store/store.js';

export const DEMO_ACCOUNT = 'demo';
/** ES256 over EdDSA by measurement on OpenSSL 3.0: signing 33 µs vs 41, verifying 77 vs 120. */
const FIRST_KEY_ALG = 'ES256';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  /** Stops accepting, finishes in-flight requests, closes the store. */
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logStream?: NodeJS.WritableStream;
  /** Create the demo account on an empty store (what `openmeshy serve` does). */
  createDemoAccount?: boolean;
  /** Where OPENMESHY_SECRET is read from; process.env by default. */
  env?: NodeJS.ProcessEnv;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  // Settings are refused before the store is opened: a misconfigured instance migrates nothing.
  checkServeConfig(config);
  const secret = loadServerSecret(config.data, { shared: config.databaseUrl !== undefined }, options.env ?? process.env);
  const store = await openStore(config, { serving: true });
  let limits: LimitStore | undefined;
  try {
    limits = config.redisUrl ? await RedisLimitStore.open(config.redisUrl) : new MemoryLimitStore();
    const keys = await KeyRing.open(store.signingKeys, clock, FIRST_KEY_ALG);
    if (options.createDemoAccount) await ensureDemoAccount(store, clock);
    const transports = configuredTransports(config, store.accounts, clock);
    let delivery: DeliveryLoop | undefined;
    const app = buildApp(config, { store, keys, secret, clock, limits, logStream: options.logStream, nudgeDelivery: () => delivery?.nudge() });
    // The outbox's background task: started with the server, stopped after its last request.
    delivery = new DeliveryLoop({ outbox: store.outbox, transports, clock, log: app.log.child({ task: 'outbox' }), pollMs: config.outboxPollMs });
    app.server.maxConnections = config.maxConnections;
    await app.listen({ port: config.port, host: config.host });
    app.log.info({ channels: delivery.channels }, deliveryStatus(transports));
    delivery.start();
    let closing: Promise<void> | undefined;
    return {
      app,
      store,
      url: urlOf(app, config),
      close: () =>
        (closing ??= (async () => {
          await app.close();
          await delivery.stop();
          await limits?.close();
          await store.close();
        })()),
    };
  } catch (error) {
    await limits?.close();
    await store.close();
    throw error;
  }
}

/**
 * What the first start does to a store, once, before a cluster's workers open it: migrations,
 * the server secret, the first signing key and the demo account. Returns the demo client.
 */
export async function prepareStore(config: Config, clock: Clock = systemClock): Promise<{ accountName: string; publicKey: string } | undefined> {
  checkServeConfig(config);
  loadServerSecret(config.data, { shared: config.databaseUrl !== undefined });
  const store = await openStore(config);
  try {
    await KeyRing.open(store.signingKeys, clock, FIRST_KEY_ALG);
    await ensureDemoAccount(store, clock);
    return await findDemoClient(store);
  } finally {
    await store.close();
  }
}

/** Creates the demo account on an empty store. */
async function ensureDemoAccount(store: Store, clock: Clock): Promise<void> {
  if ((await store.accounts.list()).length > 0) return;
  await createAccount(store, DEMO_ACCOUNT, clock.now()).catch((error: unknown) => {
    // Another instance starting at the same moment made it first: theirs is as good.
    if (!(error instanceof AccountNameError)) throw error;
  });
}

/** The demo account's first client, for the line `serve` prints; undefined when there is none. */
export async function findDemoClient(store: Store): Promise<{ accountName: string; publicKey: string } | undefined> {
  const demo = await store.accounts.findByName(DEMO_ACCOUNT);
  const client = demo && (await store.clients.list(demo.id))[0];
  return demo && client ? { accountName: demo.name, publicKey: client.publicKey } : undefined;
}

function urlOf(app: FastifyInstance, config: Config): string {
  const address = app.server.address();
  const port = address && typeof address === 'object' ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
