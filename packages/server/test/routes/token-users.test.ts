import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { SQLITE_FILE } from '../../src/store/sqlite/sqlite-store.js';
import { runCli } from '../helpers/cli.js';
import { get, postForm, postJson, type JsonResponse } from '../helpers/http.js';
import { decodeJwt } from '../helpers/jwt.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login, passwordGrant, refreshGrant } from '../helpers/tokens.js';

/**
 * Tokens and the people and places they belong to: a user switched off by an operator (with the
 * real CLI, against the live server's data folder), current claims on every new access token, and
 * tokens presented to another client or another account.
 */
/** `openmeshy ARGS --data DIR --json` with the real bin, as an operator runs it beside the server. */
function cli<T = any>(dataDir: string, ...args: string[]): T {
  const result = runCli([...args, '--data', dataDir, '--json']);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as T;
}

const UNAUTHORIZED = { statusCode: 401, code: 'unauthorized', message: 'User is not authorized to make call.' };

function me(t: TestServer, accessToken: string, base = t.base): Promise<JsonResponse> {
  return get(`${base}/users/me`, { authorization: `Bearer ${accessToken}` });
}

function introspect(t: TestServer, token: string, clientId = t.publicKey) {
  return postForm(`${t.base}/connect/introspect`, { token, client_id: clientId });
}

function assertTokenInvalid(res: JsonResponse, code: string): void {
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.deepEqual(res.body, { error: 'invalid_grant', error_description: 'Token is invalid.', code });
}

describe('inactive users', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  test('deactivated by the CLI: no refresh, no API, no login; activated again: the session goes on', async () => {
    const session = await login(t);
    assert.equal((await me(t, session.access_token)).status, 200);

    const off = cli(t.dataDir, 'user', 'deactivate', 'test', session.username);
    assert.deepEqual(off, { accountName: 'test', username: session.username, isActive: false });

    const refused = await refreshGrant(t, session.refresh_token);
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body, { error: 'invalid_grant', error_description: 'User is no longer active.', code: 'user_inactive' });
    const api = await me(t, session.access_token);
    assert.equal(api.status, 401);
    assert.deepEqual(api.body, UNAUTHORIZED);
    const relogin = await passwordGrant(t, session.username);
    assert.deepEqual(relogin.body, { error: 'invalid_grant', error_description: 'User is no longer active.', code: 'user_inactive' });
    assert.deepEqual((await introspect(t, session.refresh_token)).body, { active: false });
    assert.deepEqual((await introspect(t, session.access_token)).body, { active: false });

    // Well past the grace window: the refused refresh must not have spent the token.
    t.clock.advance(60_000);
    cli(t.dataDir, 'user', 'activate', 'test', session.username);
    assert.equal((await me(t, session.access_token)).status, 200);
    const resumed = await refreshGrant(t, session.refresh_token);
    assert.equal(resumed.status, 200, JSON.stringify(resumed.body));
    assert.equal((await me(t, resumed.body.access_token)).status, 200);
    assert.equal((await passwordGrant(t, session.username)).status, 200);
  });

  test('a new access token from a refresh carries the user\'s current claims', async () => {
    const reg = await postJson(`${t.base}/users/register`, { username: 'ada', newPassword: 'analytical engine', firstName: 'Ada', lastName: 'Byron' });
    assert.equal(reg.status, 204);
    const first = await passwordGrant(t, 'ada', 'analytical engine');
    assert.equal(first.status, 200);
    const before = decodeJwt(first.body.access_token).payload;
    assert.equal(before.given_name, 'Ada');
    assert.equal(before.family_name, 'Byron');
    assert.deepEqual(before.role, []);

    // The users API that edits profiles and roles is not there yet: an operator's edit of the
    // store stands in for it (a second connection to the live SQLite file, as the CLI makes).
    const db = new Database(path.join(t.dataDir, SQLITE_FILE));
    try {
      db.prepare("UPDATE users SET last_name = ? WHERE username = 'ada'").run('Lovelace');
      const user = db.prepare("SELECT id, account_id FROM users WHERE username = 'ada'").get() as { id: string; account_id: string };
      db.prepare("INSERT INTO roles (id, account_id, name, name_key, created_at) VALUES ('r1', ?, 'admin', 'admin', ?)").run(user.account_id, t.clock.now());
      db.prepare('INSERT INTO user_roles (account_id, user_id, role_id, added_date) VALUES (?, ?, ?, ?)').run(user.account_id, user.id, 'r1', t.clock.now());
    } finally {
      db.close();
    }

    const refreshed = await refreshGrant(t, first.body.refresh_token);
    assert.equal(refreshed.status, 200);
    const after = decodeJwt(refreshed.body.access_token).payload;
    assert.equal(after.id, 'ada');
    assert.equal(after.given_name, 'Ada');
    assert.equal(after.family_name, 'Lovelace');
    assert.deepEqual(after.role, ['admin']);
    assert.equal(after.sub, before.sub);
  });
});

describe('tokens of another client or another account', () => {
  let t: TestServer;
  let otherClient: string;
  let otherAccount: { accountName: string; publicKey: string };
  before(async () => {
    t = await startTestServer();
    otherClient = (cli<{ publicKey: string }>(t.dataDir, 'client', 'create', 'test')).publicKey;
    otherAccount = cli(t.dataDir, 'account', 'create', 'other');
    assert.equal(otherAccount.accountName, 'other');
  });
  after(() => t.close());

  test('a refresh token presented by another client of the account: "Token is invalid.", and it stays the owner\'s', async () => {
    const session = await login(t);
    assertTokenInvalid(await refreshGrant(t, session.refresh_token, { client_id: otherClient }), 'refresh_token_wrong_client');
    assert.deepEqual((await introspect(t, session.refresh_token, otherClient)).body, { active: false });
    assert.deepEqual((await introspect(t, session.access_token, otherClient)).body, { active: false });
    // The other client cannot sign the owner out either.
    const revoked = await postForm(`${t.base}/connect/revocation`, { token: session.refresh_token, client_id: otherClient });
    assert.equal(revoked.status, 200);
    t.clock.advance(60_000);
    const own = await refreshGrant(t, session.refresh_token);
    assert.equal(own.status, 200, JSON.stringify(own.body));
  });

  test('the second client logs its own users in, and its tokens are its own', async () => {
    const session = await login(t);
    const res = await passwordGrant(t, session.username, 'nopassword', { client_id: otherClient });
    assert.equal(res.status, 200);
    assert.equal(decodeJwt(res.body.access_token).payload.client_id, otherClient);
    assertTokenInvalid(await refreshGrant(t, res.body.refresh_token), 'refresh_token_wrong_client');
    assert.equal((await refreshGrant(t, res.body.refresh_token, { client_id: otherClient })).status, 200);
  });

  test('a refresh token presented at another account: "Token is invalid."', async () => {
    const session = await login(t);
    const other = `${t.url}/other`;
    const res = await postForm(`${other}/connect/token`, {
      client_id: otherAccount.publicKey,
      grant_type: 'refresh_token',
      refresh_token: session.refresh_token,
    });
    assertTokenInvalid(res, 'refresh_token_wrong_client');
    // With this account's own client id, the client is what is wrong there.
    const withOwnClient = await postForm(`${other}/connect/token`, {
      client_id: t.publicKey,
      grant_type: 'refresh_token',
      refresh_token: session.refresh_token,
    });
    assert.equal(withOwnClient.status, 400);
    assert.deepEqual(withOwnClient.body, { error: 'invalid_client', error_description: 'Client id is invalid.', code: 'client_invalid' });
    assert.equal((await refreshGrant(t, session.refresh_token)).status, 200);
  });

  test("an access token presented at another account is 401, even for a user of the same name there", async () => {
    const session = await login(t, 'twin');
    const other = `${t.url}/other`;
    assert.equal((await postJson(`${other}/users/register/anonymous`, { username: 'twin' })).status, 201);
    const res = await me(t, session.access_token, other);
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, UNAUTHORIZED);
    // And the other account's own login works there, and not here.
    const theirs = await postForm(`${other}/connect/token`, {
      client_id: otherAccount.publicKey,
      grant_type: 'password',
      username: 'twin',
      password: 'nopassword',
      scope: 'meshy.api offline_access',
    });
    assert.equal(theirs.status, 200);
    assert.equal((await me(t, theirs.body.access_token, other)).status, 200);
    assert.equal((await me(t, theirs.body.access_token)).status, 401);
  });

  test('a user of one account cannot log in at another', async () => {
    const session = await login(t);
    const res = await postForm(`${t.url}/other/connect/token`, {
      client_id: otherAccount.publicKey,
      grant_type: 'password',
      username: session.username,
      password: 'nopassword',
    });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { error: 'invalid_grant', error_description: 'Username is invalid.', code: 'username_invalid' });
  });
});
