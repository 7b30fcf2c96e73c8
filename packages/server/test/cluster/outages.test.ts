import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { get } from '../helpers/http.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { OwnRedis } from '../helpers/redis.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { CuttableProxy } from '../helpers/tcp-proxy.js';
import { login, refreshGrant } from '../helpers/tokens.js';

/** Polls until `check` holds, for at most `ms`: recovery takes a reconnect, not a fixed time. */
async function eventually(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  assert.fail(`not recovered within ${ms} ms`);
}

describe('Redis goes away while serving', () => {
  let redis: OwnRedis;
  let t: TestServer;
  before(async () => {
    redis = await OwnRedis.start();
    t = await startTestServer({ redisUrl: redis.url });
    // Accounts have no API limit by default, and then only logins count in Redis: with one, every request does.
    await t.setAccountSettings({ apiRequestLimit: 1_000_000 });
  });
  after(async () => {
    await t.close();
    await redis.stop();
  });

  test('requests fail fast with 503 and a JSON reason, then recover; no refresh token is lost', async () => {
    const session = await login(t);
    await redis.stop();

    const api = await get(`${t.base}/users/x/exists`);
    assert.equal(api.status, 503);
    assert.deepEqual(api.body, { statusCode: 503, code: 'store_unavailable', message: 'Service is temporarily unavailable.' });
    const refresh = await refreshGrant(t, session.refresh_token);
    assert.equal(refresh.status, 503);
    assert.equal(refresh.body.error, 'temporarily_unavailable');
    const ready = await get(`${t.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.equal(ready.body.limitsReachable, false);
    assert.equal((await get(`${t.url}/healthz`)).status, 200, 'the process itself is fine');

    await redis.start();
    await eventually(async () => (await get(`${t.url}/readyz`)).status === 200);
    const after = await refreshGrant(t, session.refresh_token);
    assert.equal(after.status, 200, 'the token refused during the outage was not spent');
  });
});

describe('PostgreSQL goes away while serving', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let proxy: CuttableProxy;
  let t: TestServer;
  before(async () => {
    database = await createTestDatabase();
    const direct = new URL(database.url);
    proxy = new CuttableProxy(Number(direct.port || 5432), direct.hostname);
    await proxy.open();
    direct.port = String(proxy.port);
    t = await startTestServer({ databaseUrl: direct.toString() });
  });
  after(async () => {
    await t.close();
    await proxy.close();
    await database.drop();
  });

  test('requests fail fast with 503, then recover by themselves; no refresh token is lost', async () => {
    const session = await login(t);
    await proxy.cut();

    const refresh = await refreshGrant(t, session.refresh_token);
    assert.equal(refresh.status, 503);
    assert.equal(refresh.body.code, 'store_unavailable');
    const me = await get(`${t.base}/users/me`, { authorization: `Bearer ${session.access_token}` });
    assert.equal(me.status, 503);
    const ready = await get(`${t.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.equal(ready.body.storeReachable, false);

    await proxy.open();
    await eventually(async () => (await get(`${t.url}/readyz`)).status === 200);
    const after = await refreshGrant(t, session.refresh_token);
    assert.equal(after.status, 200, JSON.stringify(after.body));
  });
});
