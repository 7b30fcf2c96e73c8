import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { get, postJson, request } from '../../helpers/http.js';
import { giveRole } from '../../helpers/roles.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { anonymousUser, passwordGrant, passwordUser, refreshGrant } from '../../helpers/tokens.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const putJson = (url: string, body: unknown, token: string) =>
  request(url, { method: 'PUT', headers: { 'content-type': 'application/json', ...bearer(token) }, body: JSON.stringify(body) });

/** users/updating_self.rst: the signed-in user's own information, questions and password. */
describe('self-service: PUT /users/me, POST /users/me/questions, POST /users/me/password', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  async function user(name: string, password = 'first-password') {
    await passwordUser(t, name, password);
    const res = await passwordGrant(t, name, password);
    assert.equal(res.status, 200);
    return res.body as { access_token: string; refresh_token: string };
  }

  test('PUT /users/me updates the caller, who needs no users permission (it is not PUT /users/{id})', async () => {
    const { access_token } = await user('self_updater');
    const res = await putJson(`${t.base}/users/me`, { firstName: 'Tester', lastName: 'McTesterton', phoneNumber: '+15555555555', emailAddress: 'test@test.com' }, access_token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.username, 'self_updater');
    assert.equal(res.body.firstName, 'Tester');
    assert.equal(res.body.emailAddress, 'test@test.com');
    assert.equal((await get(`${t.base}/users/me`, bearer(access_token))).body.lastName, 'McTesterton');
  });

  test("PUT /users/me: the docs' reasons", async () => {
    const { access_token } = await user('self_checker');
    await giveRole(t, 'self_checker', 'member');
    const cases: [object, string][] = [
      [{ emailAddress: 'not-an-address' }, 'Email address must be in a valid format.'],
      [{ phoneNumber: '5555555555' }, 'Phone number must be in an international format.'],
      [{ roles: [{ name: 'admin' }] }, 'Unable to change user roles via API.'],
      [{ username: null }, 'Username is a required field.'],
    ];
    for (const [body, message] of cases) {
      const res = await putJson(`${t.base}/users/me`, body, access_token);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.message, message);
    }
    await t.setAccountSettings({ recovery: 'email' });
    try {
      const res = await putJson(`${t.base}/users/me`, { firstName: 'x' }, access_token);
      assert.equal(res.body.message, 'Email address is required when Email recovery is enabled and the user is not anonymous.');
    } finally {
      await t.setAccountSettings({ recovery: 'none' });
    }
    assert.equal((await putJson(`${t.base}/users/me`, {}, 'not-a-token')).status, 401);
  });

  test('POST /users/me/questions: 204 for the caller, and the documented 400s', async () => {
    const { access_token } = await user('self_questions');
    const post = (body: unknown, token = access_token) => postJson(`${t.base}/users/me/questions`, body, bearer(token));
    const body = { securityQuestions: [{ question: 'What would you say to this question?', answer: '...' }] };
    assert.equal((await post(body)).body.message, 'Unable to update security questions if question verification is not configured.');
    await t.setAccountSettings({ recovery: 'question' });
    try {
      assert.equal((await post(body)).status, 204);
      const me = (await get(`${t.base}/users/me`, bearer(access_token))).body;
      assert.deepEqual(me.securityQuestions, [{ question: 'What would you say to this question?', answer: '...' }]);
      assert.equal((await post({ securityQuestions: [] })).body.message, 'At least one question is required.');
      assert.equal((await post({ securityQuestions: [{ question: ' ', answer: 'a' }] })).body.message, 'Question text is required.');
      assert.equal((await post({ securityQuestions: [{ question: 'q?', answer: '' }] })).body.message, 'Answer is required.');
      const anonymous = await anonymousUser(t);
      const anonToken = (await passwordGrant(t, anonymous)).body.access_token;
      assert.equal((await post(body, anonToken)).body.message, 'Anonymous user cannot have security questions.');
    } finally {
      await t.setAccountSettings({ recovery: 'none' });
    }
  });

  test('question recovery: the attempt picks the question; answers compare regardless of case and spaces', async () => {
    const { access_token } = await user('question_person');
    await t.setAccountSettings({ recovery: 'question' });
    try {
      const questions = [
        { question: 'Where were you born?', answer: 'New York' },
        { question: 'First pet?', answer: 'Rex the Dog' },
      ];
      assert.equal((await postJson(`${t.base}/users/me/questions`, { securityQuestions: questions }, bearer(access_token))).status, 204);
      const first = (await postJson(`${t.base}/users/forgotpassword`, { username: 'question_person' })).body;
      assert.equal(first.hint, 'Where were you born?');
      const second = (await postJson(`${t.base}/users/forgotpassword`, { username: 'question_person', attempt: 2 })).body;
      assert.equal(second.attempt, 2);
      assert.equal(second.hint, 'First pet?');
      // The first question's answer does not answer the second.
      assert.equal((await postJson(`${t.base}/users/checkhash`, { ...second, verificationCode: 'new york' })).body, false);
      assert.equal((await postJson(`${t.base}/users/checkhash`, { ...second, verificationCode: 'rexthedog' })).body, true);
      const reset = await postJson(`${t.base}/users/resetpassword`, { ...second, verificationCode: '  REX the   dog ', newPassword: 'second-password' });
      assert.equal(reset.status, 204, JSON.stringify(reset.body));
      assert.equal((await passwordGrant(t, 'question_person', 'second-password')).status, 200);
      const replay = await postJson(`${t.base}/users/resetpassword`, { ...second, verificationCode: 'rex the dog', newPassword: 'third-password' });
      assert.equal(replay.body.message, 'Request hash is invalid.');
    } finally {
      await t.setAccountSettings({ recovery: 'none' });
    }
  });

  test('POST /users/me/password: 204; other logins end, the calling one keeps working', async () => {
    const mine = await user('changer');
    const other = (await passwordGrant(t, 'changer', 'first-password')).body;
    const res = await postJson(`${t.base}/users/me/password`, { previousPassword: 'first-password', newPassword: 'second-password' }, bearer(mine.access_token));
    assert.equal(res.status, 204, JSON.stringify(res.body));
    assert.equal((await get(`${t.base}/users/me`, bearer(mine.access_token))).status, 200);
    assert.equal((await refreshGrant(t, mine.refresh_token)).status, 200, 'the calling login refreshes');
    const ended = await refreshGrant(t, other.refresh_token);
    assert.equal(ended.status, 400, 'another login is ended');
    assert.equal((await passwordGrant(t, 'changer', 'first-password')).status, 400);
    assert.equal((await passwordGrant(t, 'changer', 'second-password')).status, 200);
  });

  test("POST /users/me/password: the docs' reasons; wrong previous passwords are throttled like logins", async () => {
    const { access_token } = await user('wrong_previous');
    const post = (body: unknown, token = access_token) => postJson(`${t.base}/users/me/password`, body, bearer(token));
    assert.equal((await post({ previousPassword: 'first-password' })).body.message, 'New password is required.');
    assert.equal((await post({ newPassword: 'x-password' })).body.message, 'Previous password is required.');
    const anonymous = await anonymousUser(t);
    const anonToken = (await passwordGrant(t, anonymous)).body.access_token;
    assert.equal((await post({ previousPassword: 'nopassword', newPassword: 'x-password' }, anonToken)).body.message, 'Anonymous user cannot change password.');
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await post({ previousPassword: `guess-${i}`, newPassword: 'x-password' });
      statuses.push(res.status);
      if (res.status === 400) assert.equal(res.body.message, 'Previous password does not match existing password.');
    }
    assert.equal(statuses[0], 400);
    assert.ok(statuses.includes(429), `throttled: ${statuses}`);
    // The password grant shares the tally.
    assert.equal((await passwordGrant(t, 'wrong_previous', 'first-password')).status, 429);
  });
});
