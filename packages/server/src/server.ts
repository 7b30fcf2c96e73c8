import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { createAccount } from './domain/accounts.js';
import { systemClock, type Clock } from './lib/clock.js';
import { loadServerSecret } from './lib/server-secret.js';
import { KeyRing } from './oauth/key-ring.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/types.js';

export const DEMO_ACCOUNT = 'demo';

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
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const store = await openStore(config);
  try {
    const secret = loadServerSecret(config.data);
    const keys = await KeyRing.open(store, clock, 'EdDSA');
    if (options.createDemoAccount && (await store.listAccounts()).length === 0) {
      await createAccount(store, DEMO_ACCOUNT, clock.now());
    }
    const app = buildApp(config, { store, keys, secret, clock, logStream: options.logStream });
    await app.listen({ port: config.port, host: config.host });
    let closing: Promise<void> | undefined;
    return {
      app,
      store,
      url: urlOf(app, config),
      close: () =>
        (closing ??= (async () => {
          await app.close();
          await store.close();
        })()),
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

function urlOf(app: FastifyInstance, config: Config): string {
  const address = app.server.address();
  const port = address && typeof address === 'object' ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
