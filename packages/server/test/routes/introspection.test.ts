import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { postForm, type JsonResponse } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login, passwordGrant, refreshGrant } from '../helpers/tokens.js';

/** POST /{account}/connect/introspect (RFC 7662) for refresh and access tokens. */
function introspect(t: TestServer, token: string, extra: Record<string, string> = {}): Promise<JsonResponse> {
  return postForm(`${t.base}/connect/introspect`, { token, client_id: t.publicKey, ...extra });
}

async function assertInactive(t: TestServer, token: string, extra: Record<string, string> = {}): Promise<void> {
  const res = await introspect(t, token, extra);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { active: false });
}

describe('introspection', () => {
  let t: TestServer;
  let otherClient: string;
  before(async () => {
    t = await startTestServer();
    const created = runCli(['client', 'create', 'test', '--data', t.dataDir, '--json']);
    assert.equal(created.status, 0, created.stderr);
    otherClient = JSON.parse(created.stdout).publicKey;
  });
  after(() => t.close());

  test('a live refresh token is active, with what it is bound to', async () => {
    const session = await login(t);
    const access = await introspect(t, session.access_token);
    const res = await introspect(t, session.refresh_token);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const now = Math.floor(t.clock.now() / 1000);
    assert.deepEqual(res.body, {
      active: true,
      token_type: 'refresh_token',
      scope: 'meshy.api offline_access',
      client_id: t.publicKey,
      sub: access.body.sub,
      username: session.username,
      iss: t.base,
      iat: now,
      // The sliding lifetime (15 days) ends before the absolute one (30 days).
      exp: now + 1_296_000,
    });
  });

  test('a live access token is active, with its claims', async () => {
    const session = await login(t);
    const res = await introspect(t, session.access_token);
    assert.equal(res.status, 200);
    const now = Math.floor(t.clock.now() / 1000);
    assert.equal(res.body.active, true);
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(res.body.scope, 'meshy.api offline_access');
    assert.equal(res.body.client_id, t.publicKey);
    assert.equal(res.body.username, session.username);
    assert.equal(res.body.iss, t.base);
    assert.equal(res.body.aud, 'meshy.api');
    assert.equal(res.body.iat, now);
    assert.equal(res.body.exp, now + 3600);
    assert.match(res.body.sub, /^[0-9a-f]{24}$/);
    assert.equal(typeof res.body.jti, 'string');
  });

  test('the hint is only a hint: either token type is found whatever it says', async () => {
    const session = await login(t);
    for (const hint of ['refresh_token', 'access_token', 'bogus']) {
      assert.equal((await introspect(t, session.refresh_token, { token_type_hint: hint })).body.active, true, `refresh token, hint ${hint}`);
      assert.equal((await introspect(t, session.access_token, { token_type_hint: hint })).body.active, true, `access token, hint ${hint}`);
    }
  });

  test('a rotated refresh token is inactive; its successor is active', async () => {
    const session = await login(t);
    const next = await refreshGrant(t, session.refresh_token);
    await assertInactive(t, session.refresh_token);
    assert.equal((await introspect(t, next.body.refresh_token)).body.active, true);
  });

  test('a revoked refresh token, and every token of its family, is inactive', async () => {
    const session = await login(t);
    const next = await refreshGrant(t, session.refresh_token);
    await postForm(`${t.base}/connect/revocation`, { token: next.body.refresh_token, token_type_hint: 'refresh_token', client_id: t.publicKey });
    await assertInactive(t, next.body.refresh_token);
    await assertInactive(t, session.refresh_token);
  });

  test("another client's tokens are inactive to it", async () => {
    const session = await login(t);
    await assertInactive(t, session.refresh_token, { client_id: otherClient });
    await assertInactive(t, session.access_token, { client_id: otherClient });
    const theirs = await passwordGrant(t, session.username, 'nopassword', { client_id: otherClient });
    assert.equal((await introspect(t, theirs.body.refresh_token, { client_id: otherClient })).body.active, true);
    await assertInactive(t, theirs.body.refresh_token);
  });

  test('garbage, and expired tokens, are inactive', async () => {
    for (const token of ['garbage', 'x'.repeat(71), 'a.b.c']) await assertInactive(t, token);
    const session = await login(t);
    t.clock.advance(3600 * 1000 + 60_000);
    await assertInactive(t, session.access_token);
    t.clock.advance(1_296_000 * 1000);
    await assertInactive(t, session.refresh_token);
  });

  test('a missing token is invalid_request naming it; a bad client is "Client id is invalid."', async () => {
    const missing = await postForm(`${t.base}/connect/introspect`, { client_id: t.publicKey });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, 'invalid_request');
    assert.match(missing.body.error_description, /token/);
    const session = await login(t);
    const badClient = await introspect(t, session.refresh_token, { client_id: 'nope' });
    assert.equal(badClient.status, 400);
    assert.deepEqual(badClient.body, { error: 'invalid_client', error_description: 'Client id is invalid.', code: 'client_invalid' });
  });
});
