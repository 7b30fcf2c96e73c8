import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAccount } from '../../src/modules/accounts/accounts.js';
import { get, postForm, type JsonResponse } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login, refreshGrant, SCOPE } from '../helpers/tokens.js';

/**
 * The account's API request limit: none by default; when set, counted per account across all of
 * its endpoints, 429 `api_limit_exceeded` with Retry-After and the documented sentence, in the
 * OAuth shape on connect/ and the API shape elsewhere, and one warn line a window.
 */
const SENTENCE = 'You have either hit your API or Database limit. Please review your account.';
const WINDOW_MS = 60_000;

function assertOAuth429(res: JsonResponse, retryAfter: string): void {
  assert.equal(res.status, 429, JSON.stringify(res.body));
  assert.deepEqual(res.body, { error: 'temporarily_unavailable', error_description: SENTENCE, code: 'api_limit_exceeded' });
  assert.equal(res.headers.get('retry-after'), retryAfter);
}

function assertApi429(res: JsonResponse, retryAfter: string): void {
  assert.equal(res.status, 429, JSON.stringify(res.body));
  assert.deepEqual(res.body, { statusCode: 429, code: 'api_limit_exceeded', message: SENTENCE });
  assert.equal(res.headers.get('retry-after'), retryAfter);
}

describe('API request limit', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  /** Sets the limit and moves the clock to the start of a fresh counting window. */
  async function limit(apiRequestLimit: number | null): Promise<void> {
    await t.setAccountSettings({ apiRequestLimit, apiLimitWindowSeconds: 60 });
    t.clock.advance(WINDOW_MS - (t.clock.now() % WINDOW_MS));
  }

  test('counted across endpoints: the 4th request of 3 is 429, OAuth shape on connect/, API shape elsewhere', async () => {
    await limit(null);
    const session = await login(t);
    await limit(3);
    const form = { client_id: t.publicKey, grant_type: 'password', username: session.username, password: 'nopassword', scope: SCOPE };
    const bearer = { authorization: `Bearer ${session.access_token}` };

    assert.equal((await get(`${t.base}/users/me`, bearer)).status, 200);
    assert.equal((await postForm(`${t.base}/connect/token`, form)).status, 200);
    assert.equal((await get(`${t.base}/.well-known/jwks.json`)).status, 200);

    t.clock.advance(15_000);
    assertOAuth429(await postForm(`${t.base}/connect/token`, form), '45');
    assertOAuth429(await refreshGrant(t, session.refresh_token), '45');
    assertOAuth429(await postForm(`${t.base}/connect/revocation`, { token: session.refresh_token, client_id: t.publicKey }), '45');
    assertOAuth429(await postForm(`${t.base}/connect/introspect`, { token: session.refresh_token, client_id: t.publicKey }), '45');
    assertApi429(await get(`${t.base}/users/me`, bearer), '45');
    assertApi429(await get(`${t.base}/users/${session.username}/exists`), '45');
    assertApi429(await get(`${t.base}/.well-known/openid-configuration`), '45');

    // The refused requests did nothing: after the window the refresh token still works.
    t.clock.advance(45_000);
    assert.equal((await refreshGrant(t, session.refresh_token)).status, 200);
  });

  test('counting is per account: another account is not held back', async () => {
    const other = await createAccount(t.server.store, 'limits-other', t.clock.now());
    await limit(3);
    for (let i = 0; i < 3; i++) assert.equal((await get(`${t.base}/.well-known/jwks.json`)).status, 200);
    assertApi429(await get(`${t.base}/.well-known/jwks.json`), '60');
    for (let i = 0; i < 5; i++) {
      const res = await postForm(`${t.url}/limits-other/connect/token`, { client_id: other.client.publicKey, grant_type: 'password', username: 'x', password: 'y' });
      assert.equal(res.status, 400);
      assert.equal(res.body.code, 'username_invalid');
    }
  });

  test('a new account has no API limit: many requests in one window all pass', async () => {
    const fresh = await createAccount(t.server.store, 'limits-fresh', t.clock.now());
    assert.equal(fresh.account.settings.apiRequestLimit, null);
    const statuses = new Set<number>();
    for (let i = 0; i < 300; i++) statuses.add((await get(`${t.url}/limits-fresh/.well-known/jwks.json`)).status);
    assert.deepEqual([...statuses], [200]);
  });

  test('the first 429 of a window is logged once, with the account, the limit and the window', async () => {
    await limit(2);
    const warned = () => t.logs.map((line) => JSON.parse(line)).filter((line) => line.level === 40 && line.code === 'api_limit_exceeded');
    const before = warned().length;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await get(`${t.base}/.well-known/jwks.json`)).status);
    assert.deepEqual(statuses, [200, 200, 429, 429, 429, 429]);
    const lines = warned().slice(before);
    assert.equal(lines.length, 1, 'four 429s, one line');
    const { account, limit: logged, windowSeconds, retryAfterSeconds } = lines[0];
    assert.deepEqual({ account, logged, windowSeconds, retryAfterSeconds }, { account: 'test', logged: 2, windowSeconds: 60, retryAfterSeconds: 60 });

    // The next window refuses again: one more line.
    t.clock.advance(WINDOW_MS);
    for (let i = 0; i < 4; i++) await get(`${t.base}/.well-known/jwks.json`);
    assert.equal(warned().length - before, 2);
  });

  test('"unlimited" lifts the limit', async () => {
    await limit(null);
    for (let i = 0; i < 20; i++) assert.equal((await get(`${t.base}/.well-known/jwks.json`)).status, 200);
  });
});
