import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { postJson } from '../../helpers/http.js';
import { codeIn, TestMailServer } from '../../helpers/mail.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { passwordGrant, refreshGrant } from '../../helpers/tokens.js';

/** Registration, verification and password recovery by e-mail, through a real SMTP server. */
describe('e-mail verification and recovery (users/creating_users.rst, users/password_recovery.rst)', () => {
  let t: TestServer;
  const mail = new TestMailServer();
  let serial = 0;
  const address = () => `person${++serial}@test.com`;

  before(async () => {
    await mail.start();
    t = await startTestServer({ flags: { '--smtp-url': mail.url, '--mail-from': 'Shop <no-reply@shop.test>', '--outbox-poll': '50' } });
    await t.setAccountSettings({ recovery: 'email' });
  });
  after(async () => {
    await t.close();
    await mail.stop();
  });

  async function register(email: string, password = 'first-password') {
    const username = email.split('@')[0]!;
    const res = await postJson(`${t.base}/users/register`, { username, newPassword: password, emailAddress: email });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return { username, request: res.body };
  }

  async function latestCode(email: string, count = 1) {
    const mails = await mail.mailsTo(email, count);
    return codeIn(mails[count - 1]!.raw.split(/\r?\n\r?\n/).slice(1).join('\n'));
  }

  test('registering sends the code by e-mail; unverified logins are refused until verify succeeds', async () => {
    const email = address();
    const { username, request } = await register(email);
    assert.deepEqual(Object.keys(request), ['username', 'attempt', 'hash', 'expires', 'hint']);
    assert.equal(request.attempt, 1);
    assert.equal(request.hint, 'p***@test.com');
    // ISO 8601 in UTC with milliseconds, an hour on (to the next whole second).
    assert.match(request.expires, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
    assert.equal(request.expires, new Date(Math.ceil((t.clock.now() + 3_600_000) / 1000) * 1000).toISOString());

    const refused = await passwordGrant(t, username, 'first-password');
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error, 'invalid_grant');
    assert.equal(refused.body.error_description, 'User must be verified before logging in.');

    const received = (await mail.mailsTo(email))[0]!;
    assert.match(received.raw, /^Subject: Your test verification code$/m);
    assert.equal(received.from, 'no-reply@shop.test');
    const code = await latestCode(email);

    // MeshyDB's sample apps post their whole form state, without attempt.
    const form = { username, hash: request.hash, expires: request.expires, hint: request.hint, verificationCode: code, success: false, message: '', done: false };
    assert.deepEqual((await postJson(`${t.base}/users/checkhash`, { ...form, verificationCode: '000000' === code ? '111111' : '000000' })).body, false);
    const check = await postJson(`${t.base}/users/checkhash`, form);
    assert.equal(check.status, 200);
    assert.equal(check.body, true);

    assert.equal((await postJson(`${t.base}/users/verify`, form)).status, 204);
    const again = await postJson(`${t.base}/users/verify`, form);
    assert.equal(again.status, 400);
    assert.equal(again.body.message, 'User has already been verified.');
    assert.equal((await passwordGrant(t, username, 'first-password')).status, 200);
  });

  test('forgot password: a masked hint, the code by e-mail, a reset that ends every login, and no replay', async () => {
    const email = address();
    const { username, request: verification } = await register(email);
    await postJson(`${t.base}/users/verify`, { ...verification, verificationCode: await latestCode(email) });
    const login = await passwordGrant(t, username, 'first-password');
    assert.equal(login.status, 200);

    const forgot = await postJson(`${t.base}/users/forgotpassword`, { username, attempt: 1 });
    assert.equal(forgot.status, 200);
    assert.deepEqual(Object.keys(forgot.body), ['username', 'attempt', 'hash', 'expires', 'hint']);
    assert.equal(forgot.body.hint, 'p***@test.com');
    const mailed = (await mail.mailsTo(email, 2))[1]!;
    assert.match(mailed.raw, /^Subject: Your test password reset code$/m);
    const code = await latestCode(email, 2);

    const reset = { ...forgot.body, attempt: undefined, verificationCode: code, newPassword: 'second-password', success: true };
    assert.equal((await postJson(`${t.base}/users/resetpassword`, reset)).status, 204);
    assert.equal((await passwordGrant(t, username, 'first-password')).body.error_description, 'Password is invalid.');
    assert.equal((await passwordGrant(t, username, 'second-password')).status, 200);
    // A reset ends every login: the refresh token of before is dead.
    assert.equal((await refreshGrant(t, login.body.refresh_token)).status, 400);

    const replay = await postJson(`${t.base}/users/resetpassword`, { ...reset, newPassword: 'third-password' });
    assert.equal(replay.status, 400);
    assert.equal(replay.body.message, 'Request hash is invalid.');
    assert.equal((await postJson(`${t.base}/users/checkhash`, reset)).body, false);
  });

  test('an expired request: "Hash is expired."; a tampered expires: "Request hash is invalid."', async () => {
    const email = address();
    const { username } = await register(email);
    const forgot = (await postJson(`${t.base}/users/forgotpassword`, { username })).body;
    const code = await latestCode(email, 2);
    const reset = { ...forgot, verificationCode: code, newPassword: 'another-password' };

    const later = new Date(Date.parse(forgot.expires) + 3_600_000).toISOString();
    const tampered = await postJson(`${t.base}/users/resetpassword`, { ...reset, expires: later });
    assert.equal(tampered.status, 400);
    assert.equal(tampered.body.message, 'Request hash is invalid.');

    // The same instant in other spellings is the same request (the SDK parses and writes it back).
    const instant = new Date(forgot.expires);
    for (const spelling of [forgot.expires.replace('.000Z', 'Z'), instant.toUTCString(), forgot.expires.replace('.000Z', '+00:00')]) {
      assert.equal((await postJson(`${t.base}/users/checkhash`, { ...reset, expires: spelling })).body, true, spelling);
    }

    t.clock.advance(3_600_000 + 1_000);
    const expired = await postJson(`${t.base}/users/resetpassword`, reset);
    assert.equal(expired.status, 400);
    assert.equal(expired.body.message, 'Hash is expired.');
  });

  test('wrong codes past the limit kill the request: the right code is refused after', async () => {
    const email = address();
    const { username } = await register(email);
    const forgot = (await postJson(`${t.base}/users/forgotpassword`, { username })).body;
    const code = await latestCode(email, 2);
    const wrong = code === '123456' ? '654321' : '123456';
    for (let i = 0; i < 5; i++) {
      const res = await postJson(`${t.base}/users/resetpassword`, { ...forgot, verificationCode: wrong, newPassword: 'guess-password' });
      assert.equal(res.body.message, 'Request hash is invalid.');
    }
    const right = await postJson(`${t.base}/users/resetpassword`, { ...forgot, verificationCode: code, newPassword: 'guess-password' });
    assert.equal(right.status, 400);
    assert.equal(right.body.message, 'Request hash is invalid.');
    assert.equal((await postJson(`${t.base}/users/checkhash`, { ...forgot, verificationCode: code })).body, false);
  });

  test('a reset request cannot verify, nor a verification reset', async () => {
    const email = address();
    const { username, request } = await register(email);
    const verifyCode = await latestCode(email);
    const asReset = await postJson(`${t.base}/users/resetpassword`, { ...request, verificationCode: verifyCode, newPassword: 'x-password' });
    assert.equal(asReset.body.message, 'Request hash is invalid.');
    const forgot = (await postJson(`${t.base}/users/forgotpassword`, { username })).body;
    const resetCode = await latestCode(email, 2);
    const asVerify = await postJson(`${t.base}/users/verify`, { ...forgot, verificationCode: resetCode });
    assert.equal(asVerify.body.message, 'Request hash is invalid.');
  });

  test('the documented 400s and 404 of forgotpassword, checkhash, resetpassword and verify', async () => {
    const cases: [string, object, number, string][] = [
      ['forgotpassword', {}, 400, 'Username is required.'],
      ['forgotpassword', { username: 'nobody_here' }, 404, 'User was not found.'],
      ['checkhash', {}, 400, 'Username is required.'],
      ['checkhash', { username: 'a' }, 400, 'Hash is required.'],
      ['checkhash', { username: 'a', hash: 'h' }, 400, 'Expires is required.'],
      ['checkhash', { username: 'a', hash: 'h', expires: '1/1/1900' }, 400, 'Verification code is required.'],
      ['resetpassword', { username: 'a', hash: 'h', expires: '1/1/1900', verificationCode: '1' }, 400, 'New password is required.'],
      ['resetpassword', { username: 'nobody_here', hash: 'h', expires: '1/1/1900', verificationCode: '1', newPassword: 'pw-pw-pw' }, 400, 'Request hash is invalid.'],
      ['verify', { username: 'a', hash: 'h', expires: '1/1/1900' }, 400, 'Verification code is required.'],
      ['verify', { username: 'nobody_here', hash: 'h', expires: 'not a date', verificationCode: '1' }, 400, 'Request hash is invalid.'],
    ];
    for (const [route, body, status, message] of cases) {
      const res = await postJson(`${t.base}/users/${route}`, body);
      assert.equal(res.status, status, `${route} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.message, message, route);
    }
    const anonymous = await postJson(`${t.base}/users/register/anonymous`, { username: 'anon_recovery' });
    assert.equal(anonymous.status, 201);
    const res = await postJson(`${t.base}/users/forgotpassword`, { username: 'anon_recovery' });
    assert.equal(res.body.message, 'Anonymous user cannot recover password.');
    const verify = await postJson(`${t.base}/users/verify`, { username: 'anon_recovery', hash: 'h', expires: '1/1/1900', verificationCode: '1' });
    assert.equal(verify.body.message, 'Anonymous user cannot be verified.');
    const reset = await postJson(`${t.base}/users/resetpassword`, { username: 'anon_recovery', hash: 'h', expires: '1/1/1900', verificationCode: '1', newPassword: 'pw-pw-pw' });
    assert.equal(reset.body.message, 'Anonymous user cannot be reset.');
  });

  test('codes, answers and hashes never reach the logs', async () => {
    const email = address();
    const { request } = await register(email);
    const code = await latestCode(email);
    await postJson(`${t.base}/users/checkhash`, { ...request, verificationCode: code });
    const logs = t.logs.join('\n');
    assert.ok(!logs.includes(code), 'a code was logged');
    assert.ok(!logs.includes(request.hash), 'a hash was logged');
  });
});
