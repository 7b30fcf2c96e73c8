import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { postJson } from '../../helpers/http.js';
import { codeIn, TestMailServer } from '../../helpers/mail.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { passwordGrant } from '../../helpers/tokens.js';

/** What keeps a six-digit code from being guessed, and a request from being spent twice. */
describe('recovery: rate limits, superseded requests, racing resets', () => {
  let t: TestServer;
  const mail = new TestMailServer();
  const mailBody = (raw: string) => raw.split(/\r?\n\r?\n/).slice(1).join('\n');

  before(async () => {
    await mail.start();
    t = await startTestServer({ flags: { '--smtp-url': mail.url, '--outbox-poll': '50' } });
    await t.setAccountSettings({ recovery: 'email' });
  });
  after(async () => {
    await t.close();
    await mail.stop();
  });

  async function verifiedUser(name: string) {
    const email = `${name}@test.com`;
    const registered = await postJson(`${t.base}/users/register`, { username: name, newPassword: 'first-password', emailAddress: email });
    assert.equal(registered.status, 201);
    const code = codeIn(mailBody((await mail.mailsTo(email))[0]!.raw));
    assert.equal((await postJson(`${t.base}/users/verify`, { ...registered.body, verificationCode: code })).status, 204);
    return email;
  }

  test('a password changed after forgotpassword kills the request: "Request hash is invalid."', async () => {
    const email = await verifiedUser('superseded');
    const forgot = (await postJson(`${t.base}/users/forgotpassword`, { username: 'superseded' })).body;
    const code = codeIn(mailBody((await mail.mailsTo(email, 2))[1]!.raw));
    const token = (await passwordGrant(t, 'superseded', 'first-password')).body.access_token;
    const changed = await postJson(`${t.base}/users/me/password`, { previousPassword: 'first-password', newPassword: 'second-password' }, { authorization: `Bearer ${token}` });
    assert.equal(changed.status, 204);
    const reset = await postJson(`${t.base}/users/resetpassword`, { ...forgot, verificationCode: code, newPassword: 'third-password' });
    assert.equal(reset.status, 400);
    assert.equal(reset.body.message, 'Request hash is invalid.');
    assert.equal((await passwordGrant(t, 'superseded', 'second-password')).status, 200);
  });

  test('two resets racing with one request: exactly one succeeds', async () => {
    const email = await verifiedUser('racing');
    const forgot = (await postJson(`${t.base}/users/forgotpassword`, { username: 'racing' })).body;
    const code = codeIn(mailBody((await mail.mailsTo(email, 2))[1]!.raw));
    const results = await Promise.all(
      ['left-password', 'right-password', 'middle-password'].map((newPassword) => postJson(`${t.base}/users/resetpassword`, { ...forgot, verificationCode: code, newPassword })),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [204, 400, 400]);
    for (const r of results.filter((r) => r.status === 400)) assert.equal(r.body.message, 'Request hash is invalid.');
  });

  test('forgotpassword is rate-limited per username, then per IP, with the documented 429 sentence', async () => {
    await verifiedUser('limited');
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 6; i++) {
      last = await postJson(`${t.base}/users/forgotpassword`, { username: 'limited' });
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
    assert.equal(last!.body.code, 'recovery_throttled_username');
    assert.equal(last!.body.message, 'You have either hit your API or Database limit. Please review your account.');
    assert.ok(Number(last!.headers.get('retry-after')) > 0);

    // Unknown usernames count too: a guesser of usernames is limited by its IP.
    let ipLimited;
    for (let i = 0; i < 40 && !ipLimited; i++) {
      const res = await postJson(`${t.base}/users/forgotpassword`, { username: `nobody_${i}` });
      if (res.status === 429) ipLimited = res;
      else assert.equal(res.status, 404);
    }
    assert.ok(ipLimited, 'the IP limit was reached');
    assert.equal(ipLimited.body.code, 'recovery_throttled_ip');
    // The window passes: asking again works.
    t.clock.advance(15 * 60_000 + 1_000);
    assert.equal((await postJson(`${t.base}/users/forgotpassword`, { username: 'limited' })).status, 200);
  });
});
