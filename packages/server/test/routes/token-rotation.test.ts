import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { defaultClientSettings } from '../../src/modules/accounts/defaults.js';
import { get, postForm, type JsonResponse } from '../helpers/http.js';
import { decodeJwt } from '../helpers/jwt.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { anonymousUser, login, passwordGrant, refreshGrant } from '../helpers/tokens.js';

/**
 * Refresh-token rotation over HTTP: one-time use, sliding and absolute lifetimes, the grace window
 * for racing callers, reuse detection revoking the family, and scope narrowing. Time moves only
 * by t.clock, never by sleeping.
 */
const SECOND = 1000;

function assertInvalid(res: JsonResponse, code: string): void {
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.deepEqual(res.body, { error: 'invalid_grant', error_description: 'Token is invalid.', code });
}

function assertExpired(res: JsonResponse): void {
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.deepEqual(res.body, { error: 'invalid_grant', error_description: 'Refresh token is expired.', code: 'refresh_token_expired' });
}

async function refreshOk(t: TestServer, token: string, extra: Record<string, string> = {}) {
  const res = await refreshGrant(t, token, extra);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as { access_token: string; refresh_token: string; scope: string; expires_in: number };
}

async function meStatus(t: TestServer, accessToken: string): Promise<number> {
  return (await get(`${t.base}/users/me`, { authorization: `Bearer ${accessToken}` })).status;
}

async function introspectActive(t: TestServer, token: string): Promise<boolean> {
  const res = await postForm(`${t.base}/connect/introspect`, { token, client_id: t.publicKey });
  assert.equal(res.status, 200);
  return res.body.active;
}

describe('refresh-token rotation', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());
  afterEach(() => t.setClientSettings({ ...defaultClientSettings }));

  test('every refresh hands out a new refresh token and spends the old one', async () => {
    const session = await login(t);
    const seen = new Set([session.refresh_token]);
    let current = session.refresh_token;
    for (let i = 0; i < 5; i++) {
      const next = await refreshOk(t, current);
      assert.equal(seen.has(next.refresh_token), false, 'a refresh token is never handed out twice');
      seen.add(next.refresh_token);
      assert.equal(await meStatus(t, next.access_token), 200);
      current = next.refresh_token;
    }
    t.clock.advance(11 * SECOND);
    assertInvalid(await refreshGrant(t, session.refresh_token), 'refresh_token_reused');
  });

  test('sliding lifetime: a token used within it lives on; one left unused past it is expired', async () => {
    await t.setClientSettings({ refreshTokenSlidingLifetimeSeconds: 100, refreshTokenAbsoluteLifetimeSeconds: 1000 });
    let { refresh_token: token } = await login(t);
    // Six uses, 90 s apart: 540 s in all, far past one sliding lifetime.
    for (let i = 0; i < 6; i++) {
      t.clock.advance(90 * SECOND);
      token = (await refreshOk(t, token)).refresh_token;
    }
    t.clock.advance(99 * SECOND);
    token = (await refreshOk(t, token)).refresh_token;
    t.clock.advance(100 * SECOND);
    assertExpired(await refreshGrant(t, token));
    assert.equal(await introspectActive(t, token), false);
  });

  test('absolute lifetime: counted from the login, however recently the token was used', async () => {
    await t.setClientSettings({ refreshTokenSlidingLifetimeSeconds: 200, refreshTokenAbsoluteLifetimeSeconds: 300 });
    let { refresh_token: token, username } = await login(t);
    for (let i = 0; i < 3; i++) {
      t.clock.advance(90 * SECOND);
      token = (await refreshOk(t, token)).refresh_token;
    }
    t.clock.advance(29 * SECOND);
    token = (await refreshOk(t, token)).refresh_token;
    t.clock.advance(1 * SECOND);
    assertExpired(await refreshGrant(t, token));
    // Logging in again starts a new absolute lifetime.
    const again = await passwordGrant(t, username);
    assert.equal(again.status, 200);
    await refreshOk(t, again.body.refresh_token);
  });

  test('an expired token stays "expired" (never "reused") when presented again', async () => {
    await t.setClientSettings({ refreshTokenSlidingLifetimeSeconds: 60 });
    const { refresh_token: token } = await login(t);
    t.clock.advance(61 * SECOND);
    assertExpired(await refreshGrant(t, token));
    assertExpired(await refreshGrant(t, token));
  });

  test('inside the grace window a spent token returns the SAME successor and a working access token', async () => {
    const session = await login(t);
    const first = await refreshOk(t, session.refresh_token);
    t.clock.advance(5 * SECOND);
    const replay = await refreshOk(t, session.refresh_token);
    assert.equal(replay.refresh_token, first.refresh_token);
    assert.notEqual(replay.access_token, first.access_token);
    assert.equal(await meStatus(t, replay.access_token), 200);
    assert.equal(await meStatus(t, first.access_token), 200);
    t.clock.advance(5 * SECOND); // exactly at the end of the 10 s window: still a replay
    assert.equal((await refreshOk(t, session.refresh_token)).refresh_token, first.refresh_token);
    // Nothing forked: the successor rotates normally.
    const second = await refreshOk(t, first.refresh_token);
    assert.notEqual(second.refresh_token, first.refresh_token);
    assert.equal(await introspectActive(t, second.refresh_token), true);
  });

  test('a token two generations old is reuse even inside the window, and ends the family', async () => {
    const session = await login(t);
    const first = await refreshOk(t, session.refresh_token);
    const second = await refreshOk(t, first.refresh_token);
    assertInvalid(await refreshGrant(t, session.refresh_token), 'refresh_token_reused');
    assertInvalid(await refreshGrant(t, second.refresh_token), 'refresh_token_revoked');
  });

  test('past the grace window a spent token is reuse: the WHOLE family is revoked, the newest token too', async () => {
    const session = await login(t);
    const first = await refreshOk(t, session.refresh_token);
    const second = await refreshOk(t, first.refresh_token);
    t.clock.advance(10 * SECOND + 1);
    assertInvalid(await refreshGrant(t, first.refresh_token), 'refresh_token_reused');
    assertInvalid(await refreshGrant(t, second.refresh_token), 'refresh_token_revoked');
    assertInvalid(await refreshGrant(t, session.refresh_token), 'refresh_token_revoked');
    assert.equal(await introspectActive(t, second.refresh_token), false);
    // Only that family: the same user's other session is untouched.
    const other = await passwordGrant(t, session.username);
    assert.equal(other.status, 200);
    await refreshOk(t, other.body.refresh_token);
  });

  test('the grace window is a client setting', async () => {
    await t.setClientSettings({ refreshTokenReuseGraceSeconds: 30 });
    const session = await login(t);
    const first = await refreshOk(t, session.refresh_token);
    t.clock.advance(25 * SECOND);
    assert.equal((await refreshOk(t, session.refresh_token)).refresh_token, first.refresh_token);
    t.clock.advance(6 * SECOND);
    assertInvalid(await refreshGrant(t, session.refresh_token), 'refresh_token_reused');
    assertInvalid(await refreshGrant(t, first.refresh_token), 'refresh_token_revoked');
  });

  test('grace 0 turns the window off: an immediate replay is reuse', async () => {
    await t.setClientSettings({ refreshTokenReuseGraceSeconds: 0 });
    const session = await login(t);
    const first = await refreshOk(t, session.refresh_token);
    assertInvalid(await refreshGrant(t, session.refresh_token), 'refresh_token_reused');
    assertInvalid(await refreshGrant(t, first.refresh_token), 'refresh_token_revoked');
  });

  test('20 parallel refreshes of one token inside the window: all 200 with one identical successor', async () => {
    const session = await login(t);
    const results = await Promise.all(Array.from({ length: 20 }, () => refreshGrant(t, session.refresh_token)));
    for (const res of results) assert.equal(res.status, 200, JSON.stringify(res.body));
    const successors = new Set(results.map((res) => res.body.refresh_token));
    assert.equal(successors.size, 1);
    for (const res of results.slice(0, 3)) assert.equal(await meStatus(t, res.body.access_token), 200);
    const [successor] = successors;
    assert.notEqual(successor, session.refresh_token);
    await refreshOk(t, successor!);
  });

  test('20 parallel refreshes with grace 0: exactly one 200, and never two live successors', async () => {
    await t.setClientSettings({ refreshTokenReuseGraceSeconds: 0 });
    const session = await login(t);
    const results = await Promise.all(Array.from({ length: 20 }, () => refreshGrant(t, session.refresh_token)));
    const ok = results.filter((res) => res.status === 200);
    assert.equal(ok.length, 1);
    for (const res of results.filter((r) => r.status !== 200)) {
      assert.equal(res.status, 400);
      assert.equal(res.body.error_description, 'Token is invalid.');
      assert.ok(['refresh_token_reused', 'refresh_token_revoked'].includes(res.body.code), res.body.code);
    }
    // The racers were reuse of a spent token, so the family (the winner's successor with it) is over.
    assertInvalid(await refreshGrant(t, ok[0]!.body.refresh_token), 'refresh_token_revoked');
  });

  test('a refresh may narrow the scope; the grant itself keeps its scope', async () => {
    const name = await anonymousUser(t);
    const granted = await passwordGrant(t, name, 'nopassword', { scope: 'meshy.api offline_access openid' });
    assert.equal(granted.status, 200);
    const narrowed = await refreshOk(t, granted.body.refresh_token, { scope: 'meshy.api' });
    assert.equal(narrowed.scope, 'meshy.api');
    assert.equal(decodeJwt(narrowed.access_token).payload.scope, 'meshy.api');
    const again = await refreshOk(t, narrowed.refresh_token, { scope: 'openid meshy.api' });
    assert.equal(again.scope, 'openid meshy.api');
    const full = await refreshOk(t, again.refresh_token);
    assert.equal(full.scope, 'meshy.api offline_access openid');
  });

  test('a refresh may not widen the scope: "Invalid Scope.", and the refused request spends nothing', async () => {
    const name = await anonymousUser(t);
    const granted = await passwordGrant(t, name, 'nopassword', { scope: 'meshy.api offline_access' });
    const token = granted.body.refresh_token as string;
    for (const scope of ['meshy.api offline_access openid', 'openid', 'admin']) {
      const res = await refreshGrant(t, token, { scope });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { error: 'invalid_scope', error_description: 'Invalid Scope.', code: 'scope_invalid' });
    }
    // Well past the grace window: the token was never spent by the refused requests.
    t.clock.advance(60 * SECOND);
    const next = await refreshOk(t, token);
    assert.equal(next.scope, 'meshy.api offline_access');
  });

  test('the access token lifetime is a client setting, reported in expires_in and exp', async () => {
    await t.setClientSettings({ accessTokenLifetimeSeconds: 300 });
    const session = await login(t);
    const next = await refreshOk(t, session.refresh_token);
    assert.equal(next.expires_in, 300);
    const { payload } = decodeJwt(next.access_token);
    assert.equal(payload.exp - payload.iat, 300);
  });
});
