import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { get, postForm, postJson } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { anonymousUser, passwordGrant, passwordUser, refreshGrant } from '../helpers/tokens.js';

/**
 * Secrets at rest and in logs: after a session of logins, refreshes, replays, reuse, sign-outs and
 * API calls, no refresh token, access token or password appears in any file of the data folder
 * (the SQLite database with its -wal and -shm files) nor in any log line.
 */
const PASSWORD = 'Tr0ub4dor&3-correct-horse';
const WRONG_PASSWORD = 'Wr0ng-But-Secret-Guess!';

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/** Every way a secret could be written down: as sent, in standard base64, as its raw bytes. */
function spellings(secret: string): Buffer[] {
  const forms = [Buffer.from(secret)];
  if (/^[A-Za-z0-9_-]+$/.test(secret) && secret.length > 40) {
    const raw = Buffer.from(secret, 'base64url');
    forms.push(raw, Buffer.from(raw.toString('base64')));
  }
  return forms;
}

describe('secrets at rest and in logs', () => {
  let t: TestServer;
  const refreshTokens: string[] = [];
  const accessTokens: string[] = [];

  before(async () => {
    // The most talkative log level: whatever it writes must still hold no secret.
    t = await startTestServer({ logLevel: 'trace' });
    await passwordUser(t, 'keeper', PASSWORD);
    const collect = (body: { access_token?: string; refresh_token?: string }) => {
      if (body.access_token) accessTokens.push(body.access_token);
      if (body.refresh_token) refreshTokens.push(body.refresh_token);
    };

    const first = await passwordGrant(t, 'keeper', PASSWORD);
    assert.equal(first.status, 200);
    collect(first.body);
    assert.equal((await passwordGrant(t, 'keeper', WRONG_PASSWORD)).status, 400);
    let token = first.body.refresh_token as string;
    for (let i = 0; i < 3; i++) {
      const next = await refreshGrant(t, token);
      assert.equal(next.status, 200);
      collect(next.body);
      token = next.body.refresh_token;
    }
    collect((await refreshGrant(t, refreshTokens.at(-2)!)).body); // a replay inside the grace window

    const anon = await anonymousUser(t);
    const anonLogin = await passwordGrant(t, anon);
    collect(anonLogin.body);
    const anonNext = await refreshGrant(t, anonLogin.body.refresh_token);
    collect(anonNext.body);
    t.clock.advance(30_000);
    assert.equal((await refreshGrant(t, anonLogin.body.refresh_token)).status, 400); // reuse

    for (const access of accessTokens) await get(`${t.base}/users/me`, { authorization: `Bearer ${access}` });
    // Careless clients put tokens in query strings and JSON bodies; neither may reach a log.
    await get(`${t.base}/users/me?access_token=${accessTokens[0]}&refresh_token=${token}`);
    await postJson(`${t.base}/connect/token`, { grant_type: 'refresh_token', refresh_token: token, password: PASSWORD });
    await get(`${t.base}/users/me`, { authorization: `Bearer ${accessTokens[0]}x` });
    await postForm(`${t.base}/connect/introspect`, { token, client_id: t.publicKey });
    await postForm(`${t.base}/connect/revocation`, { token, token_type_hint: 'refresh_token', client_id: t.publicKey });
    assert.ok(refreshTokens.length >= 6 && accessTokens.length >= 7);
  });
  after(() => t.close());

  function secrets(): [string, string][] {
    return [
      ...refreshTokens.map((s) => ['refresh token', s] as [string, string]),
      ...accessTokens.map((s) => ['access token', s] as [string, string]),
      ['password', PASSWORD],
      ['wrong password', WRONG_PASSWORD],
    ];
  }

  function assertNoSecretIn(name: string, bytes: Buffer): void {
    for (const [kind, secret] of secrets()) {
      for (const spelling of spellings(secret)) {
        assert.equal(bytes.includes(spelling), false, `${name} holds a ${kind}`);
      }
    }
  }

  test('the logs hold no token and no password (and they did log the session)', () => {
    const logs = t.logs.join('\n');
    assert.ok(t.logs.some((line) => line.includes('/connect/token')), 'the requests were logged');
    assertNoSecretIn('the log', Buffer.from(logs));
  });

  test('no file of the data folder holds one, while the server runs and after it stops', async () => {
    const live = filesUnder(t.dataDir);
    assert.ok(live.some((file) => file.endsWith('-wal')), `a WAL file while running: ${live.join(', ')}`);
    for (const file of live) assertNoSecretIn(file, fs.readFileSync(file));
    // A positive control: the files are where the session's data is, so the search was a real one.
    assert.ok(live.some((file) => fs.readFileSync(file).includes('keeper')), 'the user is in the data folder');
    // Stopping checkpoints the WAL into the database file; read everything again.
    await t.server.close();
    for (const file of filesUnder(t.dataDir)) assertNoSecretIn(file, fs.readFileSync(file));
  });
});
