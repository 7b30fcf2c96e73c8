import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { codeIn, TestMailServer } from 'openmeshy/dist/test/helpers/mail.js';
import { meshyError } from './helpers/meshy-error.js';
import { clientFor, startTestServer, uniqueName, type TestServer } from './helpers/server.js';

/** The SDK's self-service, recovery and verification calls against a real server and a real SMTP server. */
describe('SDK: verification, recovery and self-service', () => {
  let t: TestServer;
  const mail = new TestMailServer();

  before(async () => {
    await mail.start();
    t = await startTestServer({ flags: { '--smtp-url': mail.url, '--outbox-poll': '50' } });
    await t.setAccountSettings({ recovery: 'email' });
  });
  after(async () => {
    await t.close();
    await mail.stop();
  });

  const codeOf = async (address: string, count = 1) => codeIn((await mail.mailsTo(address, count))[count - 1]!.raw.split(/\r?\n\r?\n/).slice(1).join('\n'));

  async function verifiedUser(password = 'first pa55word') {
    const client = clientFor(t);
    const username = uniqueName('sdk');
    const emailAddress = `${username}@test.com`;
    const request = await client.registerUser({ username, newPassword: password, emailAddress });
    assert.ok(request);
    const refused = await meshyError(client.login(username, password));
    assert.equal(refused.code, 'user_unverified');
    assert.equal(refused.reason, 'User must be verified before logging in.');
    // MeshyDB's SDK hands `expires` back as a Date.
    const check = { ...request, expires: new Date(request.expires), verificationCode: await codeOf(emailAddress) };
    assert.equal(await client.checkHash({ ...check, verificationCode: check.verificationCode === '000000' ? '111111' : '000000' }), false);
    assert.equal(await client.checkHash(check), true);
    await client.verifyUser(check);
    const again = await meshyError(client.verify(check));
    assert.equal(again.reason, 'User has already been verified.');
    return { client, username, emailAddress, connection: await client.login(username, password) };
  }

  test('registerUser, checkHash, verifyUser, then login', async () => {
    const { connection, username } = await verifiedUser();
    assert.equal((await connection.usersService.getSelf()).username, username);
  });

  test('usersService.updateSelf and updateSecurityQuestion act on the caller', async () => {
    const { connection, emailAddress } = await verifiedUser();
    const updated = await connection.usersService.updateSelf({ firstName: 'Tester', lastName: 'McTesterton', emailAddress });
    assert.equal(updated.firstName, 'Tester');
    const missing = await meshyError(connection.usersService.updateSelf({ firstName: 'Tester' }));
    assert.equal(missing.reason, 'Email address is required when Email recovery is enabled and the user is not anonymous.');
    const questions = await meshyError(connection.usersService.updateSecurityQuestion({ securityQuestions: [{ question: 'q?', answer: 'a' }] }));
    assert.equal(questions.reason, 'Unable to update security questions if question verification is not configured.');
  });

  test('connection.updatePassword keeps this connection and ends the others', async () => {
    const { client, username, connection } = await verifiedUser('first pa55word');
    const other = await clientFor(t).login(username, 'first pa55word');
    const wrong = await meshyError(connection.updatePassword('not it', 'second pa55word'));
    assert.equal(wrong.reason, 'Previous password does not match existing password.');
    await connection.updatePassword('first pa55word', 'second pa55word');
    assert.equal((await connection.usersService.getSelf()).username, username);
    const ended = await meshyError(clientFor(t).loginWithRefresh(other.retrieveRefreshToken()));
    assert.equal(ended.statusCode, 400);
    assert.equal((await (await client.login(username, 'second pa55word')).usersService.getSelf()).username, username);
  });

  test('forgotPassword and resetPassword; a replay is refused', async () => {
    const { client, username, emailAddress } = await verifiedUser();
    const request = await client.forgotPassword(username);
    assert.equal(request.attempt, 1);
    assert.match(request.hint, /^s\*\*\*@test\.com$/);
    const reset = { ...request, expires: new Date(request.expires), verificationCode: await codeOf(emailAddress, 2), newPassword: 'reset pa55word' };
    await client.resetPassword(reset);
    await client.login(username, 'reset pa55word');
    const replay = await meshyError(client.resetPassword({ ...reset, newPassword: 'another pa55word' }));
    assert.equal(replay.code, 'hash_invalid');
    assert.equal(replay.reason, 'Request hash is invalid.');
  });
});
