import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAccount } from '../../src/modules/accounts/accounts.js';
import { postForm, postJson, request, type JsonResponse } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login, passwordGrant, refreshGrant } from '../helpers/tokens.js';

/** POST /{account}/connect/revocation (RFC 7009), what the SDK's signout calls. */
function revoke(t: TestServer, params: Record<string, string>, base = t.base): Promise<JsonResponse> {
  return postForm(`${base}/connect/revocation`, params);
}

/** The SDK's signout request. */
function signout(t: TestServer, token: string): Promise<JsonResponse> {
  return revoke(t, { token, token_type_hint: 'refresh_token', client_id: t.publicKey });
}

function assertRevoked(res: JsonResponse): void {
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.deepEqual(res.body, { error: 'invalid_grant', error_description: 'Token is invalid.', code: 'refresh_token_revoked' });
}

async function active(t: TestServer, token: string): Promise<boolean> {
  return (await postForm(`${t.base}/connect/introspect`, { token, client_id: t.publicKey })).body.active;
}

describe('revocation', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  test('signing out answers 200 {} with no-store, and the refresh token is dead', async () => {
    const session = await login(t);
    const res = await signout(t, session.refresh_token);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {});
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assertRevoked(await refreshGrant(t, session.refresh_token));
    assert.equal(await active(t, session.refresh_token), false);
  });

  test('revoking the newest token ends the family: the spent ones are dead too, even inside the grace window', async () => {
    const session = await login(t);
    const next = (await refreshGrant(t, session.refresh_token)).body;
    assert.equal((await signout(t, next.refresh_token)).status, 200);
    assertRevoked(await refreshGrant(t, next.refresh_token));
    assertRevoked(await refreshGrant(t, session.refresh_token));
  });

  test('revoking a spent token ends its family: its successor fails too', async () => {
    const session = await login(t);
    const next = (await refreshGrant(t, session.refresh_token)).body;
    const newest = (await refreshGrant(t, next.refresh_token)).body;
    assert.equal((await signout(t, session.refresh_token)).status, 200);
    assertRevoked(await refreshGrant(t, newest.refresh_token));
    assert.equal(await active(t, newest.refresh_token), false);
  });

  test("only that family: the user's other sessions go on", async () => {
    const session = await login(t);
    const other = await passwordGrant(t, session.username);
    assert.equal((await signout(t, session.refresh_token)).status, 200);
    assert.equal((await refreshGrant(t, other.body.refresh_token)).status, 200);
  });

  test('revoking twice, without a hint, or an unknown or malformed token: 200 {}', async () => {
    const session = await login(t);
    assert.equal((await signout(t, session.refresh_token)).status, 200);
    assert.equal((await signout(t, session.refresh_token)).status, 200);
    const second = await login(t);
    const noHint = await revoke(t, { token: second.refresh_token, client_id: t.publicKey });
    assert.equal(noHint.status, 200);
    assertRevoked(await refreshGrant(t, second.refresh_token));
    for (const token of ['unknown', 'x'.repeat(71), second.access_token]) {
      const res = await revoke(t, { token, client_id: t.publicKey });
      assert.equal(res.status, 200, token);
      assert.deepEqual(res.body, {});
    }
  });

  test('a bad client: 400 "Invalid client id."', async () => {
    const session = await login(t);
    for (const params of [
      { token: session.refresh_token, token_type_hint: 'refresh_token', client_id: 'no-such-client' } as Record<string, string>,
      { token: session.refresh_token, token_type_hint: 'refresh_token', client_id: '' },
      { token: session.refresh_token, token_type_hint: 'refresh_token' },
    ]) {
      const res = await revoke(t, params);
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { error: 'invalid_client', error_description: 'Invalid client id.', code: 'revocation_client_invalid' });
    }
    // And nothing was revoked.
    assert.equal((await refreshGrant(t, session.refresh_token)).status, 200);
  });

  test('a missing token: 400 "Token is missing."', async () => {
    for (const params of [{ client_id: t.publicKey } as Record<string, string>, { client_id: t.publicKey, token: '', token_type_hint: 'refresh_token' }]) {
      const res = await revoke(t, params);
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { error: 'invalid_request', error_description: 'Token is missing.', code: 'token_missing' });
    }
  });

  test('a hint other than refresh_token: 400 "Unsupported Token type.", and nothing is revoked', async () => {
    const session = await login(t);
    for (const hint of ['access_token', 'id_token', 'bogus']) {
      const res = await revoke(t, { token: session.refresh_token, token_type_hint: hint, client_id: t.publicKey });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { error: 'unsupported_token_type', error_description: 'Unsupported Token type.', code: 'token_type_unsupported' });
    }
    assert.equal((await refreshGrant(t, session.refresh_token)).status, 200);
  });

  test('a token given twice is invalid_request; a JSON body is a 4xx JSON refusal', async () => {
    const session = await login(t);
    const twice = await request(`${t.base}/connect/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `client_id=${t.publicKey}&token=${session.refresh_token}&token=${session.refresh_token}`,
    });
    assert.equal(twice.status, 400);
    assert.equal(twice.body.error, 'invalid_request');
    const json = await postJson(`${t.base}/connect/revocation`, { client_id: t.publicKey, token: session.refresh_token });
    assert.ok(json.status >= 400 && json.status < 500);
    assert.equal(json.body.error, 'invalid_request');
    assert.equal((await refreshGrant(t, session.refresh_token)).status, 200);
  });

  test('at another account, with its own client, a token is not found: 200 and it stays live', async () => {
    const other = await createAccount(t.server.store, 'revocation-other', t.clock.now());
    const session = await login(t);
    const res = await revoke(
      t,
      { token: session.refresh_token, token_type_hint: 'refresh_token', client_id: other.client.publicKey },
      `${t.url}/revocation-other`,
    );
    assert.equal(res.status, 200);
    assert.equal((await refreshGrant(t, session.refresh_token)).status, 200);
  });
});
