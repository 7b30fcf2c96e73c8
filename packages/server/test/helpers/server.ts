import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config.js';
import { createAccount } from '../../src/modules/accounts/accounts.js';
import { ManualClock } from '../../src/lib/clock.js';
import { startServer, type RunningServer } from '../../src/server.js';
import type { AccountSettings, ClientSettings } from '../../src/modules/accounts/types.js';

export interface TestServer {
  server: RunningServer;
  /** The settings the server runs with. */
  config: Config;
  /** http://127.0.0.1:PORT */
  url: string;
  /** http://127.0.0.1:PORT/ACCOUNT */
  base: string;
  account: string;
  publicKey: string;
  dataDir: string;
  clock: ManualClock;
  /** Every log line the server wrote. */
  logs: string[];
  setAccountSettings(patch: Partial<AccountSettings>): Promise<void>;
  setClientSettings(patch: Partial<ClientSettings>, publicKey?: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the real server on an ephemeral port with a temporary data folder and an account
 * `test` (with one client), on a manual clock that only moves when the test says so.
 */
export interface TestServerOptions {
  dataDir?: string;
  logLevel?: string;
  databaseUrl?: string;
  redisUrl?: string;
  /** More `serve` flags, e.g. { '--max-connections': '2' }. */
  flags?: Record<string, string>;
}

export const TEST_SECRET = Buffer.alloc(32, 7).toString('base64');
/** With PostgreSQL the public URL is required: it is the token issuer all instances share. */
export const TEST_PUBLIC_URL = 'https://openmeshy.test';

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-test-'));
  const config = loadConfig(
    {
      '--port': '0',
      '--data': dataDir,
      '--log-level': options.logLevel ?? 'info',
      '--database-url': options.databaseUrl,
      '--redis-url': options.redisUrl,
      '--public-url': options.databaseUrl ? TEST_PUBLIC_URL : undefined,
      ...options.flags,
    },
    {},
  );
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const server = await startServer(config, { clock, logStream, env: options.databaseUrl ? { OPENMESHY_SECRET: TEST_SECRET } : {} });
  let account = (await server.store.accounts.list()).find((a) => a.name === 'test');
  let publicKey: string;
  if (account) {
    publicKey = (await server.store.clients.list(account.id))[0]!.publicKey;
  } else {
    const created = await createAccount(server.store, 'test', clock.now());
    account = created.account;
    publicKey = created.client.publicKey;
  }
  const accountId = account.id;
  // Settings are cached by the server for two seconds: move the clock past that after a change.
  const settle = () => clock.advance(2_001);
  return {
    server,
    config,
    url: server.url,
    base: `${server.url}/test`,
    account: 'test',
    publicKey,
    dataDir,
    clock,
    logs,
    async setAccountSettings(patch) {
      const current = (await server.store.accounts.findByName('test'))!.settings;
      await server.store.accounts.updateSettings(accountId, { ...current, ...patch });
      settle();
    },
    async setClientSettings(patch, key = publicKey) {
      const current = (await server.store.clients.find(key))!.settings;
      await server.store.clients.updateSettings(key, { ...current, ...patch });
      settle();
    },
    async close() {
      await server.close();
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
