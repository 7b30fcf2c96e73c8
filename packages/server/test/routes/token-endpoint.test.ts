import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { encodeRefreshToken, newFamilyId } from '../../src/modules/oauth/refresh-tokens.js';
import { get, postForm, postJson, request, type JsonResponse } from '../helpers/http.js';
import { decodeJwt } from '../helpers/jwt.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { anonymousUser, login, passwordGrant, passwordUser, refreshGrant } from '../helpers/tokens.js';

/**
 * POST /{account}/connect/token as MeshyDB clients call it: every documented reason word for
 * word, with its RFC 6749 error code and our stable code.
 */
function assertOAuthError(res: JsonResponse, error: string, description: string, code: string): void {
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.deepEqual(res.body, { error, error_description: description, code });
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
}

function rawForm(url: string, body: string) {
  return request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
}

describe('token endpoint: the password grant', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  test('200 body exactly as the docs, with Cache-Control: no-store', async () => {
    const name = await anonymousUser(t);
    const res = await passwordGrant(t, name);
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
    assert.match(res.body.access_token, /^ey[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    assert.equal(res.body.expires_in, 3600);
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(res.body.scope, 'meshy.api offline_access');
    assert.match(res.body.refresh_token, /^[A-Za-z0-9_-]{43,}$/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('pragma'), 'no-cache');
  });

  test("MeshyDB SDK's request shape: empty extra fields and scope 'meshy.api offline_access openid'", async () => {
    const name = await anonymousUser(t);
    const body =
      `client_id=${t.publicKey}&grant_type=password&username=${name}&password=nopassword` +
      '&scope=meshy.api+offline_access+openid&client_secret=&refresh_token=';
    const res = await rawForm(`${t.base}/connect/token`, body);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.scope, 'meshy.api offline_access openid');
    assert.ok(res.body.refresh_token);
    const me = await get(`${t.base}/users/me`, { authorization: `Bearer ${res.body.access_token}` });
    assert.equal(me.status, 200);
    assert.equal(me.body.username, name);

    // ...and its refresh, which sends username= and password= empty.
    const refreshed = await rawForm(
      `${t.base}/connect/token`,
      `client_id=${t.publicKey}&grant_type=refresh_token&refresh_token=${res.body.refresh_token}&username=&password=&client_secret=&scope=`,
    );
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.equal(refreshed.body.scope, 'meshy.api offline_access openid');
    assert.equal(refreshed.headers.get('cache-control'), 'no-store');
  });

  test('no refresh token without offline_access', async () => {
    const name = await anonymousUser(t);
    const res = await passwordGrant(t, name, 'nopassword', { scope: 'meshy.api' });
    assert.equal(res.status, 200);
    assert.equal(res.body.scope, 'meshy.api');
    assert.equal('refresh_token' in res.body, false);
    assert.equal(decodeJwt(res.body.access_token).payload.scope, 'meshy.api');
  });

  test('an absent or empty scope gets the default meshy.api offline_access', async () => {
    const name = await anonymousUser(t);
    const res = await postForm(`${t.base}/connect/token`, { client_id: t.publicKey, grant_type: 'password', username: name, password: 'nopassword' });
    assert.equal(res.status, 200);
    assert.equal(res.body.scope, 'meshy.api offline_access');
    assert.ok(res.body.refresh_token);
  });

  test('anonymous users log in with nopassword, and with nothing else', async () => {
    const name = await anonymousUser(t);
    assertOAuthError(await passwordGrant(t, name, 'NoPassword'), 'invalid_grant', 'Password is invalid.', 'password_invalid');
    assertOAuthError(await passwordGrant(t, name, 'nopassword '), 'invalid_grant', 'Password is invalid.', 'password_invalid');
    assertOAuthError(await passwordGrant(t, name, 'hunter2'), 'invalid_grant', 'Password is invalid.', 'password_invalid');
    assert.equal((await passwordGrant(t, name)).status, 200);
  });

  test('a registered user logs in with their password, never with nopassword', async () => {
    await passwordUser(t, 'rita', 'correct horse battery staple');
    assertOAuthError(await passwordGrant(t, 'rita', 'nopassword'), 'invalid_grant', 'Password is invalid.', 'password_invalid');
    assertOAuthError(await passwordGrant(t, 'rita', 'wrong'), 'invalid_grant', 'Password is invalid.', 'password_invalid');
    const res = await passwordGrant(t, 'rita', 'correct horse battery staple');
    assert.equal(res.status, 200);
    // Usernames are case-insensitive.
    assert.equal((await passwordGrant(t, 'RITA', 'correct horse battery staple')).status, 200);
  });

  test('form values decode as browsers encode them: + is a space, an escape that is not UTF-8 is U+FFFD and the rest still decodes', async () => {
    await passwordUser(t, 'zoe', 'café au lait \uFFFD');
    const grant = (password: string) => rawForm(`${t.base}/connect/token`, `client_id=${t.publicKey}&grant_type=password&username=zoe&password=${password}`);
    assert.equal((await grant('caf%C3%A9+au+lait+%FF')).status, 200);
    // The escapes left as they are would be another password.
    assertOAuthError(await grant('caf%25C3%25A9+au+lait+%25FF'), 'invalid_grant', 'Password is invalid.', 'password_invalid');
  });

  test('"nopassword" is refused as a real password, and never opens a real user', async () => {
    const reg = await postJson(`${t.base}/users/register`, { username: 'sly', newPassword: 'nopassword' });
    assert.equal(reg.status, 400);
    assert.equal(reg.body.code, 'password_reserved');
    // A user whose stored password really is "nopassword" (imported, say) still cannot use it.
    const account = (await t.server.store.accounts.findByName('test'))!;
    const { hashPassword } = await import('../../src/lib/passwords.js');
    const user = (await t.server.store.users.findByUsername(account.id, 'rita'))!;
    await t.server.store.users.create({ ...user, id: 'aaaaaaaaaaaaaaaaaaaaaaaa', username: 'imported', passwordHash: await hashPassword('nopassword') });
    assertOAuthError(await passwordGrant(t, 'imported', 'nopassword'), 'invalid_grant', 'Password is invalid.', 'password_invalid');
  });

  test('"Username is invalid." for a user that does not exist', async () => {
    assertOAuthError(await passwordGrant(t, 'nobody-here', 'nopassword'), 'invalid_grant', 'Username is invalid.', 'username_invalid');
    assertOAuthError(await passwordGrant(t, 'nobody-here', 'some password'), 'invalid_grant', 'Username is invalid.', 'username_invalid');
  });

  test('"Client id is invalid." for an unknown client', async () => {
    const name = await anonymousUser(t);
    assertOAuthError(await passwordGrant(t, name, 'nopassword', { client_id: 'not-a-client' }), 'invalid_client', 'Client id is invalid.', 'client_invalid');
    assertOAuthError(
      await passwordGrant(t, name, 'nopassword', { client_id: 'x'.repeat(5000) }),
      'invalid_client',
      'Client id is invalid.',
      'client_invalid',
    );
  });

  test('"Grant type is invalid." for an unknown or unsupported grant type', async () => {
    const name = await anonymousUser(t);
    for (const grantType of ['client_credentials', 'authorization_code', 'PASSWORD', 'implicit']) {
      assertOAuthError(
        await passwordGrant(t, name, 'nopassword', { grant_type: grantType }),
        'unsupported_grant_type',
        'Grant type is invalid.',
        'grant_type_invalid',
      );
    }
  });

  test('"Invalid Scope." for a scope the server does not know', async () => {
    const name = await anonymousUser(t);
    assertOAuthError(await passwordGrant(t, name, 'nopassword', { scope: 'meshy.api admin' }), 'invalid_scope', 'Invalid Scope.', 'scope_invalid');
    assertOAuthError(await passwordGrant(t, name, 'nopassword', { scope: 'meshy.API' }), 'invalid_scope', 'Invalid Scope.', 'scope_invalid');
  });

  test('a missing parameter is invalid_request with a reason naming it', async () => {
    const name = await anonymousUser(t);
    const full = { client_id: t.publicKey, grant_type: 'password', username: name, password: 'nopassword', scope: 'meshy.api offline_access' };
    for (const missing of ['client_id', 'grant_type', 'username', 'password'] as const) {
      for (const value of [undefined, '']) {
        const params: Record<string, string> = { ...full };
        if (value === undefined) delete params[missing];
        else params[missing] = value;
        const res = await postForm(`${t.base}/connect/token`, params);
        assert.equal(res.status, 400);
        assert.equal(res.body.error, 'invalid_request', missing);
        assert.equal(res.body.code, 'parameter_missing');
        assert.ok(res.body.error_description.includes(missing), `${res.body.error_description} names ${missing}`);
      }
    }
  });

  test('an empty form is invalid_request naming client_id', async () => {
    const res = await rawForm(`${t.base}/connect/token`, '');
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'invalid_request');
    assert.match(res.body.error_description, /client_id/);
  });

  test('a parameter given twice is invalid_request naming it', async () => {
    const name = await anonymousUser(t);
    const base = `client_id=${t.publicKey}&username=${name}&password=nopassword`;
    for (const [body, named] of [
      [`${base}&grant_type=password&grant_type=password`, 'grant_type'],
      [`${base}&grant_type=password&password=nopassword`, 'password'],
      [`${base}&grant_type=password&client_id=${t.publicKey}`, 'client_id'],
      [`${base}&grant_type=password&scope=meshy.api&scope=offline_access`, 'scope'],
    ] as const) {
      const res = await rawForm(`${t.base}/connect/token`, body);
      assert.equal(res.status, 400, body);
      assert.equal(res.body.error, 'invalid_request');
      assert.equal(res.body.code, 'parameter_duplicated');
      assert.ok(res.body.error_description.includes(named), res.body.error_description);
    }
  });

  test('a JSON body instead of a form: 4xx JSON in the OAuth shape, never a 500', async () => {
    const name = await anonymousUser(t);
    const res = await postJson(`${t.base}/connect/token`, {
      client_id: t.publicKey,
      grant_type: 'password',
      username: name,
      password: 'nopassword',
    });
    assert.ok(res.status >= 400 && res.status < 500, String(res.status));
    assert.equal(typeof res.body, 'object');
    assert.equal(res.body.error, 'invalid_request');
    assert.equal(typeof res.body.error_description, 'string');
    assert.equal('access_token' in res.body, false);

    const broken = await postJson(`${t.base}/connect/token`, '{"client_id":');
    assert.ok(broken.status >= 400 && broken.status < 500, String(broken.status));
    assert.equal(broken.body.error, 'invalid_request');
  });

  test('a GET of the token endpoint is refused with JSON', async () => {
    const res = await get(`${t.base}/connect/token?grant_type=password&client_id=${t.publicKey}`);
    assert.ok(res.status >= 400 && res.status < 500, String(res.status));
    assert.equal(typeof res.body, 'object');
  });

  test('"User is no longer active." for a deactivated user with the right password', async () => {
    const name = await anonymousUser(t);
    const user = (await t.server.store.users.findByUsername((await t.server.store.accounts.findByName('test'))!.id, name))!;
    await t.server.store.users.setActive(user.accountId, user.id, false);
    assertOAuthError(await passwordGrant(t, name), 'invalid_grant', 'User is no longer active.', 'user_inactive');
    // A wrong password says only that: an inactive account is not revealed to a guesser.
    assertOAuthError(await passwordGrant(t, name, 'guess'), 'invalid_grant', 'Password is invalid.', 'password_invalid');
    await t.server.store.users.setActive(user.accountId, user.id, true);
    assert.equal((await passwordGrant(t, name)).status, 200);
  });
});

describe('token endpoint: the refresh_token grant reasons', () => {
  let t: TestServer;
  let secret: Buffer;
  before(async () => {
    t = await startTestServer();
    // The server's own secret, read from its data folder as only a thief of that file could.
    secret = Buffer.from(fs.readFileSync(path.join(t.dataDir, 'server.secret'), 'utf8').trim(), 'base64');
  });
  after(() => t.close());

  test('a refresh answers the documented 200 body with a new refresh token', async () => {
    const session = await login(t);
    const res = await refreshGrant(t, session.refresh_token);
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(res.body.expires_in, 3600);
    assert.equal(res.body.scope, 'meshy.api offline_access');
    assert.notEqual(res.body.refresh_token, session.refresh_token);
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  test('"Token is invalid." (refresh_token_malformed) for something the server never minted', async () => {
    for (const token of ['garbage', 'x'.repeat(71), `${(await login(t)).refresh_token}x`, '../../etc/passwd', 'ey.ey.ey']) {
      assertOAuthError(await refreshGrant(t, token), 'invalid_grant', 'Token is invalid.', 'refresh_token_malformed');
    }
  });

  test('"Token is invalid." (refresh_token_malformed) for a token minted under another secret', async () => {
    const forged = encodeRefreshToken(randomBytes(32), newFamilyId(), 0);
    assertOAuthError(await refreshGrant(t, forged), 'invalid_grant', 'Token is invalid.', 'refresh_token_malformed');
  });

  test('"Token is invalid." (refresh_token_unknown) for a well-formed token of no family, or of a generation not yet reached', async () => {
    assertOAuthError(await refreshGrant(t, encodeRefreshToken(secret, newFamilyId(), 0)), 'invalid_grant', 'Token is invalid.', 'refresh_token_unknown');
    const session = await login(t);
    const familyId = Buffer.from(session.refresh_token, 'base64url').subarray(1, 17).toString('base64url');
    assertOAuthError(await refreshGrant(t, encodeRefreshToken(secret, familyId, 5)), 'invalid_grant', 'Token is invalid.', 'refresh_token_unknown');
    // Guessing ahead did not harm the real session.
    assert.equal((await refreshGrant(t, session.refresh_token)).status, 200);
  });

  test('"Token is invalid." (refresh_token_revoked) after sign-out', async () => {
    const session = await login(t);
    const revoked = await postForm(`${t.base}/connect/revocation`, { token: session.refresh_token, token_type_hint: 'refresh_token', client_id: t.publicKey });
    assert.equal(revoked.status, 200);
    assertOAuthError(await refreshGrant(t, session.refresh_token), 'invalid_grant', 'Token is invalid.', 'refresh_token_revoked');
  });

  test('"Token is invalid." (refresh_token_reused) for a spent token past the grace window', async () => {
    const session = await login(t);
    assert.equal((await refreshGrant(t, session.refresh_token)).status, 200);
    t.clock.advance(60_000);
    assertOAuthError(await refreshGrant(t, session.refresh_token), 'invalid_grant', 'Token is invalid.', 'refresh_token_reused');
  });

  test('"Refresh token is expired." (refresh_token_expired) past its lifetime', async () => {
    const session = await login(t);
    t.clock.advance(2_592_000 * 1000);
    assertOAuthError(await refreshGrant(t, session.refresh_token), 'invalid_grant', 'Refresh token is expired.', 'refresh_token_expired');
  });

  test('"Client id is invalid." and "Grant type is invalid." are checked on refreshes too', async () => {
    const session = await login(t);
    assertOAuthError(await refreshGrant(t, session.refresh_token, { client_id: 'nope' }), 'invalid_client', 'Client id is invalid.', 'client_invalid');
    assertOAuthError(await refreshGrant(t, session.refresh_token, { grant_type: 'refresh' }), 'unsupported_grant_type', 'Grant type is invalid.', 'grant_type_invalid');
    // Neither refused request spent the token.
    assert.equal((await refreshGrant(t, session.refresh_token)).status, 200);
  });

  test('a missing refresh_token is invalid_request naming it (the SDK sends it empty)', async () => {
    for (const value of ['', undefined]) {
      const params: Record<string, string> = { client_id: t.publicKey, grant_type: 'refresh_token', username: '', password: '' };
      if (value !== undefined) params.refresh_token = value;
      const res = await postForm(`${t.base}/connect/token`, params);
      assert.equal(res.status, 400);
      assert.equal(res.body.error, 'invalid_request');
      assert.equal(res.body.code, 'parameter_missing');
      assert.match(res.body.error_description, /refresh_token/);
    }
  });

  test('a refresh_token given twice is invalid_request, and spends nothing', async () => {
    const session = await login(t);
    const token = session.refresh_token;
    const res = await rawForm(
      `${t.base}/connect/token`,
      `client_id=${t.publicKey}&grant_type=refresh_token&refresh_token=${token}&refresh_token=${token}`,
    );
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'invalid_request');
    assert.equal(res.body.code, 'parameter_duplicated');
    assert.match(res.body.error_description, /refresh_token/);
    t.clock.advance(60_000);
    assert.equal((await refreshGrant(t, token)).status, 200);
  });
});
